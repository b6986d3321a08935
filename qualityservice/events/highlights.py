"""What other apps may show of the events (the work bulletin's "assemble a draft", later the public boards), as
typed values: they call ``events_held`` (and ``upcoming_events``) through ``core.registry.optional_function`` and never read this app's
models. Only what the public event page shows, and counts of people, never a name."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Min, Q
from django.utils import timezone

from qualityservice.core.indicators import Period

from .models import Audience, Event, RegistrationStatus, Session


@dataclass(frozen=True)
class HeldEvent:
    """An event with a session held in the period: title, kind, host department, the day of its first such session,
    the people checked in at those sessions, and its public page (None for an invitation-only event, which the
    public list does not show)."""

    title: str
    kind: str
    department: str
    held_on: datetime.date
    attendance: int
    public_url: str | None


def events_held(start: datetime.date, end: datetime.date) -> list[HeldEvent]:
    """The events with at least one session held (status held) that started between ``start`` and ``end`` (both
    included), as the indicator ``events.events_held`` counts them — an event with several sessions once —, by the
    day of the first; in the reader's language. One query, whatever the number of events, sessions and people."""
    since, until = Period(start, end).bounds()
    rows = (Event.objects.exclude(status__in=[Event.Status.DRAFT, Event.Status.CANCELLED])
            .filter(sessions__status=Session.Status.HELD, sessions__starts_at__gte=since, sessions__starts_at__lt=until)
            .annotate(first_held=Min("sessions__starts_at"),
                      attended=Count("sessions__registrations", filter=Q(sessions__registrations__status=RegistrationStatus.ATTENDED)))
            .select_related("department").order_by("first_held", "pk"))
    return [HeldEvent(title=e.localised("title"), kind=e.get_kind_display(), department=e.department.display_name,
                      held_on=timezone.localtime(e.first_held).date(), attendance=e.attended,
                      public_url=None if e.audience == Audience.INVITATION else e.get_public_url()) for e in rows]


@dataclass(frozen=True)
class UpcomingEvent:
    """A published event of the public list with a session still to come: title, kind, host department, the start
    of its next session, and its public page."""

    title: str
    kind: str
    department: str
    next_start: datetime.datetime
    public_url: str


def upcoming_events(limit: int = 10) -> list[UpcomingEvent]:
    """The public list's events (published, not invitation-only) with a scheduled session still to come, soonest
    first, at most ``limit``; in the reader's language. One query, whatever the number of events and sessions."""
    rows = Event.objects.upcoming().select_related("department")[:limit]
    return [UpcomingEvent(title=e.localised("title"), kind=e.get_kind_display(), department=e.department.display_name,
                          next_start=e.next_start, public_url=e.get_public_url()) for e in rows]
