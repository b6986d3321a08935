"""What views, jobs and the demo do with nominations: create once per form (``core.submissions``), change a draft,
move through ``workflows.NOMINATION`` (``core.workflow``), read the timeline."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import pgettext

from qualityservice.core.i18n import pick
from qualityservice.core.indicators import Period
from qualityservice.core.models import WorkflowEvent
from qualityservice.core.registry import optional_function
from qualityservice.core.submissions import create_once, scoped
from qualityservice.members.services import in_audience, member_for
from qualityservice.org.models import Staff

from .models import Ballot, Nomination, Round, RoundTally, VoterRecord
from .workflows import ELIGIBILITY, NOMINATION, ROUND

EDITABLE_FIELDS = ("department", "title", "title_en", "round", "staff", "collective", "story")


def create_nomination(*, key: str | None, by, department, title: str, title_en: str = "", **extra) -> tuple[Nomination, bool]:
    """A new draft, once per form: the same ``key`` again (a double click, a resent POST, two requests at
    once) returns the first request's nomination and ``created=False``. ``extra``: round, staff, collective,
    story, photo (a ``core.images.CleanImage``). In a round, the department's quota is checked under a lock of
    the round's row (``check_quota``): a ValidationError names the quota when it is used up."""
    photo = extra.pop("photo", None)

    def create(stored_key):
        rnd = extra.get("round")
        if rnd is not None:
            check_quota(rnd, department)
            if stored_key and Nomination.objects.filter(submission_key=stored_key).exists():
                # The same form won the lock first: create_once answers with that nomination.
                raise IntegrityError("submission key taken")
        nomination = Nomination(department=department, title=title, title_en=title_en, submission_key=stored_key,
                                created_by=by if getattr(by, "is_authenticated", False) else None, **extra)
        if photo is not None:
            nomination.photo.save(photo.name, photo.content, save=False)
        nomination.save()
        return nomination

    return create_once(Nomination, scoped("recognition-nomination", key), create)


def check_quota(rnd: Round, department, *, exclude_pk: int | None = None) -> None:
    """Refuse (ValidationError, nothing written) a nomination beyond the department's quota in ``rnd``, or in a
    round not open for nominations. Locks the round's row first, so that two heads nominating at once are
    counted one after the other (PostgreSQL; SQLite serialises writers); call it inside the write's transaction."""
    locked = Round.objects.select_for_update().get(pk=rnd.pk)
    if locked.status != Round.Status.NOMINATING:
        raise ValidationError(pgettext("round", "The round “%(round)s” is not open for nominations.") % {"round": locked})
    quota = locked.quota_for(department.pk)
    taken = Nomination.objects.filter(round=locked, department=department).exclude(pk=exclude_pk).count()
    if taken >= quota:
        raise ValidationError(
            pgettext("round", "The quota of %(department)s in “%(round)s” is %(quota)s nominations; %(taken)s already "
                              "nominated.") % {"department": department, "round": locked, "quota": quota, "taken": taken},
            code="quota")


@transaction.atomic
def update_nomination(nomination: Nomination, **fields) -> Nomination:
    """Change a draft's ``EDITABLE_FIELDS``. Refused (ValidationError) once the nomination is no draft, also when
    another request submitted it after this one read it: the row is locked and only these columns written.
    ``photo``: a new photo (``core.images.CleanImage``)."""
    photo = fields.pop("photo", None)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if not locked.is_draft:
        raise ValidationError(pgettext("nomination", "Only a draft can be changed."))
    rnd, department = fields.get("round", locked.round), fields.get("department", locked.department)
    if rnd is not None and (rnd.pk != locked.round_id or department.pk != locked.department_id):
        check_quota(rnd, department, exclude_pk=locked.pk)
    for name, value in fields.items():
        setattr(locked, name, value)
    if photo is not None:
        locked.photo.save(photo.name, photo.content, save=False)
        fields["photo"] = locked.photo
    locked.save(update_fields=list(fields))
    return locked


def move(nomination: Nomination, action: str, *, by, note: str = "") -> Nomination:
    """Take a workflow action as ``by``; raises ``TransitionError`` with a message for the user."""
    return NOMINATION.apply(nomination, action, by=by, note=note)


def timeline(nomination: Nomination) -> list[WorkflowEvent]:
    """The nomination's moves, oldest first, each with its sentence in the reader's language (``text``): one query."""
    events = list(WorkflowEvent.for_object(nomination).select_related("actor__staff"))
    for event in events:
        flow = ELIGIBILITY if event.field == ELIGIBILITY.field else NOMINATION
        event.text = flow.describe(event.action, event.params)
    return events


def close_stale_nominations(*, now: dt.datetime | None = None) -> int:
    """Close the nominations submitted more than ``QS_RECOGNITION_CLOSE_AFTER_DAYS`` days ago that no round took
    up (the hourly job); a nomination in a round stays for the round's stages, however long they take.
    Idempotent: each row is locked and moved once; a row another worker closed first is skipped."""
    days = settings.QS_RECOGNITION_CLOSE_AFTER_DAYS
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    stale = Nomination.objects.filter(status=Nomination.Status.SUBMITTED, submitted_at__lt=cutoff, round__isnull=True)
    return NOMINATION.apply_each(stale, "expire", days=days)


# --- Rounds ----------------------------------------------------------------------------------------------

ROUND_FIELDS = ("kind", "title", "title_en", "period_start", "period_end", "winners", "quotas", "nominations_until",
                "vote_opens", "vote_closes", "notice_until", "choices_per_ballot", "voter_kinds", "staff_may_vote",
                "vote_weight", "jury_weight")
FROZEN_ONCE_VOTING = ("vote_weight", "jury_weight", "choices_per_ballot", "voter_kinds", "staff_may_vote")


def create_round(*, key: str | None, by, **fields) -> tuple[Round, bool]:
    def create(stored_key):
        return Round.objects.create(submission_key=stored_key, **fields,
                                    created_by=by if getattr(by, "is_authenticated", False) else None)

    return create_once(Round, scoped("recognition-round", key), create)


@transaction.atomic
def update_round(rnd: Round, **fields) -> Round:
    """Change a round's settings; the published weights and the vote's settings are frozen once voting opened."""
    locked = Round.objects.select_for_update().get(pk=rnd.pk)
    if locked.weights_frozen_at is not None:
        changed = [name for name in FROZEN_ONCE_VOTING if name in fields and fields[name] != getattr(locked, name)]
        if changed:
            raise ValidationError(pgettext("round", "The weights and the vote's settings are frozen once voting opened."))
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(fields))
    return locked


def move_round(rnd: Round, action: str, *, by, note: str = "") -> Round:
    if action == "publish":  # the gate reads the flags of the sheets as they are now (kept if the move is refused)
        from .jury import detect_flags  # jury imports this module

        detect_flags(rnd)
    return ROUND.apply(rnd, action, by=by, note=note)


# --- The secret public vote ------------------------------------------------------------------------------
#
# Two tables, written in one transaction: VoterRecord (round, keyed hash of the account: who voted) and Ballot
# (round, choices, receipt, day: how). They share no key (the ballot's key is a random UUID), no order (ballots
# are read by receipt or UUID, both random) and no time finer than the day. See the README, "Ballot secrecy".

RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def voter_key(rnd: Round, user) -> str:
    """The same value for the same person in the same round, whichever channel they signed in through; not
    reversible without the SECRET_KEY, and different in every round."""
    message = f"recognition-voter:{rnd.pk}:{user.pk}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def may_vote(rnd: Round, user) -> bool:
    """Members of the round's member types (every type when none is named), and staff when the round says so."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if getattr(user, "staff", None) is not None:
        return rnd.staff_may_vote
    return member_for(user) is not None and in_audience(user, kinds=rnd.voter_kinds or ())


def ballot_nominations(rnd: Round):
    """The nominations on the ballot: those that passed the review (submitted, not vetoed)."""
    return rnd.nominations.filter(status=Nomination.Status.SUBMITTED).exclude(eligibility=Nomination.Eligibility.VETOED)


def vote_open(rnd: Round, today: dt.date) -> bool:
    return rnd.status == Round.Status.VOTING and not (rnd.vote_closes and today > rnd.vote_closes) and not (
        rnd.vote_opens and today < rnd.vote_opens)


def checked_choices(rnd: Round, choices) -> list[int]:
    """The ballot's choices as sorted distinct nomination ids, 1..K of those on the ballot; ValidationError otherwise."""
    try:
        ids = sorted({int(c) for c in choices})
    except (TypeError, ValueError):
        raise ValidationError(pgettext("round", "Choose from the nominees on the ballot.")) from None
    if not 1 <= len(ids) <= rnd.choices_per_ballot:
        raise ValidationError(pgettext("round", "Choose between 1 and %(k)s nominees.") % {"k": rnd.choices_per_ballot})
    if ballot_nominations(rnd).filter(pk__in=ids).count() != len(ids):
        raise ValidationError(pgettext("round", "Choose from the nominees on the ballot."))
    return ids


def new_receipt() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))


def cast_ballot(rnd: Round, user, choices, *, today: dt.date | None = None, browser: str | None = None) -> str:
    """Cast ``user``'s one ballot in ``rnd`` for ``choices`` (nomination ids, 1..K distinct); returns the receipt.
    Refused with a ValidationError (nothing written) outside the vote, for someone who may not vote, for bad
    choices, and for a second ballot — the unique constraint on VoterRecord decides a race. ``browser``: the
    browser id (``core.ratelimit.visitor_id``) for the fraud signals' counters (codes.py)."""
    rnd = Round.objects.get(pk=rnd.pk)
    today = today or timezone.localdate()
    if not vote_open(rnd, today):
        raise ValidationError(pgettext("round", "The vote is not open."))
    if not may_vote(rnd, user):
        raise ValidationError(pgettext("round", "You may not vote in this round."))
    ids = checked_choices(rnd, choices)
    receipt = new_receipt()
    try:
        with transaction.atomic():
            VoterRecord.objects.create(round=rnd, voter=voter_key(rnd, user))
            Ballot.objects.create(round=rnd, choices=ids, receipt=receipt, cast_on=today)
            record_activity(rnd, ids, browser=browser)
    except IntegrityError:
        raise ValidationError(pgettext("round", "You have already voted in this round.")) from None
    return receipt


def record_activity(rnd: Round, ids, *, browser: str | None = None) -> None:
    from .codes import record_activity  # the fraud signals' counters (codes imports this module)

    record_activity(rnd, ids, browser=browser)


def has_voted(rnd: Round, user) -> bool:
    return getattr(user, "is_authenticated", False) and VoterRecord.objects.filter(
        round=rnd, voter=voter_key(rnd, user)).exists()


@transaction.atomic
def void_ballot(rnd: Round, receipt: str, *, by, reason: str) -> Ballot:
    """The supervisor voids a ballot with a reason (recorded on the ballot, counted in the published figures)."""
    if not reason.strip():
        raise ValidationError(pgettext("round", "Give the reason for voiding the ballot."))
    ballot = Ballot.objects.select_for_update().filter(round=rnd, receipt=receipt).first()
    if ballot is None:
        raise ValidationError(pgettext("round", "No ballot with this receipt."))
    if rnd.vote_closed:
        raise ValidationError(pgettext("round", "The vote is closed: its count is final."))
    ballot.voided, ballot.void_reason = True, reason.strip()[:300]
    ballot.save(update_fields=["voided", "void_reason"])
    return ballot


def tally(rnd: Round) -> dict[int, int]:
    """Count the counted (not voided) ballots into ``Nomination.votes`` (run once, at the close)."""
    counts = dict.fromkeys(rnd.nominations.values_list("pk", flat=True), 0)
    for choices in Ballot.objects.filter(round=rnd, voided=False).values_list("choices", flat=True).iterator():
        for pk in choices:
            if pk in counts:
                counts[pk] += 1
    nominations = list(rnd.nominations.all())
    for nomination in nominations:
        nomination.votes = counts[nomination.pk]
    Nomination.objects.bulk_update(nominations, ["votes"])
    RoundTally.objects.update_or_create(round=rnd, defaults=count_figures(rnd))  # what the pages read after the close
    return counts


def totals(rnd: Round) -> dict[int, int] | None:
    """The stored counters, or None while the vote is open: running totals are hidden from everyone."""
    if not rnd.vote_closed:
        return None
    return dict(rnd.nominations.values_list("pk", "votes"))


def figures(rnd: Round) -> dict[str, int]:
    """The published figures: stored at the close (``RoundTally``), counted while there is none."""
    stored = RoundTally.objects.filter(round=rnd).first()
    if stored is not None:
        return {"voters": stored.voters, "counted": stored.counted, "voided": stored.voided}
    return count_figures(rnd)


def count_figures(rnd: Round) -> dict[str, int]:
    counted = Ballot.objects.filter(round=rnd, voided=False).count()
    return {"voters": VoterRecord.objects.filter(round=rnd).count(), "counted": counted,
            "voided": Ballot.objects.filter(round=rnd, voided=True).count()}


def receipt_counted(rnd: Round, receipt: str) -> bool | None:
    """After the close: whether the receipt is among the counted ballots (None while the vote is open)."""
    if not rnd.vote_closed:
        return None
    return Ballot.objects.filter(round=rnd, receipt=receipt.strip().upper(), voided=False).exists()


# --- Staff pages for rounds: settings, quotas, counts ---------------------------------------------------------

ROUND_FIELDS = ROUND_FIELDS + ("veto_complaint", "veto_inspection", "veto_evaluation", "not_eligible")


def nominated_per_department(rnd: Round) -> dict[int, int]:
    """{department id: nominations in the round}: one GROUP BY query."""
    rows = Nomination.objects.filter(round=rnd).values("department_id").annotate(n=Count("pk")).order_by()
    return {row["department_id"]: row["n"] for row in rows}


def round_timeline(rnd: Round) -> list[WorkflowEvent]:
    """The round's stage moves and what was done with its jury's anomaly flags (cleared with a reason, or no
    longer applying), oldest first, each with its sentence in the reader's language: one query."""
    from django.contrib.contenttypes.models import ContentType

    from .results_models import JuryFlag
    from .workflows_results import FLAG

    flag_type = ContentType.objects.get_for_model(JuryFlag)  # cached by Django after the first call
    events = list(WorkflowEvent.objects.filter(
        Q(content_type=ContentType.objects.get_for_model(Round), object_id=rnd.pk)
        | Q(content_type=flag_type, object_id__in=JuryFlag.objects.filter(round=rnd).values("pk")))
        .select_related("actor__staff").order_by("created_at", "pk"))
    for event in events:
        event.text = (FLAG if event.content_type_id == flag_type.pk else ROUND).describe(event.action, event.params)
    return events


# --- Supporting facts and vetoes, from live data (through the owning apps' service functions) ----------------


def _members(nominations) -> dict[int, list[int]]:
    """{nomination id: staff ids}: the nominee, or the staff of a collective nominee (its team's members, or
    the department's staff). One query for the collectives."""
    out = {n.pk: [n.staff_id] if n.staff_id else [] for n in nominations}
    collectives = {n.collective_id for n in nominations if n.collective_id}
    if collectives:
        rows = list(Staff.objects.filter(Q(team_id__in=collectives) | Q(department_id__in=collectives), is_active=True)
                    .values_list("pk", "team_id", "department_id"))
        for n in nominations:
            if n.collective_id:
                out[n.pk] = [pk for pk, team, department in rows if n.collective_id in (team, department)]
    return out


def _period(rnd: Round) -> tuple[dt.date, dt.date]:
    return rnd.period_start, rnd.period_end


def read_facts(nominations) -> dict[int, dict]:
    """{nomination id: facts} read now from the owning apps, for each nomination's round period: praise
    received, badge ratings (mean of the six checks, count), complaints substantiated (feedback); training
    hours (training); competition placings (competitions). A figure whose app is not installed is None. A
    constant number of queries per round, whatever the number of nominations."""
    members = _members(nominations)
    by_round: dict[int, list[Nomination]] = {}
    for n in nominations:
        by_round.setdefault(n.round_id, []).append(n)
    feedback = optional_function("qualityservice.feedback", "services", "staff_service_records")
    hours = optional_function("qualityservice.training", "services", "staff_with_hours")
    awards = optional_function("qualityservice.competitions", "services", "staff_awards")
    out: dict[int, dict] = {}
    for group in by_round.values():
        rnd = group[0].round
        start, end = _period(rnd)
        ids = sorted({pk for n in group for pk in members[n.pk]})
        records = feedback(ids, start, end) if feedback else None
        trained = ({s.pk: s.hours for s in hours(Staff.objects.filter(pk__in=ids), Period(start, end))}
                   if hours else None)
        placings = awards(ids, start, end) if awards else None
        for n in group:
            people = members[n.pk]
            facts = {"period": Period(start, end).key, "people": len(people)}
            if records is not None:
                mine = [records[pk] for pk in people if pk in records]
                count = sum(r.rating_count for r in mine)
                weighted = sum((r.rating_mean or 0) * r.rating_count for r in mine)
                facts.update(praise=sum(r.praise for r in mine), rating_count=count,
                             rating_mean=round(weighted / count, 2) if count else None,
                             complaints=sum(len(r.substantiated) for r in mine))
            if trained is not None:
                facts["training_hours"] = str(sum((trained.get(pk) or Decimal(0) for pk in people), Decimal(0)))
            if placings is not None:
                facts["competitions"] = [
                    {"competition": a.competition, "competition_en": a.competition_en, "award": a.award,
                     "award_en": a.award_en, "rank": a.rank, "on": a.issued_on.isoformat()}
                    for pk in people for a in placings.get(pk, [])]
            out[n.pk] = facts
    return out


@transaction.atomic
def refresh_facts(nomination: Nomination) -> Nomination:
    """Read the supporting facts again (the head's button): refused for a closed nomination or one outside a round."""
    locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if locked.round_id is None or locked.status == Nomination.Status.CLOSED:
        raise ValidationError(pgettext("nomination", "The facts are read for the open nominations of a round."))
    locked.facts, locked.facts_at = read_facts([locked])[locked.pk], timezone.now()
    locked.save(update_fields=["facts", "facts_at"])
    return locked


@dataclass(frozen=True)
class Veto:
    kind: str  # complaint, inspection, evaluation
    reason: str


def _not_eligible(rnd: Round) -> tuple[dict[int, str], bool]:
    """({department id: reason}, whether the year-end evaluation gave it): the evaluation's list for the round's
    year when it publishes one, else the departments the supervisor marked on the round."""
    listed = optional_function("qualityservice.evaluation", "services", "not_eligible_departments")
    marked = dict(listed(rnd.period_end.year) or {}) if listed else {}
    if marked:
        return {int(k): str(v) for k, v in marked.items()}, True
    return {int(k): str(v) for k, v in (rnd.not_eligible or {}).items() if str(v).strip()}, False


def vetoes(nominations) -> dict[int, list[Veto]]:
    """{nomination id: [Veto]} from live data, for the vetoes each nomination's round applies: a substantiated
    complaint about the nominee (a collective: about one of its staff) in the period (feedback); a failed
    critical inspection item of the nominee's department in the period (inspections); the department not
    eligible in the year-end evaluation (evaluation, or the supervisor's mark on the round). A constant number
    of queries per round."""
    nominations = list(nominations)
    members = _members(nominations)
    names = dict(Staff.objects.filter(pk__in={pk for people in members.values() for pk in people}).values_list("pk", "name"))
    centres = {n.pk: _centre(n) for n in nominations}
    complaints = optional_function("qualityservice.feedback", "services", "staff_service_records")
    failures = optional_function("qualityservice.inspections", "services", "critical_failures")
    out: dict[int, list[Veto]] = {n.pk: [] for n in nominations}
    by_round: dict[int, list[Nomination]] = {}
    for n in nominations:
        if n.round_id is not None:
            by_round.setdefault(n.round_id, []).append(n)
    for group in by_round.values():
        rnd = group[0].round
        start, end = _period(rnd)
        if rnd.veto_complaint and complaints:
            records = complaints(sorted({pk for n in group for pk in members[n.pk]}), start, end)
            for n in group:
                for pk in members[n.pk]:
                    for ref in records[pk].substantiated:
                        out[n.pk].append(Veto("complaint", pgettext(
                            "nomination", "Substantiated complaint %(code)s about %(name)s received on %(date)s: %(title)s") % {
                            "code": ref.code, "name": names.get(pk, ""), "date": ref.received_on.isoformat(), "title": ref.title}))
        if rnd.veto_inspection and failures:
            found = failures(sorted({centres[n.pk] for n in group}), start, end)
            for n in group:
                for failure in found[centres[n.pk]]:
                    out[n.pk].append(Veto("inspection", pgettext(
                        "nomination", "Inspection “%(title)s” of %(date)s failed the critical item “%(item)s”") % {
                        "title": failure.title, "date": failure.submitted_on.isoformat(),
                        "item": pick(failure.item, failure.item_en)}))
        if rnd.veto_evaluation:
            marked, from_evaluation = _not_eligible(rnd)
            for n in group:
                reason = marked.get(centres[n.pk])
                if reason is None:
                    continue
                text = (pgettext("nomination", "Not eligible in the %(year)s year-end evaluation: %(reason)s") if from_evaluation
                        else pgettext("nomination", "Department marked not eligible (year-end evaluation): %(reason)s"))
                out[n.pk].append(Veto("evaluation", text % {"year": rnd.period_end.year, "reason": reason}))
    return out


def _centre(nomination: Nomination) -> int:
    """The department whose inspections and evaluation count for the nominee: the staff member's, the
    collective's centre, else the nominating department."""
    if nomination.collective_id:
        return nomination.collective.centre_id
    if nomination.staff_id:
        return nomination.staff.department_id
    return nomination.department_id


def check_eligibility(nomination: Nomination, action: str, *, by, reason: str = "") -> Nomination:
    """The supervisor's decision on the eligibility page: ``confirm`` (what the live data says) or ``override``
    (eligible despite the vetoes, with a written reason), ``recheck``; recorded in the nomination's timeline."""
    params = {"reason": reason} if action == "override" else {}
    return ELIGIBILITY.apply(nomination, action, by=by, **params)
