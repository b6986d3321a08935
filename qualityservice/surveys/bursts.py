"""Suspicious bursts of responses (many in a minute, several from one browser) and the supervisor's
decision to exclude them from the results and the index — recorded, and undoable (README "Suspicious bursts")."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Max, Min, Q
from django.db.models.functions import TruncMinute
from django.utils import timezone
from django.utils.translation import gettext as _

from qualityservice.core import fastinsert

from .answering import PURGE_BATCH, Cell, SurveyForm
from .counters import combine, counter_upserts, lock_results, rebuild_results
from .index import refresh_satisfaction_index
from .models import Answer, Question, Response, ResponseExclusion, Survey

MAX_REASON_LENGTH = 500


class ExclusionError(Exception):
    """The exclusion cannot be made or undone; the message says why (translated)."""


@dataclass
class Burst:
    kind: str
    key: str
    responses: int
    excluded: int
    first: object
    last: object
    browsers: int = 0
    mean: float | None = None

    @property
    def label(self) -> str:
        if self.kind == ResponseExclusion.Kind.MINUTE:
            return timezone.localtime(self.first).strftime("%Y-%m-%d %H:%M")
        return self.key[:12]


def _minute_key(minute) -> str:
    return minute.astimezone(UTC).replace(second=0, microsecond=0).isoformat()


def _minute_range(key: str):
    try:
        start = datetime.fromisoformat(key)
    except (TypeError, ValueError):
        return None
    if start.tzinfo is None or start.second or start.microsecond:
        return None
    return start, start + timedelta(minutes=1)


def burst_responses(survey: Survey, kind: str, key: str):
    """The submitted responses of one burst, or None for a malformed key."""
    base = Response.objects.filter(survey=survey, status=Response.Status.SUBMITTED, submitted_at__isnull=False)
    if kind == ResponseExclusion.Kind.MINUTE:
        span = _minute_range(key)
        return None if span is None else base.filter(submitted_at__gte=span[0], submitted_at__lt=span[1])
    if kind == ResponseExclusion.Kind.BROWSER:
        if len(key) != 32 or any(c not in "0123456789abcdef" for c in key):
            return None
        return base.filter(browser_hash=key)
    return None


def _scaled_means(answers, group: str) -> dict:
    """Mean 1–5 answer to the department questions (what the index counts) per burst."""
    rows = (answers.filter(question__kind__in=Question.SCALED_KINDS, question__department__isnull=False, number__gte=1, number__lte=5)
            .values(group).annotate(m=Avg("number")).order_by())
    return {row[group]: round(float(row["m"]), 2) for row in rows if row["m"] is not None}


def bursts(survey: Survey, per_minute: int, limit: int = 100) -> list[Burst]:
    """Suspicious bursts of a survey's submitted responses: minutes with more than ``per_minute`` responses
    and browser ids with more than one response, largest first (at most ``limit`` of each). Four queries
    (the survey's responses grouped by minute and by browser, and the mean 1–5 answer of the bursts listed)."""
    base = Response.objects.filter(survey=survey, status=Response.Status.SUBMITTED, submitted_at__isnull=False)
    sums = {"n": Count("pk"), "x": Count("pk", filter=Q(exclusion__isnull=False)), "first": Min("submitted_at"),
            "last": Max("submitted_at")}
    minutes = list(
        base.annotate(minute=TruncMinute("submitted_at", tzinfo=UTC)).values("minute")
        .annotate(**sums, b=Count("browser_hash", distinct=True, filter=~Q(browser_hash=""))).filter(n__gt=per_minute)
        .order_by("-n", "minute")[:limit]
    )
    browsers = list(
        base.exclude(browser_hash="").values("browser_hash").annotate(**sums).filter(n__gt=1).order_by("-n", "browser_hash")[:limit]
    )
    found = [Burst(ResponseExclusion.Kind.MINUTE, _minute_key(r["minute"]), r["n"], r["x"], r["first"], r["last"], browsers=r["b"])
             for r in minutes]
    found += [Burst(ResponseExclusion.Kind.BROWSER, r["browser_hash"], r["n"], r["x"], r["first"], r["last"], browsers=1)
              for r in browsers]
    answers = Answer.objects.filter(response__survey=survey, response__status=Response.Status.SUBMITTED)
    if minutes:
        means = _scaled_means(
            answers.filter(response__submitted_at__gte=min(r["minute"] for r in minutes),
                           response__submitted_at__lt=max(r["minute"] for r in minutes) + timedelta(minutes=1))
            .annotate(minute=TruncMinute("response__submitted_at", tzinfo=UTC)), "minute")
        for burst, row in zip(found, minutes, strict=False):
            burst.mean = means.get(row["minute"])
    if browsers:
        means = _scaled_means(answers.filter(response__browser_hash__in=[r["browser_hash"] for r in browsers]), "response__browser_hash")
        for burst in found[len(minutes):]:
            burst.mean = means.get(burst.key)
    return found


def _chunks(ids: list[int]):
    """``ids`` in slices of PURGE_BATCH (an ``IN (…)`` list stays below SQLite's variable limit)."""
    size = PURGE_BATCH
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _count_responses(survey: Survey, ids: list[int], sign: int) -> None:
    """Add (+1) or take away (−1) these submitted responses in the stored aggregates, with the counter code
    of the submit (``counters.counter_upserts``): the same rows a submit writes, summed and signed, under the
    survey's shared results lock. Counters that would go below zero (written behind the counters' back) make
    it rebuild them instead."""
    form = SurveyForm.load(survey)

    def per_response():
        for chunk in _chunks(ids):
            answers: dict[int, dict[int, list[Cell]]] = defaultdict(lambda: defaultdict(list))
            for rid, qid, item, number, text in Answer.objects.filter(response_id__in=chunk).values_list(
                "response_id", "question_id", "item", "number", "text"
            ):
                if qid in form.questions:
                    answers[rid][qid].append(Cell(item=item, number=number, text=text))
            for rid, rtype, place_id, submitted_at in Response.objects.filter(pk__in=chunk).values_list(
                "pk", "respondent_type", "place_id", "submitted_at"
            ):
                yield from counter_upserts(survey, form.questions, answers.get(rid, {}), rtype, place_id, submitted_at, sign)

    totals = combine(per_response())
    try:
        with transaction.atomic():
            lock_results(survey.pk)
            fastinsert.upsert(*totals)  # COUNTER_MODELS order: the lock order
    except IntegrityError:  # a counter below zero: they were off already
        rebuild_results(survey)


def exclude_burst(survey: Survey, kind: str, key: str, reason: str, by) -> ResponseExclusion:
    """Exclude the burst's responses that are still counted from the results and the index: one
    ``ResponseExclusion`` (who, when, why), an entry in the survey's history, the stored aggregates and the
    satisfaction index updated. Responses claimed by a concurrent exclusion are not claimed twice (row locks);
    a burst with nothing left to exclude raises ExclusionError and records nothing."""
    reason = (reason or "").strip()
    if not reason:
        raise ExclusionError(_("Give the reason for the exclusion."))
    responses = burst_responses(survey, kind, key)
    if responses is None:
        raise ExclusionError(_("This burst does not exist. Reload the page."))
    with transaction.atomic():
        ids = list(responses.filter(exclusion__isnull=True).select_for_update().values_list("pk", flat=True))
        if not ids:
            raise ExclusionError(_("These responses are already excluded."))
        record = ResponseExclusion.objects.create(survey=survey, kind=kind, key=key, reason=reason[:MAX_REASON_LENGTH],
                                                  responses=len(ids), created_by=by)
        for chunk in _chunks(ids):
            Response.objects.filter(pk__in=chunk, exclusion__isnull=True).update(exclusion=record)
        _count_responses(survey, ids, -1)
        _audit(survey, _("Excluded %(n)d responses (%(kind)s): %(reason)s") % {
            "n": len(ids), "kind": record.get_kind_display(), "reason": reason})
    refresh_satisfaction_index(surveys=[survey])
    return record


def include_again(record: ResponseExclusion, by) -> int:
    """Undo an exclusion: its responses count again (aggregates and index updated); the record stays, with
    who included them again and when. Returns the number of responses."""
    with transaction.atomic():
        record = ResponseExclusion.objects.select_for_update().get(pk=record.pk)
        if record.restored_at is not None:
            raise ExclusionError(_("These responses have already been included again."))
        ids = list(Response.objects.filter(exclusion=record).select_for_update().values_list("pk", flat=True))
        for chunk in _chunks(ids):
            Response.objects.filter(pk__in=chunk).update(exclusion=None)
        _count_responses(record.survey, ids, +1)
        record.restored_by, record.restored_at = by, timezone.now()
        record.save(update_fields=["restored_by", "restored_at"])
        _audit(record.survey, _("Included %(n)d excluded responses again (%(kind)s)") % {"n": len(ids), "kind": record.get_kind_display()})
    refresh_satisfaction_index(surveys=[record.survey])
    return len(ids)


def _audit(survey: Survey, reason: str) -> None:
    """An entry in the survey's history (simple-history: the signed-in user and the time, with ``reason``)."""
    locked = Survey.objects.select_for_update().get(pk=survey.pk)  # a fresh row: saving it changes nothing
    locked._change_reason = reason[:100]
    locked.save()
