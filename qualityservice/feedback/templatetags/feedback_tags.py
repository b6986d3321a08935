from django import template

register = template.Library()


@register.simple_tag
def staff_feedback_summary(staff):
    """Praise and ratings for a staff record (extension point staff_detail)."""
    from qualityservice.feedback.services import staff_praise

    return staff_praise(staff)


@register.filter
def event_label(action: str) -> str:
    """The timeline label of an event's action (``workflows.event_label``), in the active language."""
    from qualityservice.feedback.workflows import event_label as label

    return label(action)


@register.filter
def status_colour(status: str) -> str:
    return {
        "received": "secondary", "assigned": "info", "in_progress": "primary", "reopened": "danger",
        "resolved": "success", "callback": "warning", "closed": "dark", "merged": "light",
    }.get(status, "secondary")
