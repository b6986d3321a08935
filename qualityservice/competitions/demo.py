"""Demo data (``manage.py seed_demo``, after org's): three skills competitions of the demo logistics group, built
through the app's services and workflows (every move recorded):

- 2026年烹饪技能大比武 (group-wide, finished): six chefs of the catering centre, five judges (a chief judge with
  the account ``chief_judge``, four external judges scoring through their private links, a reserve), one declared
  conflict (the reserve takes the place), one anomaly (a score far from the panel: the chief judge returned the
  sheet, the judge corrected it with a reason), results published, objection answered, final, certificates;
- 2026年客房保洁技能比武 (group-wide, being scored): the demo ``judge`` account is a panel member with sheets to
  score on a phone, some of the panel has already submitted;
- 维修服务中心电工技能比武 (the maintenance centre's own, open for sign-up): two staff have signed up.

Idempotent: each competition has a fixed submission key; a second run finds them and adds nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from qualityservice.core.roles import Role
from qualityservice.org.models import Department, Staff

from . import services
from .models import Appointment, Competition, Flag, Objection, Round, Sheet
from .workflows import COMPETITION, CONTESTANT, FLAG, OBJECTION, ROUND, SHEET

DEMO_PASSWORD = "demo-2026"  # org's demo password: the accounts made here print with it

COOKING_CRITERIA = [
    ("daogong", "刀工技术", "Knife work", "1", "0", "10", "0.5", "原料切配规格统一、厚薄均匀、无连刀",
     [("9", "10", "刀工精细，规格一致，成形美观"), ("7", "8.5", "基本均匀，个别不规整"), ("0", "6.5", "粗细不一，连刀明显")]),
    ("huohou", "火候调味", "Heat and seasoning", "1.5", "0", "10", "0.5", "火候恰当，口味纯正，咸淡适中",
     [("9", "10", "火候精准，口味突出，层次分明"), ("7", "8.5", "火候基本到位，口味正常"), ("0", "6.5", "火候过头或不足，口味失衡")]),
    ("chengpin", "成品质量", "Finished dish", "1.5", "0", "10", "0.5", "色香味形俱佳，装盘美观，分量适当",
     [("9", "10", "色泽诱人，造型美观，分量准确"), ("7", "8.5", "色香味基本达标"), ("0", "6.5", "色泽暗淡或造型杂乱")]),
    ("weisheng", "卫生安全", "Hygiene and safety", "1", "0", "10", "1", "着装规范，生熟分开，操作台面整洁",
     [("9", "10", "全程规范，台面整洁"), ("7", "8", "个别环节不规范"), ("0", "6", "生熟混用或存在安全隐患")]),
]
COOKING_DEDUCTIONS = [("chaoshi", "超时（每分钟）", "Overtime (per minute)", "1", 5), ("langfei", "浪费原料", "Wasting ingredients", "2", 2)]
CLEANING_CRITERIA = [
    ("liucheng", "操作流程", "Procedure", "1", "0", "10", "0.5", "按“从上到下、从里到外”顺序作业，工具使用正确",
     [("9", "10", "流程规范熟练"), ("7", "8.5", "流程基本正确"), ("0", "6.5", "流程混乱或漏项")]),
    ("zhiliang", "清洁质量", "Cleanliness", "2", "0", "10", "0.5", "地面、台面、卫生间无污渍、无毛发、无水渍",
     [("9", "10", "洁净无死角"), ("7", "8.5", "个别部位不够洁净"), ("0", "6.5", "明显污渍或漏扫")]),
    ("chuangpu", "铺床整理", "Making the bed", "1", "0", "10", "0.5", "床单平整、四角包紧、枕头摆放一致",
     [("9", "10", "平整挺括，四角紧实"), ("7", "8.5", "基本平整"), ("0", "6.5", "褶皱明显或松散")]),
]
# The six finals of the cooking contest: (刀工, 火候, 成品, 卫生, 超时 minutes) per judge — chief, four panel, reserve.
COOKING_SCORES = [
    [(9, 9, 9.5, 9, 0), (9, 8.5, 9, 9, 0), (8.5, 9, 9, 9, 0), (9, 9, 9, 10, 0), (9.5, 9, 9.5, 9, 0)],
    [(8, 8.5, 8, 9, 1), (8.5, 8, 8, 8, 1), (8, 8, 8.5, 9, 1), (3, 8, 8, 9, 1), (8, 8.5, 8, 8, 1)],  # judge 4: 刀工 3 (typo)
    [(8.5, 9, 8.5, 9, 0), None, (8.5, 8.5, 9, 9, 0), (9, 8.5, 8.5, 9, 0), (8.5, 9, 9, 8, 0)],  # judge 1 conflicted
    [(7.5, 7, 7.5, 8, 2), (7, 7.5, 7, 8, 2), (7.5, 7.5, 7, 7, 2), (7, 7, 7.5, 8, 2), (7.5, 7, 7, 8, 2)],
    [(8, 7.5, 8, 8, 0), (7.5, 8, 7.5, 9, 0), (8, 8, 8, 8, 0), (8, 7.5, 8, 8, 0), (7.5, 8, 8, 8, 0)],
    [(9, 8.5, 9, 9, 0), (8.5, 9, 8.5, 9, 0), (9, 9, 9, 9, 0), (8.5, 8.5, 9, 8, 0), (9, 9, 8.5, 9, 0)],
]
RESERVE_SCORES_FOR_3 = (8.5, 9, 8.5, 9, 0)
EXTERNAL_JUDGES = [
    ("HQJ001", "邵建华", "外聘评委（青岛某酒店行政总厨）"), ("HQJ002", "林晓梅", "外聘评委（烹饪职业学校高级讲师）"),
    ("HQJ003", "周德明", "外聘评委（中式烹调高级技师）"), ("HQJ004", "唐立新", "外聘评委（市餐饮协会专家）"),
    ("HQJ005", "许文静", "外聘评委（公共营养师）"),
]


def seed(out, rng) -> dict:
    accounts = {}
    supervisor = get_user_model().objects.filter(staff__role=Role.SUPERVISOR).order_by("pk").first()
    group = Department.objects.filter(kind=Department.Kind.GROUP).order_by("pk").first()
    office = Department.objects.filter(code="bangongshi").first() or Department.objects.centres().order_by("-sort_order").first()
    if supervisor is None or group is None or office is None:
        out.write("competitions: no demo organisation, nothing to do")
        return accounts
    chief = _account("chief_judge", office, "付国强", "裁判长（高级烹调技师）", Role.JUDGE)
    accounts["chief_judge"] = (chief.staff.get_role_display(), f"{chief.staff.name} · {office.name}")
    made = [_cooking(rng, supervisor, group, office, chief), _cleaning(rng, supervisor, group, office, chief), _electric(rng, supervisor)]
    out.write(f"competitions: {sum(made)} demo competitions")
    return accounts


def _account(username, department, name, post, role):
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    if not Staff.objects.filter(user=user).exists():
        Staff.objects.create(user=user, department=department, name=name, badge_number=f"HQ{username.upper()[:10]}", post=post, role=role)
    return User.objects.select_related("staff").get(pk=user.pk)


def _judge_staff(office, badge, name, post):
    staff, _created = Staff.objects.get_or_create(badge_number=badge, defaults={"department": office, "name": name, "post": post,
                                                                              "role": Role.JUDGE})
    return staff


def _rubric(competition, criteria, deductions, by):
    rubric = services.current_rubric(competition)
    for order, (code, name, name_en, weight, low, high, step, description, levels) in enumerate(criteria, start=1):
        services.save_criterion(rubric, key=f"demo-{competition.pk}-{code}", code=code, order=order, name=name, name_en=name_en,
                                description=description, description_en="", weight=Decimal(weight), min_score=Decimal(low),
                                max_score=Decimal(high), step=Decimal(step),
                                levels=[{"from": a, "to": b, "text": text, "text_en": ""} for a, b, text in levels])
    for order, (code, name, name_en, points, most) in enumerate(deductions, start=1):
        services.save_deduction(rubric, key=f"demo-{competition.pk}-{code}", code=code, order=order, name=name, name_en=name_en,
                                points=Decimal(points), max_count=most)


def _competition(key, *, by, department, trade, title, title_en, description, awards, tie_breaks, blind=False, normalisation=""):
    return services.create_competition(
        key=key, by=by, department=department, trade=trade, title=title, title_en=title_en, description=description,
        description_en="", signup_until=None, aggregation="trimmed", outlier_distance=Decimal("0.25"),
        spread_threshold=Decimal("0.40"), bias_z=Decimal("1.50"), tie_breaks=tie_breaks, awards=awards, objection_days=3,
        blind_reentry=blind, normalisation=normalisation)


def _contestants(competition, staff, by):
    entrants = []
    for person in staff:
        contestant, _created = services.sign_up(competition, person, by=by, key=f"demo-{competition.pk}-{person.pk}")
        entrants.append(CONTESTANT.apply(contestant, "approve", by=by))
    return entrants


def _values(row, codes, deductions=()):
    data = {f"c-{code}": str(v) for code, v in zip(codes, row, strict=False)}
    for code, count in zip(deductions, row[len(codes):], strict=False):
        data[f"d-{code}"] = str(count)
    return data


def _cooking(rng, supervisor, group, office, chief) -> int:
    competition, created = _competition(
        "demo-competition-cooking", by=supervisor, department=group, trade="cooking", title="2026年烹饪技能大比武",
        title_en="2026 Cooking skills competition",
        description="“优质服务年”岗位大比武之一：现场制作一道热菜，限时40分钟，考核刀工、火候调味、成品质量和卫生安全。",
        awards=[{"name": "一等奖", "name_en": "First prize", "count": 1}, {"name": "二等奖", "name_en": "Second prize", "count": 1},
                {"name": "三等奖", "name_en": "Third prize", "count": 2}],
        tie_breaks=["criterion:chengpin", "deductions", "chief"])
    if not created:
        return 0
    _rubric(competition, COOKING_CRITERIA, COOKING_DEDUCTIONS, supervisor)
    now = timezone.now()
    final, _created = services.create_round(competition, key="demo-cooking-final", by=supervisor, name="决赛", name_en="Final",
                                            scoring_opens_at=now - dt.timedelta(hours=1), scoring_closes_at=now + dt.timedelta(hours=2),
                                            advance="", advance_count=None, advance_cutoff=None)
    COMPETITION.apply(competition, "announce", by=supervisor)
    yinshi = Department.objects.get(code="yinshi")
    cooks = list(Staff.objects.filter(department=yinshi, role=Role.STAFF, user__isnull=True, is_active=True)
                 .order_by("-post", "badge_number")[:6])
    contestants = _contestants(competition, cooks, supervisor)
    judges = [services.appoint(competition, chief.staff, role=Appointment.Role.CHIEF, order=1, by=supervisor, key="demo-cooking-chief")[0]]
    for order, (badge, name, post) in enumerate(EXTERNAL_JUDGES[:4], start=2):
        staff = _judge_staff(office, badge, name, post)
        judges.append(services.appoint(competition, staff, role=Appointment.Role.PANEL, order=order, by=supervisor, key=f"demo-cooking-{badge}")[0])
    badge, name, post = EXTERNAL_JUDGES[4]
    reserve = services.appoint(competition, _judge_staff(office, badge, name, post), role=Appointment.Role.RESERVE, order=9,
                               by=supervisor, key="demo-cooking-reserve")[0]
    services.declare_conflict(judges[1], contestants[2], reason="师徒关系（曾带教该选手）", by=supervisor, key="demo-cooking-conflict")
    rnd = ROUND.apply(final, "open", by=supervisor)
    codes = [c[0] for c in COOKING_CRITERIA]
    dcodes = ["chaoshi"]
    for sheet in Sheet.objects.filter(round=rnd).select_related("entry__contestant", "appointment__staff__user"):
        index = contestants.index(next(c for c in contestants if c.pk == sheet.entry.contestant_id))
        if sheet.appointment_id == reserve.pk:
            row = RESERVE_SCORES_FOR_3
        else:
            row = COOKING_SCORES[index][[j.pk for j in judges].index(sheet.appointment_id)]
        user = sheet.appointment.staff.user
        via = "signed_in" if user else "link"
        services.save_values(sheet, _values(row, codes, dcodes), by=user, via=via)
        services.submit_sheet(sheet, by=user, via=via)
    rnd = ROUND.apply(rnd, "close", by=supervisor)
    outlier = Flag.objects.filter(round=rnd, kind=Flag.Kind.OUTLIER).first()
    if outlier is not None:
        FLAG.apply(outlier, "return", by=chief, note="刀工3分与其他评委差距过大，请核对是否录入错误")
        sheet = Sheet.objects.select_related("round__competition", "appointment__staff").get(pk=outlier.sheet_id)
        services.save_values(sheet, {"c-daogong": "8"}, by=None, via="link")
        services.submit_sheet(sheet, by=None, via="link", reason="录入时误将8分输成3分，现更正")
    for flag in Flag.objects.filter(round=rnd, status=Flag.Status.OPEN):
        FLAG.apply(flag, "accept", by=chief, note="现场复核，评分合理")
    for sheet in Sheet.objects.filter(round=rnd, status=Sheet.Status.SUBMITTED):
        SHEET.apply(sheet, "confirm", by=chief, version=sheet.version)
    rnd = ROUND.apply(rnd, "verify", by=chief)
    rnd = ROUND.apply(rnd, "publish", by=supervisor)
    objector = get_user_model().objects.filter(username="staff_wuye").first() or supervisor
    objection, _created = services.raise_objection(rnd, by=objector, contestant=contestants[3],
                                                   text="4号选手超时2分钟，是否已按规则扣分？", key="demo-cooking-objection")
    OBJECTION.apply(objection, "answer", by=supervisor, answer="已按评分细则每超时1分钟扣1分，共扣2分，成绩无误。")
    # A teacher who watched the final objects from the public page, with a name and phone.
    public, _created = services.raise_objection(rnd, by=None, text="决赛现场2号选手的冷拼用时似乎超过规定，请复核。",
                                                source="public", name="李老师", phone="13953200000",
                                                key="demo-cooking-objection-public")
    OBJECTION.apply(public, "answer", by=supervisor, answer="经核对计时记录，2号选手用时28分钟，未超时，成绩无误。")
    Round.objects.filter(pk=rnd.pk).update(notice_until=timezone.now() - dt.timedelta(minutes=1))
    rnd = ROUND.apply(Round.objects.get(pk=rnd.pk), "finalise", by=supervisor)
    services.issue_certificates(Competition.objects.get(pk=competition.pk), by=supervisor)
    _three_weeks_ago(competition, rnd)
    return 1


def _three_weeks_ago(competition, rnd) -> None:
    """The contest took place three weeks ago: every timestamp of it moves back (its records, its audit and its
    timeline alike), the objection window lasting its three days."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import F

    from qualityservice.core.models import WorkflowEvent

    from .models import Certificate, Contestant, RubricVersion, Score, ScoreChange, SheetVersion

    shift = dt.timedelta(days=21)
    sheets = Sheet.objects.filter(round=rnd)
    rows = {Competition: [competition.pk], Round: [rnd.pk], Sheet: list(sheets.values_list("pk", flat=True)),
            Flag: list(Flag.objects.filter(round=rnd).values_list("pk", flat=True)),
            Contestant: list(competition.contestants.values_list("pk", flat=True)),
            Objection: list(Objection.objects.filter(round=rnd).values_list("pk", flat=True)),
            Certificate: list(competition.certificates.values_list("pk", flat=True))}
    for model, ids in rows.items():
        WorkflowEvent.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=ids).update(
            created_at=F("created_at") - shift)
    ScoreChange.objects.filter(sheet__round=rnd).update(at=F("at") - shift)
    SheetVersion.objects.filter(sheet__round=rnd).update(at=F("at") - shift)
    Score.objects.filter(sheet__round=rnd).update(updated_at=F("updated_at") - shift)
    sheets.update(submitted_at=F("submitted_at") - shift, confirmed_at=F("confirmed_at") - shift)
    Flag.objects.filter(round=rnd).update(created_at=F("created_at") - shift, resolved_at=F("resolved_at") - shift)
    Objection.objects.filter(round=rnd).update(raised_at=F("raised_at") - shift, answered_at=F("answered_at") - shift)
    competition.contestants.update(signed_up_at=F("signed_up_at") - shift - dt.timedelta(days=10),
                                   approved_at=F("approved_at") - shift - dt.timedelta(days=8))
    RubricVersion.objects.filter(competition=competition).update(created_at=F("created_at") - shift - dt.timedelta(days=14),
                                                                 frozen_at=F("frozen_at") - shift)
    Competition.objects.filter(pk=competition.pk).update(created_at=F("created_at") - shift - dt.timedelta(days=20),
                                                         finished_at=F("finished_at") - shift + dt.timedelta(days=3))
    Round.objects.filter(pk=rnd.pk).update(scoring_opens_at=F("scoring_opens_at") - shift,
                                           scoring_closes_at=F("scoring_closes_at") - shift,
                                           published_at=F("published_at") - shift,
                                           notice_until=F("published_at") - shift + dt.timedelta(days=3),
                                           finalised_at=F("published_at") - shift + dt.timedelta(days=3, hours=2))
    competition.certificates.update(issued_at=F("issued_at") - shift + dt.timedelta(days=3, hours=3))
    final = Round.objects.get(pk=rnd.pk)
    published = WorkflowEvent.objects.filter(content_type=ContentType.objects.get_for_model(Round), object_id=rnd.pk,
                                             action="publish").first()
    if published is not None:
        published.params = {**published.params, "until": timezone.localtime(final.notice_until).strftime("%Y-%m-%d %H:%M")}
        published.save(update_fields=["params"])
    for model, ids, action in ((Round, [rnd.pk], "finalise"), (Competition, [competition.pk], "finish")):
        WorkflowEvent.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=ids, action=action).update(
            created_at=final.finalised_at)


def _cleaning(rng, supervisor, group, office, chief) -> int:
    competition, created = _competition(
        "demo-competition-cleaning", by=supervisor, department=group, trade="housekeeping", title="2026年客房保洁技能比武",
        title_en="2026 Room cleaning competition",
        description="学生公寓与物业保洁员同台竞技：标准间清扫、铺床整理，限时30分钟。",
        awards=[{"name": "一等奖", "name_en": "First prize", "count": 1}, {"name": "二等奖", "name_en": "Second prize", "count": 1},
                {"name": "三等奖", "name_en": "Third prize", "count": 2}],
        tie_breaks=["criterion:zhiliang", "deductions"], normalisation="offset")
    if not created:
        return 0
    _rubric(competition, CLEANING_CRITERIA, [("loujian", "漏项（每项）", "Missed item (each)", "1", 5)], supervisor)
    now = timezone.now()
    heats, _created = services.create_round(competition, key="demo-cleaning-heats", by=supervisor, name="初赛", name_en="Heats",
                                            scoring_opens_at=now - dt.timedelta(hours=2), scoring_closes_at=now + dt.timedelta(days=7),
                                            advance="rank", advance_count=4, advance_cutoff=None)
    services.create_round(competition, key="demo-cleaning-final", by=supervisor, name="决赛", name_en="Final",
                          scoring_opens_at=now + dt.timedelta(days=10), scoring_closes_at=now + dt.timedelta(days=10, hours=4),
                          advance="", advance_count=None, advance_cutoff=None)
    COMPETITION.apply(competition, "announce", by=supervisor)
    cleaners = list(Staff.objects.filter(department__code__in=["gongyu", "wuye"], role=Role.STAFF, user__isnull=True, is_active=True)
                    .filter(post__in=["保洁员", "宿舍管理员"]).order_by("badge_number")[:6])
    _contestants(competition, cleaners, supervisor)
    services.appoint(competition, chief.staff, role=Appointment.Role.CHIEF, order=1, by=supervisor, key="demo-cleaning-chief")
    judge = get_user_model().objects.filter(username="judge").select_related("staff").first()
    panel = []
    if judge is not None and hasattr(judge, "staff"):
        panel.append(services.appoint(competition, judge.staff, role=Appointment.Role.PANEL, order=2, by=supervisor, key="demo-cleaning-judge")[0])
    for order, (badge, name, post) in enumerate(EXTERNAL_JUDGES[1:3], start=3):
        panel.append(services.appoint(competition, _judge_staff(office, badge, name, post), role=Appointment.Role.PANEL, order=order,
                                      by=supervisor, key=f"demo-cleaning-{badge}")[0])
    rnd = ROUND.apply(heats, "open", by=supervisor)
    codes = [c[0] for c in CLEANING_CRITERIA]
    # The external judges and the chief have scored the first contestants; the demo judge has everything to do.
    for sheet in Sheet.objects.filter(round=rnd).select_related("entry__contestant", "appointment__staff__user").order_by("entry__order"):
        if sheet.appointment.staff.user_id and sheet.appointment.staff.user.username == "judge":
            continue
        if sheet.entry.order > 3:
            continue
        row = tuple(min(Decimal(10), Decimal(rng.choice(["7.5", "8", "8.5", "9"]))) for _ in codes) + (rng.choice([0, 0, 1]),)
        user = sheet.appointment.staff.user
        via = "signed_in" if user else "link"
        services.save_values(sheet, _values(row, codes, ["loujian"]), by=user, via=via)
        services.submit_sheet(sheet, by=user, via=via)
    return 1


def _electric(rng, supervisor) -> int:
    weixiu = Department.objects.filter(code="weixiu").first()
    if weixiu is None:
        return 0
    head = get_user_model().objects.filter(staff__department=weixiu, staff__role=Role.HEAD).first() or supervisor
    competition, created = _competition(
        "demo-competition-electric", by=head, department=weixiu, trade="electrician", title="维修服务中心电工技能比武",
        title_en="Maintenance centre electrician competition",
        description="照明线路故障排查与配电箱接线实操，理论考试与实操各占一半。",
        awards=[{"name": "一等奖", "name_en": "First prize", "count": 1}, {"name": "二等奖", "name_en": "Second prize", "count": 1}],
        tie_breaks=["criterion:anquan", "deductions"])
    if not created:
        return 0
    rubric = services.current_rubric(competition)
    for order, (code, name, weight) in enumerate([("anquan", "安全规范", "1.5"), ("paicha", "故障排查", "1"), ("jiexian", "接线工艺", "1")], start=1):
        services.save_criterion(rubric, key=f"demo-{competition.pk}-{code}", code=code, order=order, name=name, name_en="",
                                description="", description_en="", weight=Decimal(weight), min_score=Decimal(0),
                                max_score=Decimal(10), step=Decimal("0.5"), levels=[])
    now = timezone.now()
    services.create_round(competition, key="demo-electric-final", by=head, name="决赛", name_en="Final",
                          scoring_opens_at=now + dt.timedelta(days=14), scoring_closes_at=now + dt.timedelta(days=14, hours=5),
                          advance="", advance_count=None, advance_cutoff=None)
    competition.signup_until = timezone.localdate() + dt.timedelta(days=10)
    competition.save(update_fields=["signup_until"])
    COMPETITION.apply(competition, "announce", by=head, system=True)
    for person in Staff.objects.filter(department=weixiu, post="电工", role=Role.STAFF, is_active=True).order_by("badge_number")[:2]:
        services.sign_up(competition, person, by=head, key=f"demo-{competition.pk}-{person.pk}")
    return 1
