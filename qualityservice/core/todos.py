"""The to-dos of the staff workbench (``/staff/``): what is waiting for the signed-in person, with counts and
links, collected from every app without core importing one.

An app that has work waiting for people offers an optional ``todos.py`` with one function::

    def todos(user, role) -> list[Todo]:
        ...

``role`` is ``core.permissions.user_role(user)`` (never None here). The function returns the items the user
should act on — through the app's own scoping (``Model.objects.visible_to(user)``), so a head never counts
another department's rows — each with a count and the URL of the list that shows exactly those rows. It makes
a constant number of queries whatever the amount of data (one ``aggregate()`` with conditional counts per
model), and none for a role the app has nothing for. Items with a count of 0 are left out by the workbench.
``core.registry.app_modules("todos")`` finds the modules in INSTALLED_APPS order (docs/new-app.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from .permissions import user_role
from .registry import app_modules

LEVELS = ("danger", "warning", "primary", "secondary")


@dataclass(frozen=True)
class Todo:
    """One line of the workbench: ``label`` (translated, what is waiting), ``count``, ``url`` (the list of
    exactly those rows), ``level`` — ``danger`` (late), ``warning`` (due today, soon), ``primary`` (to do),
    ``secondary`` (to watch) — an icon (Bootstrap Icons name), an ``order`` among the others and a stable
    ``key`` ("<app>.<what>", for tests and styling)."""

    key: str
    label: str
    count: int
    url: str
    level: str = "primary"
    icon: str = "check2-square"
    order: int = 100

    def __post_init__(self):
        if self.level not in LEVELS:
            raise ValueError(f"to-do {self.key!r}: level must be one of {LEVELS}, not {self.level!r}")


def for_user(user) -> list[Todo]:
    """Every app's to-dos for ``user`` with a count above 0, late first, then in order."""
    role = user_role(user)
    if role is None:
        return []
    found: list[Todo] = []
    for _config, module in app_modules("todos"):
        collect = getattr(module, "todos", None) if getattr(module, "__name__", "") != __name__ else None  # (this module is core's)
        if collect is not None:
            found.extend(todo for todo in collect(user, role) or () if todo.count > 0)
    return sorted(found, key=lambda t: (LEVELS.index(t.level), t.order, t.key))
