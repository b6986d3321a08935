"""What the results pages read: the stored counters (O(questions)), the paginated free-text answers, and
the same figures aggregated over all answers (the reference the counters are tested against)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Avg, CharField, Count, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, NullIf, TruncDate

from qualityservice.core.i18n import localised, pick

from . import scoring
from .models import Answer, CrossCell, Question, RespondentType, Response, ResponseDay, ResultCell, ResultQuestion, Survey


def submitted_answers(survey: Survey, questions=None):
    """Answers of the survey's counted responses (submitted, not excluded)."""
    qs = Answer.objects.filter(response__survey=survey, response__status=Response.Status.SUBMITTED, response__exclusion__isnull=True)
    if questions is not None:
        qs = qs.filter(question__in=questions)
    return qs


def rtype_or_other(field: str = "response__respondent_type"):
    """The respondent type as the cross-tabs show it: an empty type counts as "other"."""
    return Coalesce(NullIf(field, Value("")), Value(RespondentType.OTHER), output_field=CharField())


def _blocks(questions: list[Question], counts, averages, answered) -> dict:
    """Turn the aggregates into what the page shows. ``counts``: (question, item) → {number: answers};
    ``averages``: (question, item) → (mean, answers); ``answered``: question → responses."""
    blocks = []
    servqual_means: dict[tuple[str, str], list[tuple[float, int]]] = defaultdict(list)
    nps_counts: dict[int, int] = defaultdict(int)
    for q in questions:
        block = {"question": q, "answered": answered.get(q.pk, 0), "chart": None, "rows": []}
        if q.kind in (Question.Kind.RATING, Question.Kind.NPS):
            dist = counts.get((q.pk, 0), {})
            avg, n = averages.get((q.pk, 0), (None, 0))
            block["average"] = round(float(avg), 2) if avg is not None else None
            block["chart"] = {"type": "bar", "labels": [str(v) for v in q.scale()], "values": [dist.get(v, 0) for v in q.scale()]}
            if q.kind == Question.Kind.NPS:
                for v, c in dist.items():
                    nps_counts[v] += c
                block["nps"] = scoring.nps_from_counts(dist)
        elif q.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            dist = defaultdict(int)
            for (qid, _item), values in counts.items():
                if qid == q.pk:
                    for v, c in values.items():
                        dist[v] += c
            block["chart"] = {"type": "hbar", "labels": [o.display_text for o in q.option_list], "values": [dist.get(o.value, 0) for o in q.option_list]}
        elif q.kind == Question.Kind.MATRIX:
            labels, values = [], []
            for o in q.option_list:
                avg, n = averages.get((q.pk, o.value), (None, 0))
                labels.append(o.display_text)
                values.append(round(float(avg), 2) if avg is not None else 0)
                block["rows"].append({"item": o.display_text, "average": round(float(avg), 2) if avg is not None else None, "n": n,
                                      "dist": [counts.get((q.pk, o.value), {}).get(v, 0) for v in q.scale()]})
                if q.servqual_dimension and q.servqual_part and avg is not None:
                    servqual_means[(q.servqual_dimension, q.servqual_part)].append((float(avg), n))
            block["chart"] = {"type": "hbar", "labels": labels, "values": values, "max": 5}
        blocks.append(block)
    gaps = scoring.servqual_gaps(
        {key: sum(m * n for m, n in parts) / sum(n for _m, n in parts) for key, parts in servqual_means.items() if sum(n for _m, n in parts)}
    )
    return {
        "blocks": blocks,
        "nps": scoring.nps_from_counts(nps_counts) if nps_counts else None,
        "servqual_gaps": gaps,
        "servqual_overall": scoring.overall_gap(gaps),
    }


def results(survey: Survey, questions: list[Question]) -> dict:
    """Everything the results page shows, read from the stored counters: three queries of
    O(questions + days) rows, whatever the number of responses (see counters.counter_upserts)."""
    ids = [q.pk for q in questions]
    days = list(ResponseDay.objects.filter(survey=survey).values_list("day", "count"))
    counts: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for qid, item, value, n in ResultCell.objects.filter(survey=survey, question_id__in=ids).values_list(
        "question_id", "item", "value", "count"
    ):
        if n:
            counts[(qid, item)][value] = n
    averages = {}
    for key, dist in counts.items():
        n = sum(dist.values())
        averages[key] = (sum(v * c for v, c in dist.items()) / n, n)
    answered, texts = {}, {}
    for qid, n, t in ResultQuestion.objects.filter(survey=survey, question_id__in=ids).values_list("question_id", "responses", "texts"):
        answered[qid] = n
        texts[qid] = t
    return {
        "total": sum(n for _d, n in days),
        "per_day": [{"day": d.isoformat(), "n": n} for d, n in sorted((d, n) for d, n in days if d is not None and n)],
        "text_count": sum(texts.get(q.pk, 0) for q in questions if q.kind == Question.Kind.TEXT),
        **_blocks(questions, counts, averages, answered),
    }


def compute_results_from_answers(survey: Survey, questions: list[Question]) -> dict:
    """The same figures as ``results`` aggregated over all answers (O(answers)): the reference the
    counters are tested against."""
    responses = Response.objects.filter(survey=survey).counted()
    total = responses.count()
    per_day = [
        {"day": row["day"].isoformat(), "n": row["n"]}
        for row in responses.annotate(day=TruncDate("submitted_at")).values("day").annotate(n=Count("pk")).order_by("day")
        if row["day"]
    ]
    question_ids = [q.pk for q in questions]
    answers = submitted_answers(survey).filter(question_id__in=question_ids)
    counts: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for row in answers.exclude(number__isnull=True).values("question_id", "item", "number").annotate(n=Count("pk")):
        counts[(row["question_id"], row["item"])][row["number"]] = row["n"]
    averages = {
        (row["question_id"], row["item"]): (row["avg"], row["n"])
        for row in answers.exclude(number__isnull=True).values("question_id", "item").annotate(avg=Avg("number"), n=Count("pk"))
    }
    answered = dict(answers.values("question_id").annotate(n=Count("response_id", distinct=True)).values_list("question_id", "n"))
    text_ids = [q.pk for q in questions if q.kind == Question.Kind.TEXT]
    return {
        "total": total,
        "per_day": per_day,
        "text_count": answers.filter(question_id__in=text_ids).exclude(text="").count(),
        **_blocks(questions, counts, averages, answered),
    }


def _crosstab_table(by_key: dict, names: dict, order: list) -> list[dict]:
    types = [t for t, _l in RespondentType.choices]
    return [{"name": names[k], "cells": [by_key[k].get(t) for t in types]} for k in order if k in by_key and k in names]


def crosstabs(survey: Survey, questions: list[Question], scope=None) -> dict:
    """Mean 1–5 rating by department (of the question) × respondent type, and by place × respondent type,
    read from the stored ``CrossCell`` counters. ``scope``: None (every question) or the reader's
    department ids (``department_scope``) — then only those departments' questions count."""
    from qualityservice.org.models import Department, Place

    if scope is not None and len(scope) > 1:  # distinct respondents over several departments are not stored
        return compute_crosstabs_from_answers(survey, questions)
    cells = CrossCell.objects.filter(survey=survey)
    if scope is not None:
        cells = cells.filter(department__in=scope or [-1])
    by_department: dict[int, dict] = defaultdict(dict)
    by_place: dict[int, dict] = defaultdict(dict)
    for department, place, rtype, total, answers, respondents in cells.values_list(
        "department", "place", "respondent_type", "total", "answers", "respondents"
    ):
        if not answers:
            continue
        cell = (round(total / answers, 2), respondents)
        if place == 0 and department:
            by_department[department][rtype] = cell
        elif place and (department == 0 if scope is None else department in scope):
            by_place[place][rtype] = cell
    departments = [(pk, pick(name, name_en)) for pk, name, name_en in
                   Department.objects.filter(pk__in=list(by_department)).values_list("pk", "name", "name_en")] if by_department else []
    places = [(pk, pick(name, name_en)) for pk, name, name_en in
              Place.objects.filter(pk__in=list(by_place)).values_list("pk", "name", "name_en")] if by_place else []
    return {
        "types": list(RespondentType.choices),
        "departments": _crosstab_table(by_department, dict(departments), [pk for pk, _n in departments]),
        "places": _crosstab_table(by_place, dict(places), [pk for pk, _n in places]),
    }


def compute_crosstabs_from_answers(survey: Survey, questions: list[Question]) -> dict:
    """The cross-tabs aggregated over all answers (O(answers)); the reference for ``crosstabs``."""
    scaled = [q.pk for q in questions if q.kind in Question.SCALED_KINDS]
    base = submitted_answers(survey).filter(question_id__in=scaled, number__isnull=False).annotate(rtype=rtype_or_other())
    by_department = defaultdict(dict)
    names = {}
    for row in base.filter(question__department__isnull=False).values(
        "question__department_id", "question__department__name", "question__department__name_en", "rtype"
    ).annotate(avg=Avg("number"), n=Count("response_id", distinct=True)):
        names[row["question__department_id"]] = localised(row, "question__department__name")
        by_department[row["question__department_id"]][row["rtype"]] = (round(float(row["avg"]), 2), row["n"])
    by_place = defaultdict(dict)
    place_names = {}
    for row in base.filter(response__place__isnull=False).values(
        "response__place_id", "response__place__name", "response__place__name_en", "rtype"
    ).annotate(avg=Avg("number"), n=Count("response_id", distinct=True)):
        place_names[row["response__place_id"]] = localised(row, "response__place__name")
        by_place[row["response__place_id"]][row["rtype"]] = (round(float(row["avg"]), 2), row["n"])
    return {
        "types": list(RespondentType.choices),
        "departments": _crosstab_table(by_department, names, list(by_department)),
        "places": _crosstab_table(by_place, place_names, list(by_place)),
    }


class CountedAnswers:
    """A queryset with a known length, for the Paginator: its count comes from the stored counters
    instead of a COUNT over the answers."""

    ordered = True

    def __init__(self, queryset, count: int):
        self.queryset = queryset
        self._count = count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, key):
        return self.queryset[key]


def text_answers(survey: Survey, questions: list[Question], count: int | None = None):
    """Non-empty free-text answers of submitted responses, by question then newest first
    (index ``surveys_answer_text_page_idx`` serves the order; LIMIT/OFFSET per page). With ``count``
    (``results(...)["text_count"]``) the paginator needs no COUNT query."""
    ids = [q.pk for q in questions if q.kind == Question.Kind.TEXT]
    queryset = (
        Answer.objects.filter(question_id__in=ids, response__status=Response.Status.SUBMITTED, response__exclusion__isnull=True)
        .exclude(text="")
        .select_related("question__department", "response").order_by("question_id", "-id")
    )
    return queryset if count is None else CountedAnswers(queryset, count)


def stored_response_total():
    """Annotation: a survey's submitted responses from the stored per-day counters (0 without any)."""
    total = ResponseDay.objects.filter(survey=OuterRef("pk")).order_by().values("survey").annotate(n=Sum("count")).values("n")
    return Coalesce(Subquery(total), 0)


def response_counts(survey_ids: list[int]) -> dict[int, int]:
    """Submitted responses per survey, from the stored per-day counters."""
    return dict(
        ResponseDay.objects.filter(survey_id__in=survey_ids).order_by()
        .values("survey_id").annotate(n=Sum("count")).values_list("survey_id", "n")
    )
