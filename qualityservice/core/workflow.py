"""The one workflow engine of every app (architecture convention 14).

A workflow is a transition table on one status field of one model::

    class RectificationFlow(Workflow):
        model = Finding
        transitions = (
            Transition("answer", sources=(OPEN, RETURNED), target=SUBMITTED, label=_("Answer"),
                       roles=(Role.HEAD, Role.SUPERVISOR), sentence=_("Rectification answered")),
            Transition("return", sources=(SUBMITTED,), target=RETURNED, label=_("Send back"),
                       roles=(Role.SUPERVISOR,), handler=_return, sentence=_("Sent back: %(reason)s")),
        )

        def record(self, obj, event):          # the app's own timeline row (optional)
            FindingEvent.objects.create(...)

    RECTIFICATION = register(RectificationFlow())
    RECTIFICATION.apply(finding, "return", by=request.user, reason="…")

``apply`` is the only code that assigns the status field: it locks the row, checks that the action
may start from the current status and that the user may take it (role, department scope, the
transition's own ``check``), lets the transition's ``handler`` change other fields or refuse with a
:class:`TransitionError`, saves, and records one event per move — in the app's own timeline model when
the workflow overrides :meth:`Workflow.record`, otherwise in :class:`core.models.WorkflowEvent`. Jobs pass
``system=True`` (no user); :meth:`Workflow.apply_each` moves the rows of a queryset one by one, each locked
and recorded, skipping rows another worker moved first.

Events store the action and its parameters, never a finished sentence: :meth:`Workflow.describe` renders
the transition's ``sentence`` in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .permissions import user_role
from .roles import Role


class TransitionError(ValidationError):
    """An illegal move. Its message is translated and meant for the user; it is a ``ValidationError``,
    so a form's ``add_error(None, exc)`` shows it."""


@dataclass(frozen=True)
class Move:
    """What a handler may return: the status to move to (when the transition has no fixed target), the
    parameters the event keeps (rendered by the transition's ``sentence``) and whether the event is public."""

    to: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    public: bool | None = None


@dataclass(frozen=True)
class Transition:
    """One row of a transition table.

    ``sources``: statuses the action may start from. ``target``: the status it leads to, or None when
    the handler decides (returns a :class:`Move`). ``roles``: who may take it (empty: only jobs, with
    ``system=True``); administrators may whenever the workflow's ``admin_may`` is true. ``check(user, obj)``:
    a further rule (e.g. "only the assignee"). ``handler(obj, *, by, now, note, **params)``: changes other
    fields of the locked row, may raise :class:`TransitionError`, may return a :class:`Move`.
    ``label``: the verb on the button. ``sentence``: the timeline text, a lazy translated format string
    over the event's parameters. ``public``: whether the event is shown to the submitter by default.
    ``confirm``: for a move that cannot be undone, the question asked before it, naming its consequence (the
    button gets ``data-confirm``: core/js/app.js shows it in a dialog); empty: no question."""

    action: str
    sources: tuple[str, ...]
    target: str | None = None
    label: Any = ""
    roles: tuple[str, ...] = ()
    check: Callable[[Any, Any], bool] | None = None
    handler: Callable[..., Move | None] | None = None
    sentence: Any = ""
    public: bool = False
    confirm: Any = ""


@dataclass(frozen=True)
class Event:
    """One recorded move, handed to :meth:`Workflow.record`."""

    action: str
    from_status: str
    to_status: str
    by: Any
    note: str
    params: dict[str, Any]
    public: bool
    at: Any


class Workflow:
    """Subclass with ``model``, ``transitions`` (and ``field`` when it is not ``status``); override
    ``in_scope`` for department scoping, ``record`` for an app's own timeline, ``after`` for what follows
    a committed move (notifications are better sent inside ``handler``: the outbox is transactional)."""

    model: type[models.Model]
    field: str = "status"
    transitions: tuple[Transition, ...] = ()
    # Timeline rows that are no move (a note, an escalation, a reply by mail): action -> sentence, so that
    # ``describe`` renders them in the reader's language like the moves.
    notes: dict[str, Any] = {}
    admin_may: bool = True

    def __init__(self) -> None:
        self.by_action = {t.action: t for t in self.transitions}
        if len(self.by_action) != len(self.transitions):
            raise ValueError(f"{type(self).__name__}: duplicate action names")
        choices = {value for value, _label in self.model._meta.get_field(self.field).choices or ()}
        for t in self.transitions:
            unknown = (set(t.sources) | ({t.target} if t.target else set())) - choices
            if choices and unknown:
                raise ValueError(f"{type(self).__name__}.{t.action}: unknown statuses {sorted(unknown)}")

    # --- hooks -----------------------------------------------------------------------------------
    def in_scope(self, user, obj) -> bool:
        """Whether ``user`` may act on ``obj`` at all (department scoping). Default: yes."""
        return True

    def record(self, obj, event: Event) -> None:
        """Write the event row. Default: the generic :class:`core.models.WorkflowEvent`."""
        from .models import WorkflowEvent

        WorkflowEvent.record(obj, self.field, event)

    def after(self, obj, transition: Transition, event: Event) -> None:
        """Runs inside the transaction after the event is written. Default: nothing."""

    # --- reading ---------------------------------------------------------------------------------
    def status_of(self, obj) -> str:
        return getattr(obj, self.field)

    def may(self, user, action: str, obj) -> bool:
        """Whether ``user`` may take ``action`` on ``obj`` now (status, role, scope, the transition's check)."""
        t = self.by_action.get(action)
        if t is None or self.status_of(obj) not in t.sources:
            return False
        role = user_role(user)
        if role is None or not self.in_scope(user, obj):
            return False
        if not (role in t.roles or (role == Role.ADMIN and self.admin_may and t.roles)):
            return False
        return t.check is None or bool(t.check(user, obj))

    def allowed(self, user, obj) -> list[Transition]:
        """The transitions ``user`` may take on ``obj`` now, in table order (the buttons to show)."""
        return [t for t in self.transitions if self.may(user, t.action, obj)]

    def allowed_actions(self, user, obj) -> set[str]:
        return {t.action for t in self.allowed(user, obj)}

    def label(self, action: str) -> str:
        t = self.by_action.get(action)
        return str(t.label) if t is not None and t.label else action

    def describe(self, action: str, params: dict | None = None) -> str:
        """The event's sentence in the active language: the transition's ``sentence`` (its label when it
        has none) or the ``notes`` sentence of a row that is no move. A missing parameter reads "—"."""
        t = self.by_action.get(action)
        if t is not None:
            template = t.sentence or t.label
        elif action in self.notes:
            template = self.notes[action]
        else:
            return action
        try:
            return str(template) % _Lenient(params or {})
        except (TypeError, ValueError):
            return str(getattr(t, "label", "") or action)

    # --- moving ----------------------------------------------------------------------------------
    def apply(self, obj, action: str, *, by=None, system: bool = False, note: str = "", public: bool | None = None,
              **params):
        """Take ``action`` on ``obj``: the one place its status changes. ``by`` is the acting user;
        ``system=True`` for jobs and for the submitter's own public actions. Raises :class:`TransitionError`.
        Returns ``obj`` refreshed from the database."""
        t = self.by_action.get(action)
        if t is None:
            raise TransitionError(_("Unknown action."))
        with transaction.atomic():
            locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
            before = self.status_of(locked)
            if before not in t.sources:
                raise TransitionError(
                    _("“%(action)s” is not possible while the status is “%(status)s”.")
                    % {"action": self.label(action), "status": self._status_label(locked)}
                )
            if not system and not self.may(by, action, locked):
                raise TransitionError(_("You may not do “%(action)s” here.") % {"action": self.label(action)})
            now = timezone.now()
            move = t.handler(locked, by=by, now=now, note=note, **params) if t.handler else None
            move = move or Move()
            to = move.to or t.target
            if to is None:
                raise ValueError(f"{type(self).__name__}.{action}: no target status")
            setattr(locked, self.field, to)
            locked.save()
            chosen = public if public is not None else move.public
            event = Event(
                action=action, from_status=before, to_status=to,
                by=by if getattr(by, "is_authenticated", False) else None, note=(note or "").strip(),
                params=move.params, public=t.public if chosen is None else bool(chosen), at=now,
            )
            self.record(locked, event)
            self.after(locked, t, event)
        obj.refresh_from_db()
        return obj

    def apply_each(self, queryset: models.QuerySet, action: str, **kwargs) -> int:
        """Apply ``action`` as a job (``system=True``) to every row of ``queryset``, each locked and
        recorded on its own; rows another worker moved first are skipped. Returns how many moved."""
        moved = 0
        for pk in list(queryset.values_list("pk", flat=True)):
            obj = queryset.model._default_manager.filter(pk=pk).first()
            if obj is None:
                continue
            try:
                self.apply(obj, action, system=True, **kwargs)
            except TransitionError:
                continue
            moved += 1
        return moved

    def _status_label(self, obj) -> str:
        display = getattr(obj, f"get_{self.field}_display", None)
        return str(display()) if display else self.status_of(obj)


class _Lenient(dict):
    """Format parameters where a missing one reads "—" (an event written before a parameter existed)."""

    def __missing__(self, key):
        return "—"


_REGISTRY: dict[str, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    """Make a workflow known (the lint test checks every status field has one). Returns it."""
    key = f"{workflow.model._meta.label}.{workflow.field}"
    existing = _REGISTRY.get(key)
    if existing is not None and type(existing) is not type(workflow):
        raise ValueError(f"two workflows for {key}")
    _REGISTRY[key] = workflow
    return workflow


def registered() -> Iterable[Workflow]:
    return list(_REGISTRY.values())


def for_field(model: type[models.Model], field_name: str = "status") -> Workflow | None:
    return _REGISTRY.get(f"{model._meta.label}.{field_name}")
