"""The seeded checklist templates (installed by migration 0002 and by ``manage.py seed_checklists``).

Item tuple: (text, guidance, options) where options is a string of flags:
  P photo required on failure, N note required on failure (default on), R rectification required (default on),
  C critical, S<max> scored out of <max> (otherwise pass/fail), W<weight> item weight.
"""

from __future__ import annotations

import re
from decimal import Decimal

SIX_CHECKS = {
    "code": "six-checks",
    "name": "“六查六看”服务质量自查表",
    "description": "依据《“优质服务年”活动方案》三（二）2：一查服务技能、二查服务态度、三查服务环境、四查工作流程、五查仪容仪表、六查工作用语。",
    "pass_mark": "80",
    "sections": [
        ("一查服务技能：看是否满足岗位的要求", "skill", "1", [
            ("熟悉本岗位职责和操作规程", "抽问岗位职责、操作规程要点", "NR"),
            ("业务熟练，能独立解答师生咨询", "现场观察或模拟咨询", "NR"),
            ("特殊岗位持证上岗（健康证、电工证等）", "查验证件原件及有效期", "NRC"),
            ("设备、工具使用正确，操作规范", "", "NR"),
        ]),
        ("二查服务态度：看是否有态度冷漠、推诿现象", "attitude", "1", [
            ("接待师生主动热情，无态度冷漠现象", "", "NR"),
            ("落实首问负责制，无推诿、扯皮现象", "以师生身份询问非本岗位事项", "NR"),
            ("对师生意见、投诉耐心解释、及时处理", "", "NR"),
        ]),
        ("三查服务环境：看是否有工作环境脏乱差现象", "environment", "1", [
            ("工作场所整洁，无脏乱差现象", "地面、台面、墙角、门窗", "PNR"),
            ("物品定置摆放，整齐有序", "", "PNR"),
            ("公共区域卫生达标，垃圾及时清运", "", "PNR"),
            ("标识标牌清晰、完好", "", "PNR"),
        ]),
        ("四查工作流程：看是否能方便师生", "workflow", "1", [
            ("服务项目、办事流程、收费标准公开公示", "查看公示栏、网站", "NR"),
            ("服务时间、服务电话、投诉电话公布并畅通", "拨打测试", "NR"),
            ("报修、投诉受理及时，按承诺时限办结", "抽查登记台账", "NR"),
            ("流程简便，无让师生多跑路现象", "", "NR"),
        ]),
        ("五查仪容仪表：看是否有仪表不整洁情况", "appearance", "1", [
            ("按规定着装，服装整洁统一", "", "PNR"),
            ("佩戴工号牌，挂牌上岗", "", "PNR"),
            ("个人卫生良好，精神饱满", "头发、指甲、饰物", "NR"),
        ]),
        ("六查工作用语：看是否有不文明、不礼貌用语及服务忌语", "language", "1", [
            ("使用文明用语，“请、您好、谢谢、对不起、再见”不离口", "", "NR"),
            ("无不文明、不礼貌用语及服务忌语", "对照《服务忌语》清单", "NR"),
            ("电话接听规范，首句问候并报部门", "拨打服务电话测试", "NR"),
        ]),
    ],
}

KITCHEN = {
    "code": "kitchen-hygiene",
    "name": "餐厅厨房卫生检查表",
    "description": "餐厅后厨食品安全与卫生检查，适用于饮食服务中心各餐厅。",
    "pass_mark": "85",
    "sections": [
        ("人员卫生", "appearance", "1", [
            ("从业人员持有效健康证明上岗", "查验健康证", "NRC"),
            ("穿戴工作衣帽、口罩，不戴饰物", "", "PNR"),
            ("操作前洗手消毒", "", "NR"),
        ]),
        ("加工操作", "workflow", "2", [
            ("生熟分开，刀具砧板标识使用", "", "PNRC"),
            ("食品留样48小时，每样不少于125克", "查看留样柜及记录", "PNRC"),
            ("原料索证索票，无过期变质食品", "", "PNRC"),
            ("加工操作规范程度", "按操作规程评分", "NRS10"),
        ]),
        ("环境设施", "environment", "1", [
            ("地面、墙面、排水沟清洁无积垢", "", "PNR"),
            ("防蝇防鼠设施完好", "", "PNR"),
            ("餐用具清洗消毒、保洁柜存放", "", "PNR"),
            ("整体卫生状况", "综合评分", "NRS10"),
        ]),
    ],
}

DORMITORY = {
    "code": "dormitory",
    "name": "学生公寓服务检查表",
    "description": "学生公寓楼宇管理、卫生与安全检查，适用于学生公寓管理中心。",
    "pass_mark": "80",
    "sections": [
        ("值班与服务", "attitude", "1", [
            ("值班室24小时有人值守，交接班记录完整", "", "NR"),
            ("来访登记规范", "", "NR"),
            ("对学生咨询、报修热情接待，及时处理", "", "NR"),
        ]),
        ("楼宇卫生", "environment", "1", [
            ("楼道、楼梯、卫生间清洁无异味", "", "PNR"),
            ("垃圾日产日清", "", "PNR"),
            ("楼宇卫生综合评分", "", "NRS10"),
        ]),
        ("安全管理", "workflow", "2", [
            ("消防通道畅通，消防器材完好有效", "", "PNRC"),
            ("无违章电器，用电安全检查记录完整", "", "PNR"),
            ("门禁系统运行正常", "", "NR"),
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


def install(Template, Section, Item) -> int:
    """Create the seeded templates that do not exist yet (by code). Takes the model classes so a data
    migration can pass its historical models. Returns how many templates were created."""
    created = 0
    for spec in SEED_TEMPLATES:
        if Template.objects.filter(code=spec["code"]).exists():
            continue
        template = Template.objects.create(code=spec["code"], name=spec["name"], description=spec["description"],
                                           pass_mark=Decimal(spec["pass_mark"]))
        for s_order, (title, dimension, weight, items) in enumerate(spec["sections"], start=1):
            section = Section.objects.create(template=template, title=title, dimension=dimension, weight=Decimal(weight), order=s_order)
            Item.objects.bulk_create([
                Item(section=section, text=text, guidance=guidance, order=i_order, **_flags(options))
                for i_order, (text, guidance, options) in enumerate(items, start=1)
            ])
        created += 1
    return created
