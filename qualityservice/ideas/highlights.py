"""What other apps may show of the golden ideas (the work bulletin's "assemble a draft", later the public boards),
as typed values: they call ``ideas_adopted`` through ``core.registry.optional_function`` and never read this app's
models. Only what the public pages show: adopted ideas, by department, naming no person."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from qualityservice.core.indicators import Period

from .models import Idea


@dataclass(frozen=True)
class AdoptedIdea:
    """An adopted idea: its title, department and category, the day of the decision, the verified saving in yuan
    per year once its benefit was verified (None before, and for ideas measured in kWh or water only) and its
    public page."""

    title: str
    department: str
    category: str
    adopted_on: datetime.date
    verified_yuan: Decimal | None
    public_url: str


def ideas_adopted(start: datetime.date, end: datetime.date) -> list[AdoptedIdea]:
    """The ideas adopted between ``start`` and ``end`` (both included; the day of the decision counts) that are
    public now (an idea stopped since is left out, as on the public list), by the day of adoption; in the reader's
    language. One query, whatever the number of ideas. The authors are not named (the public pages name none)."""
    since, until = Period(start, end).bounds()
    rows = (Idea.objects.public().filter(adopted_at__gte=since, adopted_at__lt=until)
            .select_related("department")
            .order_by("adopted_at", "pk"))
    return [AdoptedIdea(title=i.display_title, department=i.department.display_name, category=i.get_category_display(),
                        adopted_on=timezone.localtime(i.adopted_at).date(),
                        verified_yuan=i.verified_yuan if i.verified_at and i.verified_yuan else None,
                        public_url=i.get_public_url()) for i in rows]
