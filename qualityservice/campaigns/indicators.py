"""The figures this app publishes in the indicator registry (core.indicators), registered at start by
``PlatformAppConfig``. Each ``compute(department_ids, period)`` runs one or two GROUP BY department queries.

An activity counts for a period by its dates: it is *due* in the period when its end date (the campaign's
end when it has none) falls in it, and *runs* in the period when its dates (the campaign's when it has none)
overlap it. Activities of draft campaigns and of menu templates never count; cancelled ones (with the
supervisor's consent) neither."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import pgettext_lazy

from qualityservice.core.indicators import HIGHER_BETTER, Indicator, Period

from .models import Campaign, DepartmentActivity, Evidence, ReportFile

DONE = DepartmentActivity.Status.DONE


def _activities(department_ids: Sequence[int]):
    return (DepartmentActivity.objects.filter(department_id__in=department_ids, campaign__is_template=False)
            .exclude(campaign__status=Campaign.Status.DRAFT).exclude(status=DepartmentActivity.Status.CANCELLED)
            .alias(due=Coalesce("ends_on", "campaign__ends_on"), begins=Coalesce("starts_on", "campaign__starts_on")))


def _due(department_ids, period: Period):
    return _activities(department_ids).filter(due__gte=period.start, due__lte=period.end)


def _running(department_ids, period: Period):
    return _activities(department_ids).filter(begins__lte=period.end, due__gte=period.start)


def _rate(rows, numerator: str) -> dict[int, float | None]:
    return {row["department_id"]: round(100 * row[numerator] / row["n"], 1) if row["n"] else None for row in rows}


def required_completion_rate(department_ids: Sequence[int], period: Period) -> dict[int, float | None]:
    rows = (_due(department_ids, period).filter(is_required=True).values("department_id")
            .annotate(n=Count("pk"), done=Count("pk", filter=Q(status=DONE))).order_by())
    return _rate(rows, "done")


def done_on_time_rate(department_ids: Sequence[int], period: Period) -> dict[int, float | None]:
    rows = (_due(department_ids, period).values("department_id")
            .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(status=DONE, done_on__lte=F("due")))).order_by())
    return _rate(rows, "on_time")


def evidence_per_activity(department_ids: Sequence[int], period: Period) -> dict[int, float | None]:
    """Two queries: the running activities per department, and the linked records and report files dated in the
    period on them (one statement: the two GROUP BY queries as a UNION ALL)."""
    running = _running(department_ids, period)
    counts = {r["department_id"]: r["n"] for r in running.values("department_id").annotate(n=Count("pk")).order_by()}
    linked = (Evidence.objects.filter(activity__in=running.values("pk"), occurred_on__gte=period.start, occurred_on__lte=period.end)
              .values_list("activity__department_id").annotate(n=Count("pk")).order_by())
    files = (ReportFile.objects.filter(report__activity__in=running.values("pk"), report__reported_on__gte=period.start,
                                       report__reported_on__lte=period.end)
             .values_list("report__activity__department_id").annotate(n=Count("pk")).order_by())
    pieces: dict[int, int] = {}
    for department_id, n in linked.union(files, all=True):
        pieces[department_id] = pieces.get(department_id, 0) + n
    return {d: round(pieces.get(d, 0) / n, 1) if n else None for d, n in ((d, counts.get(d, 0)) for d in department_ids)}


def signature_count(department_ids: Sequence[int], period: Period) -> dict[int, int]:
    rows = _running(department_ids, period).filter(is_signature=True).values("department_id").annotate(n=Count("pk")).order_by()
    counts = {row["department_id"]: row["n"] for row in rows}
    return {d: counts.get(d, 0) for d in department_ids}


INDICATORS = (
    Indicator(
        key="campaigns.required_completion_rate",
        label=pgettext_lazy("campaign", "Required activities completed"),
        definition=pgettext_lazy("campaign", "Of the department's required activities (规定动作) due in the period — their end date, or "
                                             "the campaign's, falls in it — the share marked done; cancelled ones are not counted."),
        unit="%", direction=HIGHER_BETTER, source="campaigns", compute=required_completion_rate, decimals=1,
    ),
    Indicator(
        key="campaigns.done_on_time_rate",
        label=pgettext_lazy("campaign", "Activities done on time"),
        definition=pgettext_lazy("campaign", "Of the department's campaign activities due in the period (required and optional, "
                                             "not cancelled), the share done on or before their end date."),
        unit="%", direction=HIGHER_BETTER, source="campaigns", compute=done_on_time_rate, decimals=1,
    ),
    Indicator(
        key="campaigns.evidence_per_activity",
        label=pgettext_lazy("campaign", "Evidence per activity"),
        definition=pgettext_lazy("campaign", "Pieces of evidence dated in the period — records of other apps linked to the activity "
                                             "and files of its progress reports — divided by the department's activities running in the "
                                             "period (not cancelled)."),
        unit=pgettext_lazy("campaign unit", "pieces"), direction=HIGHER_BETTER, source="campaigns", compute=evidence_per_activity,
        decimals=1,
    ),
    Indicator(
        key="campaigns.signature_count",
        label=pgettext_lazy("campaign", "Signature activities (精品)"),
        definition=pgettext_lazy("campaign", "The department's activities marked as signature activities (精品) running in the "
                                             "period, not cancelled."),
        unit=pgettext_lazy("campaign unit", "activities"), direction=HIGHER_BETTER, source="campaigns", compute=signature_count,
        decimals=0,
    ),
)
