"""Demo data (``manage.py seed_demo``, after org's): a few nominations per centre, some moved on through the
workflow with their timeline. Idempotent: each demo nomination has a fixed submission key, so a second run
finds them and adds nothing."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from qualityservice.core.roles import Role
from qualityservice.org.models import Department, Staff

from . import demo_results, services
from .workflows import NOMINATION

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
            nomination, created = services.create_nomination(key=f"demo-{department.code}-{n}", by=author, department=department,
                                                 title=title, title_en=title_en)
            if not created:
                continue
            made += 1
            if n >= 1:  # the first stays a draft, the others are submitted, the last one closed
                NOMINATION.apply(nomination, "submit", by=author, system=True, notify_supervisors=False)
            if n >= 2:
                NOMINATION.apply(nomination, "close", by=supervisor, system=True)
    out.write(f"recognition: {made} demo nominations")
    demo_results.seed(out, rng)  # the closed 2010 service-star round: jury, winners, certificates
