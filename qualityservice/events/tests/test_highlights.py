"""``highlights.events_held``: the events with a session held in a period, as typed values for the work bulletin
(news reads them through core.registry.optional_function), with the people checked in, in one query; events not
held, held in another period, and the names of the people are left out."""

import dataclasses
import datetime as dt

import pytest
from django.utils import timezone

from qualityservice.core import registry
from qualityservice.events import highlights, services
from qualityservice.events.models import Audience, Event, Session

from .helpers import make_event, visitor

pytestmark = pytest.mark.django_db


def held_event(org, *, title="物业开放日", attended=2, absent=1, department=None):
    """An event whose one session started five hours ago, ``attended`` visitors checked in, marked held."""
    event = make_event(org, title=title, department=department or org.wuye, capacity=attended + absent,
                       starts_in=dt.timedelta(hours=3), by=org.supervisor)
    session = event.sessions.get()
    regs = [visitor(session, n + 100 * event.pk) for n in range(attended + absent)]
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - dt.timedelta(hours=5),
                                                 ends_at=timezone.now() - dt.timedelta(hours=3))
    services.record_scans(session, [{"nonce": f"nonce-{r.pk:08d}", "code": r.ticket} for r in regs[:attended]], by=org.supervisor)
    services.move_session(Session.objects.get(pk=session.pk), "hold", by=org.supervisor)
    return Event.objects.get(pk=event.pk)


def _today():
    return timezone.localdate()


def _held_today():
    return timezone.localtime(timezone.now() - dt.timedelta(hours=5)).date()


def test_it_gives_the_events_held_in_the_period_with_kind_department_day_and_attendance(org):
    event = held_event(org, attended=3, absent=1)
    found = highlights.events_held(_held_today(), _today())
    assert found == [highlights.HeldEvent(title="物业开放日", kind="接待日", department="物业管理中心", held_on=_held_today(),
                                          attendance=3, public_url=event.get_public_url())]
    with pytest.raises(dataclasses.FrozenInstanceError):
        found[0].attendance = 0
    assert "访客" not in repr(found) and "139" not in repr(found)  # nobody's name or phone


def test_an_invitation_only_event_has_no_public_page(org):
    event = held_event(org, title="表彰大会")
    Event.objects.filter(pk=event.pk).update(audience=Audience.INVITATION)
    assert [(e.title, e.public_url) for e in highlights.events_held(_held_today(), _today())] == [("表彰大会", None)]


def test_it_leaves_out_events_not_held_and_other_periods(org):
    make_event(org, title="下周的活动", by=org.supervisor)
    held_event(org)
    assert [e.title for e in highlights.events_held(_held_today() - dt.timedelta(days=30), _today() + dt.timedelta(days=30))] == ["物业开放日"]
    assert highlights.events_held(dt.date(2001, 1, 1), dt.date(2001, 12, 31)) == []


def test_it_costs_one_query_whatever_the_number_of_events_and_people(org, django_assert_num_queries):
    held_event(org, title="一", attended=1, absent=0)
    with django_assert_num_queries(1):
        assert [e.attendance for e in highlights.events_held(_held_today(), _today())] == [1]
    held_event(org, title="二", attended=4, department=org.yinshi)
    held_event(org, title="三", attended=2)
    with django_assert_num_queries(1):
        assert sorted(e.attendance for e in highlights.events_held(_held_today(), _today())) == [1, 2, 4]


def test_other_apps_find_it_through_the_registry():
    assert registry.optional_function("qualityservice.events", "highlights", "events_held") is highlights.events_held


def test_it_gives_the_upcoming_public_events_soonest_first_within_the_limit_in_one_query(org, django_assert_num_queries):
    later = make_event(org, title="下月的座谈会", starts_in=dt.timedelta(days=30), by=org.supervisor)
    sooner = make_event(org, title="下周的开放日", starts_in=dt.timedelta(days=7), by=org.supervisor, department=org.yinshi)
    make_event(org, title="邀请制的交流会", audience=Audience.INVITATION, by=org.supervisor)
    make_event(org, title="未发布的活动", publish=False, by=org.supervisor)
    held_event(org, title="已举办的活动")
    with django_assert_num_queries(1):
        found = highlights.upcoming_events()
    assert [(e.title, e.department, e.public_url) for e in found] == [
        ("下周的开放日", "饮食服务中心", sooner.get_public_url()), ("下月的座谈会", "物业管理中心", later.get_public_url())]
    assert found[0].next_start == sooner.sessions.get().starts_at
    assert [e.title for e in highlights.upcoming_events(limit=1)] == ["下周的开放日"]
