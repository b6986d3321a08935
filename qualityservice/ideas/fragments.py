"""The "金点子" board on the public home page (extension point ``home_actions``): how many ideas were adopted and
what their verified savings add up to, and the latest adopted ones. Kept in a ``pagecache.memo`` (immutable
values, rebuilt when an idea, a step or a measurement changes), so the home page asks the database nothing
more for it."""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType

from django.db.models import Count, Sum

from qualityservice.core import pagecache
from qualityservice.core.i18n import pick

from .models import Idea

LATEST = 3


def _build() -> MappingProxyType:
    ideas = Idea.objects.public()
    totals = ideas.aggregate(n=Count("pk"), yuan=Sum("verified_yuan"), kwh=Sum("verified_kwh"), water=Sum("verified_water"))
    latest = tuple((i.code, i.title, i.title_en) for i in ideas.order_by("-adopted_at", "-pk").only("code", "title", "title_en")[:LATEST])
    return MappingProxyType({"n": totals["n"] or 0, "yuan": totals["yuan"] or Decimal(0), "kwh": totals["kwh"] or Decimal(0),
                             "water": totals["water"] or Decimal(0), "latest": latest})


def home_board(request) -> dict:
    board = pagecache.memo("ideas-home-board", _build)
    latest = [{"code": code, "title": pick(title, title_en)} for code, title, title_en in board["latest"]]
    return {"ideas_board": {**board, "latest": latest}}
