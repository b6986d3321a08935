"""The inspection figures published in the indicator registry (core.indicators), registered by
``InspectionsConfig.ready()``.

Scores count the inspections **submitted** in the period (``services.scored_inspections``, the set the
charts average); rectification figures count the findings **found** in the period (the ledger's period
filter, with the ledger's own counts, ``services.ledger_counts``). One GROUP BY department query each.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Avg, Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qualityservice.core.indicators import HIGHER_BETTER, LOWER_BETTER, Indicator, Period

from .models import Finding
from .services import ledger_counts, scored_inspections

RECTIFIED = (Finding.Status.SUBMITTED, Finding.Status.ACCEPTED)


def _scores(department_ids: Sequence[int], period: Period, **aggregates) -> dict[int, dict]:
    rows = (
        scored_inspections(department_ids=department_ids, since=period.start, until=period.end)
        .values("department_id").annotate(**aggregates).order_by()
    )
    return {row.pop("department_id"): row for row in rows}


def _found(department_ids: Sequence[int], period: Period):
    start, end = period.bounds()
    return Finding.objects.filter(department_id__in=department_ids, created_at__gte=start, created_at__lt=end)


def mean_score(department_ids: Sequence[int], period: Period) -> dict[int, Decimal]:
    rows = _scores(department_ids, period, mean=Avg("score"))
    # Half-up to 2 decimals, as scoring.compute_score rounds one inspection's total.
    return {d: Decimal(str(r["mean"])).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) for d, r in rows.items()}


def pass_rate(department_ids: Sequence[int], period: Period) -> dict[int, float]:
    rows = _scores(department_ids, period, n=Count("pk"), passed=Count("pk", filter=Q(passed=True)))
    return {d: round(100 * r["passed"] / r["n"], 1) for d, r in rows.items() if r["n"]}


def rectification_on_time_rate(department_ids: Sequence[int], period: Period) -> dict[int, float | None]:
    today = timezone.localdate()
    rows = (
        _found(department_ids, period).exclude(status=Finding.Status.NOTED)
        .values("department_id")
        .annotate(
            due_or_done=Count("pk", filter=Q(status__in=RECTIFIED) | Q(status__in=Finding.OPEN_STATES, deadline__lt=today)),
            # Answering sets a new deadline (not in the past), so a late answer shows by its escalation: the
            # overdue job stamps ``escalated_at`` once a finding is open past its deadline.
            on_time=Count("pk", filter=Q(status__in=RECTIFIED, rectified_at__date__lte=F("deadline"), escalated_at__isnull=True)),
        )
        .order_by()
    )
    return {r["department_id"]: round(100 * r["on_time"] / r["due_or_done"], 1) if r["due_or_done"] else None for r in rows}


def overdue_rectifications(department_ids: Sequence[int], period: Period) -> dict[int, int]:
    counts = ledger_counts(_found(department_ids, period), by_department=True)
    return {d: counts[d]["overdue"] if d in counts else 0 for d in department_ids}


def _inspections(department_id: int, period: Period) -> str:
    """The drill-down (core.indicators ``records_url``): the department's inspections."""
    return f"{reverse('inspections:list')}?{urlencode({'department': department_id})}"


def _ledger(**filters):
    """The drill-down: the rectification ledger of the department's findings of the period."""

    def url(department_id: int, period: Period) -> str:
        query = {"department": department_id, "date_from": period.start.isoformat(), "date_to": period.end.isoformat(), **filters}
        return f"{reverse('inspections:ledger')}?{urlencode(query)}"

    return url


INDICATORS = (
    Indicator(
        key="inspections.mean_score",
        label=_("Mean inspection score"),
        definition=_(
            "Mean total score (0–100, the checklist formula) of the inspections submitted in the period that have a "
            "score — self-checks, spot checks, unannounced visits and supervision visits with a checklist —, each "
            "inspection weighing the same (the inspections the inspection charts show)."
        ),
        unit=pgettext_lazy("indicator unit", "points (0–100)"),
        direction=HIGHER_BETTER,
        source="inspections",
        compute=mean_score,
        records_url=_inspections,
        decimals=2,
    ),
    Indicator(
        key="inspections.pass_rate",
        label=_("Inspections passed"),
        definition=_(
            "Of the inspections submitted in the period that have a score, the share passed (total at or above the "
            "checklist's pass mark and no critical item failed) × 100."
        ),
        unit="%",
        direction=HIGHER_BETTER,
        source="inspections",
        compute=pass_rate,
        records_url=_inspections,
    ),
    Indicator(
        key="inspections.rectification_on_time_rate",
        label=_("Rectification on-time rate"),
        definition=_(
            "Of the findings found in the period that require rectification and are done or due — rectified "
            "(awaiting verification or verified), or still awaiting rectification after their deadline —, the share "
            "rectified on or before the deadline in the ledger without having been escalated as overdue × 100."
        ),
        unit="%",
        direction=HIGHER_BETTER,
        source="inspections",
        compute=rectification_on_time_rate,
        records_url=_ledger(),
    ),
    Indicator(
        key="inspections.overdue_rectifications",
        label=_("Overdue rectifications"),
        definition=_(
            "Findings found in the period that still await rectification (open or sent back) and whose deadline "
            "has passed, as of today: the “overdue” count of the rectification ledger."
        ),
        unit=pgettext_lazy("indicator unit", "findings"),
        direction=LOWER_BETTER,
        source="inspections",
        compute=overdue_rectifications,
        records_url=_ledger(status="overdue"),
        decimals=0,
    ),
)
