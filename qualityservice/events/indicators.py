"""The figures this app publishes in the indicator registry (core.indicators), registered at start by
``PlatformAppConfig``. Each ``compute(department_ids, period)`` runs one GROUP BY department query."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count
from django.utils.translation import pgettext_lazy

from qualityservice.core.indicators import HIGHER_BETTER, NEUTRAL, Indicator, Period

from .models import Opinion, Registration, RegistrationStatus, Session


def _counts(rows, key: str) -> dict:
    return {row[key]: row["n"] for row in rows}


def _fill(counts: dict, department_ids: Sequence[int]) -> dict[int, int]:
    return {department: counts.get(department, 0) for department in department_ids}


def events_held(department_ids: Sequence[int], period: Period) -> dict[int, int]:
    start, end = period.bounds()
    rows = (Session.objects.filter(event__department_id__in=department_ids, status=Session.Status.HELD, starts_at__gte=start,
                                   starts_at__lt=end)
            .values("event__department_id").annotate(n=Count("event_id", distinct=True)).order_by())
    return _fill(_counts(rows, "event__department_id"), department_ids)


def participants(department_ids: Sequence[int], period: Period) -> dict[int, int]:
    start, end = period.bounds()
    rows = (Registration.objects.filter(session__event__department_id__in=department_ids, status=RegistrationStatus.ATTENDED,
                                        session__starts_at__gte=start, session__starts_at__lt=end)
            .values("session__event__department_id").annotate(n=Count("pk")).order_by())
    return _fill(_counts(rows, "session__event__department_id"), department_ids)


def opinions_raised(department_ids: Sequence[int], period: Period) -> dict[int, int]:
    start, end = period.bounds()
    rows = (Opinion.objects.filter(department_id__in=department_ids, created_at__gte=start, created_at__lt=end)
            .values("department_id").annotate(n=Count("pk")).order_by())
    return _fill(_counts(rows, "department_id"), department_ids)


def opinions_answered(department_ids: Sequence[int], period: Period) -> dict[int, int]:
    start, end = period.bounds()
    rows = (Opinion.objects.filter(department_id__in=department_ids, answered_at__gte=start, answered_at__lt=end)
            .values("department_id").annotate(n=Count("pk")).order_by())
    return _fill(_counts(rows, "department_id"), department_ids)


INDICATORS = (
    Indicator(
        key="events.events_held",
        label=pgettext_lazy("events", "Events held"),
        definition=pgettext_lazy("events", "Events hosted by the department with at least one session held that started in the "
                                           "period (an event with several sessions counts once)."),
        unit=pgettext_lazy("events unit", "events"), direction=HIGHER_BETTER, source="events", compute=events_held, decimals=0,
    ),
    Indicator(
        key="events.participants",
        label=pgettext_lazy("events", "Event participants"),
        definition=pgettext_lazy("events", "People checked in at the department's sessions that started in the period (one "
                                           "person at two sessions counts twice)."),
        unit=pgettext_lazy("events unit", "people"), direction=HIGHER_BETTER, source="events", compute=participants, decimals=0,
    ),
    Indicator(
        key="events.opinions_raised",
        label=pgettext_lazy("events", "Opinions raised at events"),
        definition=pgettext_lazy("events", "Opinions raised at events in the period that concern the department (each became a "
                                           "feedback record of the department)."),
        unit=pgettext_lazy("events unit", "opinions"), direction=NEUTRAL, source="events", compute=opinions_raised, decimals=0,
    ),
    Indicator(
        key="events.opinions_answered",
        label=pgettext_lazy("events", "Event opinions answered"),
        definition=pgettext_lazy("events", "Opinions raised at events that concern the department and whose feedback record was "
                                           "first answered in the period (whenever they were raised)."),
        unit=pgettext_lazy("events unit", "opinions"), direction=HIGHER_BETTER, source="events", compute=opinions_answered, decimals=0,
    ),
)
