"""The activity workflow on the platform's engine: planned → in progress → done (with a summary); behind schedule
only by the daily job, by date, and back when caught up; cancelled only by the supervisor, with a reason. The
date rule is checked as a property (hypothesis) and through the job."""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from qualityservice.campaigns import services, tasks
from qualityservice.campaigns.models import Campaign, DepartmentActivity
from qualityservice.campaigns.workflows import ACTIVITY, CAMPAIGN, date_move, is_late
from qualityservice.core.models import Notification, WorkflowEvent
from qualityservice.core.workflow import TransitionError, for_field

from .helpers import activity, make_campaign

pytestmark = pytest.mark.django_db

S = DepartmentActivity.Status
NOT_NOW = "无法执行"
NOT_YOURS = "您无权执行"


def _moves(obj) -> list[tuple]:
    return list(WorkflowEvent.for_object(obj).values_list("action", "from_status", "to_status", "actor"))


def _refused(obj, action, *, by, expect, **params) -> None:
    before = type(obj).objects.get(pk=obj.pk).status
    with pytest.raises(TransitionError) as exc:
        ACTIVITY.apply(obj, action, by=by, **params)
    assert expect in " ".join(exc.value.messages)
    assert type(obj).objects.get(pk=obj.pk).status == before


def test_it_registers_a_workflow_for_each_status_field():
    assert for_field(DepartmentActivity) is ACTIVITY and for_field(Campaign) is CAMPAIGN


def test_the_head_starts_and_completes_with_a_summary(org):
    campaign = make_campaign(org)
    a = activity(campaign, org.wuye, "三(二)")
    ACTIVITY.apply(a, "start", by=org.head_wuye)
    _refused(a, "complete", by=org.head_wuye, expect="请写下活动项目的成效总结", summary="  ")
    ACTIVITY.apply(a, "complete", by=org.head_wuye, summary="完成六查六看，整改问题12项")
    a.refresh_from_db()
    assert (a.status, a.summary, a.done_on) == (S.DONE, "完成六查六看，整改问题12项", timezone.localdate())
    assert [m[:3] for m in _moves(a)] == [("start", "planned", "in_progress"), ("complete", "in_progress", "done")]


def test_it_refuses_moves_to_other_departments_staff_operators_and_judges(org):
    a = activity(make_campaign(org), org.wuye, "三(二)")
    for user in (org.head_yinshi, org.staff_wuye, org.operator, org.judge):
        _refused(a, "start", by=user, expect=NOT_YOURS)
    assert _moves(a) == []


def test_only_the_supervisor_cancels_and_only_with_a_reason(org):
    a = activity(make_campaign(org), org.wuye, "三(二)")
    _refused(a, "cancel", by=org.head_wuye, expect=NOT_YOURS, note="不做了")
    _refused(a, "cancel", by=org.supervisor, expect="请说明取消的原因")
    ACTIVITY.apply(a, "cancel", by=org.supervisor, note="部门整合，并入集团统一开展")
    a.refresh_from_db()
    assert (a.status, a.cancel_reason) == (S.CANCELLED, "部门整合，并入集团统一开展")
    assert ACTIVITY.describe("cancel", WorkflowEvent.for_object(a).last().params) == "已取消：部门整合，并入集团统一开展"
    ACTIVITY.apply(a, "reopen", by=org.supervisor)
    assert DepartmentActivity.objects.get(pk=a.pk).status == S.IN_PROGRESS


def test_the_jobs_moves_are_refused_to_every_user(org):
    a = activity(make_campaign(org), org.wuye, "三(二)")
    for user in (org.head_wuye, org.supervisor, org.admin):
        _refused(a, "fall_behind", by=user, expect=NOT_YOURS)
    ACTIVITY.apply(a, "start", by=org.head_wuye)
    _refused(a, "catch_up", by=org.supervisor, expect=NOT_NOW)


def test_nothing_moves_once_the_campaign_is_closed(org):
    campaign = make_campaign(org)
    a = activity(campaign, org.wuye, "三(二)")
    CAMPAIGN.apply(campaign, "close", by=org.supervisor)
    _refused(a, "start", by=org.head_wuye, expect=NOT_YOURS)


def test_the_move_button_says_why_and_changes_nothing(client, org):
    a = activity(make_campaign(org), org.wuye, "三(二)")
    client.force_login(org.head_wuye)
    body = client.post(a.get_move_url(), {"action": "complete", "summary": ""}, follow=True).content.decode()
    assert "请写下活动项目的成效总结" in body
    body = client.post(a.get_move_url(), {"action": "fall_behind"}, follow=True).content.decode()
    assert NOT_YOURS in body
    body = client.post(a.get_move_url(), {"action": "nonsense"}, follow=True).content.decode()
    assert "未知操作" in body
    assert DepartmentActivity.objects.get(pk=a.pk).status == S.PLANNED and _moves(a) == []


def test_the_activity_page_offers_the_moves_the_user_may_take(client, org):
    a = activity(make_campaign(org), org.wuye, "三(二)")
    client.force_login(org.head_wuye)
    body = client.get(a.get_absolute_url()).content.decode()
    assert 'value="start"' in body and 'value="complete"' in body and 'value="cancel"' not in body and 'value="fall_behind"' not in body
    client.force_login(org.supervisor)
    body = client.get(a.get_absolute_url()).content.decode()
    assert 'value="cancel"' in body and 'name="reason"' in body


# --- The date rule -----------------------------------------------------------------------------------------

DAY = dt.date(2025, 6, 15)
dates = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2025, 12, 31))
statuses = st.sampled_from(S.values)


@given(status=statuses, ends_on=st.none() | dates, milestones=st.lists(dates, max_size=4), today=dates)
def test_the_date_rule_moves_only_open_activities_and_only_towards_what_the_dates_say(status, ends_on, milestones, today):
    move = date_move(status, ends_on, milestones, today)
    late = is_late(ends_on, milestones, today)
    if status in (S.DONE, S.CANCELLED):
        assert move is None  # done and cancelled are never touched
    elif status == S.BEHIND:
        assert move == (None if late else "catch_up")
    else:
        assert move == ("fall_behind" if late else None)
    # After the move the rule asks for nothing more: the job is idempotent.
    after = {"fall_behind": S.BEHIND, "catch_up": S.IN_PROGRESS, None: status}[move]
    assert date_move(after, ends_on, milestones, today) is None


@given(ends_on=dates, milestones=st.lists(dates, max_size=4), today=dates, later=st.integers(min_value=0, max_value=200))
def test_lateness_never_goes_away_by_waiting(ends_on, milestones, today, later):
    if is_late(ends_on, milestones, today):
        assert is_late(ends_on, milestones, today + dt.timedelta(days=later))


def test_the_day_itself_is_still_on_time():
    assert not is_late(DAY, [DAY], DAY)
    assert is_late(DAY, [], DAY + dt.timedelta(days=1))
    assert is_late(None, [DAY], DAY + dt.timedelta(days=1))


@hsettings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(end=st.integers(min_value=-40, max_value=40), milestone=st.none() | st.integers(min_value=-40, max_value=40),
       reached=st.booleans(), started=st.booleans())
def test_the_job_applies_the_date_rule_through_the_engine_once(org, end, milestone, reached, started):
    campaign = Campaign.objects.filter(status="active").first() or make_campaign(org, year=2025)
    today = dt.date(2025, 7, 1)
    a = DepartmentActivity.objects.create(campaign=campaign, department=org.wuye, title="自定项目", starts_on=dt.date(2025, 3, 1),
                                          ends_on=today + dt.timedelta(days=end))
    if milestone is not None:
        a.milestones.create(title="节点", due_on=today + dt.timedelta(days=milestone), done_on=today if reached else None)
    if started:
        ACTIVITY.apply(a, "start", by=org.head_wuye)
    expected_late = end < 0 or (milestone is not None and milestone < 0 and not reached)
    services.refresh_statuses(today)
    a.refresh_from_db()
    assert a.status == (S.BEHIND if expected_late else S.IN_PROGRESS if started else S.PLANNED)
    before = WorkflowEvent.for_object(a).count()
    services.refresh_statuses(today)  # idempotent
    assert WorkflowEvent.for_object(a).count() == before


def test_an_activity_catches_up_when_its_milestone_is_reported_and_the_plan_moved(org):
    campaign = make_campaign(org, year=2025)
    a = activity(campaign, org.wuye, "三(二)")
    services.save_plan(a, starts_on=dt.date(2025, 3, 1), ends_on=dt.date(2025, 9, 30),
                       milestones=[(dt.date(2025, 5, 1), "座谈会")], today=dt.date(2025, 3, 2))
    assert services.refresh_statuses(dt.date(2025, 5, 10)) == {"fall_behind": 1, "catch_up": 0}
    assert DepartmentActivity.objects.get(pk=a.pk).status == S.BEHIND
    milestone = a.milestones.get()
    services.create_report(a, key=None, by=org.head_wuye, reported_on=dt.date(2025, 5, 8), note="座谈会已开", reached=[milestone],
                           today=dt.date(2025, 5, 10))
    a.refresh_from_db()
    assert a.status == S.IN_PROGRESS
    assert [e[0] for e in _moves(a)] == ["fall_behind", "catch_up"]
    assert ACTIVITY.describe("fall_behind", WorkflowEvent.for_object(a).first().params) == "进度落后（2025-05-10检查）"


def test_falling_behind_tells_the_head_once_per_move(org, django_capture_on_commit_callbacks):
    campaign = make_campaign(org, year=2025)
    a = activity(campaign, org.wuye, "三(二)")
    services.save_plan(a, ends_on=dt.date(2025, 4, 30), today=dt.date(2025, 3, 2))
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.refresh_statuses(dt.date(2025, 5, 2))
        services.refresh_statuses(dt.date(2025, 5, 3))
    rows = [n.payload for n in Notification.objects.all()]
    assert len(rows) == 1 and rows[0]["heads_of"] == [org.wuye.pk] and "进度落后：六查六看自查自改" in rows[0]["subject"]


def test_the_daily_task_runs_the_rule_and_the_reminders():
    assert tasks.daily() == {"fall_behind": 0, "catch_up": 0, "reminders": 0}
