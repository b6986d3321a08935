"""Business calendar for deadlines: working hours (QS_BUSINESS_HOURS), working weekdays
(QS_WORK_DAYS) and holidays / make-up working days (the Holiday model).

Deadline rule (``deadline_for``): a commitment in *working hours* counts only minutes inside
working periods of working days; *hours* and *minutes* count round the clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _parse_periods(raw: str) -> list[tuple[dt.time, dt.time]]:
    periods = []
    for chunk in raw.split(","):
        chunk = chunk.strip()
        if not chunk:
            continue
        try:
            start, end = (dt.time.fromisoformat(p.strip()) for p in chunk.split("-"))
        except ValueError:
            raise ImproperlyConfigured(f"QS_BUSINESS_HOURS: bad period {chunk!r} (expected HH:MM-HH:MM)") from None
        if end <= start:
            raise ImproperlyConfigured(f"QS_BUSINESS_HOURS: period {chunk!r} ends before it starts")
        periods.append((start, end))
    if not periods:
        raise ImproperlyConfigured("QS_BUSINESS_HOURS has no period")
    return sorted(periods)


def _parse_days(raw: str) -> frozenset[int]:
    days: set[int] = set()
    for chunk in raw.split(","):
        chunk = chunk.strip()
        if not chunk:
            continue
        try:
            if "-" in chunk:
                a, b = (int(x) for x in chunk.split("-"))
                days.update(range(a, b + 1))
            else:
                days.add(int(chunk))
        except ValueError:
            raise ImproperlyConfigured(f"QS_WORK_DAYS: bad value {chunk!r} (expected e.g. 1-5)") from None
    if not days or not days <= set(range(1, 8)):
        raise ImproperlyConfigured("QS_WORK_DAYS must name ISO weekdays 1 (Monday) to 7 (Sunday)")
    return frozenset(days)


@dataclass
class BusinessCalendar:
    periods: list[tuple[dt.time, dt.time]]
    work_days: frozenset[int]
    holidays: frozenset[dt.date]
    workdays_extra: frozenset[dt.date]
    tz: ZoneInfo

    @classmethod
    def from_settings(cls, holidays=None) -> BusinessCalendar:
        if holidays is None:
            from qualityservice.core import pagecache

            from .models import Holiday

            # Reference data read on every submission: kept per process until a Holiday changes.
            holidays = pagecache.memo("feedback.holidays", lambda: tuple(Holiday.objects.values_list("date", "is_workday")))
        return cls(
            periods=_parse_periods(getattr(settings, "QS_BUSINESS_HOURS", "08:00-12:00,13:30-17:30")),
            work_days=_parse_days(getattr(settings, "QS_WORK_DAYS", "1-5")),
            holidays=frozenset(d for d, is_work in holidays if not is_work),
            workdays_extra=frozenset(d for d, is_work in holidays if is_work),
            tz=ZoneInfo(settings.TIME_ZONE),
        )

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays_extra:
            return True
        if day in self.holidays:
            return False
        return day.isoweekday() in self.work_days

    def add_working_minutes(self, start: dt.datetime, minutes: int) -> dt.datetime:
        """The moment ``minutes`` working minutes after ``start`` (aware datetime)."""
        local = start.astimezone(self.tz)
        remaining = dt.timedelta(minutes=minutes)
        day = local.date()
        for _ in range(3660):  # ten years of days: a guard against a calendar with no working day
            if self.is_working_day(day):
                for p_start, p_end in self.periods:
                    a = dt.datetime.combine(day, p_start, tzinfo=self.tz)
                    b = dt.datetime.combine(day, p_end, tzinfo=self.tz)
                    if b <= local:
                        continue
                    a = max(a, local)
                    available = b - a
                    if remaining <= available:
                        return a + remaining
                    remaining -= available
            day += dt.timedelta(days=1)
        raise ImproperlyConfigured("The business calendar has no working time")


def commitment_terms() -> Mapping[tuple[int, str], tuple[int | None, bool]]:
    """(department id, request kind) → (deadline minutes, counted in working time) of every measurable
    commitment — the first by id, as ``Commitment.deadline_for`` — kept per process until a
    commitment changes (one query, not one per submission)."""
    from qualityservice.core import pagecache
    from qualityservice.org.models import Commitment

    def build():
        terms: dict = {}
        for c in Commitment.objects.filter(is_measurable=True).order_by("pk"):
            terms.setdefault((c.department_id, c.request_kind), (c.deadline_minutes, c.counts_working_time))
        return MappingProxyType(terms)  # shared by every request: read-only

    return pagecache.memo("org.commitment_terms", build)


def compute_deadline(start: dt.datetime, department_id: int, kind: str, calendar: BusinessCalendar | None = None):
    """The reply deadline of a new item from the department's measurable commitment for this
    kind, or the default (QS_FEEDBACK_DEFAULT_WORKING_HOURS); praise has none."""
    minutes, working_time = commitment_terms().get((department_id, kind), (None, False))
    if minutes:
        if working_time:
            return (calendar or BusinessCalendar.from_settings()).add_working_minutes(start, minutes)
        return start + dt.timedelta(minutes=minutes)
    if kind == "praise":
        return None
    hours = getattr(settings, "QS_FEEDBACK_DEFAULT_WORKING_HOURS", 16)
    if not hours:
        return None
    return (calendar or BusinessCalendar.from_settings()).add_working_minutes(start, hours * 60)
