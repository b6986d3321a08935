"""Single-use voting codes (for voters without an account) and the fraud signals shown to the supervisor for review.

**Codes.** The supervisor generates a batch (a printable list, an Excel file through ``core.exports``); a voter
enters a code on the vote page. The code holds no ballot and no time (``VotingCode.used`` only); the one ballot
per code is the ``VoterRecord`` of the code's keyed hash — the same unique constraint as an account's
(``recog_one_voter_record``), written in the ballot's transaction. A voided batch refuses its unused codes.

**Fraud signals** (never a rejection, no limit per address): counters written with each ballot, in its
transaction, that name no voter and no receipt —

- ``VoteActivity``: ballots (nomination 0) and each nominee's choices per 10-minute window → *bursts for one
  nominee* (at least ``QS_RECOGNITION_BURST_MIN`` choices in a window and three times the nominee's mean per
  active window) and *ballots at odd hours* (00:00–05:59 Asia/Shanghai);
- ``BrowserTally``: ballots per browser (a keyed hash of the random browser id cookie) → *many ballots from one
  browser* (at least ``QS_RECOGNITION_BROWSER_BALLOTS``; a shared computer in a library does that too);
- ``CodeUse``: codes of one batch used per 10-second window → *codes of one batch used within seconds* (at least
  ``QS_RECOGNITION_CODE_BURST``).

The supervisor reviews them and voids a ballot (by the receipt a voter reported, with a reason) or a batch's
unused codes (with a reason). The counters are deleted when the round becomes final.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import pgettext

from qualityservice.core.fastinsert import Upsert, upsert
from qualityservice.core.submissions import create_once, scoped

from . import services
from .models import Ballot, Round, VoterRecord
from .results_models import BrowserTally, CodeBatch, CodeUse, VoteActivity, VotingCode

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # nothing to misread on paper
CODE_LENGTH = 10
WINDOW = dt.timedelta(minutes=10)
CODE_WINDOW = dt.timedelta(seconds=10)


def _window(now: dt.datetime, size: dt.timedelta) -> dt.datetime:
    seconds = int(size.total_seconds())
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def _hash(kind: str, rnd: Round, value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"recognition-{kind}:{rnd.pk}:{value}".encode(), hashlib.sha256).hexdigest()


def normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:16]


# --- Batches -------------------------------------------------------------------------------------------------


def generate_batch(rnd: Round, *, label: str, size: int, by, key: str | None) -> tuple[CodeBatch, bool]:
    """A batch of ``size`` new codes (once per form: the same key returns the first batch)."""
    if not 1 <= size <= settings.QS_RECOGNITION_CODE_BATCH_MAX:
        raise ValidationError(pgettext("codes", "A batch has from 1 to %(n)d codes.") % {"n": settings.QS_RECOGNITION_CODE_BATCH_MAX})
    if rnd.vote_closed:
        raise ValidationError(pgettext("codes", "The vote is closed: no more codes."))

    def create(stored_key):
        batch = CodeBatch.objects.create(round=rnd, label=label.strip()[:80], size=size, submission_key=stored_key,
                                         created_by=by if getattr(by, "is_authenticated", False) else None)
        made: set[str] = set()
        while len(made) < size:
            wanted = size - len(made)
            fresh = {"".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)) for _ in range(wanted)} - made
            taken = set(VotingCode.objects.filter(round=rnd, code__in=fresh).values_list("code", flat=True))
            made |= fresh - taken
        VotingCode.objects.bulk_create([VotingCode(batch=batch, round=rnd, code=c) for c in sorted(made)], batch_size=1000)
        return batch

    return create_once(CodeBatch, scoped("recognition-codes", key), create)


@transaction.atomic
def void_batch(batch: CodeBatch, *, by, reason: str) -> CodeBatch:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(pgettext("codes", "Give the reason for voiding the batch."))
    locked = CodeBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.voided_at is None:
        locked.voided_at, locked.void_reason = timezone.now(), reason[:300]
        locked.save(update_fields=["voided_at", "void_reason"])
    return locked


def batch_rows(rnd: Round) -> list[CodeBatch]:
    """The round's batches with how many of their codes were used (one query)."""
    from django.db.models import Count, Q

    return list(rnd.code_batches.annotate(n_used=Count("codes", filter=Q(codes__used=True))).order_by("-created_at", "-pk"))


# --- Casting with a code ---------------------------------------------------------------------------------------


def cast_with_code(rnd: Round, code: str, choices, *, browser: str | None = None, today: dt.date | None = None) -> str:
    """The ballot of a code holder; returns the receipt. Refused (nothing written) for an unknown, used or
    voided code, outside the vote and for bad choices. The code's keyed hash is the voter record: a second
    ballot with the same code, also from parallel requests, is refused by its unique constraint."""
    rnd = Round.objects.get(pk=rnd.pk)
    today = today or timezone.localdate()
    if not services.vote_open(rnd, today):
        raise ValidationError(pgettext("round", "The vote is not open."))
    code = normalise(code)
    ids = services.checked_choices(rnd, choices)
    receipt = services.new_receipt()
    refused = ValidationError(pgettext("codes", "This voting code is not valid or has been used."))
    try:
        with transaction.atomic():
            found = VotingCode.objects.select_for_update().select_related("batch").filter(round=rnd, code=code).first()
            if found is None or found.used or found.batch.voided_at is not None:
                raise refused
            VotingCode.objects.filter(pk=found.pk, used=False).update(used=True)
            VoterRecord.objects.create(round=rnd, voter=_hash("code", rnd, code))
            Ballot.objects.create(round=rnd, choices=ids, receipt=receipt, cast_on=today)
            record_activity(rnd, ids, batch_id=found.batch_id, browser=browser)
    except IntegrityError:
        raise refused from None
    return receipt


# --- The counters ----------------------------------------------------------------------------------------------


def record_activity(rnd: Round, ids, *, batch_id: int | None = None, browser: str | None = None,
                    now: dt.datetime | None = None) -> None:
    """Add one ballot to the window's counters and its browser's (one statement on PostgreSQL, in the ballot's
    transaction)."""
    now = now or timezone.now()
    window = _window(now, WINDOW)
    rows = [{"round_id": rnd.pk, "window": window, "nomination_id": pk, "count": 1} for pk in sorted({0, *ids})]
    upserts = [Upsert(VoteActivity, key=["round", "window", "nomination_id"], add=["count"], rows=rows)]
    if batch_id is not None:
        upserts.append(Upsert(CodeUse, key=["batch", "window"], add=["count"],
                              rows=[{"batch_id": batch_id, "window": _window(now, CODE_WINDOW), "count": 1}]))
    if browser:
        upserts.append(Upsert(BrowserTally, key=["round", "browser"], add=["ballots"],
                              rows=[{"round_id": rnd.pk, "browser": _hash("browser", rnd, browser), "ballots": 1}]))
    upsert(*upserts)


def forget_activity(rnd: Round) -> None:
    """Delete the counters once the round is final (they served the review during the vote)."""
    VoteActivity.objects.filter(round=rnd).delete()
    BrowserTally.objects.filter(round=rnd).delete()
    CodeUse.objects.filter(batch__round=rnd).delete()


# --- The signals -------------------------------------------------------------------------------------------------


def signals(rnd: Round) -> list[dict]:
    """What the supervisor reviews: [{"kind", "window" or "batch", "nomination", "count", "usual"}] (four queries)."""
    found = []
    per_nominee = defaultdict(list)
    rows = list(VoteActivity.objects.filter(round=rnd).values_list("window", "nomination_id", "count"))
    for window, nomination_id, count in rows:
        if nomination_id:
            per_nominee[nomination_id].append((window, count))
        elif timezone.localtime(window).hour < 6:
            found.append({"kind": "odd_hours", "window": window, "count": count})
    titles = dict(rnd.nominations.values_list("pk", "title"))
    for nomination_id, windows in per_nominee.items():
        usual = sum(c for _w, c in windows) / len(windows)
        for window, count in windows:
            if count >= settings.QS_RECOGNITION_BURST_MIN and count >= 3 * usual * (len(windows) > 1):
                found.append({"kind": "burst", "window": window, "nomination": titles.get(nomination_id, "—"), "count": count,
                              "usual": round(usual, 1)})
    for ballots in BrowserTally.objects.filter(round=rnd, ballots__gte=settings.QS_RECOGNITION_BROWSER_BALLOTS).values_list(
            "ballots", flat=True).order_by("-ballots")[:50]:
        found.append({"kind": "browser", "count": ballots})
    for label, window, count in CodeUse.objects.filter(batch__round=rnd, count__gte=settings.QS_RECOGNITION_CODE_BURST).values_list(
            "batch__label", "window", "count").order_by("window")[:50]:
        found.append({"kind": "codes", "batch": label, "window": window, "count": count})
    return found
