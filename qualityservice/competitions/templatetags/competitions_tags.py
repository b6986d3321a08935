"""Template filters of the competitions pages."""

from decimal import Decimal, InvalidOperation

from django import template

from ..models import _plain

register = template.Library()


@register.filter
def plain(value) -> str:
    """A decimal without trailing zeros (0.50 → 0.5, 10.00 → 10); "" for None."""
    if value in (None, ""):
        return ""
    try:
        return _plain(Decimal(str(value)))
    except InvalidOperation:
        return str(value)
