"""The cached satisfaction index (``SatisfactionIndex``): per survey and department, and per period
(README "Formulas", "The cached index")."""

from __future__ import annotations

from collections import defaultdict

from django.db import connection, transaction
from django.utils import timezone

from . import scoring
from .models import Answer, Question, Response, SatisfactionIndex, Survey

INDEX_SQL = """
SELECT dept, COUNT(*) AS respondents, AVG(m) AS mean_rating, SUM(k) AS answers
FROM (
    SELECT q.department_id AS dept, a.response_id AS rid, AVG(a.number * 1.0) AS m, COUNT(*) AS k
    FROM {answer} a
    JOIN {question} q ON q.id = a.question_id
    JOIN {response} r ON r.id = a.response_id
    WHERE r.survey_id = %s AND r.status = 'submitted' AND r.exclusion_id IS NULL AND q.department_id IS NOT NULL
      AND q.kind IN ('rating', 'matrix') AND a.number BETWEEN 1 AND 5
    GROUP BY q.department_id, a.response_id
) per_respondent
GROUP BY dept
"""


def survey_index_rows(survey: Survey) -> list[tuple[int, int, float, int]]:
    """(department id, respondents, respondent-weighted mean rating, answers) for one survey, in one query."""
    sql = INDEX_SQL.format(answer=Answer._meta.db_table, question=Question._meta.db_table, response=Response._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [survey.pk])
        return [(int(d), int(n), float(m), int(k)) for d, n, m, k in cursor.fetchall()]


def refresh_satisfaction_index(surveys=None) -> int:
    """Recompute the cached index rows of the given surveys (default: every open or closed survey)
    and of their periods. Idempotent: rows are upserted by their unique keys."""
    if surveys is None:
        surveys = list(Survey.objects.surveys().exclude(status=Survey.Status.DRAFT))
    written = 0
    periods = set()
    for survey in surveys:
        rows = survey_index_rows(survey)
        as_of = survey.closes_at if survey.closes_at and survey.closes_at <= timezone.now() else timezone.now()
        if survey.status != Survey.Status.OPEN and survey.closes_at is None:
            last = Response.objects.filter(survey=survey).counted().order_by("-submitted_at").values_list(
                "submitted_at", flat=True).first()
            as_of = last or as_of
        with transaction.atomic():
            SatisfactionIndex.objects.filter(survey=survey).exclude(department_id__in=[r[0] for r in rows]).delete()
            for dept, n, mean, k in rows:
                SatisfactionIndex.objects.update_or_create(
                    department_id=dept, survey=survey,
                    defaults={"period": survey.period, "score": scoring.rating_to_index(mean), "mean_rating": round(mean, 3),
                              "respondents": n, "answers": k, "as_of": as_of},
                )
                written += 1
        periods.add(survey.period)
    for period in periods:
        written += _refresh_period(period)
    return written


def _refresh_period(period: str) -> int:
    """Period rows combine the period's survey rows, weighted by respondents."""
    parts = defaultdict(list)
    answers = defaultdict(int)
    latest = {}
    for dept, mean, n, k, as_of in SatisfactionIndex.objects.filter(period=period, survey__isnull=False).values_list(
        "department_id", "mean_rating", "respondents", "answers", "as_of"
    ):
        parts[dept].append((mean, n))
        answers[dept] += k
        latest[dept] = max(latest.get(dept, as_of), as_of)
    with transaction.atomic():
        SatisfactionIndex.objects.filter(period=period, survey__isnull=True).exclude(department_id__in=list(parts)).delete()
        for dept, values in parts.items():
            mean = scoring.combine_periods(values)
            if mean is None:
                continue
            SatisfactionIndex.objects.update_or_create(
                department_id=dept, period=period, survey=None,
                defaults={"score": scoring.rating_to_index(mean), "mean_rating": round(mean, 3),
                          "respondents": sum(n for _m, n in values), "answers": answers[dept], "as_of": latest[dept]},
            )
    return len(parts)
