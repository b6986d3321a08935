"""``{% post_standard staff as standard %}``: the standard of a staff member's post, for the fragments this app
adds to org's badge page and staff record (one query per page: the first fragment's look-up is remembered on
the staff object)."""

from django import template

from ..services import post_standard_for

register = template.Library()


@register.simple_tag
def post_standard(staff):
    return post_standard_for(staff)
