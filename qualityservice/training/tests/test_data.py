"""What the app generates and hands over: the demo data (idempotent), the scale data, the keyword arguments
of the campaign's ``record_evidence`` for a saved session, the app's wiring (no periodic job, no public page)."""

import io
import random

import pytest
from django.db.models import F
from django.urls import NoReverseMatch, reverse

from qualityservice.core import registry
from qualityservice.org import demo as org_demo
from qualityservice.training import demo, scale, services
from qualityservice.training.models import Attendance, Level, TrainingSession

from .helpers import days_ago, make_session

pytestmark = pytest.mark.django_db


def test_the_demo_makes_sessions_of_every_level_in_every_centre_and_a_second_run_adds_nothing():
    org_demo.seed(io.StringIO(), random.Random(2026))
    out = io.StringIO()
    demo.seed(out, random.Random(2026))
    first = sorted(TrainingSession.objects.values_list("department__code", "topic", "level", "hours"))
    assert {level for _d, _t, level, _h in first} == set(Level.values)
    assert {code for code, *_rest in first} == {"yinshi", "wuye", "gongyu", "weixiu", "jiaotong", "shangmao", "youeryuan", "bangongshi"}
    assert not Attendance.objects.exclude(staff__department=F("session__department")).exists()
    assert all(s.attendances.exists() and s.date <= days_ago(0) for s in TrainingSession.objects.all())
    demo.seed(out, random.Random(7))
    assert sorted(TrainingSession.objects.values_list("department__code", "topic", "level", "hours")) == first


def test_the_scale_data_adds_the_sessions_asked_for_with_attendees_of_their_department(org):
    assert "training" in scale.COUNTS
    scale.generate(io.StringIO(), random.Random(1), {"training": 50})
    assert TrainingSession.objects.count() == 50
    assert Attendance.objects.count() >= 50
    assert not Attendance.objects.exclude(staff__department=F("session__department")).exists()


def test_the_campaign_evidence_of_a_saved_session_names_its_department_dates_and_page(org):
    session = make_session(org, topic="消防安全培训", topic_en="Fire safety", day=days_ago(4))
    kwargs = services.campaign_evidence_kwargs(session)
    assert kwargs == {
        "department_id": org.wuye.pk,
        "carrier": "training",
        "source": session,
        "title": f"培训：消防安全培训（物业管理中心 {days_ago(4).isoformat()}）",
        "title_en": f"Training: Fire safety (Property Centre {days_ago(4).isoformat()})",
        "url": session.get_absolute_url(),
        "occurred_on": days_ago(4),
        "public": False,
    }
    # Exactly the keywords of campaigns.services.record_evidence.
    assert set(kwargs) == {"department_id", "carrier", "source", "title", "title_en", "url", "occurred_on", "public"}


def test_the_app_has_staff_pages_only_and_no_periodic_job():
    assert not any(name.startswith("training") for name in registry.periodic_jobs())
    assert reverse("training:list") == "/staff/training/"
    with pytest.raises(NoReverseMatch):
        reverse("training:public", args=["x"])
