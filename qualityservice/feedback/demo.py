"""Demo data for the feedback app: ~360 items over the last twelve months across every status,
channel and department, with their timelines, replies, callbacks and badge ratings; then the
published figures. Idempotent: a second run adds nothing (items are tagged source_ref=demo:…)."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from qualityservice.core.roles import Role
from qualityservice.org.models import Commitment, Department, Place, Staff

from .calendar import BusinessCalendar
from .models import (
    CallbackAttempt,
    CallbackResult,
    Category,
    Channel,
    Feedback,
    FeedbackEvent,
    Kind,
    Rating,
    Reply,
    Status,
)
from .services import refresh_public_figures

N_ITEMS = 360
N_RATINGS = 240

CATEGORIES = [
    ("饭菜质量", "Food quality", "yinshi"), ("服务态度", "Service attitude", None), ("环境卫生", "Cleanliness", "wuye"),
    ("维修报修", "Repairs", "weixiu"), ("宿舍管理", "Dormitories", "gongyu"), ("班车交通", "Shuttle buses", "jiaotong"),
    ("商品价格", "Prices", "shangmao"), ("幼儿保育", "Childcare", "youeryuan"), ("其他", "Other", None),
]

TEXTS = {
    "yinshi": {
        "complaint": [("米饭夹生", "今天中午在{place}买的米饭夹生，已经是这周第二次了。"),
                      ("打饭分量不足", "{place}的售饭窗口打菜分量明显比以前少，价格却没变。"),
                      ("餐具没洗干净", "{place}的餐盘上有油渍，希望加强餐具清洗消毒。"),
                      ("售饭员态度生硬", "在{place}问了一句菜价，售饭员说“自己看”，态度很不耐烦。")],
        "suggestion": [("增加清淡菜品", "建议{place}每天增加两三个少油少盐的菜品。"),
                       ("延长晚餐供应时间", "晚上做实验的同学多，建议{place}晚餐延长到19:30。")],
        "praise": [("红烧肉好吃", "{place}的红烧肉做得特别好，师傅辛苦了！"), ("师傅主动帮忙", "饭卡丢了，{place}的师傅帮我联系了失主招领。")],
        "enquiry": [("节假日开放时间", "请问国庆期间{place}哪几个窗口开放？")],
    },
    "wuye": {
        "complaint": [("楼道灯坏了", "{place}三楼楼道灯坏了一周，晚上很黑。"), ("卫生间有异味", "{place}二楼卫生间异味很大，保洁不及时。"),
                      ("垃圾未及时清运", "{place}门口的垃圾桶已经满了两天没人清。")],
        "suggestion": [("增加自行车停放点", "{place}门前自行车太多，建议增加停车架。")],
        "praise": [("保洁阿姨很负责", "{place}的保洁阿姨每天把走廊拖得很干净，谢谢！")],
        "enquiry": [("会议室借用", "请问{place}的会议室如何预约？")],
    },
    "gongyu": {
        "complaint": [("热水不热", "{place}晚上十点以后热水不热，洗澡很冷。"), ("宿管夜间不开门", "{place}晚上11点后敲门宿管不开。")],
        "suggestion": [("安装洗衣机", "建议{place}每层安装一台洗衣机。")],
        "praise": [("宿管阿姨热心", "我生病时{place}的宿管阿姨帮我买了药。")],
        "enquiry": [("假期留校住宿", "寒假留校住宿需要在哪里登记？")],
    },
    "weixiu": {
        "complaint": [("报修三天没人来", "{place}的水龙头报修三天了还没有人来修。"), ("维修后又坏了", "上周修好的门锁又坏了。")],
        "repair": [("空调不制冷", "{place}的空调不制冷，请派人检修。"), ("水管漏水", "{place}卫生间水管漏水。")],
        "praise": [("维修师傅技术好", "电工师傅半小时就到了，很快修好了线路。")],
        "enquiry": [("报修电话", "晚上紧急报修打哪个电话？")],
    },
    "jiaotong": {
        "complaint": [("班车晚点", "早上7:30的班车晚了15分钟，耽误上课。"), ("司机开车太快", "班车司机在校内开得很快，有安全隐患。")],
        "suggestion": [("增加班次", "建议周五下午增加一班去鱼山校区的班车。")],
        "praise": [("司机等候学生", "司机师傅看到有同学跑过来，特意等了一下。")],
        "enquiry": [("班车时刻表", "新学期班车时刻表在哪里看？")],
    },
    "shangmao": {
        "complaint": [("商品价格标错", "{place}的矿泉水标价1.5元，结账收了2元。")],
        "suggestion": [("增加文具品种", "建议{place}多进一些考试用的文具。")],
        "praise": [("收银员耐心", "{place}的收银员很耐心地帮我换了商品。")],
        "enquiry": [("营业时间", "{place}周末几点关门？")],
    },
    "youeryuan": {
        "complaint": [("午睡时间太短", "孩子说午睡时间太短，下午很困。")],
        "suggestion": [("增加户外活动", "建议天气好时多安排户外活动。")],
        "praise": [("老师很有爱心", "王老师对孩子很有耐心，孩子每天都愿意去幼儿园。")],
        "enquiry": [("入园报名", "请问明年秋季入园什么时候报名？")],
    },
    "bangongshi": {
        "complaint": [("热线无人接听", "中午打后勤服务热线一直没人接。")],
        "suggestion": [("开通微信报修", "建议开通微信公众号报修和投诉渠道。")],
        "praise": [("热线答复及时", "热线接线员答复很及时，问题第二天就解决了。")],
        "enquiry": [("投诉处理流程", "投诉后多久能得到答复？")],
    },
}
REPLIES = ["您好，您反映的问题已收到，我们已安排专人核实处理，感谢您的监督。",
           "经核实情况属实，已对相关人员进行批评教育并整改，欢迎继续监督。",
           "问题已处理完毕，维修人员已到现场修复，如仍有问题请随时联系我们。",
           "感谢您的建议，我们将在下学期研究落实。",
           "感谢您的表扬，我们会继续努力做好服务。"]
NOTES = ["已电话联系班组长核实。", "与上周同类问题相似，注意跟踪。", "需协调维修中心配合。"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def seed(out=None, rng: random.Random | None = None) -> None:
    rng = rng or random.Random(2026)
    for i, (name, name_en, code) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            name=name, defaults={"name_en": name_en, "sort_order": i * 10,
                                 "department": Department.objects.filter(code=code).first() if code else None})
    if Feedback.objects.filter(source_ref__startswith="demo:").exists():
        return
    centres = list(Department.objects.centres())
    if not centres:
        return
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["operator", "supervisor", "head_wuye", "head_yinshi", "staff_wuye"])}
    operator = users.get("operator")
    staff_by_dept: dict[int, list[Staff]] = {}
    for s in Staff.objects.filter(is_active=True, department__in=centres).select_related("user"):
        staff_by_dept.setdefault(s.department_id, []).append(s)
    heads = {s.department_id: s for s in Staff.objects.filter(role=Role.HEAD).select_related("user")}
    places_by_dept: dict[int, list[Place]] = {}
    for p in Place.objects.filter(department__isnull=False):
        places_by_dept.setdefault(p.department_id, []).append(p)
    categories = {c.department_id: c for c in Category.objects.exclude(department=None)}
    commitments = {(c.department_id, c.request_kind): c for c in Commitment.objects.filter(is_measurable=True)}
    calendar = BusinessCalendar.from_settings()
    now = timezone.now()
    tz = timezone.get_current_timezone()

    def deadline_for(dept_id, kind, start):
        c = commitments.get((dept_id, kind))
        if c is not None:
            if c.counts_working_time:
                return calendar.add_working_minutes(start, c.deadline_minutes)
            return start + dt.timedelta(minutes=c.deadline_minutes)
        return None if kind == Kind.PRAISE else calendar.add_working_minutes(start, 16 * 60)

    channels = [Channel.WEB] * 6 + [Channel.BADGE_QR] * 3 + [Channel.HOTLINE] * 4 + [Channel.EMAIL] * 2 + \
        [Channel.SURVEY, Channel.INSPECTION, Channel.VISIT, Channel.FORUM]
    dept_weights = {"yinshi": 5, "wuye": 4, "gongyu": 4, "weixiu": 4, "jiaotong": 2, "shangmao": 1, "youeryuan": 1, "bangongshi": 1}
    weighted = [d for d in centres for _ in range(dept_weights.get(d.code, 1))]

    plans = []  # (Feedback, path, extra)
    for i in range(N_ITEMS):
        dept = rng.choice(weighted)
        texts = TEXTS.get(dept.code, TEXTS["wuye"])
        kind = rng.choices(list(texts), weights=[5 if k in ("complaint", "repair") else 2 for k in texts])[0]
        title, body = rng.choice(texts[kind])
        place = rng.choice(places_by_dept.get(dept.pk) or [None])
        body = body.format(place=place.name if place else "食堂")
        days_ago = rng.random() * 20 if rng.random() < 0.3 else rng.random() * 360  # a living inbox: many recent items
        created = (now - dt.timedelta(days=days_ago)).astimezone(tz)
        created = created.replace(hour=rng.randint(7, 21), minute=rng.randint(0, 59))
        if created > now:
            created = now - dt.timedelta(minutes=rng.randint(5, 600))
        channel = rng.choice(channels)
        staff = rng.choice(staff_by_dept.get(dept.pk, [None])) if channel == Channel.BADGE_QR or rng.random() < 0.2 else None
        anonymous = rng.random() < 0.45 and channel not in (Channel.HOTLINE, Channel.EMAIL)
        name = "" if anonymous else rng.choice(SURNAMES) + rng.choice(["同学", "老师", "女士", "先生"])
        contact = "" if anonymous else (f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}" if channel != Channel.EMAIL
                                        else f"user{i}@stu.ouc.edu.cn")
        # How far the item went depends on its age.
        if days_ago > 20:
            path = rng.choices(["closed", "unreachable", "reopened_closed", "merged"], weights=[80, 6, 8, 3])[0]
        elif days_ago > 4:
            path = rng.choices(["closed", "resolved", "callback", "in_progress", "reopened"], weights=[40, 25, 8, 20, 7])[0]
        else:
            path = rng.choices(["received", "assigned", "in_progress", "resolved"], weights=[35, 25, 25, 15])[0]
        deadline = deadline_for(dept.pk, kind, created)
        fb = Feedback(
            kind=kind, channel=channel, department=dept, staff=staff, about_staff=staff, place=place,
            category=categories.get(dept.pk),
            title=title, body=body, anonymous=anonymous, submitter_name=name, submitter_contact=contact,
            source_ref=f"demo:{i}", created_at=created, deadline=deadline, status=Status.RECEIVED,
            created_by=operator if channel == Channel.HOTLINE else None,
        )
        plans.append((fb, path))

    # Each item is created in the state its story ends in (no status changes after creation: those go
    # through the workflow); its timeline, replies and callbacks are written after it.
    events, replies, attempts = [], [], []
    closed_targets: list[Feedback] = []
    for fb, path in plans:
        head = heads.get(fb.department_id)
        head_user = head.user if head and head.user_id else users.get("supervisor")
        head_name = head.name if head else "督查员"
        worker = rng.choice(staff_by_dept.get(fb.department_id, [head]) or [head])
        t = fb.created_at

        def ev(action, to, who=None, who_name="", note="", public=True, minutes=0, _fb=fb, **params):
            # Action and parameters, never a sentence: the timeline renders them in the reader's language.
            nonlocal t
            t = t + dt.timedelta(minutes=minutes)
            if who is None:
                params.setdefault("actor", "system")
            events.append(FeedbackEvent(feedback=_fb, action=action, to_status=to, actor=who, actor_name=who_name or "系统",
                                        note=note, params=params, created_at=min(t, now),
                                        visibility=FeedbackEvent.Visibility.PUBLIC if public else FeedbackEvent.Visibility.INTERNAL))

        hotline = fb.channel == Channel.HOTLINE
        ev("create", Status.RECEIVED, operator if hotline else None, "热线接线员" if hotline else "提交人",
           dept_id=fb.department_id, dept=fb.department.name, channel=fb.channel,
           **({} if hotline else {"actor": "submitter"}))
        status = Status.RECEIVED
        if path == "received":
            pass
        else:
            if path == "merged" and closed_targets:
                target = rng.choice(closed_targets)
                fb.merged_into, fb.status, fb.closed_at = target, Status.MERGED, min(t + dt.timedelta(hours=3), now)
                ev("merge", Status.MERGED, users.get("supervisor"), "质量督查员", minutes=180, target_id=target.pk,
                   target=target.code)
                continue
            fb.assigned_to = worker
            ev("assign", Status.ASSIGNED, head_user, head_name, public=False, minutes=rng.randint(10, 240),
               **({"staff_id": worker.pk, "name": worker.name} if worker else {}))
            status = Status.ASSIGNED
            if rng.random() < 0.3:
                replies.append(Reply(feedback=fb, author=head_user, author_name=head_name, body=rng.choice(NOTES), is_public=False,
                                     created_at=min(t, now)))
                ev("note", "", head_user, head_name, note=replies[-1].body, public=False, minutes=5)
            if path != "assigned":
                ev("start", Status.IN_PROGRESS, worker.user if worker and worker.user_id else None, worker.name if worker else "",
                   minutes=rng.randint(10, 600))
                status = Status.IN_PROGRESS
            if path not in ("assigned", "in_progress"):
                late = rng.random() < 0.15
                minutes = rng.randint(30, 60 * 20)
                if fb.deadline and late:
                    minutes = int((fb.deadline - t).total_seconds() / 60) + rng.randint(30, 600)
                text = REPLIES[4] if fb.kind == Kind.PRAISE else rng.choice(REPLIES[:4])
                ev("resolve", Status.RESOLVED, head_user, head_name, note=text, minutes=max(minutes, 5))
                replies.append(Reply(feedback=fb, author=head_user, author_name=head_name, body=text, is_public=True,
                                     created_at=min(t, now)))
                fb.resolved_at = min(t, now)
                fb.resolved_on_time = fb.deadline is None or fb.resolved_at <= fb.deadline
                fb.is_overdue = not fb.resolved_on_time
                status = Status.RESOLVED
            if path in ("closed", "reopened_closed", "unreachable", "callback", "reopened"):
                n = 0
                if path in ("unreachable", "callback"):
                    for _k in range(3 if path == "unreachable" else 1):
                        n += 1
                        attempts.append(CallbackAttempt(feedback=fb, attempt_no=n, result="unreachable", by=operator,
                                                        created_at=min(t + dt.timedelta(hours=n * 5), now)))
                        ev("callback_unreached", Status.CALLBACK, operator, "热线接线员", public=False, minutes=300,
                           attempts=n, closed=path == "unreachable" and n == 3)
                    status = Status.CALLBACK
                    if path == "unreachable":
                        fb.callback_result, fb.closed_at, status = CallbackResult.UNREACHABLE, min(t, now), Status.CLOSED
                        events[-1].to_status = Status.CLOSED
                if path in ("reopened", "reopened_closed"):
                    n += 1
                    score = rng.choice([1, 2])
                    attempts.append(CallbackAttempt(feedback=fb, attempt_no=n, result="reached", satisfied=score, by=operator,
                                                    comment="问题没有彻底解决", created_at=min(t + dt.timedelta(hours=20), now)))
                    ev("callback_dissatisfied", Status.REOPENED, operator, "热线接线员", minutes=60 * 20, score=score)
                    fb.reopen_count, status = 1, Status.REOPENED
                    fb.resolved_at, fb.resolved_on_time = None, None
                    if path == "reopened_closed":
                        ev("resolve", Status.RESOLVED, head_user, head_name, note=REPLIES[2], minutes=60 * 24)
                        replies.append(Reply(feedback=fb, author=head_user, author_name=head_name, body=REPLIES[2],
                                             is_public=True, created_at=min(t, now)))
                        fb.resolved_at = min(t, now)
                        fb.resolved_on_time = False
                        status = Status.RESOLVED
                if path in ("closed", "reopened_closed"):
                    n += 1
                    score = rng.choices([5, 4, 3, 2], weights=[50, 35, 10, 5])[0]
                    score = max(score, 3)
                    attempts.append(CallbackAttempt(feedback=fb, attempt_no=n, result="reached", satisfied=score, by=operator,
                                                    comment=rng.choice(["满意", "处理及时", "基本满意", ""]),
                                                    created_at=min(t + dt.timedelta(hours=20), now)))
                    ev("callback_satisfied", Status.CLOSED, operator, "热线接线员", minutes=60 * 20, score=score)
                    fb.callback_result, fb.satisfaction, fb.closed_at, status = CallbackResult.SATISFIED, score, min(t, now), Status.CLOSED
                    closed_targets.append(fb)
        fb.status = status
        if status in (Status.RECEIVED, Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED) and fb.deadline and fb.deadline < now:
            fb.is_overdue = True
            fb.escalated_at = fb.deadline + dt.timedelta(minutes=5)
            deadline = timezone.localtime(fb.deadline).strftime("%Y-%m-%d %H:%M")
            events.append(FeedbackEvent(feedback=fb, action="escalate", actor_name="系统",
                                        params={"deadline": deadline, "actor": "system"},
                                        created_at=min(fb.escalated_at, now)))

    # Duplicates after the items they were merged into (their foreign key needs the id).
    Feedback.objects.bulk_create([fb for fb, _p in plans if fb.status != Status.MERGED], batch_size=500)
    Feedback.objects.bulk_create([fb for fb, _p in plans if fb.status == Status.MERGED], batch_size=500)
    FeedbackEvent.objects.bulk_create(events, batch_size=1000)
    Reply.objects.bulk_create(replies, batch_size=1000)
    CallbackAttempt.objects.bulk_create(attempts, batch_size=1000)

    staff_pool = [s for members in staff_by_dept.values() for s in members]
    ratings = []
    for _i in range(N_RATINGS):
        s = rng.choice(staff_pool)
        base = rng.choice([5, 5, 4, 4, 4, 3, 2])
        scores = {d: max(1, min(5, base + rng.choice([-1, 0, 0, 1]))) for d, _l in Rating.DIMENSIONS}
        ratings.append(Rating(staff=s, created_at=now - dt.timedelta(days=rng.random() * 300),
                              comment=rng.choice(["", "", "服务很好", "态度热情", "动作麻利"]), **scores))
    Rating.objects.bulk_create(ratings, batch_size=1000)
    refresh_public_figures()
    if out is not None:
        out.write(f"feedback: {len(plans)} items, {len(events)} events, {len(ratings)} ratings")
