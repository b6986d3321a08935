"""The survey templates shipped with the platform, installed by a data migration (fresh installs)
and by ``manage.py seed_survey_templates`` (idempotent: a template is keyed by ``template_key``).

Written against a models registry (``apps.get_model``) so the data migration can use it."""

from __future__ import annotations

# (code, section title, English, overall question, English, matrix items [(zh, en)], gate question or None)
LOGISTICS_DEPARTMENTS = [
    ("yinshi", "餐饮服务（食堂）", "Catering (canteens)", "总体而言，您对食堂的服务满意吗？", "Overall, how satisfied are you with the canteens?",
     [("饭菜质量与口味", "Quality and taste of the food"), ("价格合理", "Fair prices"), ("食品卫生与安全", "Food hygiene and safety"),
      ("服务态度", "Attitude of the staff"), ("就餐环境", "Dining environment")], None),
    ("gongyu", "学生公寓", "Student apartments", "总体而言，您对学生公寓的服务满意吗？", "Overall, how satisfied are you with the apartments?",
     [("宿舍卫生与公共区域保洁", "Cleanliness of rooms and common areas"), ("宿舍管理员服务态度", "Attitude of the dorm managers"),
      ("安全管理", "Safety and security"), ("热水、洗衣等生活设施", "Hot water, laundry and other facilities")], None),
    ("weixiu", "维修服务", "Repairs", "总体而言，您对维修服务满意吗？", "Overall, how satisfied are you with repairs?",
     [("报修方便快捷", "Reporting a repair is easy"), ("维修人员及时到场", "Repairers arrive on time"),
      ("维修质量", "Quality of the repair"), ("维修人员文明礼貌", "Repairers are courteous")],
     ("本学期您是否报修过？", "Have you reported a repair this term?")),
    ("wuye", "物业管理", "Property management", "总体而言，您对教学楼和校园物业服务满意吗？",
     "Overall, how satisfied are you with property services in teaching buildings and on campus?",
     [("教学楼卫生", "Cleanliness of teaching buildings"), ("校园绿化与环境", "Campus greenery and environment"),
      ("教室设备保障", "Classroom equipment support"), ("物业人员服务态度", "Attitude of property staff")], None),
    ("jiaotong", "交通服务（校车）", "Transport (campus buses)", "总体而言，您对校车服务满意吗？", "Overall, how satisfied are you with the campus buses?",
     [("班车准点", "Buses run on time"), ("车辆整洁", "Vehicles are clean"), ("驾驶安全平稳", "Safe and smooth driving"),
      ("线路与班次安排合理", "Routes and timetable meet needs")],
     ("本学期您是否乘坐过校车？", "Have you taken a campus bus this term?")),
    ("shangmao", "商贸服务（超市）", "Retail (shops)", "总体而言，您对校园超市服务满意吗？", "Overall, how satisfied are you with the campus shops?",
     [("商品种类丰富", "Range of goods"), ("价格合理、明码标价", "Fair and clearly marked prices"), ("服务态度", "Attitude of the staff")], None),
]

# SERVQUAL (Parasuraman, Zeithaml & Berry 1988), 22 items adapted to campus logistics services.
SERVQUAL_ITEMS = {
    "tangibles": ("有形性", "Tangibles", [
        ("设备设施现代化", "Up-to-date equipment and facilities"),
        ("服务场所外观整洁美观", "Visually appealing service premises"),
        ("员工着装整洁、佩戴工牌", "Neat staff wearing their badges"),
        ("服务场所的环境与所提供的服务相称", "Premises in keeping with the service provided"),
    ]),
    "reliability": ("可靠性", "Reliability", [
        ("承诺在某时间内完成的事能按时完成", "Does what it promised by the time it promised"),
        ("师生遇到困难时表现出关心并帮助解决", "Shows sincere interest in solving your problem"),
        ("服务可靠，第一次就把事情做好", "Dependable: gets it right the first time"),
        ("按承诺的时间提供服务", "Provides the service at the promised time"),
        ("准确记录相关信息，不出差错", "Keeps accurate records"),
    ]),
    "responsiveness": ("响应性", "Responsiveness", [
        ("告诉师生提供服务的确切时间", "Tells you exactly when the service will be performed"),
        ("员工提供及时的服务", "Staff give you prompt service"),
        ("员工总是乐于帮助师生", "Staff are always willing to help you"),
        ("员工不会因为太忙而无法回应师生的要求", "Staff are never too busy to respond to your requests"),
    ]),
    "assurance": ("保证性", "Assurance", [
        ("员工的行为值得信赖", "The behaviour of staff instils confidence"),
        ("与员工打交道时感到放心", "You feel safe in your dealings with staff"),
        ("员工始终礼貌待人", "Staff are consistently courteous"),
        ("员工具备回答师生问题的专业知识", "Staff have the knowledge to answer your questions"),
    ]),
    "empathy": ("移情性", "Empathy", [
        ("对师生给予个别的关注", "Gives you individual attention"),
        ("员工给予师生个性化的关怀", "Staff give you personal care"),
        ("把师生的利益放在心上", "Has your best interests at heart"),
        ("员工了解师生的具体需求", "Staff understand your specific needs"),
        ("服务时间方便师生", "Operating hours convenient to you"),
    ]),
}

NPS_QUESTION = ("您有多大可能向同学或同事推荐后勤集团的服务？（0=完全不可能，10=非常可能）",
                "How likely are you to recommend the logistics group's services to a classmate or colleague? (0 = not at all, 10 = extremely likely)")


def install_templates(apps=None) -> int:
    """Create the shipped templates that do not exist yet. Returns how many were created."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Survey = apps.get_model("surveys", "Survey")
    Section = apps.get_model("surveys", "Section")
    Question = apps.get_model("surveys", "Question")
    Option = apps.get_model("surveys", "Option")
    created = 0
    existing = set(Survey.objects.filter(is_template=True).values_list("template_key", flat=True))

    def section(survey, order, title, title_en):
        return Section.objects.create(survey=survey, order=order, title=title, title_en=title_en)

    def question(survey, sec, order, kind, text, text_en, options=(), **extra):
        q = Question.objects.create(survey=survey, section=sec, order=order, kind=kind, text=text, text_en=text_en, **extra)
        Option.objects.bulk_create([Option(question=q, value=i, text=zh, text_en=en) for i, (zh, en) in enumerate(options, 1)])
        return q

    if "logistics-annual" not in existing:
        s = Survey.objects.create(
            title="后勤服务年度满意度调查", title_en="Annual logistics service satisfaction survey",
            description="为了解广大师生对后勤服务的评价，持续改进服务质量，特开展本次年度满意度调查。问卷约需5分钟，感谢您的支持！",
            description_en="Tell us how well the logistics group served you this year, so we can improve. About 5 minutes. Thank you!",
            kind="satisfaction", is_template=True, template_key="logistics-annual", ask_respondent_type=True, ask_place=False,
        )
        sec = section(s, 1, "基本信息", "About you")
        question(s, sec, 1, "single", "您主要在哪个校区学习或工作？", "Which campus do you mainly study or work on?",
                 [("崂山校区", "Laoshan campus"), ("鱼山校区", "Yushan campus"), ("浮山校区", "Fushan campus"), ("西海岸校区", "West Coast campus")],
                 required=False)
        for order, (code, title, title_en, overall, overall_en, items, gate) in enumerate(LOGISTICS_DEPARTMENTS, 2):
            sec = section(s, order, title, title_en)
            n = 1
            gate_q = None
            if gate:
                gate_q = question(s, sec, n, "single", gate[0], gate[1], [("是", "Yes"), ("否", "No")], required=True)
                n += 1
            show = {"show_if_question": gate_q, "show_if_value": "1"} if gate_q else {}
            question(s, sec, n, "rating", overall, overall_en, department_code=code, required=True, **show)
            question(s, sec, n + 1, "matrix", "请对以下方面打分（1=很不满意，5=很满意）", "Rate each aspect (1 = very dissatisfied, 5 = very satisfied)",
                     items, department_code=code, required=False, **show)
        sec = section(s, 99, "总体评价与建议", "Overall and suggestions")
        question(s, sec, 1, "nps", NPS_QUESTION[0], NPS_QUESTION[1], required=True)
        question(s, sec, 2, "multiple", "您认为后勤服务最需要改进的方面（可多选）", "What needs improving most? (choose any)",
                 [("饭菜质量与价格", "Food quality and prices"), ("宿舍条件", "Dormitory conditions"), ("维修响应速度", "Speed of repairs"),
                  ("校园环境卫生", "Campus cleanliness"), ("交通出行", "Transport"), ("员工服务态度", "Staff attitude")], required=False)
        question(s, sec, 3, "text", "您对后勤服务还有哪些意见和建议？", "Any other comments or suggestions?", required=False)
        created += 1

    if "servqual" not in existing:
        s = Survey.objects.create(
            title="后勤服务质量SERVQUAL评价", title_en="SERVQUAL assessment of logistics service quality",
            description="本问卷分两部分：先请您评价对优秀后勤服务的期望，再评价您实际感受到的服务。1=非常不同意，5=非常同意。",
            description_en="Two parts: first what you expect of an excellent logistics service, then what you actually experienced. 1 = strongly disagree, 5 = strongly agree.",
            kind="servqual", is_template=True, template_key="servqual", ask_respondent_type=True,
        )
        for order, (part, title, title_en, lead, lead_en) in enumerate([
            ("expectation", "第一部分：期望", "Part 1: expectations", "优秀的后勤服务应当做到：", "An excellent logistics service should: "),
            ("perception", "第二部分：感知", "Part 2: perceptions", "您所体验的后勤服务做到了：", "The logistics service you experienced: "),
        ], 1):
            sec = section(s, order, title, title_en)
            for n, (dimension, (dim_zh, dim_en, items)) in enumerate(SERVQUAL_ITEMS.items(), 1):
                question(s, sec, n, "matrix", f"{lead}{dim_zh}", f"{lead_en}{dim_en.lower()}", items,
                         servqual_dimension=dimension, servqual_part=part, required=True)
        created += 1

    if "nps" not in existing:
        s = Survey.objects.create(
            title="后勤服务推荐度调查（NPS）", title_en="Net Promoter Score survey",
            description="只需两道题，感谢您的反馈。", description_en="Just two questions. Thank you!",
            kind="nps", is_template=True, template_key="nps", ask_respondent_type=True,
        )
        sec = section(s, 1, "推荐度", "Recommendation")
        question(s, sec, 1, "nps", NPS_QUESTION[0], NPS_QUESTION[1], required=True)
        question(s, sec, 2, "text", "您给出这个分数的主要原因是什么？", "What is the main reason for your score?", required=False)
        created += 1
    return created
