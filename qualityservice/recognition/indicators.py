"""The figures this app publishes in the indicator registry (core.indicators), registered at start by
``PlatformAppConfig``. Each ``compute(department_ids, period)`` runs one GROUP BY department query."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count
from django.utils.translation import pgettext_lazy

from qualityservice.core.indicators import HIGHER_BETTER, NEUTRAL, Indicator, Period

from .models import Nomination


def nominations_submitted(department_ids: Sequence[int], period: Period) -> dict[int, int]:
    start, end = period.bounds()
    rows = (
        Nomination.objects.filter(department_id__in=department_ids, submitted_at__gte=start, submitted_at__lt=end)
        .values("department_id").annotate(n=Count("pk")).order_by()
    )
    counts = {row["department_id"]: row["n"] for row in rows}
    return {department: counts.get(department, 0) for department in department_ids}


INDICATORS = (
    Indicator(
        key="recognition.nominations_submitted",
        label=pgettext_lazy("nomination", "Nominations submitted"),
        definition=pgettext_lazy("nomination", "Nominations of the department submitted in the period (the day of submission counts), "
                                         "whatever their status now."),
        unit=pgettext_lazy("nomination unit", "nominations"),
        direction=NEUTRAL,
        source="recognition",
        compute=nominations_submitted,
        decimals=0,
    ),
)


def winners(department_ids: Sequence[int], period: Period) -> dict[int, int]:
    """One GROUP BY department query over the winners' certificates (results.py)."""
    from .results import winners_per_department

    start, end = period.bounds()
    return winners_per_department(department_ids, start, end)


INDICATORS = (
    *INDICATORS,
    Indicator(
        key="recognition.winners",
        label=pgettext_lazy("jury", "Recognition winners"),
        definition=pgettext_lazy("jury", "Winners among the department's nominees (service stars, advanced individuals and "
                                         "collectives) whose certificate was issued in the period and is not revoked."),
        unit=pgettext_lazy("jury unit", "winners"),
        direction=HIGHER_BETTER,
        source="recognition",
        compute=winners,
        decimals=0,
    ),
)
