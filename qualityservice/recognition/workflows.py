"""``ITEM`` moves ``Item.status`` on the platform's one engine (``core.workflow``)::

    draft ──submit──▶ submitted ──close──▶ closed     (submit: head of the department or supervisor;
                      submitted ──expire─▶ closed      close: supervisor; expire: the hourly job only)

``ITEM.apply(item, action, by=user)`` locks the row, checks the status, the role and the department
scope, runs the handler, saves and records one ``core.WorkflowEvent`` (action, parameters, who, when —
never a finished sentence: ``ITEM.describe`` renders it in the reader's language). Nothing else assigns
``status`` (a test scans the source)."""

from __future__ import annotations

from django.utils.translation import pgettext, pgettext_lazy

from qualityservice.core.notifications import notify
from qualityservice.core.permissions import can_see_department
from qualityservice.core.roles import Role
from qualityservice.core.workflow import Move, Transition, Workflow, register

from .models import Item

Status = Item.Status


def _submit(item: Item, *, by, now, note, notify_supervisors: bool = True, **params) -> Move:
    item.submitted_at = now
    if notify_supervisors:  # the outbox row is written in the move's transaction
        notify(supervisors=True, subject=pgettext("item", "Item to close: %(title)s") % {"title": item.title},
               body=item.title, url=item.get_absolute_url(), webhook=False)
    return Move()


def _close(item: Item, *, by, now, note, **params) -> Move:
    item.closed_at = now
    return Move()


def _expire(item: Item, *, by, now, note, days: int = 0, **params) -> Move:
    item.closed_at = now
    return Move(params={"days": days})


class ItemFlow(Workflow):
    model = Item
    transitions = (
        Transition("submit", sources=(Status.DRAFT,), target=Status.SUBMITTED, label=pgettext_lazy("item", "Submit"),
                   roles=(Role.HEAD, Role.SUPERVISOR), handler=_submit, sentence=pgettext_lazy("item", "Submitted for closing")),
        Transition("close", sources=(Status.SUBMITTED,), target=Status.CLOSED, label=pgettext_lazy("item", "Close"),
                   roles=(Role.SUPERVISOR,), handler=_close, sentence=pgettext_lazy("item", "Closed"),
                   # Cannot be undone: the button asks first, naming the consequence (data-confirm).
                   confirm=pgettext_lazy("item", "Close this item? It cannot be edited or moved again.")),
        # No roles: only a job takes it (``system=True``).
        Transition("expire", sources=(Status.SUBMITTED,), target=Status.CLOSED, handler=_expire,
                   label=pgettext_lazy("item", "Close automatically"),
                   sentence=pgettext_lazy("item", "Closed automatically after %(days)s days")),
    )

    def in_scope(self, user, obj) -> bool:
        return can_see_department(user, obj.department_id)


ITEM = register(ItemFlow())
