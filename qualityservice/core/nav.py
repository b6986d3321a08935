"""Staff navigation registry. Each app registers its entries in ``AppConfig.ready()`` so the
staff base template needs to know no app."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str = "circle"
    roles: tuple[str, ...] = field(default_factory=tuple)  # empty: every signed-in staff role
    order: int = 100


_items: list[NavItem] = []


def register(label, url_name, *, icon="circle", roles=(), order=100) -> None:
    if any(item.url_name == url_name for item in _items):
        return
    _items.append(NavItem(label, url_name, icon, tuple(roles), order))
    _items.sort(key=lambda item: item.order)


def items_for(role: str | None) -> list[dict]:
    if role is None:
        return []
    visible = []
    for item in _items:
        if item.roles and role not in item.roles and role != "admin":
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        visible.append({"label": item.label, "url": url, "icon": item.icon, "url_name": item.url_name})
    return visible
