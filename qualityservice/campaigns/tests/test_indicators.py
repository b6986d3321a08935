"""The figures published in the indicator registry, each with hand-made data and its exact value, and the same
number of queries for 2 and 6 departments and few and many activities."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qualityservice.campaigns import services
from qualityservice.campaigns.models import DepartmentActivity
from qualityservice.campaigns.workflows import ACTIVITY
from qualityservice.core import indicators
from qualityservice.core.indicators import Period
from qualityservice.org.tests.factories import DepartmentFactory

from .helpers import activity, make_campaign

pytestmark = pytest.mark.django_db

KEYS = ["campaigns.required_completion_rate", "campaigns.done_on_time_rate", "campaigns.evidence_per_activity",
        "campaigns.signature_count"]


def _scene(org):
    """2025: the property centre has two required activities (one done on time, one not) and an optional one done
    late; the catering centre one required, cancelled."""
    campaign = make_campaign(org, year=2025)
    y = 2025
    check, survey = activity(campaign, org.wuye, "三(二)"), activity(campaign, org.wuye, "三(八)")
    services.adopt(campaign, campaign.menu.get(code="三(三)"), org.wuye, key=None, by=org.head_wuye)
    open_day = activity(campaign, org.wuye, "三(三)")
    services.save_plan(check, starts_on=dt.date(y, 3, 1), ends_on=dt.date(y, 6, 30), is_signature=True, today=dt.date(y, 3, 1))
    services.save_plan(open_day, starts_on=dt.date(y, 4, 1), ends_on=dt.date(y, 5, 31), today=dt.date(y, 3, 1))
    ACTIVITY.apply(check, "complete", by=org.head_wuye, summary="完成", done_on=dt.date(y, 6, 20))
    ACTIVITY.apply(open_day, "complete", by=org.head_wuye, summary="完成", done_on=dt.date(y, 6, 10))
    services.create_report(survey, key=None, by=org.head_wuye, reported_on=dt.date(y, 5, 2), note="发放问卷", today=dt.date(y, 5, 2))
    services.record_evidence(department_id=org.wuye.pk, carrier="inspections", source=org.dorm, title="自查",
                             occurred_on=dt.date(y, 5, 3))
    ACTIVITY.apply(activity(campaign, org.yinshi, "三(二)"), "cancel", by=org.supervisor, note="并入集团")
    return campaign


def test_the_values_for_the_year(org):
    _scene(org)
    ids = [org.wuye.pk, org.yinshi.pk, org.office.pk]
    table = indicators.values(KEYS, ids, Period.year(2025))
    # Required, due in 2025: the property centre's two (one done), the office's one (not done); the catering centre's is cancelled.
    assert [table.value("campaigns.required_completion_rate", d) for d in ids] == [50.0, None, 0.0]
    # Due in 2025 (not cancelled): 三(二) done on time, 三(八) not done, 三(三) done after its end → 1 of 3.
    assert [table.value("campaigns.done_on_time_rate", d) for d in ids] == [33.3, None, 0.0]
    # Evidence in 2025: one linked record, no file → 1 / 3 running activities.
    assert [table.value("campaigns.evidence_per_activity", d) for d in ids] == [0.3, None, 0.0]
    assert [table.value("campaigns.signature_count", d) for d in ids] == [1, 0, 0]


def test_the_values_follow_the_period(org):
    _scene(org)
    ids = [org.wuye.pk]
    june = indicators.values(KEYS, ids, Period.month(2025, 6))
    assert june.value("campaigns.required_completion_rate", org.wuye.pk) == 100.0  # only 三(二) is due in June
    assert june.value("campaigns.evidence_per_activity", org.wuye.pk) == 0.0  # the evidence is dated in May
    assert indicators.values(KEYS, ids, Period.year(2024)).value("campaigns.required_completion_rate", org.wuye.pk) is None


def test_a_draft_campaign_counts_nothing(org):
    draft = make_campaign(org, year=2025, launch=False)
    DepartmentActivity.objects.create(campaign=draft, department=org.wuye, title="草稿中的项目", is_required=True)
    table = indicators.values(KEYS, [org.wuye.pk], Period.year(2025))
    assert table.value("campaigns.required_completion_rate", org.wuye.pk) is None


def _queries(ids) -> int:
    with CaptureQueriesContext(connection) as queries:
        indicators.values(KEYS, ids, Period.year(2025))
    return len(queries)


def test_each_indicator_costs_the_same_queries_for_any_number_of_departments_and_activities(org):
    campaign = _scene(org)
    few = _queries([org.wuye.pk, org.yinshi.pk])
    more = [DepartmentFactory(parent=org.group) for _ in range(4)]
    for department in more:
        services.adopt(campaign, campaign.menu.get(code="三(三)"), department, key=None, by=org.supervisor)
    many = _queries([org.wuye.pk, org.yinshi.pk, *[d.pk for d in more]])
    assert few == many == 5  # one query each, two for the evidence per activity
