"""The evidence interface other apps call (``services.record_evidence``, EVIDENCE.md) and its wiring: a submitted
self-inspection (六查六看) and a saved 大讨论 record (inspections), a closed survey of a department (surveys), the
month's feedback figures (feedback) appear as evidence on the department's adopted activity carried by that app."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from qualityservice.campaigns import services
from qualityservice.campaigns.models import Evidence
from qualityservice.campaigns.services import EvidenceRef, record_evidence
from qualityservice.campaigns.workflows import ACTIVITY, CAMPAIGN

from .helpers import activity, make_campaign

pytestmark = pytest.mark.django_db


def _record(source, department, carrier="inspections", **extra):
    return record_evidence(department_id=department.pk, carrier=carrier, source=source, title="六查六看自查：物业管理中心",
                           title_en="Six checks: property", url="/staff/inspections/1/", **extra)


def test_it_records_a_source_once_on_the_activity_carried_by_the_caller(org):
    campaign = make_campaign(org)
    target = activity(campaign, org.wuye, "三(二)")
    source = org.dorm  # any model instance: (content type, pk) identifies it
    refs = _record(source, org.wuye)
    assert refs == [EvidenceRef(pk=Evidence.objects.get().pk, activity_id=target.pk)]
    again = record_evidence(department_id=org.wuye.pk, carrier="inspections", source=source, title="改过的标题", url="/x/",
                            occurred_on=timezone.localdate(), public=True)
    assert again == refs
    row = Evidence.objects.get()
    assert (row.title, row.url, row.is_public, row.carrier) == ("改过的标题", "/x/", True, "inspections")


def test_the_database_keeps_one_row_per_activity_and_source(org):
    campaign = make_campaign(org)
    _record(org.dorm, org.wuye)
    row = Evidence.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.create(activity=row.activity, content_type=row.content_type, object_id=row.object_id, title="重复",
                                carrier="inspections", occurred_on=row.occurred_on)
    assert Evidence.objects.count() == 1 and campaign


def test_it_records_nothing_and_raises_nothing_when_nothing_matches(org):
    assert _record(org.dorm, org.wuye) == []  # no campaign
    campaign = make_campaign(org)
    assert _record(org.dorm, org.wuye, carrier="events") == []  # 三(三) (events) not adopted by the property centre
    assert _record(org.dorm, org.wuye, carrier="ideas") == []  # no menu item carried by ideas
    assert _record(org.dorm, org.wuye, occurred_on=dt.date(campaign.year - 1, 6, 1)) == []  # outside the period
    ACTIVITY.apply(activity(campaign, org.wuye, "三(二)"), "cancel", by=org.supervisor, note="取消")
    assert _record(org.dorm, org.wuye) == []  # cancelled
    CAMPAIGN.apply(campaign, "close", by=org.supervisor)
    assert _record(org.dorm, org.yinshi) == []  # the campaign is closed
    assert not Evidence.objects.exists()


def test_a_teams_record_documents_its_centres_activity(org):
    campaign = make_campaign(org)
    refs = _record(org.dorm, org.wuye_team)
    assert [r.activity_id for r in refs] == [activity(campaign, org.wuye, "三(二)").pk]


def test_the_activity_page_lists_the_evidence_with_its_link(client, org):
    campaign = make_campaign(org)
    _record(org.dorm, org.wuye)
    client.force_login(org.head_wuye)
    body = client.get(activity(campaign, org.wuye, "三(二)").get_absolute_url()).content.decode()
    assert 'href="/staff/inspections/1/">六查六看自查：物业管理中心</a>' in body and "检查与大讨论" in body


# --- Wiring ---------------------------------------------------------------------------------------------------


def test_a_submitted_self_inspection_appears_on_the_adopted_six_checks_activity(client, org):
    from qualityservice.inspections import services as inspections
    from qualityservice.inspections.models import Kind
    from qualityservice.inspections.tests.helpers import answer_all, make_inspection

    campaign = make_campaign(org)
    self_check = make_inspection(org.wuye, title="六查六看自查 本月", inspector=org.head_wuye)
    answer_all(self_check, org.head_wuye)
    inspections.submit_inspection(self_check, org.head_wuye)
    spot = make_inspection(org.wuye, kind=Kind.SPOT, title="督查抽查", inspector=org.supervisor)
    answer_all(spot, org.supervisor)
    inspections.submit_inspection(spot, org.supervisor)  # a spot check by the group is no self-inspection
    row = Evidence.objects.get()
    assert (row.activity, row.content_type.model, row.object_id, row.carrier) == (
        activity(campaign, org.wuye, "三(二)"), "inspection", self_check.pk, "inspections")
    assert row.title.startswith("六查六看自查：六查六看自查 本月") and row.url == self_check.get_absolute_url()
    client.force_login(org.head_wuye)
    body = client.get(row.activity.get_absolute_url()).content.decode()
    assert "六查六看自查：六查六看自查 本月" in body


def test_a_saved_discussion_record_appears_once_on_the_activity(client, org):
    from qualityservice.inspections.models import DiscussionRecord

    campaign = make_campaign(org)
    client.force_login(org.head_wuye)
    data = {"department": org.wuye.pk, "topic": "优质服务我应该做什么", "held_on": campaign.starts_on.isoformat(),
            "participants": "全体班组长", "summary": "结合岗位谈改进服务态度。", "submission_key": "a" * 32}
    client.post(reverse("inspections:discussion_new"), data)
    client.post(reverse("inspections:discussion_new"), data)  # the same form again
    record = DiscussionRecord.objects.get()
    row = Evidence.objects.get()
    assert (row.object_id, row.title, row.occurred_on) == (record.pk, "大讨论：优质服务我应该做什么", campaign.starts_on)


def test_a_closed_survey_appears_on_the_survey_activity_of_the_departments_it_rates(org):
    from qualityservice.surveys.tests.factories import make_survey
    from qualityservice.surveys.workflows import SURVEY

    campaign = make_campaign(org)
    services.adopt(campaign, campaign.menu.get(code="三(八)"), org.yinshi, key=None, by=org.head_yinshi)
    ns = make_survey(org)  # rates the catering centre and the property centre
    SURVEY.apply(ns.survey, "close", by=org.supervisor)
    SURVEY.apply(ns.survey, "reopen", by=org.supervisor)
    SURVEY.apply(ns.survey, "close", by=org.supervisor)
    rows = sorted(Evidence.objects.values_list("activity__department__code", "activity__menu_item__code", "title"))
    assert rows == [("wuye", "三(八)", "问卷调查：食堂满意度调查"), ("yinshi", "三(八)", "问卷调查：食堂满意度调查")]


def test_the_months_feedback_figures_are_recorded_once_on_the_activity_carrying_feedback(org):
    from qualityservice.feedback import services as feedback
    from qualityservice.feedback import tasks as feedback_tasks
    from qualityservice.feedback.models import PublishedFigure

    campaign = make_campaign(org)
    today = timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    PublishedFigure.objects.create(department=org.wuye, month=last_month, received=0)
    if not (campaign.starts_on <= last_month):
        pytest.skip("the test campaign starts this month")
    assert feedback_tasks.record_campaign_figures() == 1
    assert feedback.record_campaign_figures(today) == 1  # the same month again: the same row, updated
    row = Evidence.objects.get()
    assert (row.activity, row.carrier, row.occurred_on) == (activity(campaign, org.wuye, "三(二)"), "feedback",
                                                             today.replace(day=1) - dt.timedelta(days=1))
    assert row.title == f"投诉建议月度数据 {last_month:%Y-%m}：受理 0 件，按时办结率 —，回访满意度 —"


def test_the_feedback_figures_keep_their_ids_when_refreshed(org):
    from qualityservice.feedback import services as feedback
    from qualityservice.feedback.models import PublishedFigure
    from qualityservice.feedback.services import create_feedback

    create_feedback(kind="complaint", channel="web", department=org.wuye, title="楼道积水", body="三楼楼道积水")
    feedback.refresh_public_figures()
    first = list(PublishedFigure.objects.values_list("pk", "department_id", "received"))
    feedback.refresh_public_figures()
    assert list(PublishedFigure.objects.values_list("pk", "department_id", "received")) == first and first


def test_a_new_procedure_version_appears_on_the_activity_carried_by_standards(org):
    from qualityservice.standards.tests.helpers import make_procedure, new_version

    campaign = make_campaign(org)
    procedure = make_procedure(org)
    version = new_version(org, procedure)
    rows = Evidence.objects.filter(activity=activity(campaign, org.wuye, "三(二)"), carrier="standards")
    assert sorted(r.object_id for r in rows) == sorted([procedure.versions.get(sequence=1).pk, version.pk])
    assert rows.get(object_id=version.pk).title.startswith("操作规程修订：")


def test_a_saved_training_session_appears_on_the_activity_carried_by_training_and_an_edit_updates_it(org):
    from qualityservice.campaigns.services import add_menu_item, adopt
    from qualityservice.training import services as training
    from qualityservice.training.tests.helpers import make_session

    campaign = make_campaign(org)
    add_menu_item(campaign, key=None, by=org.supervisor, code="三(四)", title="岗位大比武", title_en="Skills contest",
                  description="开展岗位大比武活动。", kind="optional", carriers=["competitions", "training"], sort_order=40)
    adopt(campaign, campaign.menu.get(code="三(四)"), org.wuye, key=None, by=org.head_wuye)
    session = make_session(org)
    row = Evidence.objects.get(carrier="training")
    assert (row.activity.menu_item.code, row.object_id, row.url) == ("三(四)", session.pk, session.get_absolute_url())
    training.update_session(session, attendees=[a.staff for a in session.attendances.all()], topic="消防安全培训（补）")
    assert Evidence.objects.get(carrier="training").title.startswith("培训：消防安全培训（补）")


def test_a_session_held_appears_publicly_on_the_adopted_open_days_activity(org):
    from qualityservice.campaigns.services import adopt
    from qualityservice.events import services as events
    from qualityservice.events.tests.helpers import make_event

    campaign = make_campaign(org)
    adopt(campaign, campaign.menu.get(code="三(三)"), org.wuye, key=None, by=org.head_wuye)
    event = make_event(org, starts_in=-dt.timedelta(hours=3))
    session = event.sessions.get()
    events.move_session(session, "hold", by=org.head_wuye)
    row = Evidence.objects.get(carrier="events")
    assert (row.activity.menu_item.code, row.object_id, row.is_public) == ("三(三)", session.pk, True)
    assert "物业开放日" in row.title


# --- The activities another app's record may serve ------------------------------------------------------------


def test_it_lists_the_activities_a_carrier_may_serve_in_the_departments_asked_for(org, django_assert_num_queries):
    campaign = make_campaign(org)
    open_days = services.adopt(campaign, campaign.menu.get(code="三(三)"), org.wuye, key=None, by=org.head_wuye)[0]
    services.adopt(campaign, campaign.menu.get(code="三(三)"), org.yinshi, key=None, by=org.head_yinshi)
    with django_assert_num_queries(1):
        options = services.activities_carried_by("events", department_ids=[org.wuye.pk])
    assert [(o.pk, o.code, o.title, o.campaign, o.is_open, o.url) for o in options] == [
        (open_days.pk, "三(三)", "走进后勤", "优质服务年", True, open_days.get_absolute_url())]
    assert options[0].label == "三(三) 走进后勤 · 优质服务年"
    assert services.activities_carried_by("ideas", department_ids=[org.wuye.pk]) == []  # no menu item carried by ideas
    ACTIVITY.apply(open_days, "cancel", by=org.supervisor, note="取消")
    assert services.activities_carried_by("events", department_ids=[org.wuye.pk]) == []  # cancelled: no longer offered
    kept = services.activities_carried_by("events", department_ids=[org.wuye.pk], include=[open_days.pk])
    assert [(o.pk, o.is_open) for o in kept] == [(open_days.pk, False)]  # a choice made earlier is still shown


def test_it_records_the_evidence_only_on_the_activity_named_when_the_caller_names_one(org):
    campaign = make_campaign(org)
    services.add_menu_item(campaign, key=None, by=org.supervisor, code="三(七)", title="经验交流会", title_en="Exchange",
                           description="经验交流会。", kind="optional", carriers=["events"], sort_order=70)
    open_days = services.adopt(campaign, campaign.menu.get(code="三(三)"), org.wuye, key=None, by=org.head_wuye)[0]
    exchange = services.adopt(campaign, campaign.menu.get(code="三(七)"), org.wuye, key=None, by=org.head_wuye)[0]
    refs = _record(org.dorm, org.wuye, carrier="events", activity_id=exchange.pk)
    assert [r.activity_id for r in refs] == [exchange.pk]
    assert _record(org.canteen, org.wuye, carrier="events", activity_id=activity(campaign, org.wuye, "三(二)").pk) == []  # not carried by events
    assert sorted(r.activity_id for r in _record(org.canteen, org.wuye, carrier="events")) == sorted([open_days.pk, exchange.pk])
