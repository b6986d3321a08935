"""The two workflows of inspections, on the platform's one engine (``core.workflow``).

``INSPECTION`` moves ``Inspection.status``::

    due ──start──▶ draft ──submit──▶ submitted          (head: own self-checks; supervisor: every kind)
    due ──submit──▶ submitted
    due / draft ──miss──▶ missed                        (the hourly job only, when the due date has passed)

``RECTIFICATION`` moves ``Finding.status``::

    open / returned ──answer──▶ submitted               (department head or supervisor)
    submitted ──accept──▶ accepted                      (supervisor)
    submitted ──return──▶ returned                      (supervisor, with a reason)

Every move locks the row, checks the role and the department scope, lets the handler change the other
fields of the locked row, saves and records one event: inspection moves in ``core.WorkflowEvent``,
rectification moves in the app's own timeline (``FindingEvent``). A finding is *created* in its first
status (open or noted) when an inspection is submitted; that is no move, and neither is an escalation:
those timeline rows are written by :func:`record_note` with an action of ``RectificationFlow.notes``.
Every row keeps an action and its parameters, never a finished sentence; ``describe`` renders it in the
reader's language.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualityservice.core.permissions import department_scope, user_role
from qualityservice.core.roles import GROUP_WIDE_ROLES, Role
from qualityservice.core.workflow import Move, Transition, TransitionError, Workflow, register

from .models import Finding, FindingEvent, Inspection, Kind

MANAGERS = (Role.HEAD, Role.SUPERVISOR)
SUPERVISORS = (Role.SUPERVISOR,)


def _in_department(user, obj) -> bool:
    scope = department_scope(user)
    return scope is None or obj.department_id in scope


# --- Inspections ---------------------------------------------------------------------------------

Status = Inspection.Status


def may_fill(user, inspection: Inspection) -> bool:
    """Supervisors fill every kind; a department head only the self-checks of their department."""
    return user_role(user) in GROUP_WIDE_ROLES or inspection.kind == Kind.SELF


def _start(inspection: Inspection, *, by, now, note, **params) -> Move:
    inspection.started_at = inspection.started_at or now
    if inspection.inspector_id is None and getattr(by, "is_authenticated", False):
        inspection.inspector = by
    return Move()


def _submit(inspection: Inspection, *, by, now, note, location: str = "", summary: str = "", **params) -> Move:
    """Score the locked inspection, store its section scores and findings (see ``services.complete_submission``);
    refuses with the list of what is missing."""
    from .services import complete_submission

    complete_submission(inspection, by=by, now=now, location=location, summary=summary)
    return Move(params={"score": str(inspection.score) if inspection.score is not None else ""})


def _miss(inspection: Inspection, *, by, now, note, today=None, **params) -> Move:
    today = today or timezone.localdate()
    if inspection.due_date >= today:
        raise TransitionError(_("The due date of this inspection has not passed yet."))
    return Move(params={"due_date": inspection.due_date.isoformat()})


class InspectionFlow(Workflow):
    model = Inspection
    transitions = (
        Transition("start", sources=(Status.DUE,), target=Status.DRAFT, label=gettext_lazy("Start inspection"), roles=MANAGERS,
                   check=may_fill, handler=_start, sentence=gettext_lazy("Inspection started")),
        Transition("submit", sources=(Status.DUE, Status.DRAFT), target=Status.SUBMITTED,
                   label=gettext_lazy("Submit inspection"), roles=MANAGERS, check=may_fill, handler=_submit,
                   sentence=gettext_lazy("Inspection submitted")),
        Transition("miss", sources=(Status.DUE, Status.DRAFT), target=Status.MISSED,
                   label=gettext_lazy("Mark as missed"), handler=_miss,
                   sentence=gettext_lazy("Missed: it was due on %(due_date)s")),
    )

    def in_scope(self, user, obj) -> bool:
        return _in_department(user, obj)


INSPECTION = register(InspectionFlow())


# --- Rectifications -------------------------------------------------------------------------------

FStatus = Finding.Status


def answer_errors(finding: Finding, *, measure, owner, deadline) -> dict[str, list[str]]:
    """What is wrong with a department's answer (empty when nothing)."""
    errors: dict[str, list[str]] = {}
    if not (measure or "").strip():
        errors["measure"] = [_("Describe the rectification measure.")]
    if deadline is None:
        errors["deadline"] = [_("Set a deadline.")]
    elif deadline < timezone.localdate():
        errors["deadline"] = [_("The deadline cannot be in the past.")]
    if owner is None:
        errors["owner"] = [_("Name the person responsible.")]
    elif owner.department_id != finding.department_id:
        errors["owner"] = [_("The person responsible must belong to the department.")]
    return errors


def _answer(finding: Finding, *, by, now, note, measure: str = "", owner=None, deadline=None, **params) -> Move:
    errors = answer_errors(finding, measure=measure, owner=owner, deadline=deadline)
    if errors:
        raise TransitionError(errors)
    finding.measure, finding.owner, finding.deadline = measure.strip(), owner, deadline
    finding.rectified_at = now
    from qualityservice.core.notifications import notify

    notify(supervisors=True, subject=_("Rectification to verify: %(p)s") % {"p": str(finding)}, body=finding.measure,
           url=finding.get_absolute_url(), webhook=False)
    return Move(params={"owner": owner.name, "owner_id": owner.pk, "deadline": deadline.isoformat()})


def _accept(finding: Finding, *, by, now, note, **params) -> Move:
    finding.verified_by, finding.verified_at = by, now
    return Move()


def _return(finding: Finding, *, by, now, note, **params) -> Move:
    reason = (note or "").strip()
    if not reason:
        raise TransitionError({"reason": [_("Give the reason for sending it back.")]})
    finding.return_reason = reason
    finding.escalated_at = None  # a new round: may escalate again when overdue
    from qualityservice.core.notifications import notify

    notify(heads_of=[finding.department_id], subject=_("Rectification sent back: %(p)s") % {"p": str(finding)},
           body=reason, url=finding.get_absolute_url(), webhook=False)
    return Move()


class RectificationFlow(Workflow):
    model = Finding
    # The timeline rows that are no move: their actions and sentences (see ``record_note``).
    notes = {
        "found": gettext_lazy("Found in inspection “%(title)s”."),
        "found_by_correction": gettext_lazy("Found by a correction: %(reason)s"),
        "escalated": gettext_lazy("Overdue: escalated to the supervisor."),
    }
    transitions = (
        Transition("answer", sources=(FStatus.OPEN, FStatus.RETURNED), target=FStatus.SUBMITTED,
                   label=gettext_lazy("Submit for verification"), roles=MANAGERS, handler=_answer,
                   sentence=gettext_lazy("Rectified: %(owner)s responsible, deadline %(deadline)s")),
        Transition("accept", sources=(FStatus.SUBMITTED,), target=FStatus.ACCEPTED, label=gettext_lazy("Accept"),
                   roles=SUPERVISORS, handler=_accept, sentence=gettext_lazy("Rectification verified")),
        Transition("return", sources=(FStatus.SUBMITTED,), target=FStatus.RETURNED, label=gettext_lazy("Send back"),
                   roles=SUPERVISORS, handler=_return, sentence=gettext_lazy("Sent back for another round")),
    )

    def in_scope(self, user, obj) -> bool:
        return _in_department(user, obj)

    def record(self, obj, event) -> None:
        FindingEvent.objects.create(finding=obj, action=event.action, from_status=event.from_status,
                                    to_status=event.to_status, actor=event.by, note=event.note, params=event.params,
                                    at=event.at)


RECTIFICATION = register(RectificationFlow())


def record_note(finding: Finding, action: str, *, by=None, from_status: str | None = None, **params) -> FindingEvent:
    """Write a timeline row that is no move (``action`` one of ``RectificationFlow.notes``): the finding
    keeps its status; ``from_status=""`` for its creation."""
    if action not in RECTIFICATION.notes:
        raise ValueError(f"unknown timeline note {action!r}")
    return FindingEvent.objects.create(
        finding=finding, action=action, params=params, to_status=finding.status,
        from_status=finding.status if from_status is None else from_status,
        actor=by if getattr(by, "is_authenticated", False) else None,
    )


def describe_events(events) -> list:
    """Give each timeline row its sentence in the reader's language (``text``; empty for rows that are no move)."""
    for event in events:
        event.text = RECTIFICATION.describe(event.action, event.params) if event.action else ""
    return events
