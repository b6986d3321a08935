"""Demo data (``manage.py seed_demo``, after org's): a few items per centre, some moved on through the
workflow with their timeline. Idempotent: each demo item has a fixed submission key, so a second run
finds them and adds nothing."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from qualityservice.core.roles import Role
from qualityservice.org.models import Department, Staff

from . import services
from .workflows import ITEM

TITLES = [
    ("更新窗口服务指南", "Update the counter service guide"),
    ("整理服务承诺公示栏", "Tidy the commitments notice board"),
    ("开展文明用语培训", "Hold a courteous-language training"),
    ("检查消防通道", "Check the fire escapes"),
    ("回访报修师生", "Call back the people who reported repairs"),
    ("修订岗位职责说明", "Revise the job descriptions"),
]
PER_DEPARTMENT = 3


def seed(out, rng) -> None:
    supervisor = get_user_model().objects.filter(staff__role=Role.SUPERVISOR).order_by("pk").first()
    heads = {s.department_id: s.user for s in Staff.objects.filter(role=Role.HEAD, user__isnull=False).select_related("user")}
    made = 0
    for department in Department.objects.centres():
        for n, (title, title_en) in enumerate(rng.sample(TITLES, PER_DEPARTMENT)):
            author = heads.get(department.pk, supervisor)
            item, created = services.create_item(key=f"demo-{department.code}-{n}", by=author, department=department,
                                                 title=title, title_en=title_en)
            if not created:
                continue
            made += 1
            if n >= 1:  # the first stays a draft, the others are submitted, the last one closed
                ITEM.apply(item, "submit", by=author, system=True, notify_supervisors=False)
            if n >= 2:
                ITEM.apply(item, "close", by=supervisor, system=True)
    out.write(f"evaluation: {made} demo items")
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
