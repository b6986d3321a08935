"""Surveys' to-dos on the staff workbench (``core.todos``): the open surveys that close within
``QS_SURVEY_CLOSING_SOON_DAYS`` days. One query for any amount of data."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qualityservice.core.roles import Role
from qualityservice.core.todos import Todo

from .models import Survey

READERS = (Role.HEAD, Role.SUPERVISOR, Role.ADMIN)


def todos(user, role) -> list[Todo]:
    if role not in READERS:
        return []
    now = timezone.now()
    soon = Survey.objects.visible_to(user).surveys().filter(
        status=Survey.Status.OPEN, closes_at__gt=now, closes_at__lte=now + dt.timedelta(days=settings.QS_SURVEY_CLOSING_SOON_DAYS),
    ).aggregate(n=Count("pk"), first=Min("pk"))
    # One survey: its results; several: the list.
    url = reverse("surveys:results", args=[soon["first"]]) if soon["n"] == 1 else reverse("surveys:list")
    return [Todo("surveys.closing", _("Surveys closing within %(days)s days") % {"days": settings.QS_SURVEY_CLOSING_SOON_DAYS},
                 soon["n"], url, level="warning", icon="ui-checks", order=50)]
