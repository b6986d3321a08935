"""Scale data for benchmarks (``manage.py generate_scale_data --evaluation N``): N earlier years of published
evaluations, so that reports carry a long trend and the dashboards a history. Each year gets a scheme with every
scorable registered indicator (ranked among the departments, equal weights adding up to 100), frozen through the
workflow — a real snapshot of the registry figures of that year —, put on public notice (full ranking) and made
final. Idempotent per year (fixed submission keys)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from qualityservice.core import indicators
from qualityservice.core.roles import Role
from qualityservice.core.workflow import TransitionError

from . import services
from .models import Scheme
from .workflows import SCHEME

COUNTS = {"evaluation": "earlier years of published evaluations to add"}


def weights(n: int) -> list[Decimal]:
    """``n`` equal weights of two decimals adding up to exactly 100 (the rest on the first)."""
    each = (Decimal(100) / n).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    return [Decimal(100) - each * (n - 1)] + [each] * (n - 1)


def generate(out, rng, counts) -> None:
    years = counts.get("evaluation", 0)
    scorable = [i.key for i in indicators.all() if i.direction != indicators.NEUTRAL]
    if years <= 0 or not scorable:
        return
    supervisor = get_user_model().objects.filter(staff__role=Role.SUPERVISOR).order_by("pk").first()
    this_year = timezone.localdate().year
    made = 0
    for year in range(this_year - years, this_year):
        scheme, _created = services.create_scheme(key=f"scale-evaluation-{year}", by=supervisor, year=year,
                                                  title=f"{year}年度优质服务考核（规模数据）", title_en=f"Evaluation {year} (scale data)")
        if scheme.status == Scheme.Status.FINAL:
            continue
        if scheme.is_draft and not scheme.components.exists():
            for key, weight in zip(scorable, weights(len(scorable)), strict=True):
                services.set_component(scheme, indicator=key, weight=weight, rule="rank")
        try:
            for action, params in (("freeze", {}), ("notice", {"publication": Scheme.Publication.FULL}), ("finalize", {})):
                if scheme.status == SCHEME.by_action[action].sources[0]:
                    scheme = SCHEME.apply(scheme, action, by=supervisor, system=True, **params)
        except TransitionError as exc:  # e.g. a year without any figure for some department
            out.write(f"evaluation: {year} left as {scheme.status} ({' '.join(exc.messages)})")
            continue
        made += 1
    out.write(f"evaluation: {made} published years")
