"""``{% training_this_year staff as t %}``: a staff member's hours and sessions this year (one query), for the
fragment this app adds to org's staff record."""

from django import template
from django.db.models import Count, Sum

from qualityservice.core.indicators import Period

from ..models import Attendance

register = template.Library()


@register.simple_tag
def training_this_year(staff) -> dict:
    year = Period.this_year()
    row = Attendance.objects.filter(staff=staff, session__date__gte=year.start, session__date__lte=year.end).aggregate(
        hours=Sum("session__hours"), sessions=Count("pk"))
    return {"hours": row["hours"] or 0, "sessions": row["sessions"]}
