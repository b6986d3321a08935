"""Department scoping and role checks, reused by every app.

Scoping is a rule of the data layer: every view and export takes its rows from
``Model.objects.visible_to(user)``; a row outside the user's scope is a 404.

``core`` imports no domain app: the user's profile is read through the ``user.staff``
reverse accessor (``org.Staff.user``), which carries ``role`` and ``department_id``.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

from .roles import GROUP_WIDE_ROLES, Role


def user_role(user) -> str | None:
    """The user's role, or None for anonymous users and accounts without a profile."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.ADMIN
    profile = staff_profile(user)
    return profile.role if profile is not None and profile.is_active else None


def staff_profile(user):
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.staff
    except (AttributeError, ObjectDoesNotExist):
        return None


def department_scope(user) -> frozenset[int] | None:
    """Department ids the user may read; ``None`` means every department."""
    role = user_role(user)
    if role is None:
        return frozenset()
    if role in GROUP_WIDE_ROLES:
        return None
    return frozenset({staff_profile(user).department_id})


def routes_everywhere(user) -> bool:
    """The one exception to department scoping: hotline operators route calls to every department and call
    back for each, so in the routing work — feedback, and the departments they route to (contacts, teams,
    commitments) — they read every department. They change no department's own records."""
    return user_role(user) == Role.OPERATOR


def routing_scope(user) -> frozenset[int] | None:
    """``department_scope`` for the routing work (see ``routes_everywhere``): None for hotline operators."""
    return None if routes_everywhere(user) else department_scope(user)


def person_name(user) -> str:
    """How pages name a user (a history row's author, a timeline's actor): the staff record's name, else the
    account's full name, else the user name; "" for nobody."""
    if not getattr(user, "is_authenticated", False):
        return ""
    profile = staff_profile(user)
    if profile is not None and profile.name:
        return profile.name
    return user.get_full_name() or user.get_username()


def has_role(user, *roles: str) -> bool:
    return user_role(user) in roles


def can_see_department(user, department_id: int) -> bool:
    scope = department_scope(user)
    return scope is None or department_id in scope


class DepartmentScopedQuerySet(models.QuerySet):
    """Subclass and set ``department_field`` to the lookup path of the row's department."""

    department_field = "department"
    # True for the rows of the routing work, which hotline operators read in every department (routing_scope).
    routing = False

    def visible_to(self, user, *, routing: bool | None = None):
        """The rows ``user`` may read; ``routing=True`` (or the queryset's ``routing``) applies the
        operators' exception."""
        scope = routing_scope(user) if (self.routing if routing is None else routing) else department_scope(user)
        if scope is None:
            return self
        if not scope:
            return self.none()
        return self.filter(**{f"{self.department_field}__in": scope})


def role_required(*roles: str):
    """Signed-in users with one of ``roles`` (administrators always pass); others get a 404
    (signed-in) or the login page (anonymous), so a URL reveals nothing."""

    allowed = set(roles) | {Role.ADMIN}

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if user_role(request.user) not in allowed:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


STAFF_ROLES = tuple(Role.values)
MANAGER_ROLES = (Role.HEAD, Role.SUPERVISOR, Role.ADMIN)
