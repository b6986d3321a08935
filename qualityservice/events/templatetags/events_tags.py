"""``{% load events_tags %}``: the status badge of every event record (``{{ obj|badge }}``)."""

from django import template
from django.utils.html import format_html

register = template.Library()

TONE = {
    "draft": "text-bg-light border", "published": "text-bg-primary", "finished": "text-bg-secondary", "cancelled": "text-bg-dark",
    "scheduled": "text-bg-primary", "held": "text-bg-secondary",
    "waiting": "text-bg-warning", "offered": "text-bg-info", "confirmed": "text-bg-success", "attended": "text-bg-secondary",
    "no_show": "text-bg-light border", "withdrawn": "text-bg-light border", "lapsed": "text-bg-light border",
    "pending": "text-bg-warning", "accepted": "text-bg-success", "declined": "text-bg-light border", "revoked": "text-bg-dark",
    "final": "text-bg-success",
}


@register.filter
def badge(obj, field: str = "status"):
    value = getattr(obj, field, "")
    label = getattr(obj, f"get_{field}_display")()
    return format_html('<span class="badge {}" data-testid="status" data-status="{}">{}</span>', TONE.get(value, "text-bg-light border"),
                       value, label)
