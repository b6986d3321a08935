"""What other apps may show of the recognition rounds (the work bulletin's "assemble a draft", later the public
boards), as typed values: they call ``stars_named`` through ``core.registry.optional_function`` and never read this
app's models. Only what the public winners page shows: a winner is named once the round is final."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils import timezone

from qualityservice.core.i18n import pick
from qualityservice.core.indicators import Period
from qualityservice.core.models import WorkflowEvent

from .models import Round
from .results import award_of, winners_url
from .results_models import Result


@dataclass(frozen=True)
class Star:
    """A winner of a final round: the staff member's name (a collective: the team or department; neither: the
    nomination's title), the nominating department, the round's title and kind (服务明星 / 先进个人 / 先进集体), the
    day the round was made final and the public winners page."""

    name: str
    department: str
    round_title: str
    kind: str
    named_on: datetime.date
    public_url: str | None


def stars_named(start: datetime.date, end: datetime.date) -> list[Star]:
    """The winners of the rounds made final between ``start`` and ``end`` (both included; the day of the move
    ``finalise`` counts), by that day, round and rank; in the reader's language. One query, whatever the number of
    rounds and winners. Rounds in the public notice (公示) are left out: objections may still change them."""
    since, until = Period(start, end).bounds()
    finalised = WorkflowEvent.objects.filter(
        content_type__app_label="recognition", content_type__model="round", object_id=OuterRef("round_id"),
        action="finalise", created_at__gte=since, created_at__lt=until)
    named_at = (WorkflowEvent.objects.filter(content_type__app_label="recognition", content_type__model="round",
                                             object_id=OuterRef("round_id"), action="finalise")
                .order_by("-created_at").values("created_at")[:1])
    rows = (Result.objects.filter(Exists(finalised), winner=True, round__status=Round.Status.FINAL)
            .annotate(named_at=named_at)
            .select_related("round", "nomination__department", "nomination__staff", "nomination__collective")
            .order_by("named_at", "round_id", "rank", "pk"))
    return [Star(name=r.nomination.nominee_name or r.nomination.display_title, department=r.nomination.department.display_name,
                 round_title=pick(r.round.title, r.round.title_en), kind=pick(*award_of(r.round)),
                 named_on=timezone.localtime(r.named_at).date(), public_url=winners_url(r.round)) for r in rows]
