"""What the app publishes and generates: the indicator (one query for every department), the demo data
(idempotent), the scale data, the periodic job in the beat schedule."""

import io
import random

import pytest
from django.utils import timezone

from config.celery import app as celery_app
from qualityservice.core import indicators, registry
from qualityservice.core.indicators import Period
from qualityservice.news import demo, scale, services
from qualityservice.news.models import Article, Bulletin, Revision
from qualityservice.org.models import Department

pytestmark = pytest.mark.django_db


def test_the_indicator_counts_the_articles_published_per_department_in_one_query(org, django_assert_num_queries):
    for department, n in ((org.wuye, 2), (org.yinshi, 0)):
        for i in range(n):
            article, _created = services.create_article(key=None, by=org.supervisor, department=department, title=f"稿件{i}")
            for action in ("submit", "approve", "publish"):
                services.move(article, action, by=org.supervisor)
    services.create_article(key=None, by=org.supervisor, department=org.yinshi, title="草稿")
    ids = [org.wuye.pk, org.yinshi.pk, org.office.pk]
    with django_assert_num_queries(1):
        table = indicators.values(["news.articles_published"], ids, Period.this_year())
    assert [table.value("news.articles_published", d) for d in ids] == [2, 0, 0]
    assert indicators.values(["news.articles_published"], ids, Period.year(2001)).value("news.articles_published", org.wuye.pk) == 0


def test_the_demo_makes_a_year_of_news_typical_examples_and_twelve_issues_and_a_second_run_adds_nothing(org):
    out = io.StringIO()
    demo.seed(out, random.Random(2026))
    first = sorted(Article.objects.values_list("department__code", "title", "status"))
    assert {status for _d, _t, status in first} == {"draft", "in_review", "published"}
    published = Article.objects.filter(status="published")
    months = {(d.year, d.month) for d in published.values_list("published_at", flat=True)}
    assert len(months) >= 12 and all(d <= timezone.now() for d in published.values_list("published_at", flat=True))
    centres = set(Department.objects.centres().values_list("pk", flat=True))
    assert set(published.values_list("department_id", flat=True)) == centres
    typical = published.filter(typical=True)
    assert typical.count() == 3 and all(a.people.exists() and a.link_list for a in typical)
    issues = Bulletin.objects.filter(status="published").order_by("year", "month")
    assert issues.count() == 12 and all(issue.figures for issue in issues)
    by_year = {}
    for issue in issues:  # 第1期… per year, in month order, no gap
        by_year.setdefault(issue.year, []).append(issue.number)
    assert all(numbers == list(range(1, len(numbers) + 1)) for numbers in by_year.values())
    before = (Article.objects.count(), Bulletin.objects.count(), Revision.objects.count())
    demo.seed(out, random.Random(7))
    assert sorted(Article.objects.values_list("department__code", "title", "status")) == first
    assert (Article.objects.count(), Bulletin.objects.count(), Revision.objects.count()) == before


def test_the_scale_data_adds_the_articles_asked_for(org):
    assert "news" in scale.COUNTS
    scale.generate(io.StringIO(), random.Random(1), {"news": 120})
    assert Article.objects.count() == 120
    assert Article.objects.filter(status="published", published_at__isnull=True).count() == 0
    assert len(set(Article.objects.values_list("code", flat=True))) == 120


def test_the_periodic_job_is_in_the_beat_schedule_and_its_task_exists():
    entry = registry.beat_schedule()["news-publish-due"]
    assert entry == {"task": "news.publish_due", "schedule": 60.0}
    assert entry["task"] in celery_app.tasks
