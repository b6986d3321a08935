"""Demo data (``manage.py seed_demo``, after the other apps'): the current year's scheme on the registry's
indicators. Idempotent: the scheme has a fixed submission key, so a second run finds it and adds nothing."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from qualityservice.core.roles import Role
from qualityservice.org.models import Department

from . import services


def seed(out, rng) -> None:
    supervisor = get_user_model().objects.filter(staff__role=Role.SUPERVISOR).order_by("pk").first()
    seed_scheme(out, supervisor)


# The current year's scheme: real registered indicators, one gate (required campaign activities all done), a bonus.
DEMO_COMPONENTS = (
    ("feedback.on_time_rate", 25, "linear", 60, 100),
    ("surveys.satisfaction_index", 25, "linear", 60, 100),
    ("inspections.mean_score", 20, "linear", 60, 100),
    ("campaigns.done_on_time_rate", 15, "linear", 0, 100),
    ("training.hours_per_staff", 15, "rank", None, None),
)


def seed_scheme(out, supervisor) -> None:
    from django.utils import timezone

    from qualityservice.core.workflow import TransitionError

    from .models import Scheme
    from .workflows import SCHEME

    year = timezone.localdate().year
    scheme, created = services.create_scheme(key=f"demo-evaluation-{year}", by=supervisor, year=year,
                                             title=f"{year}年度优质服务考核", title_en=f"Quality service evaluation {year}")
    if not created or not scheme.is_draft:
        return
    for key, weight, rule, floor, target in DEMO_COMPONENTS:
        services.set_component(scheme, indicator=key, weight=weight, rule=rule, floor=floor, target=target)
    services.set_gate(scheme, indicator="campaigns.required_completion_rate", minimum=100)
    first = Department.objects.centres().first()
    if first is not None:
        services.add_adjustment(scheme, key=f"demo-evaluation-{year}-bonus", by=supervisor, department=first, points=2,
                                reason="获评省级文明窗口")
    try:
        SCHEME.apply(scheme, "freeze", by=supervisor, system=True)
    except TransitionError as exc:  # e.g. a centre without any figure: the scheme stays a draft
        out.write(f"evaluation: scheme {year} left as a draft ({' '.join(exc.messages)})")
        return
    out.write(f"evaluation: scheme {year} frozen with {Scheme.objects.get(pk=scheme.pk).results.count()} results")
