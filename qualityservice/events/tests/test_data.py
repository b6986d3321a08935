"""What the app publishes and generates: the indicators (one query each for every department), the periodic jobs
(sessions marked held with their no-shows, visitors' data deleted after the retention period), the campaign
evidence's arguments, the demo data (idempotent) and the scale data."""

import datetime as dt
import io
import random

import pytest
from django.utils import timezone

from config.celery import app as celery_app
from qualityservice.core import indicators, registry
from qualityservice.core.indicators import Period
from qualityservice.core.workflow import for_field
from qualityservice.events import demo, scale, services
from qualityservice.events.models import (
    Allocation,
    CheckIn,
    Event,
    Invitation,
    Minutes,
    Offer,
    Opinion,
    Registration,
    Session,
)
from qualityservice.events.workflows import EVENT, INVITATION, MINUTES, OFFER, REGISTRATION, SESSION

from .helpers import key, make_event, member, register, visitor

pytestmark = pytest.mark.django_db
KEYS = ["events.events_held", "events.participants", "events.opinions_raised", "events.opinions_answered"]


def _held(org, department, attended: int, absent: int = 0):
    event = make_event(org, department=department, capacity=attended + absent, starts_in=dt.timedelta(hours=3),
                       by=org.supervisor)
    session = event.sessions.get()
    regs = [visitor(session, n + 100 * event.pk) for n in range(attended + absent)]
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - dt.timedelta(hours=5),
                                                 ends_at=timezone.now() - dt.timedelta(hours=3))
    services.record_scans(session, [{"nonce": f"nonce-{r.pk:08d}", "code": r.ticket} for r in regs[:attended]], by=org.supervisor)
    return event, session


def test_every_status_field_has_its_workflow():
    assert [for_field(m) for m in (Event, Session, Registration, Offer, Invitation, Minutes)] == [EVENT, SESSION, REGISTRATION, OFFER,
                                                                                                  INVITATION, MINUTES]


def test_the_indicators_count_events_held_participants_and_opinions_per_department_in_one_query_each(org, django_assert_num_queries):
    wuye_event, wuye_session = _held(org, org.wuye, attended=3, absent=1)
    _held(org, org.wuye, attended=2)
    yinshi_event, _s = _held(org, org.yinshi, attended=1)
    services.hold_past_sessions()
    make_event(org, department=org.yinshi, by=org.supervisor)  # not held: not counted
    first, _c = services.add_opinion(wuye_event, body="意见一", kind="suggestion", department=org.wuye, source="organiser",
                                     by=org.head_wuye, key=key())
    services.add_opinion(wuye_event, body="意见二", kind="suggestion", department=org.yinshi, source="organiser", by=org.head_wuye, key=key())
    Opinion.objects.filter(pk=first.pk).update(answered_at=timezone.now())
    ids = [org.wuye.pk, org.yinshi.pk, org.office.pk]
    with django_assert_num_queries(4):
        table = indicators.values(KEYS, ids, Period.this_year())
    assert [[table.value(k, d) for d in ids] for k in KEYS] == [[2, 1, 0], [5, 1, 0], [1, 1, 0], [1, 0, 0]]
    old = indicators.values(KEYS, ids, Period.year(2001))
    assert all(old.value(k, d) == 0 for k in KEYS for d in ids)


def test_the_hourly_job_marks_past_sessions_held_with_their_no_shows_and_finishes_the_event(org):
    event, session = _held(org, org.wuye, attended=2, absent=1)
    assert services.hold_past_sessions() == 1
    assert services.hold_past_sessions() == 0
    session.refresh_from_db()
    assert session.status == "held" and session.held_at is not None
    assert sorted(Registration.objects.filter(session=session).values_list("status", flat=True)) == ["attended", "attended", "no_show"]
    assert Event.objects.get(pk=event.pk).status == "finished"


def test_marking_a_session_held_before_it_starts_is_refused(org, session):
    with pytest.raises(services.TransitionError, match="场次开始后才能标记为已举行"):
        services.move_session(session, "hold", by=org.head_wuye)
    assert Session.objects.get(pk=session.pk).status == "scheduled"


def test_visitors_names_and_phones_are_deleted_after_the_retention_period_and_counts_stay(org, settings):
    settings.QS_EVENTS_RETENTION_DAYS = 30
    event, session = _held(org, org.wuye, attended=2)
    someone = member("会员")
    Session.objects.filter(pk=session.pk).update(registration_opens_at=timezone.now() - dt.timedelta(days=40),
                                                 registration_closes_at=timezone.now() + dt.timedelta(hours=1),
                                                 starts_at=timezone.now() + dt.timedelta(hours=2), ends_at=timezone.now() + dt.timedelta(hours=3))
    Session.objects.filter(pk=session.pk).update(capacity=3)
    kept = register(session, someone)
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - dt.timedelta(days=31, hours=2),
                                                 ends_at=timezone.now() - dt.timedelta(days=31))
    assert services.delete_visitor_data() == 2
    assert services.delete_visitor_data() == 0
    rows = list(Registration.objects.filter(session=session).order_by("seq").values_list("name", "phone", "status"))
    assert rows == [("", "", "attended"), ("", "", "attended"), ("会员", someone.phone, "confirmed")]
    kept.refresh_from_db()
    assert kept.personal_data_deleted_at is None


def test_the_campaign_evidence_arguments_of_a_held_session(org):
    event, session = _held(org, org.wuye, attended=1)
    Event.objects.filter(pk=event.pk).update(title="物业开放日", title_en="Property open day")
    session = Session.objects.select_related("event").get(pk=session.pk)
    kwargs = services.campaign_evidence_kwargs(session)
    day = timezone.localtime(session.starts_at).date()
    assert kwargs == {
        "department_id": org.wuye.pk, "carrier": "events", "source": session,
        "title": f"接待日：物业开放日 {day:%Y-%m-%d}", "title_en": f"Open day: Property open day {day:%Y-%m-%d}",
        "url": session.get_absolute_url(), "occurred_on": day, "public": True,
    }


def test_the_periodic_jobs_are_in_the_beat_schedule_and_their_tasks_exist():
    schedule = registry.beat_schedule()
    jobs = {name: entry for name, entry in schedule.items() if name.startswith("events-")}
    assert {name: entry["task"] for name, entry in jobs.items()} == {
        "events-expire-offers": "events.expire_offers", "events-relay-answers": "events.relay_answers",
        "events-reminders": "events.send_reminders", "events-hold-past-sessions": "events.hold_past_sessions",
        "events-delete-visitor-data": "events.delete_visitor_data"}
    assert all(entry["task"] in celery_app.tasks for entry in jobs.values())


def test_the_demo_makes_the_years_events_through_the_services_and_a_second_run_adds_nothing(db):
    from qualityservice.members import demo as members_demo
    from qualityservice.org import demo as org_demo

    org_demo.seed(io.StringIO(), random.Random(1))
    members_demo.seed(io.StringIO(), random.Random(2026))
    demo.seed(io.StringIO(), random.Random(2026))
    kinds = set(Event.objects.values_list("kind", flat=True))
    assert {"open_day", "forum", "exchange", "commendation", "tour", "experience"} <= kinds
    exchange = Event.objects.get(kind="exchange")
    assert timezone.localtime(exchange.sessions.get().starts_at).month == 9 and exchange.minutes.status == "final"
    commendation = Event.objects.get(kind="commendation")
    assert timezone.localtime(commendation.sessions.get().starts_at).month == 12 and commendation.audience == "invitation"
    assert Invitation.objects.filter(event=commendation, status="pending").exists()
    open_day = Event.objects.get(kind="open_day").sessions.get()
    assert open_day.registrations.filter(status="waiting").count() == 6 and Allocation.objects.filter(session=open_day).exists()
    forum = Event.objects.get(kind="forum")
    assert forum.minutes.status == "final" and forum.opinions.exclude(feedback_code="").count() == 4
    assert CheckIn.objects.filter(session__event=forum).count() == 20
    before = (Event.objects.count(), Registration.objects.count(), Opinion.objects.count(), CheckIn.objects.count())
    demo.seed(io.StringIO(), random.Random(7))
    assert (Event.objects.count(), Registration.objects.count(), Opinion.objects.count(), CheckIn.objects.count()) == before


def test_the_scale_data_adds_the_registrations_asked_for_with_consistent_counters(org):
    assert "events" in scale.COUNTS
    scale.generate(io.StringIO(), random.Random(1), {"events": 500})
    assert Registration.objects.count() == 500
    for session in Session.objects.all():
        holders = session.registrations.exclude(status="waiting").count()
        assert session.general_taken == holders <= session.capacity
        assert session.next_seq == session.registrations.count() + 1
