"""What the app generates and schedules: the demo (the 2010 plan's campaign with the ten activities of 三 as its
menu and the plan's text, the menu template, the current year's campaign; idempotent), the scale data, the
periodic job in the beat schedule."""

import io
import random

import pytest
from django.utils import timezone

from config.celery import app as celery_app
from qualityservice.campaigns import board, demo, scale
from qualityservice.campaigns.models import Campaign, DepartmentActivity, Evidence, MenuItem, ProgressReport, StaffAffiliation
from qualityservice.core import registry
from qualityservice.org import demo as org_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_plans_campaign_its_template_and_this_years_and_a_second_run_adds_nothing():
    org_demo.seed(io.StringIO(), random.Random(2026))
    demo.seed(io.StringIO(), random.Random(2026))
    plan = Campaign.objects.get(year=2010, is_template=False)
    assert (plan.status, plan.starts_on.month, plan.theme) == ("closed", 3, "增强服务意识，提高服务质量")
    assert [m.title for m in plan.milestones.all()] == ["经验交流会", "经验总结及表彰大会"]
    menu = list(plan.menu.order_by("sort_order"))
    assert [i.code for i in menu] == [f"三({n})" for n in "一二三四五六七八九十"]
    six_checks = menu[1]
    assert "六查六看" in six_checks.description and six_checks.title_en and six_checks.carriers == ["inspections", "standards", "feedback"]
    assert sorted(d.code for d in menu[7].required_for.all()) == ["gongyu", "wuye", "yinshi"]
    template = Campaign.objects.get(is_template=True)
    assert template.menu.count() == 10 and template.status == "draft"
    year = timezone.localdate().year
    current = Campaign.objects.get(year=year, is_template=False)
    assert current.status == "active" and current.copied_from == template
    statuses = set(current.activities.values_list("status", flat=True))
    assert {"done", "in_progress"} <= statuses
    assert ProgressReport.objects.filter(activity__campaign=current, files__is_image=True).exists()
    assert StaffAffiliation.objects.filter(party_member=True).exists()
    _items, rows = board.board(current)
    assert len(rows) == 8 and all(r.required_adopted == r.required_total for r in rows)
    counts = (Campaign.objects.count(), MenuItem.objects.count(), DepartmentActivity.objects.count(), ProgressReport.objects.count(),
              StaffAffiliation.objects.count())
    demo.seed(io.StringIO(), random.Random(7))
    assert (Campaign.objects.count(), MenuItem.objects.count(), DepartmentActivity.objects.count(), ProgressReport.objects.count(),
            StaffAffiliation.objects.count()) == counts


def test_the_scale_data_adds_the_activities_asked_for(org):
    assert "campaign_activities" in scale.COUNTS
    scale.generate(io.StringIO(), random.Random(1), {"campaign_activities": 250})
    campaign = Campaign.objects.get()
    assert campaign.activities.count() == 250 and Evidence.objects.count() == 250
    _items, rows = board.board(campaign)
    assert sum(r.adopted for r in rows) == 250


def test_the_periodic_job_is_in_the_beat_schedule_and_its_task_exists():
    entry = registry.beat_schedule()["campaigns-daily"]
    assert entry == {"task": "campaigns.daily", "schedule": 3600.0}
    assert entry["task"] in celery_app.tasks
    feedback = registry.beat_schedule()["feedback-campaign-figures"]
    assert feedback["task"] in celery_app.tasks
