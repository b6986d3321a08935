"""The feedback figures published in the indicator registry (core.indicators), registered by
``FeedbackConfig.ready()``.

Every figure counts the **items received in the period** (``created_at`` within it, merged duplicates
left out), at the department that handles them now (after any transfer) — the cohort the public figures
page (``PublishedFigure``) counts by month, with the same formulas (``services.figure_counts``), so a
month's indicator equals the public page's figure for that month. Each compute function is one
GROUP BY department query (two for complaints per 100 staff), whatever the number of departments.
The three rates declare their basis (core.indicators ``basis``): the items each is computed from.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qualityservice.core.indicators import HIGHER_BETTER, LOWER_BETTER, NEUTRAL, Indicator, Period
from qualityservice.org.models import Staff

from .models import Kind, PublishedFigure
from .services import RESOLVED, counted_feedback, figure_counts


def _grouped(department_ids: Sequence[int], period: Period, aggregates: dict) -> dict[int, dict]:
    start, end = period.bounds()
    rows = (
        counted_feedback()
        .filter(department_id__in=department_ids, created_at__gte=start, created_at__lt=end)
        .values("department_id")
        .annotate(**aggregates)
        .order_by()
    )
    return {row.pop("department_id"): row for row in rows}


def _figures(department_ids: Sequence[int], period: Period) -> dict[int, PublishedFigure]:
    """The period's counts per department as (unsaved) PublishedFigure rows, so the rates come from the
    very properties the public figures page shows."""
    return {d: PublishedFigure(department_id=d, **row) for d, row in _grouped(department_ids, period, figure_counts()).items()}


def received(department_ids: Sequence[int], period: Period) -> dict[int, int]:
    figures = _figures(department_ids, period)
    return {d: figures[d].received if d in figures else 0 for d in department_ids}


def complaints_per_100_staff(department_ids: Sequence[int], period: Period) -> dict[int, float | None]:
    complaints = _grouped(department_ids, period, {"n": Count("pk", filter=Q(kind=Kind.COMPLAINT))})
    staff = dict(
        Staff.objects.filter(department_id__in=department_ids, is_active=True)
        .values("department_id").annotate(n=Count("pk")).order_by().values_list("department_id", "n")
    )
    result = {}
    for d in department_ids:
        result[d] = round(100 * complaints.get(d, {}).get("n", 0) / staff[d], 2) if staff.get(d) else None
    return result


def on_time_rate(department_ids: Sequence[int], period: Period) -> dict[int, float | None]:
    return {d: f.on_time_rate for d, f in _figures(department_ids, period).items()}


def callback_satisfaction(department_ids: Sequence[int], period: Period) -> dict[int, float | None]:
    return {d: f.satisfaction for d, f in _figures(department_ids, period).items()}


REOPENED = Q(reopen_count__gte=1)  # a reopen happens only after a resolution: these were resolved once


def reopened_rate(department_ids: Sequence[int], period: Period) -> dict[int, float | None]:
    rows = _grouped(department_ids, period, {"reopened": Count("pk", filter=REOPENED),
                                             "resolved_once": Count("pk", filter=RESOLVED | REOPENED)})
    return {d: round(100 * r["reopened"] / r["resolved_once"], 1) if r["resolved_once"] else None for d, r in rows.items()}


# The basis of each rate (core.indicators ``basis``): the number of items its value is computed from — the
# denominator of its formula. One GROUP BY query each.

def resolved_items(department_ids: Sequence[int], period: Period) -> dict[int, int]:
    """Behind the on-time rate: the items received in the period that are resolved."""
    return {d: f.resolved for d, f in _figures(department_ids, period).items()}


def rated_items(department_ids: Sequence[int], period: Period) -> dict[int, int]:
    """Behind the callback satisfaction: the items received in the period that have a score."""
    return {d: f.rated for d, f in _figures(department_ids, period).items()}


def resolved_once_items(department_ids: Sequence[int], period: Period) -> dict[int, int]:
    """Behind the reopened rate: the items received in the period resolved at least once."""
    rows = _grouped(department_ids, period, {"n": Count("pk", filter=RESOLVED | REOPENED)})
    return {d: r["n"] for d, r in rows.items()}


def _inbox(**filters):
    """The drill-down (core.indicators ``records_url``): the inbox filtered to the department and period."""

    def url(department_id: int, period: Period) -> str:
        query = {"department": department_id, "date_from": period.start.isoformat(), "date_to": period.end.isoformat(), **filters}
        return f"{reverse('feedback:inbox')}?{urlencode(query)}"

    return url


INDICATORS = (
    Indicator(
        key="feedback.received",
        label=_("Feedback received"),
        definition=_(
            "Items received in the period from every channel (complaints, suggestions, praise, enquiries, repair "
            "requests), counted at the department that handles them now; merged duplicates are not counted."
        ),
        unit=pgettext_lazy("indicator unit", "items"),
        direction=NEUTRAL,
        source="feedback",
        compute=received,
        records_url=_inbox(),
        decimals=0,
    ),
    Indicator(
        key="feedback.complaints_per_100_staff",
        label=_("Complaints per 100 staff"),
        definition=_(
            "Complaints received in the period (merged duplicates not counted) × 100 ÷ the department's active "
            "staff on today's roster (employed staff of the department, its teams included). No value for a "
            "department without active staff."
        ),
        unit=pgettext_lazy("indicator unit", "complaints per 100 staff"),
        direction=LOWER_BETTER,
        source="feedback",
        compute=complaints_per_100_staff,
        records_url=_inbox(kind=Kind.COMPLAINT),
        decimals=2,
    ),
    Indicator(
        key="feedback.on_time_rate",
        label=_("On-time handling rate"),
        definition=_(
            "Of the items received in the period that are resolved (answered to the submitter, or closed), the "
            "share answered by the deadline of the department's commitment × 100; items without a deadline "
            "(praise) count as on time. A reopened item counts again once it is answered again."
        ),
        unit="%",
        direction=HIGHER_BETTER,
        source="feedback",
        compute=on_time_rate,
        basis=resolved_items,
        records_url=_inbox(),
    ),
    Indicator(
        key="feedback.callback_satisfaction",
        label=_("Callback satisfaction"),
        definition=_(
            "Mean satisfaction score (1 = very dissatisfied … 5 = very satisfied) of the items received in the "
            "period that have one: the last score given at a callback or through the submitter's rating link."
        ),
        unit=pgettext_lazy("indicator unit", "points (1–5)"),
        direction=HIGHER_BETTER,
        source="feedback",
        compute=callback_satisfaction,
        basis=rated_items,
        records_url=_inbox(),
        decimals=2,
    ),
    Indicator(
        key="feedback.reopened_rate",
        label=_("Reopened rate"),
        definition=_(
            "Of the items received in the period that were resolved at least once, the share reopened at least "
            "once (after an unhappy callback or rating, or by staff) × 100."
        ),
        unit="%",
        direction=LOWER_BETTER,
        source="feedback",
        compute=reopened_rate,
        basis=resolved_once_items,
        records_url=_inbox(),
    ),
)
