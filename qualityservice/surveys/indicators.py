"""The survey figures published in the indicator registry (core.indicators), registered by
``SurveysConfig.ready()``. Both read stored aggregates only — the cached per-survey satisfaction index
rows (``SatisfactionIndex``) and the NPS answer counters (``ResultCell``) — with the formulas of
``scoring.py``; never the answers themselves. One query each, whatever the number of departments,
surveys or responses.

**Which surveys count in a period**: a survey round (not a template, not a draft) counts in the
period containing its *reference day*: the day it closes (``closes_at``) once that has passed; while it
is still open, today; closed by hand before its close time (or without one), the day of its last
response (its creation day when it has none).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Case, DateField, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qualityservice.core.indicators import HIGHER_BETTER, Indicator, Period
from qualityservice.org.models import Department

from . import scoring
from .models import Question, ResponseDay, ResultCell, SatisfactionIndex, Survey


def surveys_in(period: Period):
    """The survey rounds that count in ``period`` (a queryset, used as a subquery)."""
    now = timezone.now()
    last_day = ResponseDay.objects.filter(survey=OuterRef("pk"), day__isnull=False).order_by("-day").values("day")[:1]
    reference = Case(
        When(closes_at__lte=now, then=TruncDate("closes_at")),
        When(status=Survey.Status.OPEN, then=Value(timezone.localdate())),
        default=Coalesce(Subquery(last_day), TruncDate("created_at")),
        output_field=DateField(),
    )
    return (
        Survey.objects.surveys().exclude(status=Survey.Status.DRAFT)
        .annotate(reference_day=reference)
        .filter(reference_day__gte=period.start, reference_day__lte=period.end)
        .values("pk")
    )


def satisfaction_index(department_ids: Sequence[int], period: Period) -> dict[int, float | None]:
    rows = SatisfactionIndex.objects.filter(survey__in=surveys_in(period), department_id__in=department_ids).values_list(
        "department_id", "mean_rating", "respondents")
    parts = defaultdict(list)
    for department_id, mean, respondents in rows:
        parts[department_id].append((mean, respondents))
    result = {}
    for department_id, values in parts.items():
        mean = scoring.combine_periods(values)
        result[department_id] = None if mean is None else scoring.rating_to_index(mean)
    return result


def respondents(department_ids: Sequence[int], period: Period) -> dict[int, int]:
    """The basis of the satisfaction index (core.indicators ``basis``): the respondents it is computed from,
    summed over the period's survey rounds (a person who answered two rounds counts twice, as in the mean)."""
    rows = (SatisfactionIndex.objects.filter(survey__in=surveys_in(period), department_id__in=department_ids)
            .values("department_id").annotate(n=Sum("respondents")).order_by())
    return {row["department_id"]: row["n"] or 0 for row in rows}


def nps(department_ids: Sequence[int], period: Period) -> dict[int, float | None]:
    # A recommendation question tagged with a department counts for it; an untagged one (the shipped
    # question asks about the group's services as a whole) counts for the group (department of kind group).
    group = Department.objects.filter(kind=Department.Kind.GROUP, pk__in=department_ids).order_by("pk").values("pk")[:1]
    rows = (
        ResultCell.objects.filter(survey__in=surveys_in(period), question__kind=Question.Kind.NPS)
        .annotate(department=Coalesce("question__department_id", Subquery(group)))
        .filter(department__in=department_ids)
        .values("department", "value").annotate(n=Sum("count")).order_by()
    )
    counts = defaultdict(dict)
    for row in rows:
        counts[row["department"]][row["value"]] = row["n"]
    return {d: scoring.nps_from_counts(c).score for d, c in counts.items()}


def _surveys(department_id: int, period: Period) -> str:
    """The drill-down (core.indicators ``records_url``): the surveys list (each survey's results behind it)."""
    return reverse("surveys:list")


INDICATORS = (
    Indicator(
        key="surveys.satisfaction_index",
        label=_("Satisfaction index"),
        definition=_(
            "(m − 1) ÷ 4 × 100 on the 1–5 scale, where m is the mean over respondents of each respondent's mean "
            "answer to the department's rating and matrix questions, over the survey rounds of the period (each "
            "respondent weighs the same); a round counts in the period in which it closes (still open: today). "
            "0 = everyone very dissatisfied, 100 = everyone very satisfied."
        ),
        unit=pgettext_lazy("indicator unit", "points (0–100)"),
        direction=HIGHER_BETTER,
        source="surveys",
        compute=satisfaction_index,
        basis=respondents,
        records_url=_surveys,
    ),
    Indicator(
        key="surveys.nps",
        label=_("Net Promoter Score"),
        definition=_(
            "% promoters (9–10) − % detractors (0–6) among the answers to the recommendation questions (0–10) of "
            "the survey rounds of the period; a question tagged with a department counts for it, an untagged one "
            "(about the group's services as a whole) for the group. From −100 to 100."
        ),
        unit=pgettext_lazy("indicator unit", "points (−100 to 100)"),
        direction=HIGHER_BETTER,
        source="surveys",
        compute=nps,
        records_url=_surveys,
    ),
)
