"""The app's statuses on the platform's one engine (``core.workflow``); nothing else assigns a status.

``EVENT`` (Event.status)::

    draft ──publish──▶ published ──finish──▶ finished      publish/finish/cancel: head of the host department, supervisor
    draft, published ──cancel──▶ cancelled                 (cancelling cancels the scheduled sessions)

``SESSION`` (Session.status)::

    scheduled ──hold──▶ held          after its start: the people with a seat who did not check in become no-shows,
    scheduled ──cancel──▶ cancelled   open offers lapse; cancelling cancels every registration and tells each person

``REGISTRATION`` (Registration.status); seat counters change in the handlers, fill-ups in ``services``::

    waiting ──offer──▶ offered ──accept──▶ confirmed ──check_in──▶ attended
    waiting ──promote─────────────────────▶ confirmed ──no_show───▶ no_show
    waiting ──leave──▶ withdrawn    offered ──decline──▶ withdrawn    offered ──lapse──▶ lapsed
    waiting, offered, confirmed ──cancel──▶ cancelled

  offer, promote, lapse, no_show: jobs and services only; leave, accept, decline and the person's own cancel come
  from the ticket page (``system=True``: the signed ticket is the authority); staff cancel as managers; check-in:
  the host department's staff, heads, supervisors.

``OFFER`` (Offer.status): open ──accept/decline/expire──▶ accepted/declined/expired (with the registration's move).
``INVITATION`` (Invitation.status): pending ──accept/decline──▶ accepted/declined (the invitee), ──revoke──▶ revoked.
``MINUTES`` (Minutes.status): draft ──finalise──▶ final (locked; every saved text is a revision).

Lock order: services lock the session row before they move a registration (``services.move_registration``), so
two requests never wait for each other in opposite orders.
"""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone
from django.utils.translation import pgettext, pgettext_lazy

from qualityservice.core.notifications import notify
from qualityservice.core.permissions import can_see_department
from qualityservice.core.roles import Role
from qualityservice.core.workflow import Move, Transition, TransitionError, Workflow, register

from .models import (
    HOLDS_SEAT,
    Allocation,
    Event,
    Invitation,
    Minutes,
    Offer,
    Registration,
    RegistrationStatus,
    Session,
)

MANAGERS = (Role.HEAD, Role.SUPERVISOR)
DOOR = (Role.STAFF, Role.HEAD, Role.SUPERVISOR)
R = RegistrationStatus


def local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


# --- Notifications ---------------------------------------------------------------------------------------------


def tell_person(registration: Registration, subject: str, body: str) -> None:
    """The person of a registration, by e-mail when their account has an address (visitors read their ticket page)."""
    if registration.user_id:
        notify(users=[registration.user], subject=subject, body=body, url=registration.get_ticket_url(), webhook=False)


def tell_organiser(registration: Registration, subject: str, body: str) -> None:
    event = registration.session.event
    users = [event.organiser] if event.organiser_id else []
    notify(users=users, heads_of=[] if users else [event.department_id], subject=subject, body=body,
           url=registration.session.get_absolute_url(), webhook=False)


def _what(registration: Registration) -> dict:
    session = registration.session
    return {"event": session.event.title, "when": local(session.starts_at), "name": registration.name or registration.code}


# --- Seats -----------------------------------------------------------------------------------------------------


def _hold(registration: Registration) -> None:
    """One more seat taken in the registration's pool (the check constraints refuse more than there are)."""
    if registration.allocation_id:
        Allocation.objects.filter(pk=registration.allocation_id).update(taken=F("taken") + 1)
    else:
        Session.objects.filter(pk=registration.session_id).update(general_taken=F("general_taken") + 1)


def _release(registration: Registration) -> None:
    if registration.allocation_id:
        Allocation.objects.filter(pk=registration.allocation_id, taken__gt=0).update(taken=F("taken") - 1)
    else:
        Session.objects.filter(pk=registration.session_id, general_taken__gt=0).update(general_taken=F("general_taken") - 1)


def _open_offer(registration: Registration) -> Offer | None:
    return registration.offers.filter(status=Offer.Status.OPEN).first()


# --- Registration handlers -------------------------------------------------------------------------------------


def _offer(reg: Registration, *, by, now, note, expires_at, **params) -> Move:
    _hold(reg)
    Offer.objects.create(registration=reg, created_at=now, expires_at=expires_at)
    tell_person(reg, pgettext("events", "A seat is free for you: %(event)s") % _what(reg),
                pgettext("events", "A seat of %(event)s on %(when)s is free for you. Confirm it on your ticket page by "
                                   "%(deadline)s, or it goes to the next person in line.") % {**_what(reg), "deadline": local(expires_at)})
    return Move(params={"deadline": local(expires_at)})


def _promote(reg: Registration, *, by, now, note, **params) -> Move:
    _hold(reg)
    reg.confirmed_at = now
    tell_person(reg, pgettext("events", "You have a seat: %(event)s") % _what(reg),
                pgettext("events", "A seat of %(event)s on %(when)s became free and is now yours. Your ticket is on the "
                                   "page below; cancel it there if you cannot come.") % _what(reg))
    return Move()


def _accept(reg: Registration, *, by, now, note, **params) -> Move:
    offer = _open_offer(reg)
    if offer is None or offer.expires_at <= now:
        raise TransitionError(pgettext("events", "This offer has expired: the seat went to the next person in line."))
    OFFER.apply(offer, "accept", system=True)
    reg.confirmed_at = now
    return Move()


def _withdrawal(reg: Registration, *, now, notice: bool, reason: str = "") -> None:
    reg.ended_at = now
    if notice:
        what = _what(reg)
        tell_organiser(reg, pgettext("events", "Withdrawal: %(name)s, %(event)s") % what,
                       pgettext("events", "%(name)s withdrew from %(event)s on %(when)s.") % what
                       + (f"\n{reason}" if reason else ""))


def _decline(reg: Registration, *, by, now, note, **params) -> Move:
    offer = _open_offer(reg)
    if offer is not None:
        OFFER.apply(offer, "decline", system=True)
    _release(reg)
    _withdrawal(reg, now=now, notice=True)
    return Move()


def _leave(reg: Registration, *, by, now, note, **params) -> Move:
    _withdrawal(reg, now=now, notice=True)
    tell_person(reg, pgettext("events", "You left the waiting list: %(event)s") % _what(reg),
                pgettext("events", "You are no longer on the waiting list of %(event)s on %(when)s.") % _what(reg))
    return Move()


def _lapse(reg: Registration, *, by, now, note, **params) -> Move:
    offer = _open_offer(reg)
    if offer is not None:
        OFFER.apply(offer, "expire", system=True)
    _release(reg)
    reg.ended_at = now
    tell_person(reg, pgettext("events", "Your offer expired: %(event)s") % _what(reg),
                pgettext("events", "The seat offered to you for %(event)s on %(when)s was not confirmed in time and went "
                                   "to the next person in line.") % _what(reg))
    return Move()


def _cancel(reg: Registration, *, by, now, note, session_cancelled: bool = False, by_person: bool = False, **params) -> Move:
    """Cancelled by the person (from their ticket: the organiser is told), by the organiser (the person is told,
    with the reason), or with the whole session."""
    if reg.status == R.OFFERED:
        offer = _open_offer(reg)
        if offer is not None:
            OFFER.apply(offer, "decline", system=True)
    if reg.status in HOLDS_SEAT:
        _release(reg)
    reg.ended_at = now
    what = _what(reg)
    if session_cancelled:
        tell_person(reg, pgettext("events", "Cancelled: %(event)s") % what,
                    pgettext("events", "The session of %(event)s on %(when)s has been cancelled. We are sorry.") % what)
        return Move(params={"session_cancelled": True})
    if by_person:
        _withdrawal(reg, now=now, notice=True)
        return Move(params={"by_person": True})
    tell_person(reg, pgettext("events", "Registration cancelled: %(event)s") % what,
                pgettext("events", "The organiser cancelled your registration for %(event)s on %(when)s.") % what
                + (f"\n{note}" if note else ""))
    return Move()


def _check_in(reg: Registration, *, by, now, note, at=None, **params) -> Move:
    reg.checked_in_at = at or now
    return Move()


def _no_show(reg: Registration, *, by, now, note, **params) -> Move:
    return Move()


def _in_event_scope(user, obj) -> bool:
    return can_see_department(user, obj.session.event.department_id)


class RegistrationFlow(Workflow):
    model = Registration
    transitions = (
        Transition("offer", sources=(R.WAITING,), target=R.OFFERED, handler=_offer, label=pgettext_lazy("events", "Offer the seat"),
                   sentence=pgettext_lazy("events", "Seat offered, to confirm by %(deadline)s")),
        Transition("promote", sources=(R.WAITING,), target=R.CONFIRMED, handler=_promote,
                   label=pgettext_lazy("events", "Give the seat"),
                   sentence=pgettext_lazy("events", "Seat given to the first in line (the session is near)")),
        Transition("accept", sources=(R.OFFERED,), target=R.CONFIRMED, handler=_accept,
                   label=pgettext_lazy("events", "Confirm the seat"), sentence=pgettext_lazy("events", "Offer accepted")),
        Transition("decline", sources=(R.OFFERED,), target=R.WITHDRAWN, handler=_decline,
                   label=pgettext_lazy("events", "Decline the seat"), sentence=pgettext_lazy("events", "Offer declined")),
        Transition("lapse", sources=(R.OFFERED,), target=R.LAPSED, handler=_lapse, label=pgettext_lazy("events", "Let the offer lapse"),
                   sentence=pgettext_lazy("events", "Offer expired without an answer")),
        Transition("leave", sources=(R.WAITING,), target=R.WITHDRAWN, handler=_leave,
                   label=pgettext_lazy("events", "Leave the waiting list"), sentence=pgettext_lazy("events", "Left the waiting list")),
        Transition("cancel", sources=(R.WAITING, R.OFFERED, R.CONFIRMED), target=R.CANCELLED, handler=_cancel,
                   roles=MANAGERS, label=pgettext_lazy("events", "Cancel the registration"),
                   sentence=pgettext_lazy("events", "Registration cancelled")),
        Transition("check_in", sources=(R.CONFIRMED,), target=R.ATTENDED, handler=_check_in, roles=DOOR,
                   label=pgettext_lazy("events", "Check in"), sentence=pgettext_lazy("events", "Checked in")),
        Transition("no_show", sources=(R.CONFIRMED,), target=R.NO_SHOW, handler=_no_show,
                   label=pgettext_lazy("events", "Mark as no-show"), sentence=pgettext_lazy("events", "Did not come")),
    )

    def in_scope(self, user, obj) -> bool:
        return _in_event_scope(user, obj)


REGISTRATION = register(RegistrationFlow())


class OfferFlow(Workflow):
    model = Offer
    transitions = (
        Transition("accept", sources=(Offer.Status.OPEN,), target=Offer.Status.ACCEPTED, handler=lambda o, now, **k: _answered(o, now),
                   label=pgettext_lazy("events", "Accept")),
        Transition("decline", sources=(Offer.Status.OPEN,), target=Offer.Status.DECLINED, handler=lambda o, now, **k: _answered(o, now),
                   label=pgettext_lazy("events", "Decline")),
        Transition("expire", sources=(Offer.Status.OPEN,), target=Offer.Status.EXPIRED, handler=lambda o, now, **k: _answered(o, now),
                   label=pgettext_lazy("events", "Expire")),
    )


def _answered(offer: Offer, now) -> Move:
    offer.answered_at = now
    return Move()


OFFER = register(OfferFlow())


# --- Sessions --------------------------------------------------------------------------------------------------


def _hold_session(session: Session, *, by, now, note, **params) -> Move:
    if now < session.starts_at:
        raise TransitionError(pgettext("events", "A session can be marked as held once it has started."))
    session.held_at = now
    no_shows = REGISTRATION.apply_each(Registration.objects.filter(session=session, status=R.CONFIRMED), "no_show")
    REGISTRATION.apply_each(Registration.objects.filter(session=session, status=R.OFFERED), "lapse")
    session.refresh_from_db(fields=["general_taken", "reserved", "next_seq"])  # the handlers changed the counters
    from .services import record_campaign_evidence

    record_campaign_evidence(session)  # 三(三)/(七)/(十): the host department's activity carried by events
    return Move(params={"no_shows": no_shows})


def _cancel_session(session: Session, *, by, now, note, **params) -> Move:
    active = Registration.objects.filter(session=session, status__in=(R.WAITING, R.OFFERED, R.CONFIRMED))
    REGISTRATION.apply_each(active, "cancel", session_cancelled=True)
    session.refresh_from_db(fields=["general_taken", "reserved", "next_seq"])
    return Move()


def _session_scope(user, obj) -> bool:
    return can_see_department(user, obj.event.department_id)


class SessionFlow(Workflow):
    model = Session
    transitions = (
        Transition("hold", sources=(Session.Status.SCHEDULED,), target=Session.Status.HELD, handler=_hold_session,
                   roles=MANAGERS, label=pgettext_lazy("events", "Mark as held"),
                   sentence=pgettext_lazy("events", "Held; %(no_shows)s no-shows marked")),
        Transition("cancel", sources=(Session.Status.SCHEDULED,), target=Session.Status.CANCELLED, handler=_cancel_session,
                   roles=MANAGERS, label=pgettext_lazy("events", "Cancel the session"),
                   sentence=pgettext_lazy("events", "Session cancelled")),
    )

    def in_scope(self, user, obj) -> bool:
        return _session_scope(user, obj)


SESSION = register(SessionFlow())


# --- Events ----------------------------------------------------------------------------------------------------


def _publish(event: Event, *, by, now, note, **params) -> Move:
    if not event.sessions.exists():
        raise TransitionError(pgettext("events", "Add at least one session before publishing."))
    event.published_at = now
    return Move()


def _cancel_event(event: Event, *, by, now, note, **params) -> Move:
    for session in event.sessions.filter(status=Session.Status.SCHEDULED):
        SESSION.apply(session, "cancel", system=True)
    return Move()


def _finish(event: Event, *, by, now, note, **params) -> Move:
    if event.sessions.filter(status=Session.Status.SCHEDULED).exists():
        raise TransitionError(pgettext("events", "Mark every session as held or cancel it first."))
    return Move()


class EventFlow(Workflow):
    model = Event
    transitions = (
        Transition("publish", sources=(Event.Status.DRAFT,), target=Event.Status.PUBLISHED, handler=_publish, roles=MANAGERS,
                   label=pgettext_lazy("events", "Publish"), sentence=pgettext_lazy("events", "Published")),
        Transition("finish", sources=(Event.Status.PUBLISHED,), target=Event.Status.FINISHED, handler=_finish, roles=MANAGERS,
                   label=pgettext_lazy("events", "Finish"), sentence=pgettext_lazy("events", "Finished")),
        Transition("cancel", sources=(Event.Status.DRAFT, Event.Status.PUBLISHED), target=Event.Status.CANCELLED,
                   handler=_cancel_event, roles=MANAGERS, label=pgettext_lazy("events", "Cancel the event"),
                   sentence=pgettext_lazy("events", "Event cancelled")),
    )

    def in_scope(self, user, obj) -> bool:
        return can_see_department(user, obj.department_id)


EVENT = register(EventFlow())


# --- Invitations and minutes -----------------------------------------------------------------------------------


def _answer_invitation(invitation: Invitation, *, by, now, note, **params) -> Move:
    invitation.answered_at = now
    return Move()


class InvitationFlow(Workflow):
    model = Invitation
    transitions = (
        Transition("accept", sources=(Invitation.Status.PENDING,), target=Invitation.Status.ACCEPTED, handler=_answer_invitation,
                   label=pgettext_lazy("events", "Accept"), sentence=pgettext_lazy("events", "Invitation accepted")),
        Transition("decline", sources=(Invitation.Status.PENDING,), target=Invitation.Status.DECLINED, handler=_answer_invitation,
                   label=pgettext_lazy("events", "Decline"), sentence=pgettext_lazy("events", "Invitation declined")),
        Transition("revoke", sources=(Invitation.Status.PENDING,), target=Invitation.Status.REVOKED, roles=MANAGERS,
                   label=pgettext_lazy("events", "Withdraw the invitation"), sentence=pgettext_lazy("events", "Invitation withdrawn")),
    )

    def in_scope(self, user, obj) -> bool:
        return can_see_department(user, obj.event.department_id)


INVITATION = register(InvitationFlow())


def _finalise(minutes: Minutes, *, by, now, note, **params) -> Move:
    if not minutes.body.strip():
        raise TransitionError(pgettext("events", "Write the minutes before making them final."))
    minutes.finalised_at = now
    return Move()


class MinutesFlow(Workflow):
    model = Minutes
    transitions = (
        Transition("finalise", sources=(Minutes.Status.DRAFT,), target=Minutes.Status.FINAL, handler=_finalise, roles=MANAGERS,
                   label=pgettext_lazy("events", "Make final"), sentence=pgettext_lazy("events", "Minutes made final")),
    )

    def in_scope(self, user, obj) -> bool:
        return can_see_department(user, obj.event.department_id)


MINUTES = register(MinutesFlow())
