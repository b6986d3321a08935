from django import template

register = template.Library()


@register.simple_tag
def latest_satisfaction(department, limit: int = 3):
    """The department's most recent period indices (one query), for the department page fragment."""
    from qualityservice.surveys.models import SatisfactionIndex

    return list(SatisfactionIndex.objects.filter(department=department, survey__isnull=True).order_by("-period")[:limit])


@register.simple_tag
def submission_key_input(value=None):
    """A hidden field with a fresh key (``core.submissions.new_key``) for a form without a form class (the
    copy buttons, the answer page): the server acts once per key (``core.submissions.create_once``).
    ``value``: a given key instead (the page cache's placeholder, replaced by a fresh key per request)."""
    from django.utils.html import format_html

    from qualityservice.core.submissions import new_key

    return format_html('<input type="hidden" name="submission_key" value="{}">', value or new_key())
