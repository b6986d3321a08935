import zlib

from django import template

from qualityservice.core.i18n import localised as _localised

register = template.Library()

AVATAR_COLOURS = 12


@register.inclusion_tag("core/_avatar.html")
def avatar(name: str, size: str = "md"):
    """Initials avatar: the last one or two characters of a Chinese name (how colleagues
    address each other), the initials of a Latin one; colour from a stable hash."""
    name = (name or "?").strip()
    if name.isascii():
        parts = name.split()
        initials = "".join(p[0] for p in parts[:2]).upper() or "?"
    else:
        initials = name[-2:] if len(name) >= 3 else name[-1:]
    colour = zlib.crc32(name.encode()) % AVATAR_COLOURS
    return {"initials": initials, "colour": colour, "size": size, "name": name}


@register.simple_tag(takes_context=True)
def extension_point(context, point: str):
    """Render every template registered for ``point`` with the current context (and what the entry's
    context function adds)."""
    from django.template.loader import get_template
    from django.utils.safestring import mark_safe

    from qualityservice.core.extensions import entries_for

    flat = context.flatten()
    request = context.get("request")
    parts = []
    for entry in entries_for(point):
        extra = entry.extra_context(request)
        parts.append(get_template(entry.template).render({**flat, **extra} if extra else flat, request))
    return mark_safe("".join(parts))


@register.inclusion_tag("core/_filter_toggle.html")
def filter_toggle(form, target: str):
    """The button that shows a list's filters on a phone (the filter form: ``id=target``, class
    ``collapse d-md-block``; docs/new-app.md "Pages on a phone"), with the number of filters in use."""
    data = getattr(form, "data", None) or {}
    fields = getattr(form, "fields", {})
    active = sum(1 for name in fields if any(str(v).strip() for v in (data.getlist(name) if hasattr(data, "getlist") else [data.get(name, "")])))
    return {"target": target, "active": active}


@register.filter
def localised(obj, field: str = "name") -> str:
    """``{{ place|localised }}``, ``{{ phrase|localised:"text" }}``, ``{{ row|localised:"department__name" }}``:
    the English text for an English reader when there is one, else the Chinese (core.i18n.localised)."""
    if obj is None or obj == "":
        return ""
    return _localised(obj, field)


@register.filter
def person(user) -> str:
    """A user as pages name them (``core.permissions.person_name``): the staff member's name, not the account's
    user name. Empty for nobody (use ``|default:…``)."""
    from qualityservice.core.permissions import person_name

    return person_name(user)
