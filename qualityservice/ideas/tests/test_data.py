"""What the app publishes and generates: each indicator's exact value on hand-made data and its constant number
of GROUP BY queries, the campaign evidence of an adopted idea, the demo data (realistic, idempotent), the scale
data, the periodic job in the beat schedule."""

import datetime as dt
import io
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.celery import app as celery_app
from qualityservice.core import indicators, registry
from qualityservice.core.indicators import Period
from qualityservice.ideas import demo, scale, services
from qualityservice.ideas.models import Assignment, Idea, IdeaAuthor, Measurement, Merge
from qualityservice.ideas.tests.factories import judge, make_idea, make_round, measure_kwh, score, to_implemented, to_review
from qualityservice.ideas.workflows import IDEA
from qualityservice.org.models import Department, Staff
from qualityservice.org.tests.factories import DepartmentFactory, StaffFactory

pytestmark = pytest.mark.django_db
KEYS = ["ideas.submitted_per_100_staff", "ideas.adopted", "ideas.adoption_rate", "ideas.implemented", "ideas.verified_saving_yuan",
        "ideas.verified_saving_kwh", "ideas.verified_saving_water", "ideas.reviews_on_time_rate"]


@pytest.fixture
def figures(org):
    """The property centre (物业, 3 active staff): four ideas this year — one adopted, implemented and verified
    (3,650 kWh, 2,190 yuan a year), one not adopted, one merged into another (not counted), one only sent; its
    reviews: two, one scored in time and one after its deadline. The catering centre (饮食, 2 staff + a judge): one idea, no decision."""
    round_ = make_round(None)
    reviewer, late = judge(org, "按时评委"), judge(org, "逾期评委")
    verified = to_implemented(make_idea(round_, org.staff_wuye, title="走廊灯改声控"), org.supervisor, reviewer, org.head_wuye)
    measure_kwh(verified, org.head_wuye, before=(1000, 1900), after=(2000, 2600))
    IDEA.apply(verified, "verify", by=org.supervisor)
    declined = make_idea(round_, org.staff_wuye, title="公寓热水器定时供水")
    to_review(declined, org.supervisor, [late])
    Assignment.objects.filter(reviewer=late).update(due_at=timezone.now() - dt.timedelta(days=1))
    late_assignment = Assignment.objects.get(reviewer=late)
    late_assignment.submitted_at = timezone.now()  # scored after its deadline
    late_assignment.save(update_fields=["submitted_at"])
    IDEA.apply(declined, "decline", by=org.supervisor, reason="暂不具备条件")
    target = make_idea(round_, org.staff_wuye, title="下班关闭办公电器电源")
    duplicate = make_idea(round_, org.staff_wuye, title="办公室下班断电")
    IDEA.apply(duplicate, "merge", by=org.supervisor, target=target)
    make_idea(round_, org.staff_yinshi, title="食堂增设夜宵窗口", unit="qualitative")
    return round_


def _recent() -> Period:
    """A period around today (the fixture's deadlines fall a day before and ten days after it)."""
    today = timezone.localdate()
    return Period(today - dt.timedelta(days=300), today + dt.timedelta(days=30))


def _values(ids, period=None):
    return indicators.values(KEYS, ids, period or _recent())


def test_each_indicator_counts_what_its_definition_says(org, figures):
    ids = [org.wuye.pk, org.yinshi.pk, org.office.pk]
    table = _values(ids)
    staff = {d: Staff.objects.filter(department_id=d, is_active=True).count() for d in ids}
    assert staff[org.wuye.pk] == 2 and staff[org.yinshi.pk] == 3  # head + staff; head + staff + judge
    row = {key: [table.value(key, d) for d in ids] for key in KEYS}
    assert row["ideas.submitted_per_100_staff"] == [round(100 * 3 / 2, 2), round(100 * 1 / 3, 2), 0]  # the merged one not counted
    assert row["ideas.adopted"] == [1, 0, 0]
    assert row["ideas.adoption_rate"] == [50.0, None, None]
    assert row["ideas.implemented"] == [1, 0, 0]
    assert row["ideas.verified_saving_yuan"] == [Decimal("2190.00"), Decimal("0.00"), Decimal("0.00")]
    assert row["ideas.verified_saving_kwh"] == [Decimal("3650.00"), Decimal("0.00"), Decimal("0.00")]
    assert row["ideas.verified_saving_water"] == [Decimal("0.00")] * 3
    assert row["ideas.reviews_on_time_rate"] == [50.0, None, None]  # one of the two reviews due was scored late


def test_nothing_counts_in_a_period_without_ideas(org, figures):
    table = _values([org.wuye.pk], Period.year(2001))
    assert [table.value(k, org.wuye.pk) for k in KEYS] == [0.0, 0, None, 0, Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), None]


def test_the_indicators_cost_the_same_queries_for_2_or_6_departments_and_few_or_many_ideas(org, figures):
    with CaptureQueriesContext(connection) as small:
        _values([org.wuye.pk, org.yinshi.pk])
    for i in range(4):
        centre = DepartmentFactory(code=f"more{i}", parent=org.group, kind=Department.Kind.CENTRE)
        author = StaffFactory(department=centre)
        for _ in range(3):
            services.submit_idea(key=None, by=None, author=author, round=figures, category="service", title="更多的金点子建议",
                                 problem="p", proposal="p", benefit_unit="qualitative", expected_note="n")
    six = [org.wuye.pk, org.yinshi.pk, *Department.objects.filter(code__startswith="more").values_list("pk", flat=True)]
    with CaptureQueriesContext(connection) as large:
        _values(six)
    assert len(small) == len(large) == 9, [q["sql"][:120] for q in large.captured_queries]  # one GROUP BY each, two for ideas per 100 staff


def test_the_campaign_evidence_of_an_adopted_idea(org):
    round_ = make_round(org.wuye)
    idea = make_idea(round_, org.staff_wuye, title="报修流程改为线上扫码报修")
    reviewer = judge(org)
    to_review(idea, org.head_wuye, [reviewer])
    score(idea, reviewer)
    IDEA.apply(idea, "adopt", by=org.head_wuye, owner=org.head_wuye)
    Idea.objects.filter(pk=idea.pk).update(title_en="Report repairs online with a QR code")
    idea = Idea.objects.get(pk=idea.pk)
    assert services.campaign_evidence_kwargs(idea) == {
        "department_id": org.wuye.pk, "carrier": "ideas", "source": idea, "title": "金点子采纳：报修流程改为线上扫码报修",
        "title_en": "Golden idea adopted: Report repairs online with a QR code", "url": f"/staff/ideas/{idea.pk}/",
        "occurred_on": timezone.localtime(idea.adopted_at).date(), "public": True,
    }


def test_the_demo_makes_a_round_of_forty_ideas_in_every_stage_and_a_second_run_adds_nothing(db):
    from qualityservice.org import demo as org_demo

    org_demo.seed(io.StringIO(), random.Random(2026))
    out = io.StringIO()
    demo.seed(out, random.Random(2026))
    ideas = Idea.objects.all()
    assert ideas.count() == 40 and "40" in out.getvalue()
    assert set(ideas.values_list("category", flat=True)) == {"management", "service", "energy"}
    assert {"submitted", "returned", "screened", "review", "merged", "adopted", "not_adopted", "implementing", "implemented",
            "measured", "awarded"} <= set(ideas.values_list("status", flat=True))
    measured = Measurement.objects.filter(verified_at__isnull=False)
    assert {m.unit for m in measured} >= {"kwh", "water", "yuan"}
    led = Measurement.objects.get(idea__title="第一餐厅后厨照明改用LED灯")
    assert led.baseline_reading_start == Decimal("125430.5") and led.saving == Decimal("33580.00")
    assert Merge.objects.filter(undone_at__isnull=True).count() == 2 and IdeaAuthor.objects.filter(merge__isnull=False).exists()
    assert all(i.verified_by_id != i.recorded_by_id for i in measured)
    replaced = Assignment.objects.filter(replaced_at__isnull=False)
    assert replaced.exists() and all(a.replaced_with.replaced_at is None and a.replacement_reason for a in replaced)
    first = sorted(ideas.values_list("title", "status", "support_count"))
    demo.seed(io.StringIO(), random.Random(7))
    assert sorted(Idea.objects.values_list("title", "status", "support_count")) == first


def test_the_scale_data_adds_the_ideas_asked_for_in_consistent_states(org):
    assert "ideas" in scale.COUNTS
    scale.generate(io.StringIO(), random.Random(1), {"ideas": 300})
    assert Idea.objects.count() == 300 and IdeaAuthor.objects.filter(is_lead=True).count() == 300
    assert not Idea.objects.filter(status="measured", verified_at__isnull=True).exists()
    assert not Idea.objects.filter(status__in=Idea.PUBLIC_STATUSES, adopted_at__isnull=True).exists()
    assert not Idea.objects.filter(status="merged").exists()  # a merge needs its record: not generated
    assert len(set(Idea.objects.values_list("code", flat=True))) == 300


def test_the_periodic_job_is_in_the_beat_schedule_and_its_task_exists():
    entry = registry.beat_schedule()["ideas-escalate-overdue-reviews"]
    assert entry == {"task": "ideas.escalate_overdue_reviews", "schedule": 900.0}
    assert entry["task"] in celery_app.tasks
