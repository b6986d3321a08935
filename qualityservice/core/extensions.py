"""Extension points: a page of one app shows fragments contributed by others without
importing them. An app registers a template for a named point in ``AppConfig.ready()``;
the page renders ``{% extension_point "name" %}``, which includes every registered
template with the page's context.

Points in use: ``badge_page`` (org badge page, context: staff), ``home_actions`` (public home),
``public_nav`` (public navigation links), ``staff_detail`` (staff record, context: staff),
``department_detail`` (context: department).
"""

from __future__ import annotations

_points: dict[str, list[tuple[int, str]]] = {}


def register(point: str, template_name: str, order: int = 100) -> None:
    entries = _points.setdefault(point, [])
    if all(name != template_name for _, name in entries):
        entries.append((order, template_name))
        entries.sort()


def templates_for(point: str) -> list[str]:
    return [name for _, name in _points.get(point, [])]
