"""Events for tests: a published event of the property centre with one session open for registration."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from qualityservice.events import services
from qualityservice.events.models import Audience, CoHost, Event, Kind
from qualityservice.events.workflows import EVENT
from qualityservice.members.tests.factories import make_member

_keys = itertools.count(1)


def key(prefix: str = "k") -> str:
    return f"{prefix}{next(_keys):08d}x"


def make_event(org, *, title="物业开放日", audience=Audience.PUBLIC, department=None, kind=Kind.OPEN_DAY, by=None,
               publish=True, capacity=5, starts_in=dt.timedelta(days=10), co_hosts=()) -> Event:
    event, _created = services.create_event(key=key("event"), by=by or org.head_wuye, co_hosts=co_hosts, kind=kind,
                                            department=department or org.wuye, title=title, title_en="", description="",
                                            description_en="", audience=audience)
    if capacity:
        add_session(event, capacity=capacity, starts_in=starts_in)
    if publish:
        EVENT.apply(event, "publish", by=by or org.head_wuye)
        event.refresh_from_db()
    return event


def add_session(event, *, capacity=5, starts_in=dt.timedelta(days=10), opened=dt.timedelta(days=1)):
    now = timezone.now()
    starts = now + starts_in
    session, _created = services.create_session(event, key=key("session"), starts_at=starts, ends_at=starts + dt.timedelta(hours=2),
                                                place=None, location="行远楼报告厅", capacity=capacity,
                                                registration_opens_at=min(now - opened, starts - dt.timedelta(hours=1)),
                                                registration_closes_at=starts)
    return session


def cohost(name="学生会") -> CoHost:
    return CoHost.objects.get_or_create(name=name, defaults={"name_en": "Student Union"})[0]


_numbers = itertools.count(1)


def member(name=None, **extra):
    n = next(_numbers)
    return make_member(number=f"2026{n:05d}", name=name or f"学生{n}", phone=f"138{n:08d}", **extra)


def register(session, who=None, *, name="", phone="", **kwargs):
    """A member (``who``) or a visitor (name + phone) registered through the service."""
    registration, _created = services.register(session, key=key("reg"), user=getattr(who, "user", who), name=name, phone=phone,
                                               **kwargs)
    return registration


def visitor(session, n: int):
    return register(session, name=f"访客{n}", phone=f"139{n:08d}")
