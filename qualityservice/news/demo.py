"""Demo data (``manage.py seed_demo``, after org's): news articles per centre, moved through the workflow
(draft, in review, published). Idempotent: each demo article has a fixed submission key."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from qualityservice.core.roles import Role
from qualityservice.org.models import Department, Staff

from . import services
from .workflows import ARTICLE

ARTICLES = [
    ("窗口服务指南全面更新", "Counter service guide renewed", "各服务窗口统一更新办事指南，公开服务承诺。"),
    ("文明用语培训覆盖一线员工", "Courteous-language training for front-line staff", "本月完成文明用语专题培训。"),
    ("报修回访满意率稳步提升", "Repair call-back satisfaction rising", "中心坚持报修回访，师生满意度持续提升。"),
]


def seed(out, rng) -> None:
    supervisor = get_user_model().objects.filter(staff__role=Role.SUPERVISOR).order_by("pk").first()
    heads = {s.department_id: s.user for s in Staff.objects.filter(role=Role.HEAD, user__isnull=False).select_related("user")}
    made = 0
    for department in Department.objects.centres():
        for n, (title, title_en, summary) in enumerate(ARTICLES):
            author = heads.get(department.pk, supervisor)
            article, created = services.create_article(
                key=f"demo-news-{department.code}-{n}", by=author, department=department, title=title, title_en=title_en,
                summary=summary, body=f"<p>{summary}</p><ul><li>{department.name}</li></ul>", tags="优质服务")
            if not created:
                continue
            made += 1
            if n >= 1:  # the first stays a draft, the second is in review, the third published
                ARTICLE.apply(article, "submit", by=author, system=True)
            if n >= 2:
                ARTICLE.apply(article, "approve", by=supervisor, system=True)
                ARTICLE.apply(article, "publish", by=supervisor, system=True)
    out.write(f"news: {made} demo articles")
