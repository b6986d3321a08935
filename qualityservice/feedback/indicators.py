"""The feedback figures published in the indicator registry (core.indicators), registered by
``FeedbackConfig.ready()``.

Every figure counts the **items received in the period** (``created_at`` within it, merged duplicates
left out), at the department that handles them now (after any transfer) — the cohort the public figures
page (``PublishedFigure``) counts by month, with the same formulas (``services.figure_counts``), so a
month's indicator equals the public page's figure for that month.

**Stored aggregates.** A period's counts are the sum of its months' ``PublishedFigure`` rows where the last
refresh (``services.refresh_public_figures``, every 10 minutes) wrote them: every whole month of the period inside
that refresh's window (``window_start``, 24 months) that had begun when it ran (``refreshed_at``) — a closed month
whole, the month in progress up to the refresh. The rest is counted from the items themselves, one GROUP BY
department over just those days: the items created since the last refresh (minutes of them), a partial month of
a range of days, months older than the window, everything before the first refresh. So a year costs the same few
queries at any number of items, and the figures are those of the live formula with every item created before the
last refresh as it stood then (``tests/test_stored_figures.py``).
Each compute function makes at most three queries (four for complaints per 100 staff), whatever the number of
departments or items.
The three rates declare their basis (core.indicators ``basis``): the items each is computed from, from the same
stored counts.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from functools import reduce
from operator import or_
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qualityservice.core.indicators import HIGHER_BETTER, LOWER_BETTER, NEUTRAL, Indicator, Period
from qualityservice.org.models import Staff

from .models import Kind, PublishedFigure
from .services import FIGURE_COUNTS, counted_feedback, figure_counts


def _months(period: Period):
    """Period.month for every calendar month the period touches, in order."""
    year, month = period.start.year, period.start.month
    while (year, month) <= (period.end.year, period.end.month):
        yield Period.month(year, month)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def split(period: Period) -> tuple[datetime.datetime | None, list[datetime.date], list[tuple[datetime.datetime, datetime.datetime]]]:
    """(the last refresh's time, the first days of the months read from ``PublishedFigure``, the [start, end)
    ranges counted from the items). One query."""
    latest = (PublishedFigure.objects.filter(window_start__isnull=False).order_by("-refreshed_at")
              .values_list("refreshed_at", "window_start").first())
    stored, live = [], []
    lo, hi = period.bounds()

    def count_live(start, end):
        if live and live[-1][1] == start:  # adjacent: one range
            live[-1] = (live[-1][0], end)
        else:
            live.append((start, end))

    for month in _months(period):
        start, end = month.bounds()
        whole = period.start <= month.start and month.end <= period.end
        if whole and latest is not None and month.start >= latest[1] and start < latest[0]:
            # The refresh counted the month's items created before it ran (all of them once the month had ended);
            # items created since (the month in progress) are counted from the items.
            stored.append(month.start)
            if end > latest[0]:
                count_live(latest[0], end)
            continue
        count_live(max(start, lo), min(end, hi))
    return (latest[0] if latest else None), stored, live


def figures(department_ids: Sequence[int], period: Period) -> dict[int, PublishedFigure]:
    """The period's counts per department (departments with items only) as unsaved PublishedFigure rows, so the
    rates come from the very properties the public figures page shows. At most three queries."""
    refreshed_at, stored, live = split(period)
    totals: dict[int, dict[str, int]] = {}

    def add(rows):
        for row in rows:
            counts = totals.setdefault(row.pop("department_id"), dict.fromkeys(FIGURE_COUNTS, 0))
            for name in FIGURE_COUNTS:
                counts[name] += row[name] or 0

    if stored:
        add(PublishedFigure.objects.filter(department_id__in=department_ids, month__in=stored, refreshed_at=refreshed_at)
            .values("department_id").annotate(**{name: Sum(name) for name in FIGURE_COUNTS}).order_by())
    if live:
        days = reduce(or_, (Q(created_at__gte=start, created_at__lt=end) for start, end in live))
        add(counted_feedback().filter(days, department_id__in=department_ids)
            .values("department_id").annotate(**figure_counts()).order_by())
    return {d: PublishedFigure(department_id=d, **counts) for d, counts in totals.items() if counts["received"]}


def live_figures(department_ids: Sequence[int], period: Period) -> dict[int, PublishedFigure]:
    """The same counts straight from the items (the reference the stored path is tested against)."""
    start, end = period.bounds()
    rows = (counted_feedback().filter(department_id__in=department_ids, created_at__gte=start, created_at__lt=end)
            .values("department_id").annotate(**figure_counts()).order_by())
    return {row.pop("department_id"): PublishedFigure(**row) for row in rows}


def received(department_ids: Sequence[int], period: Period) -> dict[int, int]:
    found = figures(department_ids, period)
    return {d: found[d].received if d in found else 0 for d in department_ids}


def complaints_per_100_staff(department_ids: Sequence[int], period: Period) -> dict[int, float | None]:
    found = figures(department_ids, period)
    staff = dict(
        Staff.objects.filter(department_id__in=department_ids, is_active=True)
        .values("department_id").annotate(n=Count("pk")).order_by().values_list("department_id", "n")
    )
    result = {}
    for d in department_ids:
        complaints = found[d].complaints if d in found else 0
        result[d] = round(100 * complaints / staff[d], 2) if staff.get(d) else None
    return result


def on_time_rate(department_ids: Sequence[int], period: Period) -> dict[int, float | None]:
    return {d: f.on_time_rate for d, f in figures(department_ids, period).items()}


def callback_satisfaction(department_ids: Sequence[int], period: Period) -> dict[int, float | None]:
    return {d: f.satisfaction for d, f in figures(department_ids, period).items()}


def reopened_rate(department_ids: Sequence[int], period: Period) -> dict[int, float | None]:
    return {d: round(100 * f.reopened / f.resolved_once, 1) if f.resolved_once else None
            for d, f in figures(department_ids, period).items()}


# The basis of each rate (core.indicators ``basis``): the number of items its value is computed from — the
# denominator of its formula, from the same counts as the rate (stored months plus the items since).

def resolved_items(department_ids: Sequence[int], period: Period) -> dict[int, int]:
    """Behind the on-time rate: the items received in the period that are resolved."""
    return {d: f.resolved for d, f in figures(department_ids, period).items()}


def rated_items(department_ids: Sequence[int], period: Period) -> dict[int, int]:
    """Behind the callback satisfaction: the items received in the period that have a score."""
    return {d: f.rated for d, f in figures(department_ids, period).items()}


def resolved_once_items(department_ids: Sequence[int], period: Period) -> dict[int, int]:
    """Behind the reopened rate: the items received in the period resolved at least once."""
    return {d: f.resolved_once for d, f in figures(department_ids, period).items()}


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
