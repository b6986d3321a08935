"""What the app publishes and generates: the indicator (one query for every department), the demo data
(idempotent), the scale data, the periodic job in the beat schedule."""

import io
import random

import pytest

from config.celery import app as celery_app
from qualityservice.core import indicators, registry
from qualityservice.core.indicators import Period
from qualityservice.recognition import demo, scale, services
from qualityservice.recognition.models import Nomination

pytestmark = pytest.mark.django_db


def test_the_indicator_counts_the_nominations_submitted_per_department_in_one_query(org, django_assert_num_queries):
    for department, n in ((org.wuye, 2), (org.yinshi, 0)):
        for i in range(n):
            nomination, _created = services.create_nomination(key=None, by=org.supervisor, department=department, title=f"推荐{i}")
            services.move(nomination, "submit", by=org.supervisor)
    services.create_nomination(key=None, by=org.supervisor, department=org.yinshi, title="草稿")
    ids = [org.wuye.pk, org.yinshi.pk, org.office.pk]
    with django_assert_num_queries(1):
        table = indicators.values(["recognition.nominations_submitted"], ids, Period.this_year())
    assert [table.value("recognition.nominations_submitted", d) for d in ids] == [2, 0, 0]
    assert indicators.values(["recognition.nominations_submitted"], ids, Period.year(2001)).value("recognition.nominations_submitted", org.wuye.pk) == 0


def test_the_demo_makes_nominations_in_every_status_and_a_second_run_adds_nothing(org):
    out = io.StringIO()
    demo.seed(out, random.Random(2026))
    first = sorted(Nomination.objects.values_list("department__code", "title", "status"))
    assert {status for _d, _t, status in first} == {"draft", "submitted", "closed"}
    demo.seed(out, random.Random(7))
    assert sorted(Nomination.objects.values_list("department__code", "title", "status")) == first


def test_the_scale_data_adds_the_nominations_asked_for(org):
    assert "recognition" in scale.COUNTS
    scale.generate(io.StringIO(), random.Random(1), {"recognition": 120})
    assert Nomination.objects.count() == 120
    assert Nomination.objects.filter(status="closed", closed_at__isnull=True).count() == 0
    assert len(set(Nomination.objects.values_list("code", flat=True))) == 120


def test_the_periodic_job_is_in_the_beat_schedule_and_its_task_exists():
    entry = registry.beat_schedule()["recognition-close-stale"]
    assert entry == {"task": "recognition.close_stale_nominations", "schedule": 3600.0}
    assert entry["task"] in celery_app.tasks
