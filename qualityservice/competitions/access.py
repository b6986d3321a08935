"""Who may do what in a competition, beyond the role and the department scope (``core.permissions``).

- The **organiser** of a group-wide competition is a supervisor (or an administrator); of a department
  competition, also the head of that department.
- A **judge** acts through an appointment: signed in (the appointment's staff record is their account's) or
  through the appointment's private link. The **chief judge** confirms and returns sheets and resolves flags.
- A **contestant** never reads a sheet; a judge reads only their own sheets (the chief judge the submitted
  sheets of the panel) until the results are final.
"""

from __future__ import annotations

from qualityservice.core.permissions import department_scope, staff_profile, user_role
from qualityservice.core.roles import Role

ALL_ROLES = tuple(Role.values)
MANAGERS = (Role.HEAD, Role.SUPERVISOR)
GROUP_WIDE = (Role.SUPERVISOR, Role.ADMIN)


def can_organise(user, competition) -> bool:
    role = user_role(user)
    if role in GROUP_WIDE:
        return True
    if role == Role.HEAD and not competition.is_group_wide:
        scope = department_scope(user)
        return scope is not None and competition.department_id in scope
    return False


def may_create_group_wide(user) -> bool:
    return user_role(user) in GROUP_WIDE


def staff_id(user) -> int | None:
    profile = staff_profile(user)
    return profile.pk if profile is not None else None


def is_judge_of(user, sheet) -> bool:
    """Whether ``user`` is the judge whose sheet this is (the sheet's appointment is theirs)."""
    sid = staff_id(user)
    return sid is not None and sheet.appointment.staff_id == sid


def is_chief_of(user, competition_id: int, appointments=None) -> bool:
    """Whether ``user`` is the chief judge of the competition (``appointments``: already loaded ones)."""
    from .models import Appointment

    sid = staff_id(user)
    if sid is None:
        return False
    if appointments is not None:
        return any(a.staff_id == sid and a.role == Appointment.Role.CHIEF for a in appointments)
    return Appointment.objects.filter(competition_id=competition_id, staff_id=sid, role=Appointment.Role.CHIEF).exists()


def can_sign_up(user, competition, staff) -> bool:
    """The staff member themselves, the head of their department, or the organiser."""
    if can_organise(user, competition):
        return True
    role = user_role(user)
    if role == Role.HEAD:
        scope = department_scope(user)
        return scope is not None and staff.department_id in scope
    return staff_id(user) == staff.pk
