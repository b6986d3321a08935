"""What the views, the job and the demo do with golden ideas: create once per form (``core.submissions``), move
through ``workflows.IDEA`` (``core.workflow``), score, measure, find similar ideas, and the formulas (weighted
score, annual saving) the pages, the indicators and the tests share."""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import pgettext
from rapidfuzz.distance import Indel

from qualityservice.core import workflow as engine
from qualityservice.core.models import WorkflowEvent
from qualityservice.core.notifications import notify
from qualityservice.core.permissions import staff_profile, user_role
from qualityservice.core.registry import optional_function
from qualityservice.core.submissions import create_once, scoped

from .models import (
    SUBMITTER_ROLES,
    Assignment,
    BenefitUnit,
    Comment,
    Criterion,
    Idea,
    IdeaAuthor,
    IdeaFile,
    Measurement,
    Milestone,
    Round,
    ScoreSheet,
    ScoreValue,
    Support,
    Tier,
)
from .workflows import IDEA, author_staff_ids, coordinators_of, is_author, is_coordinator, manages_implementation

Status = Idea.Status
CENT = Decimal("0.01")
DAYS_PER_YEAR = 365
EDITABLE_FIELDS = ("category", "title", "title_en", "problem", "proposal", "benefit_unit", "expected_amount", "expected_note")
EDITABLE_STATUSES = (Status.SUBMITTED, Status.RETURNED)


# --- the formulas ------------------------------------------------------------------------------------


def weighted_score(scores: Iterable[tuple[int, int, Decimal | None]]) -> Decimal | None:
    """The weighted total of one score sheet on a 0–100 scale: Σ weight × score / highest score over the criteria
    scored, divided by the sum of their weights, × 100. A criterion left out (None) is not counted as zero: its
    weight goes to the others. None when no criterion was scored. Rounded half up to 0.01.

    ``scores``: (weight, highest score, score or None) for each criterion of the round."""
    numerator = Decimal(0)
    weights = 0
    for weight, max_score, value in scores:
        if value is None:
            continue
        numerator += Decimal(weight) * Decimal(value) / Decimal(max_score)
        weights += weight
    if not weights:
        return None
    return (100 * numerator / weights).quantize(CENT, rounding=ROUND_HALF_UP)


def mean_score(totals: Iterable[Decimal | None]) -> Decimal | None:
    """An idea's score: the mean of its reviewers' current totals (reviewers who have not scored are left out)."""
    values = [t for t in totals if t is not None]
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Saving:
    baseline_days: int
    after_days: int
    baseline_amount: Decimal
    after_amount: Decimal
    per_year: Decimal  # in the measured unit (kWh, t, yuan)
    yuan_per_year: Decimal | None  # None for a qualitative benefit


def ceiling(unit: str) -> int | None:
    return {"yuan": settings.QS_IDEAS_MAX_YUAN, "kwh": settings.QS_IDEAS_MAX_KWH, "water": settings.QS_IDEAS_MAX_WATER}.get(unit)


def _consumption(reading_start, reading_end, amount, field: str, label) -> Decimal:
    if reading_start is not None or reading_end is not None:
        if reading_start is None or reading_end is None:
            raise ValidationError({field: pgettext("idea", "Give both meter readings of the %(period)s, or its total.") % {"period": label}})
        if reading_end < reading_start:
            raise ValidationError({field: pgettext("idea", "The meter reading at the end of the %(period)s is lower than at its start.")
                                   % {"period": label}})
        return Decimal(reading_end) - Decimal(reading_start)
    if amount is None:
        raise ValidationError({field: pgettext("idea", "Give the consumption of the %(period)s (meter readings or a total).") % {"period": label}})
    if amount < 0:
        raise ValidationError({field: pgettext("idea", "A consumption cannot be negative.")})
    return Decimal(amount)


def annual_saving(*, unit: str, baseline_start: dt.date | None, baseline_end: dt.date | None, after_start: dt.date | None,
                  after_end: dt.date | None, baseline_amount=None, after_amount=None, baseline_readings=(None, None),
                  after_readings=(None, None), tariff=None, normalised: bool = False) -> Saving:
    """The verified saving per year of a measured idea (README "Formulas")::

        consumption of a period = meter reading at its end − reading at its start   (or the total of its invoices)
        days of a period        = until − from + 1                                   (both days count)
        saving per year         = (baseline consumption / baseline days − after consumption / after days) × 365
        yuan per year           = saving per year × tariff                           (kWh, t;  = saving for yuan)

    The two periods may not overlap and the after period follows the baseline; periods of different lengths
    are compared per day only when ``normalised`` says so (seasons make a short period misleading). A saving
    above the unit's ceiling (``QS_IDEAS_MAX_*``) is refused as absurd. Raises ``ValidationError`` with a
    message per field."""
    if unit == Measurement.Unit.QUALITATIVE:
        raise ValueError("a qualitative benefit has no saving")
    if baseline_start is None or baseline_end is None:
        raise ValidationError({"baseline_start": pgettext("idea", "Give the baseline period (from and until).")})
    if after_start is None or after_end is None:
        raise ValidationError({"after_start": pgettext("idea", "Give the after period (from and until).")})
    if baseline_end < baseline_start:
        raise ValidationError({"baseline_end": pgettext("idea", "The baseline period ends before it starts.")})
    if after_end < after_start:
        raise ValidationError({"after_end": pgettext("idea", "The after period ends before it starts.")})
    if after_start <= baseline_end and baseline_start <= after_end:
        raise ValidationError({"after_start": pgettext("idea", "The baseline and after periods overlap: a day cannot count for both.")})
    if after_start < baseline_start:
        raise ValidationError({"after_start": pgettext("idea", "The after period must come after the baseline period.")})
    baseline_days = (baseline_end - baseline_start).days + 1
    after_days = (after_end - after_start).days + 1
    if baseline_days != after_days and not normalised:
        raise ValidationError({"normalised": pgettext(
            "idea", "The periods differ in length (%(baseline)d and %(after)d days): choose periods of the same length, or tick "
                    "“compare per day”.") % {"baseline": baseline_days, "after": after_days}})
    before = _consumption(*baseline_readings, baseline_amount, "baseline_amount", pgettext("idea", "baseline period"))
    after = _consumption(*after_readings, after_amount, "after_amount", pgettext("idea", "after period"))
    per_year = ((before / baseline_days - after / after_days) * DAYS_PER_YEAR).quantize(CENT, rounding=ROUND_HALF_UP)
    if unit == Measurement.Unit.YUAN:
        yuan = per_year
    else:
        if tariff is None or tariff <= 0:
            raise ValidationError({"tariff": pgettext("idea", "Give the tariff in yuan per unit (from the invoices).")})
        yuan = (per_year * Decimal(tariff)).quantize(CENT, rounding=ROUND_HALF_UP)
    limit = ceiling(unit)
    if limit is not None and abs(per_year) > limit:
        raise ValidationError({"after_amount": pgettext("idea", "A saving of %(saving)s per year is beyond the ceiling of %(limit)s: check the figures.")
                               % {"saving": per_year, "limit": limit}})
    if abs(yuan) > settings.QS_IDEAS_MAX_YUAN:
        raise ValidationError({"tariff": pgettext("idea", "A saving of %(saving)s yuan per year is beyond the ceiling of %(limit)s yuan: check the tariff.")
                               % {"saving": yuan, "limit": settings.QS_IDEAS_MAX_YUAN}})
    return Saving(baseline_days, after_days, before, after, per_year, yuan)


def check_expected_benefit(unit: str, amount, note: str) -> dict:
    """Errors of the expected benefit on the idea form, by field (empty: fine)."""
    if unit == BenefitUnit.QUALITATIVE:
        errors = {}
        if amount is not None:
            errors["expected_amount"] = pgettext("idea", "A qualitative benefit has no amount: describe it in words.")
        if not (note or "").strip():
            errors["expected_note"] = pgettext("idea", "Describe the benefit in a few words.")
        return errors
    if amount is None:
        return {"expected_amount": pgettext("idea", "Give the expected amount per year (or choose “qualitative”).")}
    if amount <= 0:
        return {"expected_amount": pgettext("idea", "The expected benefit must be more than zero.")}
    limit = ceiling(unit)
    if limit is not None and amount > limit:
        return {"expected_amount": pgettext("idea", "More than %(limit)s per year is beyond the ceiling: check the figure.") % {"limit": limit}}
    return {}


def suggested_tier(idea: Idea) -> str:
    """The tier the round's thresholds give: both the score and the verified yuan per year must reach a tier's
    minimum (a qualitative idea is judged on its score alone); below the third prize: encouragement."""
    round_ = idea.round
    score = idea.score or Decimal(0)
    yuan = idea.verified_yuan
    for tier, min_score, min_yuan in ((Tier.FIRST, round_.first_min_score, round_.first_min_yuan),
                                      (Tier.SECOND, round_.second_min_score, round_.second_min_yuan),
                                      (Tier.THIRD, round_.third_min_score, round_.third_min_yuan)):
        if score >= min_score and (not idea.is_quantified or (yuan is not None and yuan >= min_yuan)):
            return tier
    return Tier.ENCOURAGEMENT


def progress(milestones: Sequence[Milestone]) -> int | None:
    """The implementation's progress in per cent: the weights of the steps done over all weights."""
    total = sum(m.weight for m in milestones)
    if not total:
        return None
    return round(100 * sum(m.weight for m in milestones if m.done_on) / total)


# --- similar ideas ---------------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Letters, digits and Chinese characters only, lower case (punctuation and spaces carry no meaning here)."""
    return "".join(ch for ch in (text or "").lower() if ch.isalnum())


def ngrams(text: str, n: int = 2) -> list[str]:
    """The character n-grams of a text in order (one gram for a text shorter than n)."""
    chars = normalise(text)
    if len(chars) <= n:
        return [chars] if chars else []
    return [chars[i:i + n] for i in range(len(chars) - n + 1)]


SIMILAR_CUTOFF = 0.3


def _score(query: list[str], query_set: frozenset, grams: list[str]) -> float:
    if not query or not grams:
        return 0.0
    contained = len(query_set.intersection(grams)) / len(query_set)
    return (Indel.normalized_similarity(query, grams) + contained) / 2


def similarity(a: str, b: str) -> float:
    """0…1, on the texts' character bigrams: the mean of their Indel similarity (rapidfuzz: 2 × the longest common
    subsequence of the two bigram sequences / their total length) and the share of ``a``'s bigrams found in ``b``
    (so a short title being typed already finds the longer title it is part of). Computed in Python: the same
    on every database."""
    query = ngrams(a)
    return _score(query, frozenset(query), ngrams(b))


def similar_ideas(user, round_id: int, title: str, *, exclude: int | None = None, limit: int = 5) -> list[Idea]:
    """The ideas of the round most like ``title`` that the user may see (``open_to``), best first (the newer first
    on a tie), each with ``similarity`` (0–100). Compared in Python over a bounded candidate set — the round's
    newest ``QS_IDEAS_SIMILAR_CANDIDATES`` ideas, one indexed query — so the work per keystroke does not grow with
    the number of stored ideas; then one query for the ideas shown."""
    if len(normalise(title)) < 2:
        return []
    # ``open_to`` for one round, written as two queries: the round first, then its ideas by ``round_id = ?`` alone,
    # which keeps the planner on the (round, submitted_at, id) index — with the rounds as a subquery SQLite's
    # statistics (one big round) make it scan and sort the whole table.
    if user_role(user) not in SUBMITTER_ROLES or not Round.objects.visible_to(user).filter(pk=round_id).exists():
        return []
    query = ngrams(title)
    query_set = frozenset(query)
    candidates = (Idea.objects.filter(round_id=round_id).exclude(status__in=(Status.MERGED, Status.RETURNED))
                  .order_by("-submitted_at", "-pk").values_list("pk", "title")[: settings.QS_IDEAS_SIMILAR_CANDIDATES])
    scored = [(_score(query, query_set, ngrams(text)), -rank, pk) for rank, (pk, text) in enumerate(candidates) if pk != exclude]
    found = heapq.nlargest(limit, (row for row in scored if row[0] >= SIMILAR_CUTOFF))
    if not found:
        return []
    ideas = Idea.objects.select_related("department").in_bulk([pk for _score_, _rank, pk in found])
    result = []
    for score, _rank, pk in found:
        idea = ideas[pk]
        idea.similarity = round(score * 100)
        result.append(idea)
    return result


# --- who may --------------------------------------------------------------------------------------------


def may_submit(user) -> bool:
    return user_role(user) in SUBMITTER_ROLES and staff_profile(user) is not None


def open_rounds(user):
    return Round.objects.visible_to(user).open_on(timezone.localdate()) if may_submit(user) else Round.objects.none()


def may_edit(user, idea: Idea) -> bool:
    return idea.status in EDITABLE_STATUSES and is_author(user, idea)


def assignment_of(user, idea: Idea) -> Assignment | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Assignment.objects.current().filter(idea=idea, reviewer=user).first()


def may_comment(user, idea: Idea, *, assignment: Assignment | None = None) -> bool:
    return (is_author(user, idea) or is_coordinator(user, idea) or assignment is not None
            or Assignment.objects.current().filter(idea=idea, reviewer=user).exists() or idea.owner_id == user.pk)


def may_support(user, idea: Idea) -> bool:
    profile = staff_profile(user)
    return (profile is not None and user_role(user) in SUBMITTER_ROLES and idea.status not in (Status.MERGED, Status.RETURNED)
            and not is_author(user, idea) and Idea.objects.open_to(user).filter(pk=idea.pk).exists())


def may_measure(user, idea: Idea) -> bool:
    return idea.status == Status.IMPLEMENTED and manages_implementation(user, idea)


def sees_reviews(user, idea: Idea, assignment: Assignment | None) -> bool:
    """The reviewers' scores and comments: the coordinators; a reviewer once they have scored themselves."""
    return is_coordinator(user, idea) or (assignment is not None and assignment.submitted_at is not None)


# --- ideas ----------------------------------------------------------------------------------------------


def _store_files(idea: Idea, files, by, measurement: Measurement | None = None) -> None:
    for content, name, is_image in files:
        f = IdeaFile(idea=idea, measurement=measurement, name=name, is_image=is_image,
                     uploaded_by=by if getattr(by, "is_authenticated", False) else None)
        f.file.save(name, content, save=False)
        f.save()


def _set_coauthors(idea: Idea, coauthors) -> None:
    """The named co-authors (not those credited by a merge, not the lead author): exactly ``coauthors``."""
    wanted = {s.pk for s in coauthors}
    current = IdeaAuthor.objects.filter(idea=idea, is_lead=False, merge__isnull=True)
    current.exclude(staff_id__in=wanted).delete()
    present = author_staff_ids(idea)
    IdeaAuthor.objects.bulk_create([IdeaAuthor(idea=idea, staff_id=pk) for pk in sorted(wanted - present)])


def submit_idea(*, key: str | None, by, round: Round, category: str, title: str, problem: str, proposal: str,
                benefit_unit: str, expected_amount=None, expected_note: str = "", title_en: str = "", coauthors=(),
                files=(), author=None, at: dt.datetime | None = None) -> tuple[Idea, bool]:
    """A new idea, once per form (the same ``key`` again returns the first request's idea and ``created=False``).
    The author is the signed-in member of staff (``author``: the demo's roster members without accounts);
    the coordinators are told."""
    author = author or staff_profile(by)
    if author is None:
        raise ValidationError(pgettext("idea", "Only members of staff can send ideas."))
    at = at or timezone.now()

    def create(stored_key):
        idea = Idea.objects.create(
            round=round, department_id=author.department_id, category=category, title=title, title_en=title_en, problem=problem,
            proposal=proposal, benefit_unit=benefit_unit, expected_amount=expected_amount, expected_note=expected_note,
            submitted_by=by if getattr(by, "is_authenticated", False) else None, created_at=at, submitted_at=at,
            submission_key=stored_key)
        IdeaAuthor.objects.create(idea=idea, staff=author, is_lead=True)
        _set_coauthors(idea, [s for s in coauthors if s.pk != author.pk])
        _store_files(idea, files, by)
        notify(**coordinators_of(round), subject=pgettext("idea", "New golden idea: %(title)s") % {"title": title},
               body=f"{author.name} · {idea.get_category_display()}", url=idea.get_absolute_url(), webhook=False)
        return idea

    return create_once(Idea, scoped("ideas-idea", key), create)


@transaction.atomic
def update_idea(idea: Idea, *, by, coauthors=None, files=(), **fields) -> Idea:
    """An author changes a submitted or returned idea (under a row lock: an idea screened meanwhile is refused)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    locked = Idea.objects.select_for_update().get(pk=idea.pk)
    if locked.status not in EDITABLE_STATUSES:
        raise ValidationError(pgettext("idea", "The idea is being handled: it can no longer be changed."))
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(fields))
    if coauthors is not None:
        lead = IdeaAuthor.objects.filter(idea=locked, is_lead=True).values_list("staff_id", flat=True).first()
        _set_coauthors(locked, [s for s in coauthors if s.pk != lead])
    _store_files(locked, files, by)
    return locked


def recount_supports(idea_id: int) -> int:
    """The distinct supporters of an idea and of the ideas merged into it, stored on the idea."""
    count = (Support.objects.filter(Q(idea_id=idea_id) | Q(idea__merged_into_id=idea_id, idea__status=Status.MERGED))
             .values("staff_id").distinct().count())
    Idea.objects.filter(pk=idea_id).update(support_count=count)
    from qualityservice.core import pagecache

    pagecache.changed(Idea)
    return count


@transaction.atomic
def set_support(idea: Idea, user, *, support: bool) -> bool:
    """Support (or withdraw the support of) a colleague's idea; repeating either changes nothing. Refused on
    one's own idea and on a merged or returned one."""
    profile = staff_profile(user)
    if support and not may_support(user, idea):
        raise ValidationError(pgettext("idea", "You cannot support this idea (your own, merged or not open to you)."))
    if profile is None:
        raise ValidationError(pgettext("idea", "Only members of staff can support ideas."))
    if support:
        Support.objects.get_or_create(idea=idea, staff=profile)
    else:
        Support.objects.filter(idea=idea, staff=profile).delete()
    recount_supports(idea.pk)
    return support


def add_comment(idea: Idea, *, by, text: str, key: str | None) -> tuple[Comment, bool]:
    return create_once(Comment, scoped("ideas-comment", key),
                       lambda k: Comment.objects.create(idea=idea, author=by, text=text.strip(), submission_key=k))


def move(idea: Idea, action: str, *, by, note: str = "", **params) -> Idea:
    """Take a workflow action as ``by``; raises ``TransitionError`` with a message for the user."""
    return IDEA.apply(idea, action, by=by, note=note, **params)


def write_note(idea: Idea, action: str, *, by=None, params: dict | None = None, note: str = "", at=None) -> None:
    """A timeline row that is no move (``IDEA.notes``): the status stays."""
    event = engine.Event(action=action, from_status=idea.status, to_status=idea.status,
                         by=by if getattr(by, "is_authenticated", False) else None, note=note, params=params or {}, public=False,
                         at=at or timezone.now())
    WorkflowEvent.record(idea, "status", event)


def timeline(idea: Idea) -> list[WorkflowEvent]:
    """The idea's moves and notes, oldest first, each with its sentence in the reader's language (``text``)."""
    events = list(WorkflowEvent.for_object(idea).select_related("actor__staff"))
    for event in events:
        event.text = IDEA.describe(event.action, event.params)
    return events


# --- reviews --------------------------------------------------------------------------------------------


def criteria_of(round_id: int) -> list[Criterion]:
    return list(Criterion.objects.filter(round_id=round_id).order_by("order", "pk"))


def round_is_frozen(round_: Round) -> bool:
    """Criteria are frozen once a reviewer of the round has scored."""
    return ScoreSheet.objects.filter(assignment__idea__round=round_).exists()


def submit_scores(assignment: Assignment, *, by, values: dict[int, Decimal | None], comment: str, reason: str = "",
                  key: str | None) -> tuple[ScoreSheet, bool]:
    """A reviewer's sheet, locked once sent: the first is version 1; a correction is the next version and needs a
    reason. Only while the idea is under review, only by the assigned reviewer. Updates the assignment's and the
    idea's totals. Once per form (``key``)."""
    if assignment.reviewer_id != getattr(by, "pk", None):
        raise ValidationError(pgettext("idea", "Only the assigned reviewer scores here."))

    def create(stored_key):
        locked = Assignment.objects.select_for_update().select_related("idea").get(pk=assignment.pk)
        idea = Idea.objects.select_for_update().get(pk=locked.idea_id)
        if locked.replaced_at is not None:
            raise ValidationError(pgettext("idea", "You are no longer a reviewer of this idea: the coordinator replaced you."))
        if idea.status != Status.REVIEW:
            raise ValidationError(pgettext("idea", "The review of this idea is closed."))
        if locked.version and not (reason or "").strip():
            raise ValidationError(pgettext("idea", "Your scores are locked: a correction needs a reason."))
        criteria = criteria_of(idea.round_id)
        for c in criteria:
            value = values.get(c.pk)
            if value is not None and not (0 <= value <= c.max_score):
                raise ValidationError(pgettext("idea", "“%(criterion)s” is scored from 0 to %(max)d.") % {"criterion": c.name, "max": c.max_score})
        total = weighted_score((c.weight, c.max_score, values.get(c.pk)) for c in criteria)
        if total is None:
            raise ValidationError(pgettext("idea", "Score at least one criterion."))
        now = timezone.now()
        sheet = ScoreSheet.objects.create(assignment=locked, version=locked.version + 1, total=total, comment=comment.strip(),
                                          reason=(reason or "").strip()[:300] if locked.version else "", created_at=now,
                                          submission_key=stored_key)
        ScoreValue.objects.bulk_create([ScoreValue(sheet=sheet, criterion=c, value=values[c.pk]) for c in criteria
                                        if values.get(c.pk) is not None])
        locked.version, locked.total = sheet.version, total
        locked.submitted_at = locked.submitted_at or now
        locked.save(update_fields=["version", "total", "submitted_at"])
        idea.score = mean_score(Assignment.objects.current().filter(idea=idea).values_list("total", flat=True))
        idea.save(update_fields=["score"])
        if sheet.version == 1:  # without the reviewer: the authors read the history
            write_note(idea, "scored", at=now)
        return sheet

    return create_once(ScoreSheet, scoped("ideas-sheet", key), create)


def review_sheets(idea: Idea, *, replaced: bool = False) -> list[Assignment]:
    """The idea's assignments in force (with ``replaced``, the replaced ones too) with their reviewers and their
    sheets (newest version first), each sheet with its values by criterion id: three queries."""
    assignments = Assignment.objects.filter(idea=idea) if replaced else Assignment.objects.current().filter(idea=idea)
    assignments = list(assignments.select_related("reviewer__staff").order_by("assigned_at", "pk"))
    sheets: dict[int, list[ScoreSheet]] = {}
    rows = ScoreSheet.objects.filter(assignment__idea=idea).order_by("assignment_id", "-version")
    values: dict[int, dict[int, Decimal]] = {}
    for v in ScoreValue.objects.filter(sheet__assignment__idea=idea):
        values.setdefault(v.sheet_id, {})[v.criterion_id] = v.value
    for sheet in rows:
        sheet.by_criterion = values.get(sheet.pk, {})
        sheets.setdefault(sheet.assignment_id, []).append(sheet)
    for a in assignments:
        a.all_sheets = sheets.get(a.pk, [])
        a.current = a.all_sheets[0] if a.all_sheets else None
    return assignments


def escalate_overdue_reviews(*, now: dt.datetime | None = None) -> int:
    """The periodic job: every review past its deadline and not scored is escalated once — a note on the idea's
    timeline, the coordinators and the reviewer told. Idempotent and safe with several workers: each assignment
    is claimed by a conditional update (``escalated_at`` from empty), so a second run or a parallel worker
    escalates nothing twice."""
    now = now or timezone.now()
    overdue = list(Assignment.objects.current().filter(submitted_at__isnull=True, escalated_at__isnull=True, due_at__lt=now,
                                             idea__status=Status.REVIEW).values_list("pk", flat=True)[:500])
    done = 0
    for pk in overdue:
        with transaction.atomic():
            if Assignment.objects.current().filter(pk=pk, escalated_at__isnull=True, submitted_at__isnull=True).update(escalated_at=now) != 1:
                continue
            a = Assignment.objects.select_related("idea__round", "reviewer__staff").get(pk=pk)
            due = timezone.localtime(a.due_at).strftime("%Y-%m-%d %H:%M")
            name = getattr(getattr(a.reviewer, "staff", None), "name", "") or a.reviewer.get_username()
            write_note(a.idea, "escalate", params={"due": due, "reviewer": name}, at=now)
            notify(**coordinators_of(a.idea.round),
                   subject=pgettext("idea", "Overdue review: %(title)s") % {"title": a.idea.title},
                   body=pgettext("idea", "%(reviewer)s has not scored it; the deadline was %(due)s.") % {"reviewer": name, "due": due},
                   url=a.idea.get_absolute_url())
            notify(users=[a.reviewer], subject=pgettext("idea", "Reminder: please review “%(title)s”") % {"title": a.idea.title},
                   body=pgettext("idea", "The deadline was %(due)s.") % {"due": due}, url=a.idea.get_review_url(), webhook=False)
            done += 1
    return done


# --- implementation and measurement -------------------------------------------------------------------------


def add_milestone(idea: Idea, *, by, title: str, due_on=None, weight: int = 1, key: str | None = None,
                  title_en: str = "") -> tuple[Milestone, bool]:
    if idea.status not in (Status.ADOPTED, Status.IMPLEMENTING) or not manages_implementation(by, idea):
        raise ValidationError(pgettext("idea", "Steps are planned by the implementation owner while the idea is being implemented."))
    return create_once(Milestone, scoped("ideas-milestone", key), lambda k: Milestone.objects.create(
        idea=idea, title=title, title_en=title_en, due_on=due_on, weight=weight, submission_key=k))


@transaction.atomic
def mark_milestone(milestone: Milestone, *, by, done: bool) -> Milestone:
    idea = milestone.idea
    if idea.status not in (Status.ADOPTED, Status.IMPLEMENTING) or not manages_implementation(by, idea):
        raise ValidationError(pgettext("idea", "Steps are planned by the implementation owner while the idea is being implemented."))
    locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
    was_done = locked.done_on is not None
    locked.done_on = timezone.localdate() if done else None
    locked.save(update_fields=["done_on"])
    if done and not was_done:
        write_note(idea, "milestone", by=by, params={"title": locked.title})
    return locked


def record_measurement(idea: Idea, *, by, key: str | None, unit: str, files=(), note: str = "", **figures) -> tuple[Measurement, bool]:
    """The owner (or a coordinator) records the measured benefit of an implemented idea: the saving is computed
    (``annual_saving``) and the verifiers are told. One measurement waits for verification at a time."""

    def create(stored_key):
        locked = Idea.objects.select_for_update().get(pk=idea.pk)
        if not (locked.status == Status.IMPLEMENTED and manages_implementation(by, locked)):
            raise ValidationError(pgettext("idea", "The benefit is measured by the implementation owner once the idea is implemented."))
        if Measurement.objects.filter(idea=locked, verified_at__isnull=True, returned_at__isnull=True).exists():
            raise ValidationError(pgettext("idea", "A measurement is already waiting for verification."))
        row = Measurement(idea=locked, unit=unit, note=note.strip(), recorded_by=by, submission_key=stored_key)
        if unit == Measurement.Unit.QUALITATIVE:
            if not row.note:
                raise ValidationError({"note": pgettext("idea", "Describe the benefit observed and how it was checked.")})
            saving_text = pgettext("idea", "qualitative")
        else:
            result = annual_saving(unit=unit, **figures)
            for name in ("baseline_start", "baseline_end", "after_start", "after_end", "tariff", "normalised"):
                setattr(row, name, figures.get(name))
            row.normalised = bool(figures.get("normalised"))
            row.baseline_reading_start, row.baseline_reading_end = figures.get("baseline_readings", (None, None))
            row.after_reading_start, row.after_reading_end = figures.get("after_readings", (None, None))
            row.baseline_amount, row.after_amount = result.baseline_amount, result.after_amount
            row.saving, row.saving_yuan = result.per_year, result.yuan_per_year
            if unit == Measurement.Unit.YUAN:
                row.tariff = None
            saving_text = f"{result.per_year} {Measurement.Unit(unit).label}"
        row.save()
        _store_files(locked, files, by, measurement=row)
        write_note(locked, "measured", by=by, params={"saving": saving_text})
        notify(users=list(locked.round.verifiers.all()), supervisors=True,
               subject=pgettext("idea", "Measured benefit to verify: %(title)s") % {"title": locked.title},
               body=saving_text, url=locked.get_absolute_url(), webhook=False)
        return row

    return create_once(Measurement, scoped("ideas-measure", key), create)


@transaction.atomic
def return_measurement(idea: Idea, *, by, reason: str) -> Measurement:
    """A verifier sends the pending measurement back with a reason (the idea stays implemented; the owner
    records a new one)."""
    from .workflows import may_verify, pending_measurement

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(pgettext("idea", "Say why the measurement is returned."))
    locked = Idea.objects.select_for_update().get(pk=idea.pk)
    measurement = pending_measurement(locked)
    if locked.status != Status.IMPLEMENTED or measurement is None or not may_verify(by, locked):
        raise ValidationError(pgettext("idea", "There is no measurement for you to return."))
    measurement.returned_at, measurement.return_reason = timezone.now(), reason[:300]
    measurement.save(update_fields=["returned_at", "return_reason"])
    write_note(locked, "measurement_returned", by=by, params={"reason": measurement.return_reason})
    notify(users=[u for u in (locked.owner, measurement.recorded_by) if u is not None],
           subject=pgettext("idea", "Measurement returned: %(title)s") % {"title": locked.title}, body=measurement.return_reason,
           url=locked.get_absolute_url(), webhook=False)
    return measurement


# --- the campaign ----------------------------------------------------------------------------------------


def campaign_evidence_kwargs(idea: Idea) -> dict:
    """The keyword arguments of ``campaigns.services.record_evidence`` for an adopted idea — the evidence of the
    campaign's 金点子 activity (seed plan 三(六), carrier "ideas"). Used by :func:`record_campaign_evidence`
    when an idea is adopted (idempotent per idea).
    ``public``: adopted ideas have a public page (``/ideas/<code>/``)."""
    adopted = idea.adopted_at or timezone.now()
    return {
        "department_id": idea.department_id,
        "carrier": "ideas",
        "source": idea,
        "title": f"金点子采纳：{idea.title}",
        "title_en": f"Golden idea adopted: {idea.title_en or idea.title}",
        "url": idea.get_absolute_url(),
        "occurred_on": timezone.localtime(adopted).date(),
        "public": True,
    }


def record_campaign_evidence(idea: Idea) -> list:
    """An adopted idea as evidence on its department's campaign activity carried by ideas (三(六)), through
    ``campaigns.services.record_evidence``: nothing when the campaigns app is absent or no adopted activity matches."""
    record = optional_function("qualityservice.campaigns", "services", "record_evidence")
    return record(**campaign_evidence_kwargs(idea)) if record else []


# --- Award certificates (core.certificates) ---------------------------------------------------------------

CERTIFICATE_PREFIX = "JDZ"  # 金点子


def new_certificate_serial(year: int) -> str:
    """A fresh serial for an awarded idea (``JDZ-<year>-<10 random characters>``), not yet taken."""
    from qualityservice.core import certificates

    while True:
        serial = certificates.new_serial(CERTIFICATE_PREFIX, year=year)
        if not Idea.objects.filter(certificate_serial=serial).exists():
            return serial


def certificate_data(idea: Idea):
    """What the certificate of an awarded idea shows: its authors, the idea and the round, the tier, the day."""
    from qualityservice.core import certificates
    from qualityservice.core.i18n import localised, pick
    from qualityservice.org.models import SiteSettings

    authors = list(IdeaAuthor.objects.filter(idea=idea).select_related("staff").order_by("-is_lead", "pk"))
    detail = localised(idea.department, "name") + " · " + pgettext("idea", "the idea “%(idea)s”") % {"idea": pick(idea.title, idea.title_en)}
    if idea.legacy_serial:
        detail += " · " + pgettext("idea", "former number %(serial)s") % {"serial": idea.legacy_serial}
    return certificates.CertificateData(
        serial=idea.certificate_serial, holder="、".join(a.staff.name for a in authors),
        title=pick(idea.round.title, idea.round.title_en),
        award=str(Tier(idea.award_tier).label) if idea.award_tier else "",
        date=timezone.localtime(idea.awarded_at).date(), issuer=SiteSettings.load().display_name, detail=detail)


def verify_certificate(serial: str):
    """The ideas' verifier for ``/c/<serial>/`` (registered at start): an awarded idea's certificate is genuine."""
    from qualityservice.core import certificates

    if not serial.startswith(f"{CERTIFICATE_PREFIX}-"):
        return None
    idea = (Idea.objects.select_related("department", "round")
            .filter(certificate_serial=serial, status=Idea.Status.AWARDED).first())
    if idea is None:
        return None
    data = certificate_data(idea)
    return certificates.Verification(serial=data.serial, holder=data.holder, title=data.title, award=data.award, date=data.date,
                                     issuer=data.issuer, detail=data.detail, valid=True)
