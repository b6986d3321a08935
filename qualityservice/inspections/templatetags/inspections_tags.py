from django import template

register = template.Library()


@register.filter
def person(user) -> str:
    """A user's staff name, else the username, else a dash."""
    if user is None:
        return "—"
    staff = getattr(user, "staff", None)
    return getattr(staff, "name", "") or getattr(user, "username", "") or "—"
