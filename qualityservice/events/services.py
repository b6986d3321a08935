"""What views, jobs and the demo do with events: create once per form (``core.submissions``), register under the
session's row lock (never over capacity, one registration per person, the waiting list in arrival order), fill
freed seats from the waiting list, move statuses through ``workflows`` (``core.workflow``), record scans at the
door idempotently, keep minutes with their revisions, turn opinions into feedback records, and the periodic jobs.

Every function that changes seats takes the session's row lock first (``lock_session``): registrations of one
session are thus serialised (on SQLite the IMMEDIATE transactions already are), and the order in which they get
the lock is their order of arrival (``Registration.seq``)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import pgettext

from qualityservice.core.i18n import pick
from qualityservice.core.models import WorkflowEvent
from qualityservice.core.notifications import notify
from qualityservice.core.permissions import can_see_department, user_role
from qualityservice.core.registry import optional_function
from qualityservice.core.roles import Role
from qualityservice.core.submissions import create_once, scoped
from qualityservice.core.workflow import TransitionError

from .models import (
    ACTIVE,
    ENDED,
    Allocation,
    Audience,
    CheckIn,
    CoHost,
    Event,
    Invitation,
    Minutes,
    MinutesRevision,
    Offer,
    Opinion,
    QueueMove,
    Registration,
    RegistrationStatus,
    Session,
    ticket_code_of,
)
from .workflows import DOOR as DOOR_ROLES
from .workflows import EVENT, INVITATION, MINUTES, REGISTRATION, SESSION, local, tell_person

log = logging.getLogger(__name__)
R = RegistrationStatus
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
EVENT_FIELDS = ("kind", "department", "title", "title_en", "description", "description_en", "audience", "campaign_activity_id")
SESSION_FIELDS = ("starts_at", "ends_at", "place", "location", "capacity", "registration_opens_at", "registration_closes_at")


class AlreadyRegistered(ValidationError):
    """The person has an active registration for the session already (``registration``)."""

    def __init__(self, message, registration: Registration):
        super().__init__(message)
        self.registration = registration


def normal_phone(value: str) -> str:
    """A mainland mobile number without spaces, dashes or +86; ValidationError otherwise."""
    phone = re.sub(r"[\s\-()]", "", value or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    elif phone.startswith("0086"):
        phone = phone[4:]
    if not PHONE_RE.match(phone):
        raise ValidationError(pgettext("events", "Enter an 11-digit mobile number, e.g. 13812345678."))
    return phone


# --- Co-hosts, events, sessions, allocations -------------------------------------------------------------------


def save_cohost(*, key, cohost: CoHost | None = None, **fields) -> tuple[CoHost, bool]:
    if cohost is not None:
        for name, value in fields.items():
            setattr(cohost, name, value)
        cohost.save(update_fields=list(fields))
        return cohost, False
    return create_once(CoHost, scoped("events-cohost", key), lambda stored: CoHost.objects.create(submission_key=stored, **fields))


def create_event(*, key, by, co_hosts: Iterable[CoHost] = (), **fields) -> tuple[Event, bool]:
    """A new draft event, once per form (``key``)."""

    def create(stored):
        event = Event.objects.create(organiser=by if getattr(by, "is_authenticated", False) else None,
                                     submission_key=stored, **fields)
        event.co_hosts.set(co_hosts)
        return event

    return create_once(Event, scoped("events-event", key), create)


@transaction.atomic
def update_event(event: Event, *, co_hosts: Iterable[CoHost] | None = None, **fields) -> Event:
    """Change an event's own fields (not its status) under its row lock. A finished or cancelled event is kept as it was."""
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.status in (Event.Status.FINISHED, Event.Status.CANCELLED):
        raise ValidationError(pgettext("events", "A finished or cancelled event can no longer be changed."))
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(fields))
    if co_hosts is not None:
        locked.co_hosts.set(co_hosts)
    return locked


def _check_session_times(fields: dict) -> None:
    errors = {}
    if fields["ends_at"] < fields["starts_at"]:
        errors["ends_at"] = pgettext("events", "The session ends after it starts.")
    if fields["registration_closes_at"] < fields["registration_opens_at"]:
        errors["registration_closes_at"] = pgettext("events", "Registration closes after it opens.")
    elif fields["registration_closes_at"] > fields["ends_at"]:
        errors["registration_closes_at"] = pgettext("events", "Registration closes before the session ends.")
    if errors:
        raise ValidationError(errors)


def create_session(event: Event, *, key, **fields) -> tuple[Session, bool]:
    _check_session_times(fields)
    if event.status in (Event.Status.FINISHED, Event.Status.CANCELLED):
        raise ValidationError(pgettext("events", "A finished or cancelled event can no longer be changed."))
    return create_once(Session, scoped("events-session", key),
                       lambda stored: Session.objects.create(event=event, submission_key=stored, **fields))


def lock_session(pk: int) -> Session:
    """The session's row, locked until the end of the transaction (its event read along, not locked)."""
    return Session.objects.select_for_update(of=("self",)).select_related("event").get(pk=pk)


@transaction.atomic
def update_session(session: Session, **fields) -> Session:
    """Change a scheduled session. The capacity never goes below the seats held; more capacity fills the waiting list."""
    locked = lock_session(session.pk)
    if locked.status != Session.Status.SCHEDULED:
        raise ValidationError(pgettext("events", "Only a scheduled session can be changed."))
    merged = {name: fields.get(name, getattr(locked, name)) for name in SESSION_FIELDS}
    _check_session_times(merged)
    if merged["capacity"] < locked.reserved + locked.general_taken:
        raise ValidationError({"capacity": pgettext(
            "events", "%(n)s seats are taken or reserved: the capacity cannot be smaller.") % {"n": locked.reserved + locked.general_taken}})
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(fields))
    fill_seats(locked)
    return locked


def save_allocation(session: Session, *, key, co_host: CoHost, seats: int, allocation: Allocation | None = None) -> tuple[Allocation, bool]:
    """Reserve ``seats`` of the session for a co-host (or change a reservation). The reserved seats and the general
    pool's taken seats must fit in the capacity; a reservation is never smaller than what its link has taken. Seats
    a smaller reservation gives back go to the waiting list."""

    def apply(stored=None):
        locked = lock_session(session.pk)
        if locked.status != Session.Status.SCHEDULED:
            raise ValidationError(pgettext("events", "Only a scheduled session can be changed."))
        current = Allocation.objects.select_for_update().get(pk=allocation.pk) if allocation is not None else None
        if current is None and Allocation.objects.filter(session=locked, co_host=co_host).exists():
            raise ValidationError(pgettext("events", "%(org)s has a reservation for this session already.") % {"org": co_host})
        before = current.seats if current is not None else 0
        if current is not None and seats < current.taken:
            raise ValidationError(pgettext("events", "%(n)s seats of this reservation are taken: it cannot be smaller.")
                                  % {"n": current.taken})
        reserved = locked.reserved - before + seats
        if reserved + locked.general_taken > locked.capacity:
            raise ValidationError(pgettext("events", "Only %(n)s seats are free for a reservation.")
                                  % {"n": locked.capacity - locked.general_taken - locked.reserved + before})
        Session.objects.filter(pk=locked.pk).update(reserved=reserved)
        if current is None:
            current = Allocation.objects.create(session=locked, co_host=co_host, seats=seats, submission_key=stored)
        else:
            current.seats = seats
            current.co_host = co_host
            current.save(update_fields=["seats", "co_host"])
        locked.refresh_from_db(fields=["reserved"])
        fill_seats(locked)
        return current

    if allocation is not None:
        with transaction.atomic():
            return apply(), False
    return create_once(Allocation, scoped("events-allocation", key), apply)


def move_event(event: Event, action: str, *, by) -> Event:
    return EVENT.apply(event, action, by=by)


def move_session(session: Session, action: str, *, by=None, system: bool = False) -> Session:
    return SESSION.apply(session, action, by=by, system=system)


# --- Who may register ------------------------------------------------------------------------------------------


def refusal(session: Session, *, user=None, invitation: Invitation | None = None, now=None) -> str | None:
    """Why ``user`` may not register for ``session`` now (a translated sentence), or None."""
    from qualityservice.members.services import member_for

    event = session.event
    if event.status != Event.Status.PUBLISHED or session.status != Session.Status.SCHEDULED:
        return pgettext("events", "Registration for this session is closed.")
    state = session.window_state(now)
    if state == "before":
        return pgettext("events", "Registration opens on %(when)s.") % {"when": local(session.registration_opens_at)}
    if state == "after":
        return pgettext("events", "Registration for this session is closed.")
    if event.audience == Audience.INVITATION:
        if invitation is None or invitation.event_id != event.pk or invitation.status not in (
                Invitation.Status.PENDING, Invitation.Status.ACCEPTED):
            return pgettext("events", "This event is by invitation only: please use the link of your invitation.")
    elif event.audience == Audience.MEMBERS and member_for(user) is None:
        return pgettext("events", "This event is for teachers and students: please sign in to register.")
    return None


# --- Registering, the waiting list -----------------------------------------------------------------------------


def register(session: Session, *, key, user=None, name: str = "", phone: str = "", allocation: Allocation | None = None,
             invitation: Invitation | None = None, now=None) -> tuple[Registration, bool]:
    """Register a person for a session, once per form (``key``): a seat when one is free in the pool (the general
    one, or the co-host's ``allocation``), else a place at the end of the waiting list — a full allocation is
    refused. ``user`` for members and invitees (their name and phone from their profile), ``name`` and ``phone``
    for visitors. Raises ``ValidationError`` (``AlreadyRegistered`` when the person is registered already) and
    creates nothing then."""
    from qualityservice.members.services import member_for

    now = now or timezone.now()
    account = user if getattr(user, "is_authenticated", False) else None
    if invitation is not None:
        account = invitation.user
    if account is not None:
        member = member_for(account)
        staff = getattr(account, "staff", None) if member is None else None
        name = (member.name if member else getattr(staff, "name", "")) or account.get_full_name() or account.get_username()
        phone = (member.phone if member else getattr(staff, "phone", "")) or ""
    else:
        name = (name or "").strip()
        if not name:
            raise ValidationError(pgettext("events", "Enter your name."))
        phone = normal_phone(phone)

    def create(stored):
        locked = lock_session(session.pk)
        reason = refusal(locked, user=account, invitation=invitation, now=now)
        if reason:
            raise ValidationError(reason)
        # One look-up for both: the same form sent again while the first request held the lock (its registration
        # answers), and the same person registered already (refused).
        person = Q(user=account) if account is not None else Q(user__isnull=True, phone=phone)
        mine = Q(session=locked, status__in=ACTIVE) & person
        for existing in Registration.objects.filter(Q(submission_key=stored) | mine if stored else mine)[:2]:
            if stored and existing.submission_key == stored:
                raise _SameForm(existing)
            raise AlreadyRegistered(pgettext("events", "You are registered for this session already.") if account is not None
                                    else pgettext("events", "This phone number is registered for this session already."), existing)
        seq = locked.next_seq
        pool = None
        counters = {"next_seq": F("next_seq") + 1}
        if allocation is not None:
            pool = Allocation.objects.select_for_update().get(pk=allocation.pk, session=locked)
            if pool.taken >= pool.seats:
                raise ValidationError(pgettext("events", "The %(org)s seats of this session are all taken.") % {"org": pool.co_host})
            Allocation.objects.filter(pk=pool.pk).update(taken=F("taken") + 1)
            status = R.CONFIRMED
        elif locked.general_free > 0 and not Registration.objects.filter(session=locked, status=R.WAITING).exists():
            counters["general_taken"] = F("general_taken") + 1
            status = R.CONFIRMED
        else:
            status = R.WAITING
        Session.objects.filter(pk=locked.pk).update(**counters)  # one statement: the arrival number and the seat
        registration = Registration.objects.create(
            session=locked, allocation=pool, invitation=invitation, user=account, name=name[:60], phone=phone[:20], status=status,
            seq=seq, rank=seq, created_at=now, confirmed_at=now if status == R.CONFIRMED else None, submission_key=stored,
        )
        if invitation is not None and invitation.status == Invitation.Status.PENDING:
            INVITATION.apply(invitation, "accept", system=True)
        what = {"event": locked.event.title, "when": local(locked.starts_at)}
        if status == R.CONFIRMED:
            tell_person(registration, pgettext("events", "Registered: %(event)s") % what,
                        pgettext("events", "You are registered for %(event)s on %(when)s. Show the QR code of your ticket at "
                                           "the door.") % what)
        else:
            tell_person(registration, pgettext("events", "On the waiting list: %(event)s") % what,
                        pgettext("events", "%(event)s on %(when)s is full: you are number %(n)s on the waiting list. We write "
                                           "to you when a seat is free.") % {**what, "n": waiting_position(registration)})
        return registration

    try:  # no look-up before the lock: the same form sent again is answered under it (``_SameForm``)
        return create_once(Registration, scoped("events-register", key), create, look_up_first=False)
    except _SameForm as same:
        return same.registration, False


class _SameForm(Exception):
    def __init__(self, registration: Registration):
        super().__init__()
        self.registration = registration


def waiting_position(registration: Registration) -> int | None:
    """The registration's place in its session's waiting list (1 = next), or None when it is not waiting."""
    if registration.status != R.WAITING:
        return None
    ahead = Registration.objects.filter(session_id=registration.session_id, status=R.WAITING).filter(
        Q(rank__lt=registration.rank) | Q(rank=registration.rank, seq__lt=registration.seq)).count()
    return ahead + 1


def fill_seats(session: Session, *, now=None) -> int:
    """Give the general pool's free seats to the waiting list, first in line first: straight to them when the
    session starts within QS_EVENTS_AUTO_PROMOTE_HOURS, else as an offer to confirm within QS_EVENTS_OFFER_HOURS
    (never past the start). Call it with the session locked. Returns how many were moved."""
    now = now or timezone.now()
    moved = 0
    while True:
        session.refresh_from_db(fields=["general_taken", "reserved", "capacity", "status"])
        if session.status != Session.Status.SCHEDULED or now >= session.starts_at or session.general_free <= 0:
            return moved
        if Event.objects.filter(pk=session.event_id).values_list("status", flat=True).first() != Event.Status.PUBLISHED:
            return moved
        first = Registration.objects.waiting_list(session).first()
        if first is None:
            return moved
        if session.starts_at - now <= dt.timedelta(hours=settings.QS_EVENTS_AUTO_PROMOTE_HOURS):
            REGISTRATION.apply(first, "promote", system=True)
        else:
            expires = min(now + dt.timedelta(hours=settings.QS_EVENTS_OFFER_HOURS), session.starts_at)
            REGISTRATION.apply(first, "offer", system=True, expires_at=expires)
        moved += 1


def move_registration(registration: Registration, action: str, *, by=None, system: bool = False, note: str = "",
                      **params) -> Registration:
    """A registration's move, with the session locked first (the one lock order) and the seats it frees given to the
    waiting list in the same transaction. Raises ``TransitionError``."""
    with transaction.atomic():
        session = lock_session(registration.session_id)
        moved = REGISTRATION.apply(registration, action, by=by, system=system, note=note, **params)
        fill_seats(session)
    return moved


def cancel_by_person(registration: Registration) -> Registration:
    """The one-click cancel of the ticket page (a seat or a place in line): the organiser is told."""
    if registration.status == R.WAITING:
        return move_registration(registration, "leave", system=True)
    return move_registration(registration, "cancel", system=True, by_person=True)


def reorder(session: Session, registration: Registration, *, position: int, reason: str, by, key) -> QueueMove:
    """Move a waiting registration to ``position`` (1 = next in line) with a written reason: the order changes for
    nobody else, the move is logged (who, when, from, to, why) and the supervisors are told."""
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError(pgettext("events", "Write why the order changes (at least a few words)."))

    def create(stored):
        locked = lock_session(session.pk)
        order = list(Registration.objects.waiting_list(locked).values_list("pk", flat=True))
        if registration.pk not in order:
            raise ValidationError(pgettext("events", "This person is no longer on the waiting list."))
        before = order.index(registration.pk) + 1
        to = min(max(int(position), 1), len(order))
        if to == before:
            raise ValidationError(pgettext("events", "This person is at that place already."))
        order.remove(registration.pk)
        order.insert(to - 1, registration.pk)
        rows = [Registration(pk=pk, rank=n) for n, pk in enumerate(order, start=1)]
        Registration.objects.bulk_update(rows, ["rank"], batch_size=500)
        move = QueueMove.objects.create(session=locked, registration=registration, from_position=before, to_position=to,
                                        reason=reason, by=by, submission_key=stored)
        notify(supervisors=True, subject=pgettext("events", "Waiting list reordered: %(event)s") % {"event": locked.event.title},
               body=pgettext("events", "%(who)s moved %(name)s from place %(from)s to %(to)s on the waiting list of %(event)s on "
                                       "%(when)s. Reason: %(reason)s") % {
                   "who": _name_of(by), "name": registration.name or registration.code, "from": before, "to": to,
                   "event": locked.event.title, "when": local(locked.starts_at), "reason": reason},
               url=locked.get_absolute_url(), webhook=False)
        return move

    move, _created = create_once(QueueMove, scoped("events-reorder", key), create)
    return move


def _name_of(user) -> str:
    staff = getattr(user, "staff", None)
    return getattr(staff, "name", "") or (user.get_username() if user is not None else "")


def expire_offers(*, now=None) -> int:
    """The job: offers past their deadline lapse and their seats go to the next in line. Idempotent (each offer once)."""
    now = now or timezone.now()
    lapsed = 0
    for registration_id in list(Offer.objects.filter(status=Offer.Status.OPEN, expires_at__lte=now)
                                .values_list("registration_id", flat=True)):
        registration = Registration.objects.filter(pk=registration_id, status=R.OFFERED).first()
        if registration is None:
            continue
        try:
            move_registration(registration, "lapse", system=True)
        except TransitionError:
            continue
        lapsed += 1
    return lapsed


# --- Invitations -----------------------------------------------------------------------------------------------


def invite(event: Event, users: Iterable, *, by, key) -> int:
    """Invite accounts (members or staff) to an event; each gets one invitation with its own link (an account
    invited before is skipped). Returns how many were invited."""
    from qualityservice.members.services import member_for

    made = 0
    for user in users:
        member = member_for(user)
        name = (member.name if member else getattr(getattr(user, "staff", None), "name", "")) or user.get_username()

        def create(stored, user=user, name=name):
            return Invitation.objects.create(event=event, user=user, name=name, created_by=by, submission_key=stored)

        if Invitation.objects.filter(event=event, user=user).exists():
            continue
        try:
            invitation, created = create_once(Invitation, scoped("events-invite", f"{key}-{user.pk}"), create)
        except IntegrityError:  # invited at the same moment by another form
            continue
        if created:
            made += 1
            notify(users=[user], subject=pgettext("events", "Invitation: %(event)s") % {"event": event.title},
                   body=pgettext("events", "You are invited to %(event)s. Open the link to choose a session or to decline.")
                   % {"event": event.title}, url=invitation.get_public_url(), webhook=False)
    return made


def remind_invitees(event: Event, *, now=None, queryset=None) -> int:
    """Remind the invitees of an event who have not answered (the organiser's button; the job calls it too)."""
    now = now or timezone.now()
    pending = queryset if queryset is not None else event.invitations.filter(status=Invitation.Status.PENDING)
    sent = 0
    for invitation in pending.select_related("user"):
        claimed = Invitation.objects.filter(pk=invitation.pk, status=Invitation.Status.PENDING,
                                            reminders=invitation.reminders).update(reminded_at=now, reminders=F("reminders") + 1)
        if not claimed or invitation.user is None:
            continue
        notify(users=[invitation.user], subject=pgettext("events", "Reminder: you are invited to %(event)s") % {"event": event.title},
               body=pgettext("events", "You have not answered the invitation to %(event)s yet. Open the link to choose a session "
                                       "or to decline.") % {"event": event.title}, url=invitation.get_public_url(), webhook=False)
        sent += 1
    return sent


def answer_invitation(invitation: Invitation, action: str) -> Invitation:
    return INVITATION.apply(invitation, action, system=True)


# --- Check-in --------------------------------------------------------------------------------------------------

NONCE_RE = re.compile(r"^[A-Za-z0-9_\-]{8,64}$")
FUTURE_SLACK = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class ScanResult:
    nonce: str
    outcome: str
    reason: str
    name: str
    message: str
    conflict: bool
    duplicate: bool  # this nonce had been uploaded before: the stored answer

    def as_json(self) -> dict:
        return {"nonce": self.nonce, "outcome": self.outcome, "reason": self.reason, "name": self.name,
                "message": self.message, "conflict": self.conflict, "duplicate": self.duplicate}


def _scan_message(outcome: str, reason: str) -> str:
    if outcome == CheckIn.Outcome.ACCEPTED:
        return str(CheckIn.Outcome.ACCEPTED.label)
    return str(CheckIn.Reason(reason).label)


def _result(scan: CheckIn, nonce: str, *, duplicate: bool) -> ScanResult:
    name = scan.registration.name if scan.registration_id and scan.registration else ""
    return ScanResult(nonce=nonce, outcome=scan.outcome, reason=scan.reason, name=name,
                      message=_scan_message(scan.outcome, scan.reason), conflict=scan.conflict, duplicate=duplicate)


def _scan_time(value, now) -> dt.datetime:
    """The phone's time of the scan (an ISO string or milliseconds since 1970); now when missing or in the future."""
    at = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            at = dt.datetime.fromtimestamp(value / 1000, tz=dt.UTC)
        except (OverflowError, OSError, ValueError):
            at = None
    elif isinstance(value, str):
        try:
            at = parse_datetime(value)
        except ValueError:
            at = None
        if at is not None and timezone.is_naive(at):
            at = timezone.make_aware(at)
    if at is None or at > now + FUTURE_SLACK:
        return now
    return at


def record_scans(session: Session, scans: list, *, by, device: str = "") -> tuple[list[dict], list[str]]:
    """Record a batch of scans uploaded by a door phone (one, or hundreds after an offline period). Each scan is
    ``{"nonce", "code", "at", "shown", "offline"}``; its nonce makes it count once however often it is uploaded
    (``core.submissions``: the nonce is the submission key). Returns the answers (one per scan, in order) and the
    errors of malformed entries (not stored). Conflicts — the phone showed green, the server refused (cancelled
    meanwhile, used at another door) — are reported to the organiser once per batch."""
    now = timezone.now()
    # The door staff's right to check in at this session is checked once for the batch (the view checked it too);
    # each move then goes through the workflow as theirs (``system=True`` skips the per-row re-check).
    if not (user_role(by) in (*DOOR_ROLES, Role.ADMIN) and can_see_department(by, session.event.department_id)):
        raise TransitionError(pgettext("events", "You may not check people in at this session."))
    results, errors, conflicts = [], [], []
    entries = []
    for n, scan in enumerate(scans if isinstance(scans, list) else []):
        nonce = scan.get("nonce") if isinstance(scan, dict) else None
        code = scan.get("code") if isinstance(scan, dict) else None
        if not isinstance(nonce, str) or not NONCE_RE.match(nonce) or not isinstance(code, str) or not code.strip():
            errors.append(pgettext("events", "Scan %(n)s is malformed and was not recorded.") % {"n": n + 1})
            continue
        entries.append((nonce, code.strip()[:200], scan))
    known = {c.submission_key: c for c in CheckIn.objects.filter(
        submission_key__in=[scoped("events-scan", nonce) for nonce, _c, _s in entries]).select_related("registration")}
    codes = {ticket_code_of(code) for _n, code, _s in entries} - {None}
    registrations = {r.code: r for r in Registration.objects.filter(code__in=codes).select_related("session")}
    for nonce, code, scan in entries:
        key = scoped("events-scan", nonce)
        if key in known:
            results.append(_result(known[key], nonce, duplicate=True).as_json())
            continue
        shown_green = scan.get("shown") == CheckIn.Outcome.ACCEPTED
        at = _scan_time(scan.get("at"), now)

        def create(stored, code=code, at=at, shown_green=shown_green, scan=scan):
            registration = registrations.get(ticket_code_of(code) or "")
            outcome, reason = CheckIn.Outcome.REFUSED, CheckIn.Reason.UNKNOWN
            if registration is not None:
                if registration.session_id != session.pk:
                    reason = CheckIn.Reason.WRONG_SESSION
                else:
                    try:
                        REGISTRATION.apply(registration, "check_in", by=by, system=True, at=at)
                        outcome, reason = CheckIn.Outcome.ACCEPTED, CheckIn.Reason.NONE
                    except TransitionError:
                        registration.refresh_from_db(fields=["status"])
                        reason = (CheckIn.Reason.CANCELLED if registration.status in ENDED
                                  else CheckIn.Reason.NOT_CONFIRMED if registration.status in (R.WAITING, R.OFFERED)
                                  else CheckIn.Reason.ALREADY_USED)
            return CheckIn.objects.create(
                session=session, registration=registration if registration is not None and registration.session_id == session.pk else None,
                scanned=code, outcome=outcome, reason=reason, conflict=shown_green and outcome == CheckIn.Outcome.REFUSED,
                offline=bool(scan.get("offline")), device=str(scan.get("device") or device)[:40], scanned_at=at, by=by,
                submission_key=stored)

        stored_scan, created = create_once(CheckIn, key, create, look_up_first=False)  # known nonces were read above
        result = _result(stored_scan, nonce, duplicate=not created)
        if created and result.conflict:
            conflicts.append(result)
        results.append(result.as_json())
    if conflicts:
        lines = "\n".join(f"{c.name or '—'}: {c.message}" for c in conflicts)
        event = session.event
        notify(users=[event.organiser] if event.organiser_id else [], heads_of=[] if event.organiser_id else [event.department_id],
               subject=pgettext("events", "Check-in conflicts: %(event)s") % {"event": event.title},
               body=pgettext("events", "%(n)s tickets shown as valid offline were refused when they were uploaded:")
               % {"n": len(conflicts)} + "\n" + lines, url=session.get_absolute_url() + "checkin/log/", webhook=False)
    return results, errors


def door_list(session: Session) -> list[dict]:
    """What a door phone keeps for offline check-in: every ticket of the session with its name, the last four
    digits of the phone (for the search), its status and the co-host. One query."""
    rows = (Registration.objects.filter(session=session).exclude(status=R.WAITING)
            .values_list("code", "name", "phone", "status", "allocation__co_host__name").order_by("name", "seq"))
    from .models import signed_ticket

    return [{"t": signed_ticket(code), "n": name, "p": phone[-4:], "s": status, "o": org or ""}
            for code, name, phone, status, org in rows]


# --- Minutes ---------------------------------------------------------------------------------------------------


def save_minutes(event: Event, body: str, *, by, key) -> Minutes:
    """Save the minutes' text: a new revision when it changed. Final minutes are locked."""
    body = (body or "").strip()
    if not body:
        raise ValidationError(pgettext("events", "Write the minutes first."))

    def create(stored):
        minutes, _made = Minutes.objects.get_or_create(event=event, defaults={"body": ""})
        minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
        if minutes.is_final:
            raise ValidationError(pgettext("events", "The minutes are final and can no longer be changed."))
        if minutes.body == body:
            raise ValidationError(pgettext("events", "Nothing changed."))
        number = (minutes.revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        revision = MinutesRevision.objects.create(minutes=minutes, number=number, body=body, by=by, submission_key=stored)
        Minutes.objects.filter(pk=minutes.pk).update(body=body, updated_at=timezone.now())
        return revision

    revision, _created = create_once(MinutesRevision, scoped("events-minutes", key), create)
    return Minutes.objects.get(pk=revision.minutes_id)


def finalise_minutes(minutes: Minutes, *, by) -> Minutes:
    return MINUTES.apply(minutes, "finalise", by=by)


def attendance(event: Event) -> dict:
    """Attendance of an event: registered, attended and no-shows per session, and attended per co-host (two queries)."""
    per_session = {row["session_id"]: row for row in Registration.objects.filter(session__event=event).values("session_id").annotate(
        registered=Count("pk", filter=Q(status__in=[R.CONFIRMED, R.ATTENDED, R.NO_SHOW])),
        attended=Count("pk", filter=Q(status=R.ATTENDED)), no_show=Count("pk", filter=Q(status=R.NO_SHOW)),
        waiting=Count("pk", filter=Q(status=R.WAITING))).order_by()}
    general = pgettext("events", "General registration")
    per_org = [{"label": pick(row["allocation__co_host__name"] or "", row["allocation__co_host__name_en"]) or general, "n": row["n"]}
               for row in Registration.objects.filter(session__event=event, status=R.ATTENDED)
               .values("allocation__co_host__name", "allocation__co_host__name_en").annotate(n=Count("pk"))
               .order_by("allocation__co_host__name")]
    totals = {k: sum(row[k] for row in per_session.values()) for k in ("registered", "attended", "no_show", "waiting")}
    return {"per_session": per_session, "per_org": per_org, "totals": totals}


# --- Opinions → feedback ---------------------------------------------------------------------------------------


def feedback_available() -> bool:
    return optional_function("qualityservice.feedback", "services", "create_feedback") is not None


def add_opinion(event: Event, *, body: str, kind: str, department, source: str, key, by=None,
                session: Session | None = None) -> tuple[Opinion, bool]:
    """An opinion raised at the event becomes a feedback record (channel "forum") of ``department`` through the
    feedback app's ``create_feedback``, in the same transaction: both exist, or neither."""
    body = (body or "").strip()
    if len(body) < 2:
        raise ValidationError(pgettext("events", "Write the opinion first."))
    create_feedback = optional_function("qualityservice.feedback", "services", "create_feedback")
    if create_feedback is None:
        raise ValidationError(pgettext("events", "The feedback module is not available."))

    def create(stored):
        opinion = Opinion.objects.create(event=event, session=session, department=department, kind=kind, body=body[:4000],
                                         source=source, entered_by=by if getattr(by, "is_authenticated", False) else None,
                                         submission_key=stored)
        where = event.title + (f" · {local(session.starts_at)}" if session is not None else "")
        ref = create_feedback(
            kind=kind, channel="forum", department=department,
            title=pgettext("events", "Opinion at %(event)s") % {"event": event.title} + f": {body.splitlines()[0][:40]}",
            body=f"{body}\n\n—— {where}", anonymous=True, created_by=opinion.entered_by,
            source_ref=f"events.opinion:{opinion.pk}", submission_key=f"events-opinion-{opinion.pk}",
        )  # -> feedback.services.FeedbackRef
        Opinion.objects.filter(pk=opinion.pk).update(feedback_id=ref.pk, feedback_code=ref.code)
        opinion.feedback_id, opinion.feedback_code = ref.pk, ref.code
        return opinion

    return create_once(Opinion, scoped("events-opinion", key), create)


def opinion_statuses(opinions: Iterable[Opinion]) -> dict:
    """Each opinion's feedback status and public replies, read through the feedback app's ``public_status``
    (two queries for any number of opinions); {} without the feedback app."""
    public_status = optional_function("qualityservice.feedback", "services", "public_status")
    codes = [o.feedback_code for o in opinions if o.feedback_code]
    if public_status is None or not codes:
        return {}
    return public_status(codes)


def relay_answers(*, now=None) -> int:
    """The job: opinions whose feedback item has been answered since the last run get ``answered_at`` and the
    attendees of their event (their session's, when the opinion names one) are told, once. Returns how many."""
    now = now or timezone.now()
    pending = list(Opinion.objects.filter(answered_at__isnull=True).exclude(feedback_code="").select_related("event", "session")[:500])
    statuses = opinion_statuses(pending)
    told = 0
    for opinion in pending:
        status = statuses.get(opinion.feedback_code)
        if status is None or not status.answered:
            continue
        if not Opinion.objects.filter(pk=opinion.pk, answered_at__isnull=True).update(answered_at=now):
            continue  # another worker was first
        attendees = Registration.objects.filter(status=R.ATTENDED, user__isnull=False)
        attendees = attendees.filter(session=opinion.session) if opinion.session_id else attendees.filter(session__event=opinion.event)
        users = [r.user for r in attendees.select_related("user")]
        reply = status.replies[-1].body if status.replies else ""
        if users:
            notify(users=users, subject=pgettext("events", "An opinion from %(event)s has been answered") % {"event": opinion.event.title},
                   body=pgettext("events", "Opinion: %(opinion)s\nAnswer: %(answer)s") % {"opinion": opinion.body[:200], "answer": reply},
                   url=opinion.event.get_public_url(), webhook=False)
        told += 1
    return told


# --- Periodic jobs ---------------------------------------------------------------------------------------------


def send_reminders(*, now=None) -> int:
    """The day-before reminder to everyone with a seat (once each: the row is claimed by a conditional update)."""
    now = now or timezone.now()
    horizon = now + dt.timedelta(hours=settings.QS_EVENTS_REMINDER_HOURS)
    due = (Registration.objects.filter(status=R.CONFIRMED, reminded_at__isnull=True, user__isnull=False,
                                       session__status=Session.Status.SCHEDULED, session__starts_at__gt=now,
                                       session__starts_at__lte=horizon)
           .select_related("session__event", "user"))
    sent = 0
    for registration in due:
        if not Registration.objects.filter(pk=registration.pk, reminded_at__isnull=True).update(reminded_at=now):
            continue
        what = {"event": registration.session.event.title, "when": local(registration.session.starts_at),
                "where": registration.session.where or "—"}
        tell_person(registration, pgettext("events", "Reminder: %(event)s on %(when)s") % what,
                    pgettext("events", "See you at %(event)s on %(when)s (%(where)s). Cannot come? Cancel on your ticket page so "
                                       "that the next person in line gets your seat.") % what)
        sent += 1
    days = settings.QS_EVENTS_INVITATION_REMINDER_DAYS
    stale = Invitation.objects.filter(status=Invitation.Status.PENDING, reminders=0, created_at__lte=now - dt.timedelta(days=days),
                                      event__status=Event.Status.PUBLISHED)
    for event in Event.objects.filter(pk__in=stale.values("event_id")):
        sent += remind_invitees(event, now=now, queryset=stale.filter(event=event))
    return sent


def hold_past_sessions(*, now=None) -> int:
    """Sessions that ended more than two hours ago are marked held (no-shows marked); events whose sessions are all
    held or cancelled are finished."""
    now = now or timezone.now()
    held = SESSION.apply_each(Session.objects.filter(status=Session.Status.SCHEDULED, event__status=Event.Status.PUBLISHED,
                                                     ends_at__lt=now - dt.timedelta(hours=2)), "hold")
    done = Event.objects.filter(status=Event.Status.PUBLISHED).exclude(sessions__status=Session.Status.SCHEDULED)
    EVENT.apply_each(done.filter(sessions__isnull=False).distinct(), "finish")
    return held


def delete_visitor_data(*, now=None) -> int:
    """Names and phones of registrations without an account, QS_EVENTS_RETENTION_DAYS after their session ended:
    deleted (the registrations and every count stay). Idempotent."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.QS_EVENTS_RETENTION_DAYS)
    return Registration.objects.filter(user__isnull=True, personal_data_deleted_at__isnull=True,
                                       session__ends_at__lt=cutoff).update(name="", phone="", personal_data_deleted_at=now)


# --- Timelines, campaign evidence ------------------------------------------------------------------------------


def timeline(obj, workflow) -> list[WorkflowEvent]:
    events = list(WorkflowEvent.for_object(obj).select_related("actor__staff"))
    for event in events:
        event.text = workflow.describe(event.action, event.params)
    return events


def campaign_evidence_kwargs(session: Session) -> dict:
    """The keyword arguments of ``campaigns.services.record_evidence`` for a session that was held: the host
    department's activity, carried by "events", public (the event page exists). Used by
    :func:`record_campaign_evidence`."""
    event = session.event
    day = timezone.localtime(session.starts_at).date()
    with translation.override("zh-hans"):
        kind = str(event.get_kind_display())
    with translation.override("en"):
        kind_en = str(event.get_kind_display())
    return {
        "department_id": event.department_id,
        "carrier": "events",
        "source": session,
        "title": f"{kind}：{event.title} {day:%Y-%m-%d}",
        "title_en": f"{kind_en}: {event.title_en or event.title} {day:%Y-%m-%d}",
        "url": session.get_absolute_url(),
        "occurred_on": day,
        "public": True,
    }


def record_campaign_evidence(session: Session) -> list:
    """A session held: the host department's activity carried by events, as campaign evidence through ``campaigns.services.record_evidence``
    (nothing when the campaigns app is absent, no campaign covers the day or no adopted activity matches)."""
    record = optional_function("qualityservice.campaigns", "services", "record_evidence")
    if record is None:
        return []
    kwargs = campaign_evidence_kwargs(session)
    if session.event.campaign_activity_id:  # the activity the organiser chose: that one only
        kwargs["activity_id"] = session.event.campaign_activity_id
    return record(**kwargs)


def campaign_activities(department_ids, *, include=()) -> list:
    """The campaign activities an event of these departments may serve (``campaigns.services.activities_carried_by``
    for the carrier "events": ``ActivityOption`` rows), and the ones ``include`` names; [] without the campaigns app."""
    options = optional_function("qualityservice.campaigns", "services", "activities_carried_by")
    return options("events", department_ids=department_ids, include=include) if options else []


def campaign_activity_of(event: Event):
    """The ``ActivityOption`` of the activity the event serves, or None (none chosen, or the campaigns app absent)."""
    if not event.campaign_activity_id:
        return None
    return next((o for o in campaign_activities([], include=[event.campaign_activity_id])
                 if o.pk == event.campaign_activity_id), None)
