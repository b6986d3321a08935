"""``{% staff_stars staff as stars %}``: a staff member's honours for the badge page (extension point badge_page)."""

from django import template

from .. import results

register = template.Library()


@register.simple_tag
def staff_stars(staff):
    return results.stars_of(staff) if staff is not None and getattr(staff, "pk", None) else []
