"""Demo data for the organisation: a logistics group modelled on the seed plan's (中国海洋大学后勤集团)."""

from __future__ import annotations

import random

from django.contrib.auth import get_user_model

from qualityservice.core.roles import Role

from .models import Commitment, Department, Place, ServicePhrase, SiteSettings, Staff

DEMO_PASSWORD = "demo-2026"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰红玉华建国春梅海燕云飞鹏辉宁波晶晓东志立新文彬斌浩凯婷雪琳颖倩晨阳丹慧俊峰宇欣怡佳"

# code, name, English name, service phone, complaint phone, teams, posts, staff count
CENTRES = [
    ("yinshi", "饮食服务中心", "Catering Service Centre", "66781320", "66781321",
     ["第一餐厅班组", "第二餐厅班组", "面点班组"], ["厨师", "面点师", "售饭员", "餐厅服务员", "采购员", "班组长"], 40),
    ("wuye", "物业管理中心", "Property Management Centre", "66781330", "66781331",
     ["保洁一班", "保洁二班", "绿化班"], ["保洁员", "绿化工", "楼宇管理员", "班组长", "物业主管"], 38),
    ("gongyu", "学生公寓管理中心", "Student Apartment Centre", "66781340", "",
     ["北区公寓班组", "南区公寓班组"], ["宿舍管理员", "值班员", "保洁员", "班组长"], 34),
    ("weixiu", "维修服务中心", "Maintenance Centre", "66781350", "66781351",
     ["水电维修班", "土木维修班"], ["电工", "水暖工", "木工", "维修调度员", "班组长"], 26),
    ("jiaotong", "交通服务中心", "Transport Centre", "66781360", "",
     ["班车队", "校车调度组"], ["驾驶员", "调度员", "车辆维修工"], 20),
    ("shangmao", "商贸服务中心", "Retail Service Centre", "66781370", "",
     ["超市班组"], ["营业员", "收银员", "仓管员"], 16),
    ("youeryuan", "幼儿园", "Kindergarten", "66781380", "",
     [], ["幼儿教师", "保育员", "保健医生"], 14),
    ("bangongshi", "集团办公室", "Group Office", "66781300", "",
     ["质量督查组"], ["办公室主任", "质量督查员", "热线接线员", "信息管理员"], 12),
]

COMMITMENTS = {
    "yinshi": [
        ("饭菜明码标价，足量供应，不售变质食品", "", "", None, ""),
        ("师生投诉24小时内答复", "complaint", "", 24, "working_hours"),
        ("师生建议3个工作日内答复", "suggestion", "", 24, "working_hours"),
    ],
    "wuye": [
        ("公共区域每日清扫不少于两次，保持整洁", "", "", None, ""),
        ("报修电话30分钟内响应", "repair", "", 30, "minutes"),
        ("投诉24小时内答复", "complaint", "", 24, "hours"),
    ],
    "gongyu": [
        ("值班室24小时有人值守", "", "", None, ""),
        ("投诉8个工作小时内答复", "complaint", "", 8, "working_hours"),
    ],
    "weixiu": [
        ("一般维修当日完成，急修30分钟到场", "repair", "", 30, "minutes"),
        ("投诉24小时内答复", "complaint", "", 24, "working_hours"),
        ("维修完成后回访", "", "", None, ""),
    ],
    "jiaotong": [("班车准点发车，误差不超过3分钟", "", "", None, ""), ("投诉24小时内答复", "complaint", "", 24, "working_hours")],
    "shangmao": [("商品明码标价，假一赔十", "", "", None, ""), ("咨询当场答复或2小时内答复", "enquiry", "", 2, "working_hours")],
    "youeryuan": [("家长意见48小时内答复", "complaint", "", 48, "hours")],
    "bangongshi": [("服务热线工作时间专人接听", "", "", None, ""), ("咨询4个工作小时内答复", "enquiry", "", 4, "working_hours")],
}

COURTEOUS = [
    ("您好！", "问候"), ("请问您需要什么帮助？", "问候"), ("请稍等，我马上为您办理。", "服务中"),
    ("对不起，让您久等了。", "致歉"), ("谢谢您的理解和支持！", "致谢"), ("请慢走，欢迎再来。", "告别"),
    ("这是我们工作的疏忽，我们马上改正。", "致歉"), ("您的意见我们记下了，会尽快答复您。", "受理投诉"),
]
TABOO = ["不知道", "不归我管", "找别人去", "没看见我正忙着吗", "急什么", "下班了，明天再来", "你问我，我问谁", "说了你也不懂", "爱吃不吃", "自己看"]

CAMPUSES = [("崂山校区", "Laoshan Campus"), ("鱼山校区", "Yushan Campus"), ("浮山校区", "Fushan Campus")]


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


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
    centres: dict[str, Department] = {}
    badge = 1000
    for order, (code, name, name_en, phone, complaint, teams, posts, count) in enumerate(CENTRES, start=1):
        dept, _ = Department.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "parent": group, "kind": Department.Kind.CENTRE,
                      "service_phone": phone, "complaint_phone": complaint, "sort_order": order * 10},
        )
        centres[code] = dept
        team_objs = []
        for t_index, team in enumerate(teams):
            t, _ = Department.objects.get_or_create(
                code=f"{code}-t{t_index + 1}", defaults={"name": team, "parent": dept, "kind": Department.Kind.TEAM}
            )
            team_objs.append(t)
        for title, kind, title_en, value, unit in COMMITMENTS.get(code, []):
            Commitment.objects.get_or_create(
                department=dept, title=title,
                defaults={"is_measurable": bool(kind), "request_kind": kind, "deadline_value": value, "deadline_unit": unit, "title_en": title_en},
            )
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
        ("第一餐厅", Place.Kind.CANTEEN, "yinshi", "崂山校区"), ("第二餐厅", Place.Kind.CANTEEN, "yinshi", "崂山校区"),
        ("清真餐厅", Place.Kind.CANTEEN, "yinshi", "鱼山校区"), ("鱼山食堂", Place.Kind.CANTEEN, "yinshi", "鱼山校区"),
        ("北区学生公寓1号楼", Place.Kind.DORMITORY, "gongyu", "崂山校区"), ("北区学生公寓2号楼", Place.Kind.DORMITORY, "gongyu", "崂山校区"),
        ("南区学生公寓5号楼", Place.Kind.DORMITORY, "gongyu", "崂山校区"), ("八关山公寓", Place.Kind.DORMITORY, "gongyu", "鱼山校区"),
        ("图书馆", Place.Kind.TEACHING, "wuye", "崂山校区"), ("行远楼", Place.Kind.TEACHING, "wuye", "崂山校区"),
        ("维修服务大厅", Place.Kind.OFFICE, "weixiu", "崂山校区"), ("校园超市", Place.Kind.SHOP, "shangmao", "崂山校区"),
        ("班车站", Place.Kind.OTHER, "jiaotong", "崂山校区"),
    ]
    for name, kind, code, campus in place_specs:
        Place.objects.get_or_create(name=name, campus=campuses[campus], defaults={"kind": kind, "department": centres[code]})
    for i, (text, situation) in enumerate(COURTEOUS):
        ServicePhrase.objects.get_or_create(kind=ServicePhrase.Kind.COURTEOUS, text=text, defaults={"situation": situation, "sort_order": i})
    for i, text in enumerate(TABOO):
        ServicePhrase.objects.get_or_create(kind=ServicePhrase.Kind.TABOO, text=text, defaults={"sort_order": i})

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
