"""Demo data (``manage.py seed_demo``, after org's, members' and feedback's): the co-host list and the year's events —
an open day (接待日) with its waiting list and the Student Union's reserved seats, a forum (座谈会) held last month with
its final minutes and the opinions that became feedback records, the experience exchange conference (经验交流会) held in
September, the summary and commendation meeting (表彰大会) in December by invitation, a facility tour and an experience
day still open. Everything goes through the services (registrations, check-ins, the workflows), so the seats, the
waiting list and the timelines are what they would be. Idempotent: fixed submission keys; an event made before is
left as it is."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from qualityservice.members.models import Member
from qualityservice.org.models import Department, Place

from . import services
from .models import Audience, CoHost, Event, Kind, Opinion, Session
from .workflows import EVENT, SESSION

COHOSTS = [("学生处", "Student Affairs Office"), ("团委", "Youth League Committee"), ("学生会", "Student Union"),
           ("研究生会", "Graduate Student Union"), ("工会", "Trade Union")]
VISITORS = [("赵老师", "13905321001"), ("孙女士", "13905321002"), ("周先生", "13905321003"), ("吴同学家长", "13905321004")]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _user(username):
    return get_user_model().objects.filter(username=username).first()


def _event(key, *, by, department, kind, title, title_en, audience, co_hosts, description, sessions):
    event, created = services.create_event(key=f"demo-event-{key}", by=by, co_hosts=co_hosts, kind=kind, department=department,
                                           title=title, title_en=title_en, description=description, description_en="",
                                           audience=audience)
    if not created:
        return None
    made = []
    for n, (starts, hours, place, location, capacity, opens) in enumerate(sessions):
        session, _c = services.create_session(event, key=f"demo-session-{key}-{n}", starts_at=starts,
                                              ends_at=starts + dt.timedelta(hours=hours), place=place, location=location,
                                              capacity=capacity, registration_opens_at=opens, registration_closes_at=starts)
        made.append(session)
    EVENT.apply(event, "publish", by=by, system=True)
    event.refresh_from_db()
    return event, made


def _register(session, key, *, at, user=None, name="", phone="", allocation=None, invitation=None):
    try:
        registration, _c = services.register(session, key=f"demo-reg-{key}", user=user, name=name, phone=phone, allocation=allocation,
                                             invitation=invitation, now=at)
    except services.AlreadyRegistered as exc:
        registration = exc.registration
    return registration


def _hold(session, registrations, attended, by):
    """The door scans of a past session, then the session marked held (the others become no-shows)."""
    scans = [{"nonce": f"demo-scan-{session.pk}-{r.pk}", "code": r.ticket, "at": (session.starts_at - dt.timedelta(minutes=10 - i % 10)).isoformat(),
              "shown": "accepted"} for i, r in enumerate(registrations[:attended])]
    services.record_scans(session, scans, by=by, device="demo-door")
    SESSION.apply(session, "hold", by=by, system=True)


def seed(out, rng) -> None:
    for order, (name, name_en) in enumerate(COHOSTS):
        CoHost.objects.get_or_create(name=name, defaults={"name_en": name_en, "sort_order": (order + 1) * 10})
    cohosts = {c.name: c for c in CoHost.objects.all()}
    departments = {d.code: d for d in Department.objects.filter(code__in=["yinshi", "gongyu", "bangongshi", "weixiu", "wuye"])}
    if len(departments) < 5:
        out.write("events: the demo organisation is missing, nothing made")
        return
    supervisor, head_yinshi, head_wuye = _user("supervisor"), _user("head_yinshi"), _user("head_wuye")
    places = {p.name: p for p in Place.objects.filter(name__in=["第一餐厅", "北区学生公寓1号楼", "行远楼", "图书馆"])}
    members = list(Member.objects.select_related("user").order_by("number"))
    demo = {m.number: m for m in members}
    roster = [m for m in members if m.number.startswith("2025")]
    now = timezone.now()
    today = timezone.localdate()
    made = 0

    # An open day at the canteens in ten days: 30 seats, 10 of them for the Student Union, and a waiting list.
    open_day = _event("open-day", by=head_yinshi, department=departments["yinshi"], kind=Kind.OPEN_DAY,
                      title="后勤开放日：走进饮食服务中心", title_en="Open day: the Catering Service Centre", audience=Audience.PUBLIC,
                      co_hosts=[cohosts["学生会"], cohosts["学生处"]],
                      description="参观中央厨房、食材检测室和明厨亮灶，与厨师长面对面交流。\n名额有限，报满后可排队候补。",
                      sessions=[(_at(today + dt.timedelta(days=10), 14, 30), 2, places.get("第一餐厅"), "二楼集合", 30,
                                 now - dt.timedelta(days=2))])
    if open_day:
        made += 1
        event, (session,) = open_day
        union, _c = services.save_allocation(session, key="demo-alloc-open-day", co_host=cohosts["学生会"], seats=10)
        at = now - dt.timedelta(days=1)
        for i, member in enumerate(roster[:6]):
            _register(session, f"open-day-union-{i}", at=at + dt.timedelta(minutes=i), user=member.user, allocation=union)
        for i, (name, phone) in enumerate(VISITORS):
            _register(session, f"open-day-visitor-{i}", at=at + dt.timedelta(minutes=10 + i), name=name, phone=phone)
        _register(session, "open-day-20260102", at=at + dt.timedelta(minutes=20), user=demo["20260102"].user)
        for i, member in enumerate(roster[6:21]):
            _register(session, f"open-day-{i}", at=at + dt.timedelta(minutes=30 + i), user=member.user)
        # The general pool (20 seats) is full now: the next ones wait, 张晓明 second in line.
        _register(session, "open-day-w0", at=at + dt.timedelta(hours=2), user=roster[21].user)
        _register(session, "open-day-20260101", at=at + dt.timedelta(hours=2, minutes=5), user=demo["20260101"].user)
        for i, member in enumerate(roster[22:26]):
            _register(session, f"open-day-w{i + 1}", at=at + dt.timedelta(hours=3, minutes=i), user=member.user)

    # A forum on the student apartments, held three weeks ago: minutes final, opinions that became feedback records.
    forum_day = today - dt.timedelta(days=21)
    forum = _event("apartment-forum", by=supervisor, department=departments["gongyu"], kind=Kind.FORUM,
                   title="学生公寓住宿服务座谈会", title_en="Forum on the student apartments", audience=Audience.MEMBERS,
                   co_hosts=[cohosts["学生会"], cohosts["研究生会"]],
                   description="听取同学们对公寓管理、维修、卫生和安全的意见建议，现场答复，会后限时办结。",
                   sessions=[(_at(forum_day, 15), 2, places.get("北区学生公寓1号楼"), "一楼会议室", 40,
                              _at(forum_day - dt.timedelta(days=7), 9))])
    if forum:
        made += 1
        event, (session,) = forum
        regs = [_register(session, f"forum-{i}", at=_at(forum_day - dt.timedelta(days=5), 10) + dt.timedelta(minutes=i), user=m.user)
                for i, m in enumerate([demo["20260101"], demo["20260102"], *roster[30:52]])]
        _hold(session, regs, attended=20, by=supervisor)
        opinions = [
            ("北区1号楼热水供应时间太短，晚上十点后经常没有热水，希望延长到十一点半。", "suggestion", "gongyu"),
            ("公寓报修后维修师傅上门时间不固定，希望能在报修时预约时间段。", "suggestion", "weixiu"),
            ("宿管阿姨对晚归同学态度很好，耐心登记，值得表扬。", "praise", "gongyu"),
            ("洗衣房的洗衣机经常故障，扫码付款后不能启动也不退款。", "complaint", "gongyu"),
        ]
        for i, (body, kind, code) in enumerate(opinions):
            services.add_opinion(event, body=body, kind=kind, department=departments[code], session=session,
                                 source=Opinion.Source.ORGANISER, by=supervisor, key=f"demo-opinion-forum-{i}")
        services.save_minutes(event, "时间：座谈会当日15:00–17:00\n地点：北区学生公寓1号楼一楼会议室\n参加：学生代表20人，公寓管理中心、维修服务中心负责人\n\n"
                                     "一、同学们反映热水供应时间、报修预约、洗衣房设备等问题，已逐条登记并转为反馈工单，按服务承诺时限答复。\n"
                                     "二、公寓管理中心通报本学期卫生检查和安全检查情况。\n三、下次座谈会安排在下学期开学第四周。",
                              by=supervisor, key="demo-minutes-forum-1")
        minutes = services.save_minutes(event, "时间：座谈会当日15:00–17:00\n地点：北区学生公寓1号楼一楼会议室\n参加：学生代表20人，公寓管理中心、维修服务中心负责人\n\n"
                                               "一、同学们反映热水供应时间、报修预约、洗衣房设备等问题，已逐条登记并转为反馈工单，按服务承诺时限答复。\n"
                                               "二、公寓管理中心通报本学期卫生检查和安全检查情况，并对宿管员的耐心服务提出表扬。\n"
                                               "三、下次座谈会安排在下学期开学第四周。", by=supervisor, key="demo-minutes-forum-2")
        services.finalise_minutes(minutes, by=supervisor)
        EVENT.apply(event, "finish", by=supervisor, system=True)

    # The experience exchange conference in September (held), by invitation.
    exchange_day = dt.date(today.year, 9, 18)
    exchange = _event("exchange", by=supervisor, department=departments["bangongshi"], kind=Kind.EXCHANGE,
                      title=f"{today.year}年优质服务年经验交流会", title_en=f"Quality Service Year exchange conference {today.year}",
                      audience=Audience.INVITATION, co_hosts=[cohosts["工会"], cohosts["学生处"]],
                      description="各中心交流优质服务年活动中的好做法、好经验，师生代表点评。",
                      sessions=[(_at(exchange_day, 14, 30), 3, places.get("行远楼"), "报告厅", 120, _at(exchange_day - dt.timedelta(days=14), 9))])
    if exchange:
        made += 1
        event, (session,) = exchange
        invitees = [u for u in (_user("head_wuye"), _user("head_yinshi"), demo["T1001"].user, demo["T1002"].user, demo["20260102"].user) if u]
        services.invite(event, invitees, by=supervisor, key="demo-invite-exchange")
        regs = []
        for i, invitation in enumerate(event.invitations.order_by("pk")):
            if i < 4:
                regs.append(_register(session, f"exchange-{i}", at=_at(exchange_day - dt.timedelta(days=5), 9 + i), invitation=invitation))
        _hold(session, regs, attended=4, by=supervisor)
        minutes = services.save_minutes(event, "经验交流会纪要\n一、物业管理中心交流“首问负责制”落实经验。\n二、饮食服务中心交流明厨亮灶和师生开放日做法。\n"
                                               "三、师生代表建议把开放日常态化，每学期至少一次。", by=supervisor, key="demo-minutes-exchange-1")
        services.finalise_minutes(minutes, by=supervisor)
        EVENT.apply(event, "finish", by=supervisor, system=True)

    # The summary and commendation meeting in December, by invitation: some invitees have not answered yet.
    commendation_day = dt.date(today.year, 12, 28)
    commendation = _event("commendation", by=supervisor, department=departments["bangongshi"], kind=Kind.COMMENDATION,
                          title=f"{today.year}年优质服务年总结表彰大会", title_en=f"Quality Service Year summary and commendation meeting {today.year}",
                          audience=Audience.INVITATION, co_hosts=[cohosts["工会"]],
                          description="总结优质服务年工作，表彰服务明星、优秀班组和金点子获奖者。",
                          sessions=[(_at(commendation_day, 9), 2, places.get("行远楼"), "报告厅", 200,
                                     min(now - dt.timedelta(days=1), _at(commendation_day - dt.timedelta(days=20), 9)))])
    if commendation:
        made += 1
        event, (session,) = commendation
        invitees = [u for u in (_user("head_wuye"), _user("head_yinshi"), _user("staff_wuye"), demo["T1001"].user, demo["T1002"].user,
                                demo["20260101"].user) if u]
        services.invite(event, invitees, by=supervisor, key="demo-invite-commendation")
        if session.starts_at > now:
            for i, invitation in enumerate(event.invitations.order_by("pk")[:2]):
                _register(session, f"commendation-{i}", at=now - dt.timedelta(hours=20 - i), invitation=invitation)

    # Still to come: a facility tour for members, an experience day with the Student Union.
    tour = _event("tour", by=head_wuye, department=departments["wuye"], kind=Kind.TOUR,
                  title="参观校园设施：配电房与水泵房", title_en="Facility tour: power and water plants", audience=Audience.MEMBERS,
                  co_hosts=[cohosts["团委"]], description="由物业管理中心工程师带领参观校园配电房和二次供水泵房，了解后勤保障。",
                  sessions=[(_at(today + dt.timedelta(days=12), 9, 30), 1.5, places.get("图书馆"), "东门集合", 15, now - dt.timedelta(days=1)),
                            (_at(today + dt.timedelta(days=19), 9, 30), 1.5, places.get("图书馆"), "东门集合", 15, now - dt.timedelta(days=1))])
    if tour:
        made += 1
        event, sessions = tour
        for i, member in enumerate(roster[60:70]):
            _register(sessions[0], f"tour-{i}", at=now - dt.timedelta(hours=10 - i), user=member.user)
        _register(sessions[0], "tour-T1001", at=now - dt.timedelta(hours=1), user=demo["T1001"].user)
    experience = _event("experience", by=head_wuye, department=departments["wuye"], kind=Kind.EXPERIENCE,
                        title="学生会体验后勤服务日", title_en="Student Union experience day", audience=Audience.PUBLIC,
                        co_hosts=[cohosts["学生会"]], description="学生会同学跟班体验保洁、绿化和会务服务一个上午。",
                        sessions=[(_at(today + dt.timedelta(days=17), 8), 4, places.get("行远楼"), "物业值班室", 20, now - dt.timedelta(days=1))])
    if experience:
        made += 1
        event, (session,) = experience
        services.save_allocation(session, key="demo-alloc-experience", co_host=cohosts["学生会"], seats=15)
    out.write(f"events: {made} demo events, {Event.objects.count()} in all, {Session.objects.count()} sessions")
