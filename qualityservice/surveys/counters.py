"""The stored result aggregates (``ResponseDay``, ``ResultCell``, ``ResultQuestion``, ``CrossCell``):
counted with every submitted response, rebuilt from the answers (README "Stored result aggregates").

Counting: :func:`counter_upserts` turns one response into ``core.fastinsert.Upsert`` rows (one per counter
table, ``INSERT … ON CONFLICT … DO UPDATE SET c = c + excluded.c``), written by ``fastinsert`` in the
submit's own statement or transaction. Rebuilding: :func:`rebuild_results` recomputes one survey's counters
under the survey's **results lock** — on PostgreSQL an advisory lock keyed by the survey, which every writer
of that survey's counters takes in shared mode (submits, exclusions) and the rebuild exclusively, so a
rebuild waits for the submits in flight and holds back new submits *of that survey only*; on SQLite the
write transaction (``IMMEDIATE``) serialises writers anyway. A rebuild asked for by a page runs in the
background (:func:`schedule_rebuild`, Celery task ``surveys.rebuild_results``); the results page says so
while ``Survey.results_rebuilding`` is set.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from qualityservice.core import fastinsert
from qualityservice.core.fastinsert import Upsert

from .models import CrossCell, Question, RespondentType, Response, ResponseDay, ResultCell, ResultQuestion, Survey
from .results import rtype_or_other, submitted_answers

COUNTER_MODELS = (ResponseDay, ResultCell, ResultQuestion, CrossCell)  # also the lock order
KEYS = {
    ResponseDay: (("survey", "day"), ("count",)),
    ResultCell: (("survey", "question", "item", "value"), ("count",)),
    ResultQuestion: (("survey", "question"), ("responses", "texts")),
    CrossCell: (("survey", "department", "place", "respondent_type"), ("total", "answers", "respondents")),
}
# A rebuild still flagged after this long lost its task (a worker restarted): the periodic job runs it.
REBUILD_GRACE = timedelta(minutes=10)
_LOCK_CLASS = 0x53525653  # "SRVS": the advisory-lock namespace of the survey results locks


def results_lock_key(survey_id: int) -> int:
    """The advisory-lock key of one survey's counters (PostgreSQL)."""
    return (_LOCK_CLASS << 32) | (survey_id & 0xFFFFFFFF)


def lock_results(survey_id: int, *, shared: bool = True) -> None:
    """Take the survey's results lock for the current transaction: shared for a writer of its counters,
    exclusive for a rebuild (PostgreSQL; nothing on SQLite)."""
    fastinsert.advisory_lock(results_lock_key(survey_id), shared=shared)


def counter_upserts(survey: Survey, questions: dict[int, Question], answers: dict, respondent_type: str,
                    place_id: int | None, submitted_at, sign: int = 1) -> list[Upsert]:
    """What one submitted response adds to (``sign`` −1: takes from) the stored aggregates: an Upsert per
    counter table, in ``COUNTER_MODELS`` order (the lock order); tables without rows are left out.
    ``answers``: question id → the response's cells (``answering.Cell``)."""
    sid = survey.pk
    cells: dict[tuple, int] = defaultdict(int)
    per_question = []
    scaled: dict[int, list[int]] = defaultdict(list)  # department (0: none) → the response's 1–5 answers
    for qid, answer_cells in answers.items():
        if not answer_cells:
            continue
        per_question.append({"survey_id": sid, "question_id": qid, "responses": sign,
                             "texts": sign * sum(1 for c in answer_cells if c.text)})
        question = questions[qid]
        for c in answer_cells:
            if c.number is not None:
                cells[(qid, c.item, c.number)] += 1
                if question.kind in Question.SCALED_KINDS:
                    scaled[question.department_id or 0].append(c.number)
    rtype = respondent_type or RespondentType.OTHER
    cross = []

    def cross_row(department: int, place: int, numbers: list[int]) -> dict:
        return {"survey_id": sid, "department": department, "place": place, "respondent_type": rtype,
                "total": sign * sum(numbers), "answers": sign * len(numbers), "respondents": sign}

    for department, numbers in scaled.items():
        if department:
            cross.append(cross_row(department, 0, numbers))
            if place_id:
                cross.append(cross_row(department, place_id, numbers))
    if place_id and scaled:
        cross.append(cross_row(0, place_id, [n for values in scaled.values() for n in values]))
    day = timezone.localtime(submitted_at).date()
    rows = {
        ResponseDay: [{"survey_id": sid, "day": day, "count": sign}],
        ResultCell: [{"survey_id": sid, "question_id": qid, "item": item, "value": value, "count": sign * n}
                     for (qid, item, value), n in cells.items()],
        ResultQuestion: per_question,
        CrossCell: cross,
    }
    return [Upsert(model, *KEYS[model], rows=rows[model]) for model in COUNTER_MODELS if rows[model]]


def combine(upserts: list[Upsert]) -> list[Upsert]:
    """The sum of several responses' Upserts: one Upsert per table (COUNTER_MODELS order), one row per key."""
    sums: dict = {model: {} for model in COUNTER_MODELS}
    for item in upserts:
        keys, adds = KEYS[item.model]
        by_key = sums[item.model]
        for row in item.rows:
            key = tuple(row.get(k, row.get(f"{k}_id")) for k in keys)
            total = by_key.setdefault(key, {**row, **dict.fromkeys(adds, 0)})
            for name in adds:
                total[name] += row[name]
    return [Upsert(model, *KEYS[model], rows=list(sums[model].values())) for model in COUNTER_MODELS if sums[model]]


def rebuild_results(survey: Survey) -> None:
    """Recompute the survey's stored aggregates from its submitted answers (O(answers); seconds at a million
    answers), under the survey's exclusive results lock: the submits to this survey wait, those to every
    other survey go on. For bulk loaders that write answers directly, the ``rebuild_survey_results``
    command, the background task and the periodic check."""
    with transaction.atomic():
        lock_results(survey.pk, shared=False)
        for model in COUNTER_MODELS:
            model.objects.filter(survey=survey).delete()
        responses = Response.objects.filter(survey=survey).counted()
        ResponseDay.objects.bulk_create([
            ResponseDay(survey=survey, day=row["day"], count=row["n"])
            for row in responses.annotate(day=TruncDate("submitted_at")).values("day").annotate(n=Count("pk")).order_by("day")
        ], batch_size=500)
        answers = submitted_answers(survey)
        ResultCell.objects.bulk_create([
            ResultCell(survey=survey, question_id=row["question_id"], item=row["item"], value=row["number"], count=row["n"])
            for row in answers.exclude(number__isnull=True).values("question_id", "item", "number").annotate(n=Count("pk")).order_by()
        ], batch_size=500)
        ResultQuestion.objects.bulk_create([
            ResultQuestion(survey=survey, question_id=row["question_id"], responses=row["n"], texts=row["t"])
            for row in answers.values("question_id").annotate(
                n=Count("response_id", distinct=True), t=Count("pk", filter=~Q(text=""))).order_by()
        ], batch_size=500)
        base = answers.filter(question__kind__in=Question.SCALED_KINDS, number__isnull=False).annotate(rtype=rtype_or_other())
        sums = {"s": Sum("number"), "k": Count("pk"), "n": Count("response_id", distinct=True)}
        groups = (
            (base.filter(question__department__isnull=False), "question__department_id", None),
            (base.filter(response__place__isnull=False), None, "response__place_id"),
            (base.filter(question__department__isnull=False, response__place__isnull=False), "question__department_id", "response__place_id"),
        )
        cross = []
        for qs, dept, place in groups:
            for row in qs.values(*[f for f in (dept, place, "rtype") if f]).annotate(**sums).order_by():
                cross.append(CrossCell(survey=survey, department=row.get(dept, 0) if dept else 0, place=row[place] if place else 0,
                                       respondent_type=row["rtype"], total=row["s"], answers=row["k"], respondents=row["n"]))
        CrossCell.objects.bulk_create(cross, batch_size=500)


def schedule_rebuild(survey: Survey) -> None:
    """Rebuild the survey's counters in the background once the current transaction commits (Celery task
    ``surveys.rebuild_results``); until it is done the results page says the results are being rebuilt."""
    from .tasks import rebuild_survey_results

    Survey.objects.filter(pk=survey.pk).update(results_rebuilding=timezone.now())
    survey_id = survey.pk
    transaction.on_commit(lambda: rebuild_survey_results.delay(survey_id))


def run_scheduled_rebuild(survey_id: int) -> bool:
    """The task's work: rebuild, then clear the notice — unless another rebuild was asked for after this
    one started (its own task clears it). False when the survey is gone."""
    started = timezone.now()
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        return False
    rebuild_results(survey)
    Survey.objects.filter(pk=survey_id, results_rebuilding__lte=started).update(results_rebuilding=None)
    return True


def stale_result_surveys() -> list[Survey]:
    """Surveys whose stored total of responses differs from their submitted responses (answers written
    without the counters), and those whose background rebuild was lost. One statement, so both counts come
    from the same snapshot."""
    stored = ResponseDay.objects.filter(survey=OuterRef("pk")).order_by().values("survey").annotate(n=Sum("count")).values("n")
    actual = (Response.objects.filter(survey=OuterRef("pk")).counted().order_by()
              .values("survey").annotate(n=Count("pk")).values("n"))
    return list(
        Survey.objects.surveys().exclude(status=Survey.Status.DRAFT)
        .annotate(stored=Coalesce(Subquery(stored), 0), actual=Coalesce(Subquery(actual), 0))
        .filter(~Q(stored=F("actual")) | Q(results_rebuilding__lt=timezone.now() - REBUILD_GRACE))
    )


def rebuild_stale_results() -> int:
    """Periodic safety net: rebuild the aggregates of surveys whose counters disagree with their responses."""
    surveys = stale_result_surveys()
    for survey in surveys:
        if survey.results_rebuilding:
            run_scheduled_rebuild(survey.pk)  # also clears the notice
        else:
            rebuild_results(survey)
    return len(surveys)
