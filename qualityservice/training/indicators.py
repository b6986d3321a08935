"""The figures this app publishes in the indicator registry (core.indicators), registered at start by
``PlatformAppConfig``. Both reuse the formulas of the hours pages (``services``): a constant number of
GROUP BY department queries for any number of departments."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import pgettext_lazy

from qualityservice.core.indicators import HIGHER_BETTER, NEUTRAL, Indicator, Period

from . import services
from .models import TrainingSession


def hours_per_staff(department_ids: Sequence[int], period: Period) -> dict[int, Decimal | None]:
    """Two queries: the attendee-hours of the period's sessions, the active headcount."""
    hours = services.attendee_hours(department_ids, period)
    people = services.headcount(department_ids)
    return {d: services.per_staff(sum(hours.get(d, {}).values(), services.ZERO), people.get(d, 0)) for d in department_ids}


def sessions_held(department_ids: Sequence[int], period: Period) -> dict[int, int]:
    rows = (TrainingSession.objects.filter(department_id__in=department_ids, date__gte=period.start, date__lte=period.end)
            .values("department_id").annotate(n=Count("pk")).order_by())
    counts = {row["department_id"]: row["n"] for row in rows}
    return {d: counts.get(d, 0) for d in department_ids}


INDICATORS = (
    Indicator(
        key="training.hours_per_staff",
        label=pgettext_lazy("training", "Training hours per staff member"),
        definition=pgettext_lazy(
            "training",
            "The hours of the department's training sessions dated in the period, each counted once per attendee, "
            "divided by the department's staff employed today (there is no headcount history). No staff: no value."),
        unit=pgettext_lazy("training unit", "hours"),
        direction=HIGHER_BETTER,
        source="training",
        compute=hours_per_staff,
        decimals=1,
    ),
    Indicator(
        key="training.sessions",
        label=pgettext_lazy("training", "Training sessions held"),
        definition=pgettext_lazy("training", "The department's training sessions dated in the period, of every level."),
        unit=pgettext_lazy("training unit", "sessions"),
        direction=NEUTRAL,
        source="training",
        compute=sessions_held,
        decimals=0,
    ),
)
