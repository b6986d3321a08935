"""Extension points: a page of one app shows fragments contributed by others without
importing them. An app registers a template for a named point in ``AppConfig.ready()``;
the page renders ``{% extension_point "name" %}``, which includes every registered
template with the page's context — plus, when the fragment needs data of its own app, what its
``context`` function returns: a callable ``(request) -> dict`` or its dotted path (imported on
first use), e.g. ``register("my_page", "feedback/_my_page.html", context="<app>.member_page.context")``.

Points in use: ``badge_page`` (org badge page, context: staff), ``home_actions`` (public home),
``public_nav`` (public navigation links), ``public_account`` (the public header's account corner:
sign-in buttons, the member's "my" link), ``staff_login`` (under the staff sign-in form), ``staff_detail`` (staff record, context: staff),
``department_detail`` (context: department), ``my_page`` (a member's "my" page, members app:
context ``member``; each app lists the signed-in member's own records), ``my_badge`` (org's "my badge" page, the
signed-in staff member's own page: context ``staff``, None without a staff record; each app lists what it holds
for them, e.g. recognition's certificates), ``staff_post`` (org badge page and
staff record, context: staff: the post's name as the reader should see it — the page shows what the fragment
renders, or ``staff.post`` when no app registered one; one app at most, the standards app's English post names).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from django.utils.module_loading import import_string


class Entry(NamedTuple):
    order: int
    template: str
    context: Callable | str | None = None

    def extra_context(self, request) -> dict:
        if self.context is None:
            return {}
        function = import_string(self.context) if isinstance(self.context, str) else self.context
        return function(request) or {}


_points: dict[str, list[Entry]] = {}


def register(point: str, template_name: str, order: int = 100, context: Callable | str | None = None) -> None:
    entries = _points.setdefault(point, [])
    if all(entry.template != template_name for entry in entries):
        entries.append(Entry(order, template_name, context))
        entries.sort(key=lambda entry: (entry.order, entry.template))


def entries_for(point: str) -> list[Entry]:
    return list(_points.get(point, []))


def templates_for(point: str) -> list[str]:
    return [entry.template for entry in _points.get(point, [])]
