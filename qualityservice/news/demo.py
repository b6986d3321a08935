"""Demo data (``manage.py seed_demo``, after org's and the activity apps'): a year of news and the work bulletin.
Idempotent: every demo article and issue has a fixed submission key, so a second run adds nothing.

- three articles per centre moved through the workflow (a draft, one in review, one published);
- a year of published news: one article per centre and month over the last twelve months (created in their status
  with the month's publication date, as imported history);
- typical examples (典型) linked to staff of the centres and to the public pages of golden ideas and events;
- twelve monthly bulletin issues, published in month order (第1期… per year), their figures frozen."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from qualityservice.core.roles import Role
from qualityservice.org.models import Department, Staff

from . import bulletins, services
from .models import Article, Bulletin
from .workflows import ARTICLE

ARTICLES = [
    ("窗口服务指南全面更新", "Counter service guide renewed", "各服务窗口统一更新办事指南，公开服务承诺。"),
    ("文明用语培训覆盖一线员工", "Courteous-language training for front-line staff", "本月完成文明用语专题培训。"),
    ("报修回访满意率稳步提升", "Repair call-back satisfaction rising", "中心坚持报修回访，师生满意度持续提升。"),
]
# One a month per centre over the year: (title, summary); the centre's name is put in front.
MONTHLY = [
    ("开展“服务质量月”活动", "围绕服务承诺开展自查自纠，师生代表参与评议。"),
    ("召开师生座谈会听取意见", "收集意见建议十余条，逐条明确责任人和完成时限。"),
    ("完成岗位技能培训", "一线员工参加岗位技能培训并通过考核。"),
    ("推行首问负责制", "师生来访来电由首位接待人员负责到底。"),
    ("整改检查发现的问题", "对督查中发现的问题建立台账，按期整改销号。"),
    ("开展节能降耗专项行动", "推广金点子成果，节约水电。"),
]
TYPICAL = [
    ("扎根一线二十年的维修师傅", "Twenty years on the repair front line",
     "他把“报修三十分钟响应”当作对师生的承诺，二十年如一日。",
     "<p>无论寒暑，他总是第一个赶到报修现场。</p><h2>小工具解决大问题</h2><p>他提出的金点子每年为中心节约维修费用数万元。</p>"),
    ("食堂里的“暖心窗口”", "The warm-hearted canteen counter",
     "窗口员工记住每位师生的口味，把文明用语落实在每一句话里。",
     "<p>她坚持“一声问候、一份耐心”。</p><ul><li>师生满意度连续名列前茅</li><li>获评服务之星</li></ul>"),
    ("宿舍楼里的“贴心管家”", "The caring dormitory keeper",
     "公寓管理员把学生的困难当作自己的事，组织了多场学生座谈活动。",
     "<p>她建立了学生需求台账，件件有回音。</p>"),
]


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:  # the app is not installed
        return None


def _months(today: dt.date, n: int = 12) -> list[tuple[int, int]]:
    year, month, out = today.year, today.month, []
    for _ in range(n):
        out.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(out))


def seed(out, rng) -> None:
    supervisor = get_user_model().objects.filter(staff__role=Role.SUPERVISOR).order_by("pk").first()
    heads = {s.department_id: s.user for s in Staff.objects.filter(role=Role.HEAD, user__isnull=False).select_related("user")}
    centres = list(Department.objects.centres())
    made = 0
    for department in centres:
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

    now = timezone.now()
    tz = timezone.get_current_timezone()
    months = _months(timezone.localdate())
    for m, (year, month) in enumerate(months):
        for c, department in enumerate(centres):
            title, summary = MONTHLY[(m + c) % len(MONTHLY)]
            at = min(dt.datetime(year, month, 3 + (c * 5 + m) % 24, 9 + c % 8, 30, tzinfo=tz), now)
            _article, created = services.create_article(
                key=f"demo-news-{department.code}-{year}{month:02d}", by=heads.get(department.pk, supervisor),
                department=department, title=f"{department.name}{title}", summary=summary,
                body=f"<p>{summary}</p><p>{department.name}将持续改进服务，欢迎师生监督。</p>", tags="优质服务,服务质量",
                status=Article.Status.PUBLISHED, created_at=at - dt.timedelta(days=2), submitted_at=at - dt.timedelta(days=1),
                published_at=at)
            made += created

    links = "\n".join(f"{label} | {url}" for label, url in (("金点子", _url("ideas:public")), ("活动", _url("events:public_list")))
                      if url)
    for t, (title, title_en, summary, body) in enumerate(TYPICAL):
        if not centres:
            break
        department = centres[t % len(centres)]
        staff = Staff.objects.filter(department=department, is_active=True).order_by("badge_number")
        person = staff.filter(role=Role.STAFF).first() or staff.first()  # a front-line member, else anyone employed
        at = min(now - dt.timedelta(days=20 + 40 * t), now)
        _article, created = services.create_article(
            key=f"demo-news-typical-{t}", by=supervisor, department=department, title=title, title_en=title_en,
            summary=summary, body=body, tags="学习典型", typical=True, people=[person] if person else None, links=links,
            status=Article.Status.PUBLISHED, created_at=at - dt.timedelta(days=3), submitted_at=at - dt.timedelta(days=2),
            published_at=at)
        made += created

    issues = 0
    for year, month in months:  # in month order: the year's issues are numbered 第1期, 第2期…
        bulletin, _created = bulletins.create_bulletin(
            key=f"demo-bulletin-{year}{month:02d}", by=supervisor, title="后勤集团工作简报", year=year, month=month,
            unit="后勤集团办公室", report_to="学校党委、校长办公室", copy_to="集团各中心",
            sections=f"# 工作动态\n{year}年{month}月，集团各中心围绕服务质量提升开展工作。\n# 典型引路\n各中心学习典型事迹，推广好做法。")
        if bulletin.status == Bulletin.Status.DRAFT:
            for article in bulletins.candidates(bulletin, supervisor, limit=3):  # the month's news, 稿件选登
                bulletins.add_article(bulletin, article_id=article.pk, section="稿件选登", by=supervisor,
                                      key=f"demo-bulletin-{year}{month:02d}-{article.code}")
            bulletins.publish_bulletin(bulletin, by=supervisor, system=True)
            issues += 1
    out.write(f"news: {made} demo articles, {issues} bulletin issues")
