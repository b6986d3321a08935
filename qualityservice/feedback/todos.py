"""Feedback's to-dos on the staff workbench (``core.todos``): late and due-today items, new items waiting to be
accepted, callbacks waiting. One query for any amount of data; each count is what its link lists."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qualityservice.core.roles import Role
from qualityservice.core.todos import Todo

from .models import Feedback, Status, callback_q, due_today_q, overdue_q

HANDLERS = (Role.HEAD, Role.SUPERVISOR, Role.OPERATOR, Role.STAFF, Role.ADMIN)
ACCEPTORS = (Role.HEAD, Role.SUPERVISOR, Role.OPERATOR, Role.ADMIN)  # who sees new items arrive
CALLERS = (Role.HEAD, Role.SUPERVISOR, Role.OPERATOR, Role.ADMIN)  # the callback queue's readers


def todos(user, role) -> list[Todo]:
    if role not in HANDLERS:
        return []
    now = timezone.now()
    counts = Feedback.objects.visible_to(user).aggregate(
        overdue=Count("pk", filter=overdue_q(now)),
        today=Count("pk", filter=due_today_q(now)),
        new=Count("pk", filter=Q(status=Status.RECEIVED)),
        callbacks=Count("pk", filter=callback_q()),
    )
    inbox = reverse("feedback:inbox")
    items = [
        Todo("feedback.overdue", _("Feedback past its deadline, not answered"), counts["overdue"], f"{inbox}?due=overdue",
             level="danger", icon="alarm", order=10),
        Todo("feedback.today", _("Feedback due today"), counts["today"], f"{inbox}?due=today", level="warning", icon="hourglass-split",
             order=11),
    ]
    if role in ACCEPTORS:
        items.append(Todo("feedback.new", _("New feedback waiting to be accepted"), counts["new"], f"{inbox}?status={Status.RECEIVED}",
                          icon="inbox", order=12))
    if role in CALLERS:
        items.append(Todo("feedback.callbacks", _("Callbacks waiting"), counts["callbacks"], reverse("feedback:callbacks"),
                          icon="telephone-outbound", order=13))
    return items
