"""The feedback workflow, on the one workflow engine of the platform (``core.workflow``).

``FEEDBACK.apply(item, action, by=user, note=…, **params)`` is the only code that changes an item's
status: it locks the row, checks the move (the transition table below), the actor (role, department
scope, the rules of each transition) and records one ``FeedbackEvent``. Illegal moves raise
``core.workflow.TransitionError`` with a translated message. ``FEEDBACK.may`` / ``.allowed_actions``
say what a user may do now (the buttons of the item page).

Timeline events that are not status moves (creation, replies and internal notes, e-mail replies,
escalation) are written with :func:`log_event`.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from qualityservice.core.notifications import notify
from qualityservice.core.permissions import has_role, person_name, staff_profile, user_role
from qualityservice.core.roles import Role
from qualityservice.core.workflow import Event, Move, Transition, TransitionError, Workflow, register

from .calendar import compute_deadline
from .models import (
    CALLBACK_STATUSES,
    OPEN_STATUSES,
    PENDING_STATUSES,
    CallbackResult,
    Channel,
    Feedback,
    FeedbackEvent,
    Reply,
    Status,
    can_handle,
)

SATISFIED_FROM = 3  # a callback score of 3 (基本满意) or more closes; 1–2 reopens

# The item page offers these as plain buttons (the other moves have their own forms).
SIMPLE_ACTIONS = ("accept", "start", "close", "reopen")

# The short name of each step: the public status page (which never shows a step's parameters: they may
# name staff) and the headline of a timeline row written before its parameters were kept.
STEPS = {
    "create": gettext_lazy("Received"),
    "accept": gettext_lazy("Accepted"),
    "assign": gettext_lazy("Assigned"),
    "start": gettext_lazy("Work started"),
    "resolve": gettext_lazy("Replied / resolved"),
    "callback_unreached": gettext_lazy("Callback: not reached"),
    "callback_satisfied": gettext_lazy("Callback: satisfied"),
    "callback_dissatisfied": gettext_lazy("Callback: dissatisfied, reopened"),
    "rated": gettext_lazy("Rated by the submitter"),
    "close": gettext_lazy("Closed"),
    "reopen": gettext_lazy("Reopened"),
    "transfer": gettext_lazy("Transferred"),
    "merge": gettext_lazy("Merged into another item"),
    "request_transfer": gettext_lazy("Transfer requested"),
    "accept_transfer": gettext_lazy("Transferred"),
    "decline_transfer": gettext_lazy("Transfer request declined"),
    "escalate": gettext_lazy("Overdue: escalated to the supervisor"),
    "note": gettext_lazy("Internal note"),
    "reply": gettext_lazy("Reply"),
    "mail_reply": gettext_lazy("E-mail reply received"),  # mailbox: an answer to an earlier message
}

# Who wrote a timeline row when no signed-in user did (kept as the parameter ``actor``, named in the
# reader's language).
ACTORS = {
    "submitter": gettext_lazy("Submitter"),
    "mailbox": gettext_lazy("Complaint mailbox"),
    "system": gettext_lazy("System"),
}


# --- Names ---------------------------------------------------------------------------------


def actor_name(user) -> str:
    """How the timeline names ``user`` (``core.permissions.person_name``: the staff member's name; "" for nobody)."""
    return person_name(user)


def notice_ref(fb: Feedback) -> str:
    """How notifications (e-mail to staff and the group robot) name an item: its tracking code, or
    its number for an item about a member of staff — that person may be among the recipients (a
    head, the assignee, the group chat) and must not learn the code."""
    return f"#{fb.pk}" if fb.about_staff_id else fb.code


def submitter_email(fb: Feedback) -> str:
    """The submitter's e-mail address, when the contact they left is one."""
    contact = (fb.submitter_contact or "").strip()
    if fb.anonymous or "@" not in contact:
        return ""
    try:
        validate_email(contact)
    except ValidationError:
        return ""
    return contact


# --- Timeline rows ---------------------------------------------------------------------------


def timeline_event(feedback, action, *, by=None, who="", note="", public=False, from_status="", to_status="",
                   at=None, params=None) -> FeedbackEvent:
    """An unsaved timeline row (:func:`log_event` saves it; the creation of an item inserts it with the record).
    The row keeps the action and its parameters, never a finished sentence (``describe_events`` renders it in
    the reader's language); ``note`` is only what a person wrote. ``who`` names the author when no signed-in
    user is (``ACTORS``: the submitter, the mailbox; the system by default)."""
    user = by if getattr(by, "is_authenticated", False) else None
    params = dict(params or {})
    if user is None:
        params["actor"] = who if who in ACTORS else "system"
    return FeedbackEvent(
        feedback=feedback,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=user,
        # A snapshot for the admin and the field history; the pages name the actor from ``params``.
        actor_name=actor_name(user) if user is not None else str(ACTORS[params["actor"]]),
        note=note,
        params=params,
        visibility=FeedbackEvent.Visibility.PUBLIC if public else FeedbackEvent.Visibility.INTERNAL,
        created_at=at or timezone.now(),
    )


def log_event(feedback, action, *, by=None, who="", note="", public=False, at=None, params=None) -> FeedbackEvent:
    """A timeline row that is not a status move (an action of ``FeedbackFlow.notes``: creation, reply,
    internal note, e-mail reply, escalation)."""
    if action not in FEEDBACK.notes:
        raise ValueError(f"unknown timeline note {action!r}")
    event = timeline_event(feedback, action, by=by, who=who, note=note, public=public, at=at, params=params)
    event.save(force_insert=True)
    return event


def event_label(action: str) -> str:
    """The short name of a step (``STEPS``), in the active language: the public status page's steps."""
    return str(STEPS.get(action, action))


_PLACEHOLDER = re.compile(r"%\((\w+)\)")


def describe(action: str, params: dict) -> str:
    """The timeline sentence of one row in the active language (``FeedbackFlow.describe``: the transition's
    ``sentence``, or the ``notes`` sentence of a row that is no move); a row that lacks a parameter of its
    sentence (written before it was kept, and not recovered by migration 0008) reads its step's short name."""
    t = FEEDBACK.by_action.get(action)
    template = t.sentence if t is not None else FEEDBACK.notes.get(action, "")
    if set(_PLACEHOLDER.findall(str(template))) - set(params):
        return event_label(action)
    return FEEDBACK.describe(action, params)


def describe_events(events) -> list[FeedbackEvent]:
    """Give each timeline row its sentence (``text``) and its author (``who``) in the reader's language:
    departments by their name in that language (one query for the page), channels by their label."""
    from qualityservice.org.models import Department

    events = list(events)
    ids = {e.params.get(key) for e in events if e.params for key in ("dept_id", "from_id", "to_id")}
    ids = {i for i in ids if isinstance(i, int)}
    names = {d.pk: d.display_name for d in Department.objects.filter(pk__in=ids)} if ids else {}
    channels = dict(Channel.choices)
    for event in events:
        params = dict(event.params or {})
        for key in ("dept", "from", "to"):
            if params.get(f"{key}_id") in names:
                params[key] = names[params[f"{key}_id"]]
        if params.get("channel") in channels:
            params["channel"] = channels[params["channel"]]
        event.text = describe(event.action, params)
        actor = params.get("actor")
        event.who = str(ACTORS[actor]) if event.actor_id is None and actor in ACTORS else event.actor_name
    return events


# --- Rules (the transitions' ``check``) ----------------------------------------------------------


def _not_the_person_concerned(user, fb: Feedback) -> bool:
    """Moves that record the submitter's verdict or end the item are never taken by the person it is
    about (a head complained about could otherwise close the complaint "satisfied" and skip the callback)."""
    return not fb.is_about(user)


def _staff_on_their_own_items(user, fb: Feedback) -> bool:
    """Staff accept, start and answer only the items assigned to them, never one about themselves
    (``models.can_handle``, also the workflow's scope)."""
    return user_role(user) != Role.STAFF or can_handle(user, fb)


def may_reply(user, fb: Feedback) -> bool:
    """Who writes to the submitter or adds an internal note: the department's head (and supervisors and
    operators, who handle every department), and of front-line staff only the assignee — never the staff
    member the item is about, who reads it and does nothing with it. Judges read only."""
    role = user_role(user)
    return role not in (None, Role.JUDGE) and can_handle(user, fb)


def _operator_routes_new_items(user, fb: Feedback) -> bool:
    """Operators route items that nobody works on yet (received or reopened)."""
    return not has_role(user, Role.OPERATOR) or fb.status in (Status.RECEIVED, Status.REOPENED)


# --- Handlers: change the locked row, may refuse, return the parameters the event keeps ---------


def _accept(fb, *, by, now, **kw):
    profile = staff_profile(by)
    if fb.assigned_to_id is None and profile is not None and profile.department_id == fb.department_id:
        fb.assigned_to = profile
        return Move(params={"staff_id": profile.pk, "name": profile.name})
    return None


def _assign(fb, *, by, now, staff=None, **kw):
    if staff is None or staff.department_id != fb.department_id or not staff.is_active:
        raise TransitionError(_("Assign the item to an active member of its department."))
    if staff.role == Role.STAFF and fb.about_staff_id == staff.pk:
        # Front-line staff never act on an item about themselves (``models.can_handle``).
        raise TransitionError(_("This item is about %(name)s: assign it to a colleague.") % {"name": staff.name})
    fb.assigned_to = staff
    if staff.user_id:
        notify(users=[staff.user], subject=_("Feedback %(code)s assigned to you") % {"code": notice_ref(fb)},
               body=fb.title, url=fb.get_absolute_url())
    # Public step (the status page shows action and time only, never notes or names).
    return Move(to=Status.IN_PROGRESS if fb.status == Status.IN_PROGRESS else Status.ASSIGNED,
                params={"staff_id": staff.pk, "name": staff.name})


def _resolve(fb, *, by, now, note="", submission_key=None, **kw):
    if not note.strip():
        raise TransitionError(_("Write the reply to the submitter before marking the item resolved."))
    reply = Reply.objects.create(feedback=fb, author=by if getattr(by, "is_authenticated", False) else None,
                                 author_name=actor_name(by), body=note.strip(), is_public=True, created_at=now,
                                 submission_key=submission_key or None)
    fb.resolved_at = now
    fb.resolved_on_time = fb.deadline is None or now <= fb.deadline
    fb.is_overdue = not fb.resolved_on_time
    _clear_transfer_request(fb)  # answered here after all
    _tell_the_submitter(fb, note.strip())
    return Move(params={"reply_id": reply.pk})


def _tell_the_submitter(fb: Feedback, reply: str) -> None:
    """Send the public reply to the submitter's e-mail, with the one-time rating link while it is
    unused. To that address only: never to the group robot, whose chat staff read."""
    email = submitter_email(fb)
    if not email:
        return
    body = reply
    if fb.rating_used_at is None:
        url = fb.get_rating_url()
        body += "\n\n" + _("Rate how your item was handled with the link below. It works once and is meant for you "
                            "only: do not forward it.")
    else:
        url = fb.get_public_url()
    notify(emails=[email], subject=_("Your feedback %(code)s has been answered") % {"code": fb.code}, body=body,
           url=url, webhook=False)


def _callback_unreached(fb, *, now, **kw):
    attempts = fb.callbacks.count()
    if attempts >= getattr(settings, "QS_CALLBACK_MAX_ATTEMPTS", 3):
        fb.callback_result = CallbackResult.UNREACHABLE
        fb.closed_at = now
        return Move(to=Status.CLOSED, params={"attempts": attempts, "closed": True}, public=True)
    return Move(to=Status.CALLBACK, params={"attempts": attempts, "closed": False}, public=False)


def _callback_satisfied(fb, *, now, score: int, **kw):
    fb.callback_result = CallbackResult.SATISFIED
    fb.satisfaction = score
    fb.closed_at = now
    return Move(params={"score": score})


def _reopened(fb, now, *, unhappy: bool) -> None:
    """What every reopen does, whatever the path (the manual reopen, an unhappy callback, an unhappy
    rating through the submitter's link): the answer is owed again, so the deadline starts anew from the
    department's commitment (not the old one, which has long passed: the item would be escalated at once),
    and the department's heads and the assignee are told."""
    fb.reopen_count += 1
    fb.closed_at = None
    fb.resolved_at = None
    fb.resolved_on_time = None
    fb.deadline = compute_deadline(now, fb.department_id, fb.kind)
    fb.escalated_at = None
    fb.is_overdue = False
    assignee = [fb.assigned_to.user] if fb.assigned_to_id and fb.assigned_to.user_id else []
    subject = (_("Feedback %(code)s reopened: the submitter is not satisfied") if unhappy
               else _("Feedback %(code)s reopened"))
    notify(users=assignee, heads_of=[fb.department_id], subject=subject % {"code": notice_ref(fb)}, body=fb.title,
           url=fb.get_absolute_url())


def _callback_dissatisfied(fb, *, now, score: int, **kw):
    fb.callback_result = CallbackResult.DISSATISFIED
    fb.satisfaction = score
    _reopened(fb, now, unhappy=True)
    return Move(params={"score": score})


def _rated(fb, *, now, score: int, **kw):
    fb.satisfaction = score
    fb.rating_used_at = now
    if fb.status == Status.CLOSED:
        return Move(to=Status.CLOSED, params={"score": score})
    if score >= SATISFIED_FROM:
        fb.callback_result = CallbackResult.SATISFIED
        fb.closed_at = now
        return Move(to=Status.CLOSED, params={"score": score})
    fb.callback_result = CallbackResult.DISSATISFIED
    _reopened(fb, now, unhappy=True)
    return Move(to=Status.REOPENED, params={"score": score})


def _close(fb, *, now, **kw):
    fb.closed_at = now


def _reopen(fb, *, now, **kw):
    _reopened(fb, now, unhappy=False)


def _clear_transfer_request(fb: Feedback) -> None:
    fb.transfer_to = None
    fb.transfer_reason = ""
    fb.transfer_requested_by = None
    fb.transfer_requested_at = None


def _move_to_department(fb: Feedback, department, now) -> dict:
    """Move the locked item to ``department`` (a transfer, or an accepted transfer request): new deadline from
    that department's commitment, nobody assigned, its heads told. Returns the event's parameters."""
    if department is None or department.pk == fb.department_id:
        raise TransitionError(_("Choose another department to transfer the item to."))
    old = fb.department
    fb.department = department
    fb.assigned_to = None
    fb.staff = fb.staff if fb.staff_id and fb.staff.department_id == department.pk else None
    fb.deadline = compute_deadline(now, department.pk, fb.kind)
    fb.escalated_at = None
    fb.is_overdue = False
    _clear_transfer_request(fb)
    notify(heads_of=[department.pk],
           subject=_("Feedback %(code)s transferred to your department") % {"code": notice_ref(fb)}, body=fb.title,
           url=fb.get_absolute_url())
    return {"from_id": old.pk, "from": old.name, "to_id": department.pk, "to": department.name}


def _transfer(fb, *, now, department=None, **kw):
    return Move(params=_move_to_department(fb, department, now))


def _transfer_requested(user, fb: Feedback) -> bool:
    return fb.transfer_to_id is not None


def _no_transfer_requested(user, fb: Feedback) -> bool:
    return fb.transfer_to_id is None


def _operators() -> list:
    from qualityservice.org.models import Staff

    return [s.user for s in Staff.objects.filter(role=Role.OPERATOR, is_active=True, user__isnull=False)
            .select_related("user")]


def _request_transfer(fb, *, by, now, note="", department=None, **kw):
    """A head asks to move an item routed to their department by mistake: to the department they propose,
    with a reason. The supervisors and the hotline operators (who route) are told; the status stays."""
    from qualityservice.org.models import Department

    if department is None or department.pk == fb.department_id or department.kind != Department.Kind.CENTRE:
        raise TransitionError(_("Propose another department to handle the item."))
    reason = (note or "").strip()
    if not reason:
        raise TransitionError(_("Give the reason for the transfer."))
    fb.transfer_to = department
    fb.transfer_reason = reason[:500]
    fb.transfer_requested_by = by
    fb.transfer_requested_at = now
    notify(users=_operators(), supervisors=True,
           subject=_("Transfer requested for feedback %(code)s: %(from)s → %(to)s") % {
               "code": notice_ref(fb), "from": fb.department.name, "to": department.name},
           body=f"{fb.title}\n{reason}", url=fb.get_absolute_url())
    return Move(to=fb.status, params={"from_id": fb.department_id, "from": fb.department.name,
                                      "to_id": department.pk, "to": department.name})


def _accept_transfer(fb, *, by, now, department=None, **kw):
    """One click: the item moves to the department the head proposed, or to the one the supervisor or the
    operator chooses instead; the head who asked is told."""
    requester = fb.transfer_requested_by
    params = _move_to_department(fb, department or fb.transfer_to, now)
    if requester is not None:
        notify(users=[requester], subject=_("Transfer of feedback %(code)s accepted: it is now with %(dept)s") % {
                   "code": notice_ref(fb), "dept": params["to"]},
               body=fb.title, url=reverse("feedback:inbox"))
    return Move(params=params)


def _decline_transfer(fb, *, by, now, note="", **kw):
    """The item stays; the head who asked is told, with the reason when one is given."""
    requester, proposed = fb.transfer_requested_by, fb.transfer_to
    _clear_transfer_request(fb)
    if requester is not None:
        notify(users=[requester], subject=_("Transfer of feedback %(code)s declined: it stays with your department")
               % {"code": notice_ref(fb)}, body="\n".join(p for p in (fb.title, (note or "").strip()) if p),
               url=fb.get_absolute_url())
    return Move(to=fb.status, params={"to_id": proposed.pk, "to": proposed.name} if proposed else {})


def _merge(fb, *, now, target=None, **kw):
    if target is None or target.pk == fb.pk:
        raise TransitionError(_("Choose another item to merge this one into."))
    if target.status == Status.MERGED:
        raise TransitionError(_("The chosen item is itself merged; merge into the item it was merged into."))
    fb.merged_into = target
    fb.closed_at = now
    _clear_transfer_request(fb)
    return Move(params={"target_id": target.pk, "target": notice_ref(target)})


# Moves the submitter makes (no user): the timeline names them "Submitter".
_BY_THE_SUBMITTER = ("rated",)

STAFF_HANDLERS = (Role.HEAD, Role.SUPERVISOR, Role.STAFF)
CALLERS = (Role.OPERATOR, Role.HEAD, Role.SUPERVISOR)


class FeedbackFlow(Workflow):
    """received → assigned → in progress → resolved → (callback) → closed, with reopen, transfer, merge."""

    model = Feedback
    transitions = (
        Transition("accept", sources=(Status.RECEIVED, Status.REOPENED), target=Status.ASSIGNED,
                   label=pgettext_lazy("feedback action", "Accept"), roles=STAFF_HANDLERS, check=_staff_on_their_own_items,
                   handler=_accept,
                   sentence=gettext_lazy("Accepted"), public=True),
        Transition("assign", sources=PENDING_STATUSES, label=pgettext_lazy("feedback action", "Assign"), roles=(Role.HEAD, Role.SUPERVISOR),
                   handler=_assign, sentence=gettext_lazy("Assigned to %(name)s"), public=True),
        Transition("start", sources=(Status.ASSIGNED, Status.REOPENED), target=Status.IN_PROGRESS,
                   label=pgettext_lazy("feedback action", "Start work"), roles=STAFF_HANDLERS, check=_staff_on_their_own_items,
                   sentence=gettext_lazy("Work started"), public=True),
        Transition("resolve", sources=PENDING_STATUSES, target=Status.RESOLVED, label=pgettext_lazy("feedback action", "Reply and resolve"),
                   roles=(*STAFF_HANDLERS, Role.OPERATOR), check=_staff_on_their_own_items, handler=_resolve,
                   sentence=gettext_lazy("Replied / resolved"), public=True),
        Transition("callback_unreached", sources=CALLBACK_STATUSES, label=pgettext_lazy("feedback action", "Callback: not reached"),
                   roles=CALLERS, check=_not_the_person_concerned, handler=_callback_unreached,
                   sentence=gettext_lazy("Callback attempt %(attempts)s: not reached")),
        Transition("callback_satisfied", sources=CALLBACK_STATUSES, target=Status.CLOSED,
                   label=pgettext_lazy("feedback action", "Callback: satisfied"), roles=CALLERS, check=_not_the_person_concerned,
                   handler=_callback_satisfied, sentence=gettext_lazy("Callback: satisfied (%(score)s/5)"), public=True),
        Transition("callback_dissatisfied", sources=CALLBACK_STATUSES, target=Status.REOPENED,
                   label=pgettext_lazy("feedback action", "Callback: dissatisfied"), roles=CALLERS, check=_not_the_person_concerned,
                   handler=_callback_dissatisfied, sentence=gettext_lazy("Callback: dissatisfied (%(score)s/5), reopened"), public=True),
        # The submitter's one-time rating link (no user; ``system=True``).
        Transition("rated", sources=(*CALLBACK_STATUSES, Status.CLOSED), label=pgettext_lazy("feedback action", "Rate the handling"),
                   handler=_rated, sentence=gettext_lazy("Rated by the submitter: %(score)s/5"), public=True),
        Transition("close", sources=CALLBACK_STATUSES, target=Status.CLOSED, label=pgettext_lazy("feedback action", "Close"), roles=CALLERS,
                   check=_not_the_person_concerned, handler=_close, sentence=gettext_lazy("Closed"), public=True),
        Transition("reopen", sources=(*CALLBACK_STATUSES, Status.CLOSED), target=Status.REOPENED,
                   label=pgettext_lazy("feedback action", "Reopen"), roles=CALLERS, handler=_reopen, sentence=gettext_lazy("Reopened"),
                   public=True),
        Transition("transfer", sources=PENDING_STATUSES, target=Status.RECEIVED, label=pgettext_lazy("feedback action", "Transfer"),
                   roles=(Role.SUPERVISOR, Role.OPERATOR), check=_operator_routes_new_items, handler=_transfer,
                   sentence=gettext_lazy("Transferred from %(from)s to %(to)s"), public=True),
        # A head asks to move an item routed to them by mistake; a supervisor or an operator decides.
        Transition("request_transfer", sources=PENDING_STATUSES, label=pgettext_lazy("feedback action", "Request transfer"),
                   roles=(Role.HEAD,), check=_no_transfer_requested, handler=_request_transfer,
                   sentence=gettext_lazy("Transfer to %(to)s requested")),
        Transition("accept_transfer", sources=PENDING_STATUSES, target=Status.RECEIVED,
                   label=pgettext_lazy("feedback action", "Accept the transfer"), roles=(Role.SUPERVISOR, Role.OPERATOR),
                   check=_transfer_requested, handler=_accept_transfer,
                   sentence=gettext_lazy("Transfer request accepted: from %(from)s to %(to)s"), public=True),
        Transition("decline_transfer", sources=OPEN_STATUSES, label=pgettext_lazy("feedback action", "Decline the transfer"),
                   roles=(Role.SUPERVISOR, Role.OPERATOR), check=_transfer_requested, handler=_decline_transfer,
                   sentence=gettext_lazy("Transfer to %(to)s declined")),
        Transition("merge", sources=OPEN_STATUSES, target=Status.MERGED, label=pgettext_lazy("feedback action", "Merge"),
                   roles=(Role.SUPERVISOR,), check=_not_the_person_concerned, handler=_merge,
                   sentence=gettext_lazy("Merged into %(target)s"), public=True),
    )

    def in_scope(self, user, obj) -> bool:
        return can_handle(user, obj)

    # Timeline rows that are no move (written with ``log_event``).
    notes = {
        "create": gettext_lazy("Received by %(dept)s via %(channel)s."),
        "escalate": gettext_lazy("Deadline %(deadline)s passed: escalated to the supervisor."),
        "note": gettext_lazy("Internal note"),
        "reply": gettext_lazy("Reply"),
        "mail_reply": gettext_lazy("E-mail reply received"),
    }

    def record(self, obj, event: Event) -> None:
        timeline_event(
            obj, event.action, by=event.by, note=event.note,
            who="submitter" if event.action in _BY_THE_SUBMITTER else "",
            public=event.public, from_status=event.from_status, to_status=event.to_status, at=event.at,
            params=event.params,
        ).save(force_insert=True)


FEEDBACK = register(FeedbackFlow())
