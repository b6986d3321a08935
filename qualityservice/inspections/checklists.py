"""The seeded checklist templates (installed by migration 0002 and by ``manage.py seed_checklists``).

Every text has its English beside it. Section tuple: (title, title_en, dimension, weight, items).
Item tuple: (text, text_en, guidance, guidance_en, options) where options is a string of flags:
  P photo required on failure, N note required on failure (default on), R rectification required (default on),
  C critical, S<max> scored out of <max> (otherwise pass/fail), W<weight> item weight.
"""

from __future__ import annotations

import re
from decimal import Decimal

SIX_CHECKS = {
    "code": "six-checks",
    "name": "“六查六看”服务质量自查表",
    "name_en": "“Six checks, six looks” service quality self-check",
    "description": "依据《“优质服务年”活动方案》三（二）2：一查服务技能、二查服务态度、三查服务环境、四查工作流程、五查仪容仪表、六查工作用语。",
    "description_en": "Based on part III (2) 2 of the “Year of Quality Service” campaign plan: check service skills, service "
                      "attitude, the service environment, workflows, appearance and the language used at work.",
    "pass_mark": "80",
    "sections": [
        ("一查服务技能：看是否满足岗位的要求", "1. Service skills: do they meet the requirements of the post?", "skill", "1", [
            ("熟悉本岗位职责和操作规程", "Knows the duties and the operating procedures of the post",
             "抽问岗位职责、操作规程要点", "Ask at random about the duties and the key points of the procedures", "NR"),
            ("业务熟练，能独立解答师生咨询", "Skilled at the work; answers questions from teachers and students unaided",
             "现场观察或模拟咨询", "Observe on site or ask a mock question", "NR"),
            ("特殊岗位持证上岗（健康证、电工证等）",
             "Posts that need a certificate are held by certified staff (health certificate, electrician's licence, etc.)",
             "查验证件原件及有效期", "Check the original certificates and their expiry dates", "NRC"),
            ("设备、工具使用正确，操作规范", "Equipment and tools are used correctly, as the procedures require", "", "", "NR"),
        ]),
        ("二查服务态度：看是否有态度冷漠、推诿现象", "2. Service attitude: any coldness or passing the buck?", "attitude", "1", [
            ("接待师生主动热情，无态度冷漠现象", "Receives teachers and students warmly and readily; never cold or indifferent",
             "", "", "NR"),
            ("落实首问负责制，无推诿、扯皮现象", "The first person asked takes charge; no passing the buck or wrangling",
             "以师生身份询问非本岗位事项", "Posing as a teacher or student, ask about a matter outside the post", "NR"),
            ("对师生意见、投诉耐心解释、及时处理", "Explains patiently and deals promptly with opinions and complaints", "", "",
             "NR"),
        ]),
        ("三查服务环境：看是否有工作环境脏乱差现象", "3. Service environment: is the workplace dirty, messy or run-down?",
         "environment", "1", [
            ("工作场所整洁，无脏乱差现象", "The workplace is clean and tidy, not dirty, messy or run-down",
             "地面、台面、墙角、门窗", "Floors, counters, corners, doors and windows", "PNR"),
            ("物品定置摆放，整齐有序", "Things are kept in their set places, neat and orderly", "", "", "PNR"),
            ("公共区域卫生达标，垃圾及时清运", "Public areas meet the hygiene standard; rubbish is removed promptly", "", "",
             "PNR"),
            ("标识标牌清晰、完好", "Signs and notices are clear and intact", "", "", "PNR"),
        ]),
        ("四查工作流程：看是否能方便师生", "4. Workflows: are they convenient for teachers and students?", "workflow", "1", [
            ("服务项目、办事流程、收费标准公开公示", "Services, procedures and charges are on public display",
             "查看公示栏、网站", "Look at the notice board and the website", "NR"),
            ("服务时间、服务电话、投诉电话公布并畅通",
             "Service hours, the service number and the complaint number are published and answered",
             "拨打测试", "Call them to test", "NR"),
            ("报修、投诉受理及时，按承诺时限办结",
             "Repair requests and complaints are taken promptly and closed within the promised time",
             "抽查登记台账", "Spot-check the register", "NR"),
            ("流程简便，无让师生多跑路现象", "Procedures are simple; nobody is sent from one office to another", "", "", "NR"),
        ]),
        ("五查仪容仪表：看是否有仪表不整洁情况", "5. Appearance: is anyone untidy?", "appearance", "1", [
            ("按规定着装，服装整洁统一", "Wears the prescribed uniform, clean and consistent", "", "", "PNR"),
            ("佩戴工号牌，挂牌上岗", "Wears the staff number badge at work", "", "", "PNR"),
            ("个人卫生良好，精神饱满", "Good personal hygiene; alert and energetic",
             "头发、指甲、饰物", "Hair, nails, jewellery", "NR"),
        ]),
        ("六查工作用语：看是否有不文明、不礼貌用语及服务忌语", "6. Language at work: any rude or impolite words, or taboo phrases?",
         "language", "1", [
            ("使用文明用语，“请、您好、谢谢、对不起、再见”不离口",
             "Uses courteous language: “please”, “hello”, “thank you”, “sorry” and “goodbye” all the time", "", "", "NR"),
            ("无不文明、不礼貌用语及服务忌语", "No rude or impolite words and no taboo service phrases",
             "对照《服务忌语》清单", "Compare with the list of taboo service phrases", "NR"),
            ("电话接听规范，首句问候并报部门", "Answers the phone properly: a greeting and the department's name first",
             "拨打服务电话测试", "Call the service number to test", "NR"),
        ]),
    ],
}

KITCHEN = {
    "code": "kitchen-hygiene",
    "name": "餐厅厨房卫生检查表",
    "name_en": "Canteen kitchen hygiene checklist",
    "description": "餐厅后厨食品安全与卫生检查，适用于饮食服务中心各餐厅。",
    "description_en": "Food safety and hygiene inspection of canteen kitchens, for every canteen of the Catering Service Centre.",
    "pass_mark": "85",
    "sections": [
        ("人员卫生", "Staff hygiene", "appearance", "1", [
            ("从业人员持有效健康证明上岗", "Every food handler holds a valid health certificate",
             "查验健康证", "Check the health certificates", "NRC"),
            ("穿戴工作衣帽、口罩，不戴饰物", "Wears work clothes, cap and mask; no jewellery", "", "", "PNR"),
            ("操作前洗手消毒", "Washes and disinfects hands before work", "", "", "NR"),
        ]),
        ("加工操作", "Food preparation", "workflow", "2", [
            ("生熟分开，刀具砧板标识使用", "Raw and cooked food kept apart; knives and chopping boards labelled and used accordingly",
             "", "", "PNRC"),
            ("食品留样48小时，每样不少于125克", "Food samples kept for 48 hours, at least 125 g of each dish",
             "查看留样柜及记录", "Look at the sample fridge and its records", "PNRC"),
            ("原料索证索票，无过期变质食品", "Certificates and invoices kept for the ingredients; no expired or spoiled food",
             "", "", "PNRC"),
            ("加工操作规范程度", "How closely food preparation follows the procedures",
             "按操作规程评分", "Score against the operating procedures", "NRS10"),
        ]),
        ("环境设施", "Premises and equipment", "environment", "1", [
            ("地面、墙面、排水沟清洁无积垢", "Floors, walls and drains clean, with no built-up dirt", "", "", "PNR"),
            ("防蝇防鼠设施完好", "Fly and rodent protection intact", "", "", "PNR"),
            ("餐用具清洗消毒、保洁柜存放", "Tableware washed, disinfected and kept in a clean cupboard", "", "", "PNR"),
            ("整体卫生状况", "Overall hygiene", "综合评分", "Overall score", "NRS10"),
        ]),
    ],
}

DORMITORY = {
    "code": "dormitory",
    "name": "学生公寓服务检查表",
    "name_en": "Student apartment service checklist",
    "description": "学生公寓楼宇管理、卫生与安全检查，适用于学生公寓管理中心。",
    "description_en": "Building management, hygiene and safety inspection of the student apartments, for the Student Apartment Centre.",
    "pass_mark": "80",
    "sections": [
        ("值班与服务", "Duty and service", "attitude", "1", [
            ("值班室24小时有人值守，交接班记录完整", "The duty room is staffed 24 hours a day; shift handover records are complete",
             "", "", "NR"),
            ("来访登记规范", "Visitors are registered properly", "", "", "NR"),
            ("对学生咨询、报修热情接待，及时处理", "Students' questions and repair requests are received warmly and handled promptly",
             "", "", "NR"),
        ]),
        ("楼宇卫生", "Building hygiene", "environment", "1", [
            ("楼道、楼梯、卫生间清洁无异味", "Corridors, stairs and toilets clean and free of odours", "", "", "PNR"),
            ("垃圾日产日清", "Rubbish cleared the same day", "", "", "PNR"),
            ("楼宇卫生综合评分", "Overall score for building hygiene", "", "", "NRS10"),
        ]),
        ("安全管理", "Safety", "workflow", "2", [
            ("消防通道畅通，消防器材完好有效", "Fire escapes clear; fire equipment intact and in date", "", "", "PNRC"),
            ("无违章电器，用电安全检查记录完整", "No prohibited electrical appliances; electrical safety check records complete",
             "", "", "PNR"),
            ("门禁系统运行正常", "The access control system works", "", "", "NR"),
        ]),
    ],
}

SEED_TEMPLATES = [SIX_CHECKS, KITCHEN, DORMITORY]


def _flags(options: str) -> dict:
    scored = re.search(r"S(\d+)", options)
    weight = re.search(r"W([\d.]+)", options)
    letters = re.sub(r"[SW][\d.]+", "", options)
    return {
        "photo_on_fail": "P" in letters,
        "note_on_fail": "N" in letters,
        "rectification_on_fail": "R" in letters,
        "is_critical": "C" in letters,
        "answer_type": "score" if scored else "pass_fail",
        "max_score": int(scored.group(1)) if scored else 10,
        "weight": Decimal(weight.group(1)) if weight else Decimal("1"),
    }


def _has_english(model) -> bool:
    """Whether ``model`` (maybe a historical model of a migration older than 0005) has the English fields."""
    return any(f.name.endswith("_en") for f in model._meta.get_fields())


def install(Template, Section, Item) -> int:
    """Create the seeded templates that do not exist yet (by code), with their English text when the models
    have the fields. Takes the model classes so a data migration can pass its historical models. Returns how
    many templates were created."""
    created = 0
    english = _has_english(Template)
    for spec in SEED_TEMPLATES:
        if Template.objects.filter(code=spec["code"]).exists():
            continue
        en = {"name_en": spec["name_en"], "description_en": spec["description_en"]} if english else {}
        template = Template.objects.create(code=spec["code"], name=spec["name"], description=spec["description"],
                                           pass_mark=Decimal(spec["pass_mark"]), **en)
        for s_order, (title, title_en, dimension, weight, items) in enumerate(spec["sections"], start=1):
            section = Section.objects.create(template=template, title=title, dimension=dimension, weight=Decimal(weight),
                                             order=s_order, **({"title_en": title_en} if english else {}))
            Item.objects.bulk_create([
                Item(section=section, text=text, guidance=guidance, order=i_order, **_flags(options),
                     **({"text_en": text_en, "guidance_en": guidance_en} if english else {}))
                for i_order, (text, text_en, guidance, guidance_en, options) in enumerate(items, start=1)
            ])
        created += 1
    return created


def translate(Template, Section, Item) -> int:
    """Give the seeded templates already installed their English text: matched by template code, section
    title and item text as shipped; fills only empty English fields (an English text a supervisor wrote
    stays). Takes the model classes like :func:`install`. Returns how many rows changed."""
    changed = 0
    for spec in SEED_TEMPLATES:
        template = Template.objects.filter(code=spec["code"]).first()
        if template is None:
            continue
        fields = [f for f in ("name_en", "description_en") if not getattr(template, f)]
        for f in fields:
            setattr(template, f, spec[f])
        if fields:
            template.save(update_fields=fields)
            changed += 1
        sections = {s.title: s for s in Section.objects.filter(template=template)}
        for title, title_en, _dimension, _weight, items in spec["sections"]:
            section = sections.get(title)
            if section is None:
                continue
            if not section.title_en:
                section.title_en = title_en
                section.save(update_fields=["title_en"])
                changed += 1
            by_text = {i.text: i for i in Item.objects.filter(section=section)}
            for text, text_en, _guidance, guidance_en, _options in items:
                item = by_text.get(text)
                if item is None:
                    continue
                fields = [f for f, value in (("text_en", text_en), ("guidance_en", guidance_en)) if value and not getattr(item, f)]
                if fields:
                    item.text_en, item.guidance_en = item.text_en or text_en, item.guidance_en or guidance_en
                    item.save(update_fields=fields)
                    changed += 1
    return changed
