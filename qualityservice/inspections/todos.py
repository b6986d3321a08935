"""Inspections' to-dos on the staff workbench (``core.todos``): inspections due and in progress, findings
awaiting the department's rectification (new, sent back, late) and rectifications awaiting the supervisor's
verification. Two queries for any amount of data; each count is what its link lists."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qualityservice.core.roles import GROUP_WIDE_ROLES, Role
from qualityservice.core.todos import Todo

from .models import Finding, Inspection, Kind

MANAGERS = (Role.HEAD, Role.SUPERVISOR, Role.ADMIN)


def todos(user, role) -> list[Todo]:
    if role not in MANAGERS:
        return []
    group_wide = role in GROUP_WIDE_ROLES
    inspections = Inspection.objects.visible_to(user)
    if not group_wide:  # a head fills the department's self-checks (workflows.may_fill)
        inspections = inspections.filter(kind=Kind.SELF)
    due = inspections.aggregate(
        due=Count("pk", filter=Q(status=Inspection.Status.DUE)),
        draft=Count("pk", filter=Q(status=Inspection.Status.DRAFT)),
    )
    findings = Finding.objects.visible_to(user).aggregate(
        open=Count("pk", filter=Q(status=Finding.Status.OPEN)),
        returned=Count("pk", filter=Q(status=Finding.Status.RETURNED)),
        late=Count("pk", filter=Q(status__in=Finding.OPEN_STATES, deadline__lt=timezone.localdate())),
        submitted=Count("pk", filter=Q(status=Finding.Status.SUBMITTED)),
    )
    listing, ledger = reverse("inspections:list"), reverse("inspections:ledger")
    kind = "" if group_wide else f"&kind={Kind.SELF}"
    items = [
        Todo("inspections.due", _("Inspections due"), due["due"], f"{listing}?status={Inspection.Status.DUE}{kind}",
             icon="clipboard-check", order=30),
        Todo("inspections.draft", _("Inspections started, not submitted"), due["draft"], f"{listing}?status={Inspection.Status.DRAFT}{kind}",
             level="warning", icon="clipboard", order=31),
        Todo("inspections.late", _("Rectifications past their deadline"), findings["late"], f"{ledger}?status=overdue",
             level="danger", icon="exclamation-triangle", order=32),
    ]
    if group_wide:
        items.append(Todo("inspections.verify", _("Rectifications awaiting your verification"), findings["submitted"],
                          f"{ledger}?status={Finding.Status.SUBMITTED}", icon="patch-check", order=33))
    else:
        items += [
            Todo("inspections.open", _("Findings awaiting the department's rectification"), findings["open"],
                 f"{ledger}?status={Finding.Status.OPEN}", icon="tools", order=33),
            Todo("inspections.returned", _("Rectifications sent back for another round"), findings["returned"],
                 f"{ledger}?status={Finding.Status.RETURNED}", level="warning", icon="arrow-counterclockwise", order=34),
        ]
    return items
