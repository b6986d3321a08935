"""The figures this app publishes in the indicator registry (core.indicators), registered at start by
``PlatformAppConfig``. Each ``compute(department_ids, period)`` runs one GROUP BY department query (by the
contestant's or the certificate holder's department, as signed up)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count
from django.utils.translation import pgettext_lazy

from qualityservice.core.indicators import HIGHER_BETTER, NEUTRAL, Indicator, Period

from .models import Certificate, Contestant, Entry, Round


def contestants(department_ids: Sequence[int], period: Period) -> dict[int, int]:
    start, end = period.bounds()
    rows = (Contestant.objects.filter(department_id__in=department_ids, approved_at__gte=start, approved_at__lt=end)
            .values("department_id").annotate(n=Count("pk")).order_by())
    counts = {row["department_id"]: row["n"] for row in rows}
    return {department: counts.get(department, 0) for department in department_ids}


def awards(department_ids: Sequence[int], period: Period) -> dict[int, int]:
    start, end = period.bounds()
    rows = (Certificate.objects.filter(department_id__in=department_ids, issued_at__gte=start, issued_at__lt=end,
                                       status=Certificate.Status.VALID)
            .values("department_id").annotate(n=Count("pk")).order_by())
    counts = {row["department_id"]: row["n"] for row in rows}
    return {department: counts.get(department, 0) for department in department_ids}


def mean_score(department_ids: Sequence[int], period: Period) -> dict[int, Decimal]:
    start, end = period.bounds()
    rows = (Entry.objects.filter(contestant__department_id__in=department_ids, round__status=Round.Status.FINAL,
                                 round__finalised_at__gte=start, round__finalised_at__lt=end, percent__isnull=False)
            .values("contestant__department_id").annotate(mean=Avg("percent")).order_by())
    return {row["contestant__department_id"]: Decimal(str(row["mean"])).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            for row in rows}


INDICATORS = (
    Indicator(
        key="competitions.contestants",
        label=pgettext_lazy("competition", "Competition contestants"),
        definition=pgettext_lazy("competition", "Staff of the department approved as contestants of a skills competition in the "
                                    "period (the day of approval counts; a person in two competitions counts twice)."),
        unit=pgettext_lazy("competition unit", "people"),
        direction=NEUTRAL,
        source="competitions",
        compute=contestants,
        decimals=0,
    ),
    Indicator(
        key="competitions.awards",
        label=pgettext_lazy("competition", "Competition awards"),
        definition=pgettext_lazy("competition", "Award certificates of skills competitions issued in the period to staff of the "
                                    "department, not revoked."),
        unit=pgettext_lazy("competition unit", "awards"),
        direction=HIGHER_BETTER,
        source="competitions",
        compute=awards,
        decimals=0,
    ),
    Indicator(
        key="competitions.mean_score",
        label=pgettext_lazy("competition", "Mean competition score"),
        definition=pgettext_lazy("competition", "Mean, over the department's contestants in competition rounds whose results became "
                                    "final in the period, of the contestant's total as a share of the round's highest "
                                    "possible total (Σ weight × highest score)."),
        unit="%",
        direction=HIGHER_BETTER,
        source="competitions",
        compute=mean_score,
        decimals=1,
    ),
)
