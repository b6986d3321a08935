"""What views, jobs and the demo do with nominations: create once per form (``core.submissions``), change a draft,
move through ``workflows.NOMINATION`` (``core.workflow``), read the timeline."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import pgettext

from qualityservice.core.models import WorkflowEvent
from qualityservice.core.submissions import create_once, scoped
from qualityservice.members.services import in_audience, member_for

from .models import Ballot, Nomination, Round, RoundTally, VoterRecord
from .workflows import NOMINATION, ROUND

EDITABLE_FIELDS = ("department", "title", "title_en")


def create_nomination(*, key: str | None, by, department, title: str, title_en: str = "") -> tuple[Nomination, bool]:
    """A new draft, once per form: the same ``key`` again (a double click, a resent POST, two requests at
    once) returns the first request's nomination and ``created=False``."""

    def create(stored_key):
        return Nomination.objects.create(department=department, title=title, title_en=title_en, submission_key=stored_key,
                                   created_by=by if getattr(by, "is_authenticated", False) else None)

    return create_once(Nomination, scoped("recognition-nomination", key), create)


@transaction.atomic
def update_nomination(nomination: Nomination, **fields) -> Nomination:
    """Change a draft's ``EDITABLE_FIELDS``. Refused (ValidationError) once the nomination is no draft, also when
    another request submitted it after this one read it: the row is locked and only these columns written."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if not locked.is_draft:
        raise ValidationError(pgettext("nomination", "Only a draft can be changed."))
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(fields))
    return locked


def move(nomination: Nomination, action: str, *, by, note: str = "") -> Nomination:
    """Take a workflow action as ``by``; raises ``TransitionError`` with a message for the user."""
    return NOMINATION.apply(nomination, action, by=by, note=note)


def timeline(nomination: Nomination) -> list[WorkflowEvent]:
    """The nomination's moves, oldest first, each with its sentence in the reader's language (``text``): one query."""
    events = list(WorkflowEvent.for_object(nomination).select_related("actor__staff"))
    for event in events:
        event.text = NOMINATION.describe(event.action, event.params)
    return events


def close_stale_nominations(*, now: dt.datetime | None = None) -> int:
    """Close the nominations submitted more than ``QS_RECOGNITION_CLOSE_AFTER_DAYS`` days ago (the hourly job).
    Idempotent: each row is locked and moved once; a row another worker closed first is skipped."""
    days = settings.QS_RECOGNITION_CLOSE_AFTER_DAYS
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    stale = Nomination.objects.filter(status=Nomination.Status.SUBMITTED, submitted_at__lt=cutoff)
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
    """The nominations on the ballot: those that passed the review (submitted)."""
    return rnd.nominations.filter(status=Nomination.Status.SUBMITTED)


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
