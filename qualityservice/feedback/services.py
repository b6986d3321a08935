"""Feedback workflows. Every status move goes through ``transition()``, which locks the row,
checks the move and the actor, applies it and records an attributed, timestamped event.

Other apps create feedback through ``create_feedback()`` (stable signature)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualityservice.core.fastinsert import insert_together
from qualityservice.core.notifications import build_notification, kick, notify
from qualityservice.core.permissions import staff_profile, user_role
from qualityservice.core.roles import Role
from qualityservice.org.models import Department, Staff

from .calendar import compute_deadline
from .images import CleanImage
from .models import (
    CALLBACK_STATUSES,
    OPEN_STATUSES,
    PENDING_STATUSES,
    Attachment,
    CallbackAttempt,
    CallbackResult,
    Channel,
    Feedback,
    FeedbackEvent,
    Kind,
    PublishedFigure,
    Reply,
    Status,
    can_handle,
)

log = logging.getLogger(__name__)

SATISFIED_FROM = 3  # a callback score of 3 (基本满意) or more closes; 1–2 reopens

ACTION_LABELS = {
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
    "escalate": gettext_lazy("Overdue: escalated to the supervisor"),
    "note": gettext_lazy("Internal note"),
    "reply": gettext_lazy("Reply"),
    "mail_reply": gettext_lazy("E-mail reply received"),  # mailbox: an answer to an earlier message
}


class TransitionError(Exception):
    """An illegal move: the message is translated and shown to the user."""


# action -> statuses it may start from
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "accept": (Status.RECEIVED, Status.REOPENED),
    "assign": PENDING_STATUSES,
    "start": (Status.ASSIGNED, Status.REOPENED),
    "resolve": PENDING_STATUSES,
    "callback_unreached": CALLBACK_STATUSES,
    "callback_satisfied": CALLBACK_STATUSES,
    "callback_dissatisfied": CALLBACK_STATUSES,
    "rated": CALLBACK_STATUSES + (Status.CLOSED,),
    "close": CALLBACK_STATUSES,
    "reopen": CALLBACK_STATUSES + (Status.CLOSED,),
    "transfer": PENDING_STATUSES,
    "merge": OPEN_STATUSES,
}

# Which roles may take each action (administrators may take all; the department scope applies too).
ACTION_ROLES: dict[str, tuple[str, ...]] = {
    "accept": (Role.HEAD, Role.SUPERVISOR, Role.STAFF),
    "assign": (Role.HEAD, Role.SUPERVISOR),
    "start": (Role.HEAD, Role.SUPERVISOR, Role.STAFF),
    "resolve": (Role.HEAD, Role.SUPERVISOR, Role.STAFF, Role.OPERATOR),
    "callback_unreached": (Role.OPERATOR, Role.HEAD, Role.SUPERVISOR),
    "callback_satisfied": (Role.OPERATOR, Role.HEAD, Role.SUPERVISOR),
    "callback_dissatisfied": (Role.OPERATOR, Role.HEAD, Role.SUPERVISOR),
    "rated": (),
    "close": (Role.OPERATOR, Role.HEAD, Role.SUPERVISOR),
    "reopen": (Role.OPERATOR, Role.HEAD, Role.SUPERVISOR),
    "transfer": (Role.SUPERVISOR, Role.OPERATOR),
    "merge": (Role.SUPERVISOR,),
}
# Buttons offered on the item page (the others have their own forms).
SIMPLE_ACTIONS = ("accept", "start", "close", "reopen")
# Moves that record the submitter's verdict or end the item: never taken by the person it is about
# (a head complained about could otherwise close the complaint "satisfied" and skip the callback).
NOT_BY_THE_PERSON_CONCERNED = ("callback_unreached", "callback_satisfied", "callback_dissatisfied", "close", "merge")


def _actor_name(user) -> str:
    if not getattr(user, "is_authenticated", False):
        return ""
    profile = staff_profile(user)
    return profile.name if profile is not None else user.get_username()


def may(user, action: str, feedback: Feedback) -> bool:
    """Whether ``user`` may take ``action`` on ``feedback`` now (status and role)."""
    if feedback.status not in TRANSITIONS.get(action, ()):
        return False
    role = user_role(user)
    if role is None or not can_handle(user, feedback):
        return False
    if action in NOT_BY_THE_PERSON_CONCERNED and feedback.is_about(user):
        return False
    if role == Role.ADMIN:
        return True
    if role not in ACTION_ROLES.get(action, ()):
        return False
    if role == Role.STAFF and action in ("start", "resolve"):
        profile = staff_profile(user)
        return feedback.assigned_to_id is not None and profile is not None and feedback.assigned_to_id == profile.pk
    if role == Role.OPERATOR and action == "transfer":
        return feedback.status in (Status.RECEIVED, Status.REOPENED)
    return True


def allowed_actions(user, feedback: Feedback) -> set[str]:
    return {action for action in TRANSITIONS if may(user, action, feedback)}


def notice_ref(fb: Feedback) -> str:
    """How notifications (e-mail to staff and the group robot) name an item: its tracking code, or
    its number for an item about a member of staff — that person may be among the recipients (a
    head, the assignee, the group chat) and must not learn the code."""
    return f"#{fb.pk}" if fb.about_staff_id else fb.code


def _log(feedback, action, **kwargs):
    event = _event(feedback, action, **kwargs)
    event.save(force_insert=True)
    return event


def _event(feedback, action, *, by=None, actor_name="", note="", public=False, from_status="", to_status="", at=None):
    """An unsaved timeline event (``_log`` saves it; ``create_feedback`` inserts it with the record)."""
    return FeedbackEvent(
        feedback=feedback,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=by if getattr(by, "is_authenticated", False) else None,
        actor_name=actor_name or _actor_name(by) or str(_("System")),
        note=note,
        visibility=FeedbackEvent.Visibility.PUBLIC if public else FeedbackEvent.Visibility.INTERNAL,
        created_at=at or timezone.now(),
    )


def transition(feedback: Feedback, action: str, *, by=None, note: str = "", public: bool | None = None,
               system: bool = False, **params) -> Feedback:
    """The one place a status changes. ``by`` is the acting user; ``system=True`` for jobs and
    the submitter's own rating (no user). Raises TransitionError with a clear message."""
    if action not in TRANSITIONS:
        raise TransitionError(_("Unknown action."))
    with transaction.atomic():
        fb = Feedback.objects.select_for_update().get(pk=feedback.pk)
        if fb.status not in TRANSITIONS[action]:
            raise TransitionError(
                _("“%(action)s” is not possible while the item is “%(status)s”.")
                % {"action": ACTION_LABELS[action], "status": fb.get_status_display()}
            )
        if not system and not may(by, action, fb):
            raise TransitionError(_("You may not do “%(action)s” on this item.") % {"action": ACTION_LABELS[action]})
        now = timezone.now()
        before = fb.status
        handler = _HANDLERS[action]
        to_status, default_public, extra_note = handler(fb, by=by, note=note, now=now, **params)
        fb.status = to_status
        fb.save()
        full_note = "\n".join(p for p in (extra_note, note) if p)
        _log(fb, action, by=by, actor_name=params.get("actor_name", ""), note=full_note,
             public=default_public if public is None else public, from_status=before, to_status=to_status, at=now)
    feedback.refresh_from_db()
    return feedback


# --- Handlers: each returns (new status, event public by default?, text added to the note) ---


def _accept(fb, *, by, now, **kw):
    profile = staff_profile(by)
    if fb.assigned_to_id is None and profile is not None and profile.department_id == fb.department_id:
        fb.assigned_to = profile
    return Status.ASSIGNED, True, ""


def _assign(fb, *, by, now, staff: Staff, **kw):
    if staff is None or staff.department_id != fb.department_id or not staff.is_active:
        raise TransitionError(_("Assign the item to an active member of its department."))
    fb.assigned_to = staff
    if staff.user_id:
        notify(users=[staff.user], subject=_("Feedback %(code)s assigned to you") % {"code": notice_ref(fb)},
               body=fb.title, url=fb.get_absolute_url())
    new = Status.IN_PROGRESS if fb.status == Status.IN_PROGRESS else Status.ASSIGNED
    # Public step (the status page shows action and time only, never notes or names).
    return new, True, _("Assigned to %(name)s") % {"name": staff.name}


def _start(fb, **kw):
    return Status.IN_PROGRESS, True, ""


def _resolve(fb, *, by, now, note="", submission_key=None, **kw):
    if not note.strip():
        raise TransitionError(_("Write the reply to the submitter before marking the item resolved."))
    Reply.objects.create(feedback=fb, author=by if getattr(by, "is_authenticated", False) else None,
                         author_name=_actor_name(by), body=note.strip(), is_public=True, created_at=now,
                         submission_key=submission_key or None)
    fb.resolved_at = now
    fb.resolved_on_time = fb.deadline is None or now <= fb.deadline
    fb.is_overdue = not fb.resolved_on_time
    _tell_the_submitter(fb, note.strip())
    return Status.RESOLVED, True, ""


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
        return Status.CLOSED, True, _("Closed after %(n)d unanswered callbacks.") % {"n": attempts}
    return Status.CALLBACK, False, _("Attempt %(n)d not reached.") % {"n": attempts}


def _callback_satisfied(fb, *, now, score: int, **kw):
    fb.callback_result = CallbackResult.SATISFIED
    fb.satisfaction = score
    fb.closed_at = now
    return Status.CLOSED, True, _("Satisfaction %(score)d/5.") % {"score": score}


def _reopen_common(fb, now):
    fb.reopen_count += 1
    fb.closed_at = None
    fb.resolved_at = None
    fb.resolved_on_time = None
    return Status.REOPENED


def _callback_dissatisfied(fb, *, now, score: int, **kw):
    fb.callback_result = CallbackResult.DISSATISFIED
    fb.satisfaction = score
    heads = _department_users(fb.department_id, Role.HEAD)
    users = heads + ([fb.assigned_to.user] if fb.assigned_to_id and fb.assigned_to.user_id else [])
    notify(users=users, subject=_("Feedback %(code)s reopened: the submitter is not satisfied") % {"code": notice_ref(fb)},
           body=fb.title, url=fb.get_absolute_url())
    return _reopen_common(fb, now), True, _("Satisfaction %(score)d/5.") % {"score": score}


def _rated(fb, *, now, score: int, **kw):
    fb.satisfaction = score
    fb.rating_used_at = now
    if fb.status == Status.CLOSED:
        return Status.CLOSED, True, _("Satisfaction %(score)d/5.") % {"score": score}
    if score >= SATISFIED_FROM:
        fb.callback_result = CallbackResult.SATISFIED
        fb.closed_at = now
        return Status.CLOSED, True, _("Satisfaction %(score)d/5.") % {"score": score}
    fb.callback_result = CallbackResult.DISSATISFIED
    return _reopen_common(fb, now), True, _("Satisfaction %(score)d/5.") % {"score": score}


def _close(fb, *, now, **kw):
    fb.closed_at = now
    return Status.CLOSED, True, ""


def _reopen(fb, *, now, **kw):
    return _reopen_common(fb, now), True, ""


def _transfer(fb, *, now, department: Department, **kw):
    if department is None or department.pk == fb.department_id:
        raise TransitionError(_("Choose another department to transfer the item to."))
    old = fb.department
    fb.department = department
    fb.assigned_to = None
    fb.staff = fb.staff if fb.staff_id and fb.staff.department_id == department.pk else None
    fb.deadline = compute_deadline(now, department.pk, fb.kind)
    fb.escalated_at = None
    fb.is_overdue = False
    notify(heads_of=[department.pk],
           subject=_("Feedback %(code)s transferred to your department") % {"code": notice_ref(fb)}, body=fb.title,
           url=fb.get_absolute_url())
    return Status.RECEIVED, True, _("From %(old)s to %(new)s.") % {"old": old.name, "new": department.name}


def _merge(fb, *, now, target: Feedback, **kw):
    if target is None or target.pk == fb.pk:
        raise TransitionError(_("Choose another item to merge this one into."))
    if target.status == Status.MERGED:
        raise TransitionError(_("The chosen item is itself merged; merge into the item it was merged into."))
    fb.merged_into = target
    fb.closed_at = now
    return Status.MERGED, True, _("Duplicate of %(code)s.") % {"code": notice_ref(target)}


_HANDLERS = {
    "accept": _accept,
    "assign": _assign,
    "start": _start,
    "resolve": _resolve,
    "callback_unreached": _callback_unreached,
    "callback_satisfied": _callback_satisfied,
    "callback_dissatisfied": _callback_dissatisfied,
    "rated": _rated,
    "close": _close,
    "reopen": _reopen,
    "transfer": _transfer,
    "merge": _merge,
}


# --- Helpers that wrap the transition --------------------------------------------------


def assign(feedback: Feedback, staff: Staff, *, by, note: str = "") -> Feedback:
    return transition(feedback, "assign", by=by, note=note, staff=staff)


def bulk_assign(queryset, staff: Staff, *, by) -> tuple[int, list[str]]:
    done, errors = 0, []
    for fb in queryset:
        try:
            assign(fb, staff, by=by)
            done += 1
        except TransitionError as exc:
            errors.append(f"{fb.code_for(by)}: {exc}")
    return done, errors


def add_reply(feedback: Feedback, body: str, *, by, public: bool, resolve: bool = False, submission_key=None) -> Feedback:
    """A reply to the submitter (public) or an internal note; ``resolve`` also marks the item
    resolved (through the transition). A repeated ``submission_key`` adds nothing."""
    body = body.strip()
    if not body:
        raise TransitionError(_("The reply is empty."))
    if submission_key and Reply.objects.filter(submission_key=submission_key).exists():
        return feedback
    if resolve:
        if not public:
            raise TransitionError(_("An internal note cannot resolve an item: write a public reply."))
        return transition(feedback, "resolve", by=by, note=body, submission_key=submission_key)
    if not can_handle(by, feedback) or user_role(by) in (None, Role.JUDGE):
        raise TransitionError(_("You may not reply to this item."))
    try:
        with transaction.atomic():
            Reply.objects.create(feedback=feedback, author=by, author_name=_actor_name(by), body=body, is_public=public,
                                 submission_key=submission_key or None)
            _log(feedback, "reply" if public else "note", by=by, note=body, public=public)
    except IntegrityError:
        if not submission_key:
            raise
    return feedback


def record_callback(feedback: Feedback, *, by, reached: bool, satisfied: int | None = None, comment: str = "",
                    submission_key=None) -> CallbackAttempt:
    """One callback attempt; moves the item: satisfied → closed, dissatisfied → reopened,
    not reached → callback (closed as unreachable after QS_CALLBACK_MAX_ATTEMPTS).
    A repeated ``submission_key`` (double-submitted form) returns the attempt already recorded."""
    if submission_key:
        existing = CallbackAttempt.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing
    if feedback.status not in CALLBACK_STATUSES:
        raise TransitionError(_("Only resolved items are called back."))
    if reached and not satisfied:
        raise TransitionError(_("Record how satisfied the submitter is (1–5)."))
    with transaction.atomic():
        locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
        number = locked.callbacks.count() + 1
        attempt = CallbackAttempt.objects.create(
            feedback=locked, attempt_no=number, by=by, comment=comment,
            result=CallbackAttempt.Result.REACHED if reached else CallbackAttempt.Result.UNREACHABLE,
            satisfied=satisfied if reached else None, submission_key=submission_key or None,
        )
        if not reached:
            transition(feedback, "callback_unreached", by=by, note=comment)
        elif satisfied >= SATISFIED_FROM:
            transition(feedback, "callback_satisfied", by=by, note=comment, score=satisfied)
        else:
            transition(feedback, "callback_dissatisfied", by=by, note=comment, score=satisfied)
    return attempt


def rate_handling(feedback: Feedback, token: str, score: int, comment: str = "") -> Feedback:
    """The submitter's one-time rating of how the item was handled (no login)."""
    if not token or token != feedback.rating_token:
        raise TransitionError(_("This rating link is not valid."))
    with transaction.atomic():
        claimed = Feedback.objects.filter(pk=feedback.pk, rating_used_at__isnull=True).update(rating_used_at=timezone.now())
        if claimed != 1:
            raise TransitionError(_("This rating link has already been used."))
        transition(feedback, "rated", system=True, note=comment, score=score, actor_name=str(_("Submitter")))
    return feedback


# --- Creation ----------------------------------------------------------------------------


def triage_department() -> Department:
    code = getattr(settings, "QS_FEEDBACK_TRIAGE_DEPARTMENT", "")
    dept = Department.objects.filter(code=code).first() if code else None
    return dept or Department.objects.filter(kind=Department.Kind.GROUP).order_by("pk").first() or Department.objects.order_by("pk").first()


def route_department(*, department=None, staff=None, place=None, category=None) -> Department:
    """Who answers: the department of the person concerned, else the chosen department, else
    the place's, else the category's, else the triage department (group office)."""
    for candidate in (
        staff.department if staff is not None else None,
        department,
        place.department if place is not None and place.department_id else None,
        category.department if category is not None and category.department_id else None,
    ):
        if candidate is not None:
            return candidate
    return triage_department()


def create_feedback(
    *,
    kind,
    channel,
    department=None,
    title,
    body,
    place=None,
    staff=None,
    submitter_name="",
    submitter_contact="",
    anonymous=True,
    created_by=None,
    source_ref="",
    submission_key=None,
    category=None,
    client_ip=None,
    images: Iterable[CleanImage] = (),
    submitter_user=None,
) -> Feedback:
    """Create a feedback record from any channel (public entry point for other apps).
    A repeated ``submission_key`` returns the record already created (double submit)."""
    if kind not in Kind.values:
        raise ValueError(f"unknown feedback kind {kind!r}")
    if channel not in Channel.values:
        raise ValueError(f"unknown feedback channel {channel!r}")
    submission_key = str(submission_key)[:64] if submission_key else None  # callers may pass a UUID
    # A repeated submission_key is answered by the unique constraint (IntegrityError below): no
    # look-up on the hot path of the public form.
    if anonymous or not getattr(submitter_user, "is_authenticated", False):
        submitter_user = None
    if anonymous:
        submitter_name, submitter_contact, client_ip = "", "", None
    dept = route_department(department=department, staff=staff, place=place, category=category)
    now = timezone.now()
    title = (title or "").strip()[:200]
    if not title:
        lines = (body or "").strip().splitlines()
        title = lines[0][:60] if lines else str(_("(no title)"))
    fb = Feedback(
        kind=kind, channel=channel, department=dept, staff=staff, about_staff=staff, place=place, category=category,
        title=title, body=(body or "").strip(), anonymous=bool(anonymous),
        submitter_name=(submitter_name or "").strip()[:60], submitter_contact=(submitter_contact or "").strip()[:120],
        submitter_user=submitter_user, client_ip=client_ip, created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
        source_ref=source_ref[:255], submission_key=submission_key, created_at=now,
        deadline=compute_deadline(now, dept.pk, kind),
    )
    # No history row in this INSERT: Feedback.save() writes it ("+", as received) at the first change.
    fb.history_baseline_pending = True
    event = _event(fb, "create", by=created_by, actor_name="" if created_by else str(_("Submitter")),
                   note=str(_("Received by %(dept)s via %(channel)s.") % {"dept": dept.name, "channel": fb.get_channel_display()}),
                   public=True, to_status=Status.RECEIVED, at=now)
    # The link in the heads' e-mail opens the item by its tracking code (its id is not known before the
    # INSERT) — except for an item about a member of staff: its notice never names the code (see
    # notice_ref), so it is written after the item and links to the item's number.
    note = None
    if staff is None:
        note = build_notification(heads_of=[dept.pk], subject=_("New %(kind)s %(code)s") % {"kind": fb.get_kind_display(), "code": fb.code},
                                  body=fb.title, url=reverse("feedback:detail_by_code", args=[fb.code]))
    images = list(images)
    fb.skip_history_when_saving = True
    try:
        if images or note is None:
            with transaction.atomic():
                fb.save(force_insert=True)
                for image in images:
                    Attachment.objects.create(feedback=fb, file=image.content, original_name=image.name,
                                              size=image.content.size, width=image.width, height=image.height)
                event.feedback = fb
                event.save(force_insert=True)
                if note is None:
                    note = build_notification(heads_of=[dept.pk], body=fb.title, url=fb.get_absolute_url(),
                                              subject=_("New %(kind)s %(code)s") % {"kind": fb.get_kind_display(),
                                                                                    "code": notice_ref(fb)})
                note.save(force_insert=True)
        else:
            # The record, its creation event and the heads' notification: one statement on PostgreSQL
            # (no model signals: Feedback's only receiver is simple-history, deferred above).
            insert_together(fb, [(event, "feedback_id"), (note, None)])
    except IntegrityError:
        del fb.skip_history_when_saving
        if submission_key:
            existing = Feedback.objects.filter(submission_key=submission_key).first()
            if existing is not None:
                return existing
        raise
    del fb.skip_history_when_saving  # later saves of this instance are recorded
    transaction.on_commit(kick)  # at once in autocommit mode, else when the caller's transaction commits
    return fb


def _department_users(department_id: int, role: str) -> list:
    return [s.user for s in Staff.objects.filter(department_id=department_id, role=role, is_active=True, user__isnull=False)
            .select_related("user")]


def supervisors() -> list:
    return [s.user for s in Staff.objects.filter(role=Role.SUPERVISOR, is_active=True, user__isnull=False).select_related("user")]


# --- Periodic jobs ---------------------------------------------------------------------


def escalate_overdue(now=None) -> int:
    """Flag overdue items and notify the supervisors and the department head, once per item
    (claimed by a conditional update, so parallel workers never notify twice)."""
    now = now or timezone.now()
    candidates = list(
        Feedback.objects.filter(status__in=PENDING_STATUSES, escalated_at__isnull=True, deadline__lt=now)
        .values_list("pk", flat=True)[:500]
    )
    done = 0
    sups = supervisors()
    for pk in candidates:
        with transaction.atomic():
            claimed = Feedback.objects.filter(pk=pk, escalated_at__isnull=True, status__in=PENDING_STATUSES).update(
                escalated_at=now, is_overdue=True
            )
            if claimed != 1:
                continue
            fb = Feedback.objects.select_related("department").get(pk=pk)
            _log(fb, "escalate", note=str(_("Deadline %(deadline)s passed.") % {
                "deadline": timezone.localtime(fb.deadline).strftime("%Y-%m-%d %H:%M")}), at=now)
            notify(users=sups + _department_users(fb.department_id, Role.HEAD),
                   subject=_("Overdue feedback %(code)s (%(dept)s)") % {"code": notice_ref(fb), "dept": fb.department.name},
                   body=fb.title, url=fb.get_absolute_url())
            done += 1
    return done


def counted_feedback():
    """The items the published figures and the indicators count: every item except merged duplicates."""
    return Feedback.objects.exclude(status=Status.MERGED)


# Resolved: answered publicly (a reopen clears it until the next answer), or closed.
RESOLVED = Q(resolved_at__isnull=False) | Q(status=Status.CLOSED)


def figure_counts() -> dict:
    """The counts behind PublishedFigure, as aggregates over ``counted_feedback()`` (one formula for the
    public figures page and the indicators, ``feedback/indicators.py``)."""
    return {
        "received": Count("pk"),
        "resolved": Count("pk", filter=RESOLVED),
        "on_time": Count("pk", filter=Q(resolved_on_time=True)),
        "rated": Count("pk", filter=Q(satisfaction__isnull=False)),
        "satisfaction_sum": Sum("satisfaction", default=0),
    }


def refresh_public_figures(months: int = 24) -> int:
    """Recompute the monthly figures per department into PublishedFigure (idempotent)."""
    now = timezone.now()
    local = timezone.localtime(now)
    index = local.year * 12 + local.month - 1 - (months - 1)
    since = local.replace(year=index // 12, month=index % 12 + 1, day=1, hour=0, minute=0, second=0, microsecond=0)
    rows = (
        counted_feedback()
        .filter(created_at__gte=since)
        .annotate(m=TruncMonth("created_at"))
        .values("department_id", "m")
        .annotate(**figure_counts())
        .order_by()
    )
    figures = []
    for row in rows:
        month = row["m"]
        month = month.date() if hasattr(month, "date") else month
        figures.append(PublishedFigure(department_id=row["department_id"], month=month, received=row["received"],
                                       resolved=row["resolved"], on_time=row["on_time"], rated=row["rated"],
                                       satisfaction_sum=row["satisfaction_sum"] or 0, refreshed_at=now))
    with transaction.atomic():
        PublishedFigure.objects.all().delete()
        PublishedFigure.objects.bulk_create(figures)
    return len(figures)


def staff_praise(staff: Staff, limit: int = 10) -> dict:
    """Praise and badge ratings of one staff member, for their record (no submitter identity)."""
    praise = list(Feedback.objects.filter(staff=staff, kind=Kind.PRAISE).exclude(status=Status.MERGED)
                  .only("code", "title", "body", "created_at").order_by("-created_at")[:limit])
    fields = ("skill", "attitude", "environment", "process", "appearance", "language")
    agg = staff.ratings.aggregate(n=Count("pk"), **{f: Avg(f) for f in fields})
    return {"praise": praise, "ratings": agg, "praise_count": Feedback.objects.filter(staff=staff, kind=Kind.PRAISE).count()}
