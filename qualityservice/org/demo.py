"""Demo data for the organisation: a logistics group modelled on the seed plan's (中国海洋大学后勤集团)."""

from __future__ import annotations

import random

from django.contrib.auth import get_user_model

from qualityservice.core.roles import Role

from .models import Commitment, Department, Place, ServicePhrase, SiteSettings, Staff

DEMO_PASSWORD = "demo-2026"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰红玉华建国春梅海燕云飞鹏辉宁波晶晓东志立新文彬斌浩凯婷雪琳颖倩晨阳丹慧俊峰宇欣怡佳"

# code, name, English name, service phone, complaint phone, teams (name, English name), posts, staff count
CENTRES = [
    ("yinshi", "饮食服务中心", "Catering Service Centre", "66781320", "66781321",
     [("第一餐厅班组", "Canteen No. 1 team"), ("第二餐厅班组", "Canteen No. 2 team"), ("面点班组", "Pastry team")], ["厨师", "面点师", "售饭员", "餐厅服务员", "采购员", "班组长"], 40),
    ("wuye", "物业管理中心", "Property Management Centre", "66781330", "66781331",
     [("保洁一班", "Cleaning team 1"), ("保洁二班", "Cleaning team 2"), ("绿化班", "Grounds team")], ["保洁员", "绿化工", "楼宇管理员", "班组长", "物业主管"], 38),
    ("gongyu", "学生公寓管理中心", "Student Apartment Centre", "66781340", "",
     [("北区公寓班组", "North apartments team"), ("南区公寓班组", "South apartments team")], ["宿舍管理员", "值班员", "保洁员", "班组长"], 34),
    ("weixiu", "维修服务中心", "Maintenance Centre", "66781350", "66781351",
     [("水电维修班", "Plumbing and electrics team"), ("土木维修班", "Building repairs team")], ["电工", "水暖工", "木工", "维修调度员", "班组长"], 26),
    ("jiaotong", "交通服务中心", "Transport Centre", "66781360", "",
     [("班车队", "Shuttle bus team"), ("校车调度组", "Bus dispatch team")], ["驾驶员", "调度员", "车辆维修工"], 20),
    ("shangmao", "商贸服务中心", "Retail Service Centre", "66781370", "",
     [("超市班组", "Supermarket team")], ["营业员", "收银员", "仓管员"], 16),
    ("youeryuan", "幼儿园", "Kindergarten", "66781380", "",
     [], ["幼儿教师", "保育员", "保健医生"], 14),
    ("bangongshi", "集团办公室", "Group Office", "66781300", "",
     [("质量督查组", "Quality inspection team")], ["办公室主任", "质量督查员", "热线接线员", "信息管理员"], 12),
]

COMMITMENTS = {
    "yinshi": [
        ("饭菜明码标价，足量供应，不售变质食品", "", "Prices on display, full portions, no spoiled food", None, ""),
        ("师生投诉24小时内答复", "complaint", "Complaints from students and staff answered within 24 hours", 24, "working_hours"),
        ("师生建议3个工作日内答复", "suggestion", "Suggestions from students and staff answered within 3 working days", 24, "working_hours"),
    ],
    "wuye": [
        ("公共区域每日清扫不少于两次，保持整洁", "", "Public areas cleaned at least twice a day and kept tidy", None, ""),
        ("报修电话30分钟内响应", "repair", "Repair calls answered within 30 minutes", 30, "minutes"),
        ("投诉24小时内答复", "complaint", "Complaints answered within 24 hours", 24, "hours"),
    ],
    "gongyu": [
        ("值班室24小时有人值守", "", "Duty room staffed 24 hours a day", None, ""),
        ("投诉8个工作小时内答复", "complaint", "Complaints answered within 8 working hours", 8, "working_hours"),
    ],
    "weixiu": [
        ("一般维修当日完成，急修30分钟到场", "repair", "Routine repairs done the same day; urgent repairs attended within 30 minutes", 30, "minutes"),
        ("投诉24小时内答复", "complaint", "Complaints answered within 24 hours", 24, "working_hours"),
        ("维修完成后回访", "", "A follow-up call after every repair", None, ""),
    ],
    "jiaotong": [("班车准点发车，误差不超过3分钟", "", "Shuttle buses leave on time, within 3 minutes", None, ""), ("投诉24小时内答复", "complaint", "Complaints answered within 24 hours", 24, "working_hours")],
    "shangmao": [("商品明码标价，假一赔十", "", "Prices on display; ten times the price back for any counterfeit", None, ""), ("咨询当场答复或2小时内答复", "enquiry", "Enquiries answered on the spot or within 2 hours", 2, "working_hours")],
    "youeryuan": [("家长意见48小时内答复", "complaint", "Parents' comments answered within 48 hours", 48, "hours")],
    "bangongshi": [("服务热线工作时间专人接听", "", "The service hotline is answered in person during working hours", None, ""), ("咨询4个工作小时内答复", "enquiry", "Enquiries answered within 4 working hours", 4, "working_hours")],
}

# phrase, English, situation, situation in English
COURTEOUS = [
    ("您好！", "Hello!", "问候", "Greeting"),
    ("请问您需要什么帮助？", "How can I help you?", "问候", "Greeting"),
    ("请稍等，我马上为您办理。", "One moment please, I'll take care of it right away.", "服务中", "While serving"),
    ("对不起，让您久等了。", "Sorry to have kept you waiting.", "致歉", "Apology"),
    ("谢谢您的理解和支持！", "Thank you for your understanding and support!", "致谢", "Thanks"),
    ("请慢走，欢迎再来。", "Take care, and please come again.", "告别", "Farewell"),
    ("这是我们工作的疏忽，我们马上改正。", "That was our oversight; we will put it right at once.", "致歉", "Apology"),
    ("您的意见我们记下了，会尽快答复您。", "We have noted your comment and will answer you as soon as possible.", "受理投诉",
     "Taking a complaint"),
]
TABOO = [
    ("不知道", "Don't know."), ("不归我管", "Not my job."), ("找别人去", "Go and ask someone else."),
    ("没看见我正忙着吗", "Can't you see I'm busy?"), ("急什么", "What's the hurry?"),
    ("下班了，明天再来", "We're closed, come back tomorrow."), ("你问我，我问谁", "How should I know?"),
    ("说了你也不懂", "You wouldn't understand anyway."), ("爱吃不吃", "Take it or leave it."),
    ("自己看", "Look for yourself."),
]

CAMPUSES = [("崂山校区", "Laoshan Campus"), ("鱼山校区", "Yushan Campus"), ("浮山校区", "Fushan Campus")]


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _fill_english(obj, **english) -> None:
    """Give a row seeded by an earlier version its English text where it has none (what a supervisor
    wrote stays)."""
    blank = {field: text for field, text in english.items() if text and not getattr(obj, field)}
    if blank:
        for field, text in blank.items():
            setattr(obj, field, text)
        obj.save(update_fields=list(blank))


def seed(out=None, rng: random.Random | None = None) -> dict:
    """Create the organisation. Returns the demo accounts as {username: (role, name)}."""
    rng = rng or random.Random(2026)
    SiteSettings.objects.get_or_create(
        pk=1,
        defaults={
            "organisation_name": "中国海洋大学后勤集团",
            "organisation_name_en": "OUC Logistics Group",
            "hotline": "66781315",
            "mailbox": "hqjt@ouc.edu.cn",
            "service_hours": "工作日 8:00–17:30",
            "address": "青岛市崂山区松岭路238号",
        },
    )
    group, _ = Department.objects.get_or_create(
        code="group", defaults={"name": "后勤集团", "name_en": "Logistics Group", "kind": Department.Kind.GROUP, "sort_order": 0}
    )
    campuses = {}
    for name, name_en in CAMPUSES:
        campuses[name], _ = Place.objects.get_or_create(name=name, campus=None, defaults={"name_en": name_en, "kind": Place.Kind.CAMPUS})
        _fill_english(campuses[name], name_en=name_en)
    centres: dict[str, Department] = {}
    badge = 1000
    for order, (code, name, name_en, phone, complaint, teams, posts, count) in enumerate(CENTRES, start=1):
        dept, _ = Department.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "parent": group, "kind": Department.Kind.CENTRE,
                      "service_phone": phone, "complaint_phone": complaint, "sort_order": order * 10},
        )
        _fill_english(dept, name_en=name_en)
        centres[code] = dept
        team_objs = []
        for t_index, (team, team_en) in enumerate(teams):
            t, _ = Department.objects.get_or_create(
                code=f"{code}-t{t_index + 1}", defaults={"name": team, "name_en": team_en, "parent": dept, "kind": Department.Kind.TEAM}
            )
            _fill_english(t, name_en=team_en)
            team_objs.append(t)
        for title, kind, title_en, value, unit in COMMITMENTS.get(code, []):
            commitment, _ = Commitment.objects.get_or_create(
                department=dept, title=title,
                defaults={"is_measurable": bool(kind), "request_kind": kind, "deadline_value": value, "deadline_unit": unit, "title_en": title_en},
            )
            _fill_english(commitment, title_en=title_en)
        if not Staff.objects.filter(department=dept).exists():
            for _i in range(count):
                badge += 1
                Staff.objects.create(
                    department=dept, team=rng.choice(team_objs) if team_objs else None, name=_name(rng),
                    badge_number=f"HQ{badge}", post=rng.choice(posts), phone=f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}",
                    on_duty=rng.random() > 0.08,
                )
        else:
            badge += count
    place_specs = [
        ("第一餐厅", "Canteen No. 1", Place.Kind.CANTEEN, "yinshi", "崂山校区"),
        ("第二餐厅", "Canteen No. 2", Place.Kind.CANTEEN, "yinshi", "崂山校区"),
        ("清真餐厅", "Halal Canteen", Place.Kind.CANTEEN, "yinshi", "鱼山校区"),
        ("鱼山食堂", "Yushan Dining Hall", Place.Kind.CANTEEN, "yinshi", "鱼山校区"),
        ("北区学生公寓1号楼", "North Student Apartments, Building 1", Place.Kind.DORMITORY, "gongyu", "崂山校区"),
        ("北区学生公寓2号楼", "North Student Apartments, Building 2", Place.Kind.DORMITORY, "gongyu", "崂山校区"),
        ("南区学生公寓5号楼", "South Student Apartments, Building 5", Place.Kind.DORMITORY, "gongyu", "崂山校区"),
        ("八关山公寓", "Baguanshan Apartments", Place.Kind.DORMITORY, "gongyu", "鱼山校区"),
        ("图书馆", "Library", Place.Kind.TEACHING, "wuye", "崂山校区"),
        ("行远楼", "Xingyuan Building", Place.Kind.TEACHING, "wuye", "崂山校区"),
        ("维修服务大厅", "Maintenance Service Hall", Place.Kind.OFFICE, "weixiu", "崂山校区"),
        ("校园超市", "Campus Supermarket", Place.Kind.SHOP, "shangmao", "崂山校区"),
        ("班车站", "Shuttle Bus Stop", Place.Kind.OTHER, "jiaotong", "崂山校区"),
    ]
    for name, name_en, kind, code, campus in place_specs:
        place, _ = Place.objects.get_or_create(
            name=name, campus=campuses[campus], defaults={"name_en": name_en, "kind": kind, "department": centres[code]})
        _fill_english(place, name_en=name_en)
    for i, (text, text_en, situation, situation_en) in enumerate(COURTEOUS):
        phrase, _ = ServicePhrase.objects.get_or_create(
            kind=ServicePhrase.Kind.COURTEOUS, text=text,
            defaults={"text_en": text_en, "situation": situation, "situation_en": situation_en, "sort_order": i})
        _fill_english(phrase, text_en=text_en, situation_en=situation_en)
    for i, (text, text_en) in enumerate(TABOO):
        phrase, _ = ServicePhrase.objects.get_or_create(
            kind=ServicePhrase.Kind.TABOO, text=text, defaults={"text_en": text_en, "sort_order": i})
        _fill_english(phrase, text_en=text_en)

    accounts = {
        "admin": (Role.ADMIN, "bangongshi", "信息管理员"),
        "supervisor": (Role.SUPERVISOR, "bangongshi", "质量督查员"),
        "operator": (Role.OPERATOR, "bangongshi", "热线接线员"),
        "head_wuye": (Role.HEAD, "wuye", "物业主管"),
        "head_yinshi": (Role.HEAD, "yinshi", "班组长"),
        "staff_wuye": (Role.STAFF, "wuye", "保洁员"),
        "judge": (Role.JUDGE, "yinshi", "厨师"),
    }
    User = get_user_model()
    result = {}
    for username, (role, code, post) in accounts.items():
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = role == Role.ADMIN
            user.is_superuser = role == Role.ADMIN
            user.save()
        staff = Staff.objects.filter(user=user).first()
        if staff is None:
            staff = Staff.objects.filter(department=centres[code], user__isnull=True, role=Role.STAFF, post=post).first() or \
                Staff.objects.filter(department=centres[code], user__isnull=True, role=Role.STAFF).first()
            staff.user = user
            staff.role = role
            staff.post = post
            staff.save()
        result[username] = (staff.get_role_display(), f"{staff.name} · {staff.department.name}")
    return result
