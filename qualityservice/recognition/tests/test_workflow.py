"""The nomination workflow on the platform's engine: who may take each move (recorded with who and when), who is
refused (with a message, nothing changed), from which status; the job's move; the buttons of the nomination page."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from qualityservice.core.models import WorkflowEvent
from qualityservice.core.workflow import TransitionError, for_field
from qualityservice.recognition import services, tasks
from qualityservice.recognition.models import Nomination
from qualityservice.recognition.workflows import NOMINATION

pytestmark = pytest.mark.django_db

NOT_NOW = "无法执行"  # core: “%(action)s” is not possible while the status is “%(status)s”.
NOT_YOURS = "您无权执行"  # core: You may not do “%(action)s” here.


def _draft(org, department=None, title="更新服务指南") -> Nomination:
    nomination, _created = services.create_nomination(key=None, by=org.head_wuye, department=department or org.wuye, title=title)
    return nomination


def _moves(nomination) -> list[tuple]:
    return list(WorkflowEvent.for_object(nomination).values_list("action", "from_status", "to_status", "actor"))


def _refused(nomination, action, *, by, expect) -> str:
    before = Nomination.objects.get(pk=nomination.pk).status
    with pytest.raises(TransitionError) as exc:
        NOMINATION.apply(nomination, action, by=by)
    message = " ".join(exc.value.messages)
    assert expect in message
    assert Nomination.objects.get(pk=nomination.pk).status == before
    return message


def test_it_registers_the_workflow_of_the_status_field():
    assert for_field(Nomination) is NOMINATION


def test_it_lets_the_head_submit_records_who_and_tells_the_supervisors(org, django_capture_on_commit_callbacks):
    org.supervisor.email = "sup@example.edu.cn"
    org.supervisor.save()
    nomination = _draft(org)
    with django_capture_on_commit_callbacks(execute=True):
        services.move(nomination, "submit", by=org.head_wuye)
    assert nomination.status == Nomination.Status.SUBMITTED and nomination.submitted_at is not None
    assert _moves(nomination) == [("submit", "draft", "submitted", org.head_wuye.pk)]
    assert [m.to for m in mail.outbox if "待关闭推荐" in m.subject] == [["sup@example.edu.cn"]]


def test_it_refuses_a_submission_by_plain_staff_another_department_the_operator_and_the_judge(org):
    nomination = _draft(org)
    for user in (org.staff_wuye, org.head_yinshi, org.operator, org.judge):
        _refused(nomination, "submit", by=user, expect=NOT_YOURS)
    assert _moves(nomination) == [] and Nomination.objects.get().submitted_at is None


def test_it_refuses_to_submit_an_nomination_twice(org):
    nomination = _draft(org)
    services.move(nomination, "submit", by=org.head_wuye)
    message = _refused(nomination, "submit", by=org.supervisor, expect=NOT_NOW)
    assert "已提交" in message
    assert len(_moves(nomination)) == 1


def test_it_lets_only_the_supervisor_close(org):
    nomination = _draft(org)
    services.move(nomination, "submit", by=org.head_wuye)
    _refused(nomination, "close", by=org.head_wuye, expect=NOT_YOURS)
    services.move(nomination, "close", by=org.supervisor)
    assert nomination.status == Nomination.Status.CLOSED and nomination.closed_at is not None
    assert _moves(nomination)[-1] == ("close", "submitted", "closed", org.supervisor.pk)


def test_it_refuses_to_close_a_draft(org):
    message = _refused(_draft(org), "close", by=org.supervisor, expect=NOT_NOW)
    assert "草稿" in message


def test_it_leaves_the_jobs_move_to_the_job(org):
    nomination = _draft(org)
    services.move(nomination, "submit", by=org.head_wuye)
    for user in (org.supervisor, org.admin):
        _refused(nomination, "expire", by=user, expect=NOT_YOURS)


def test_the_job_closes_stale_nominations_once_and_the_timeline_says_why(org, settings):
    settings.QS_RECOGNITION_CLOSE_AFTER_DAYS = 30
    stale, fresh, draft = _draft(org, title="旧推荐"), _draft(org, title="新推荐"), _draft(org, org.yinshi, title="草稿推荐")
    for nomination in (stale, fresh):
        services.move(nomination, "submit", by=org.supervisor)
    Nomination.objects.filter(pk=stale.pk).update(submitted_at=timezone.now() - dt.timedelta(days=31))
    Nomination.objects.filter(pk=draft.pk).update(created_at=timezone.now() - dt.timedelta(days=90))
    assert tasks.close_stale_nominations() == 1
    assert tasks.close_stale_nominations() == 0  # idempotent
    assert [i.status for i in Nomination.objects.filter(pk__in=[stale.pk, fresh.pk, draft.pk]).order_by("pk")] == ["closed", "submitted", "draft"]
    event = WorkflowEvent.for_object(stale).last()
    assert (event.action, event.actor) == ("expire", None)
    assert NOMINATION.describe(event.action, event.params) == "30天后自动关闭"


def test_the_move_button_says_why_a_move_is_refused_and_changes_nothing(client, org):
    nomination = _draft(org)
    client.force_login(org.head_wuye)
    body = client.post(nomination.get_move_url(), {"action": "close"}, follow=True).content.decode()
    assert NOT_NOW in body and "关闭" in body
    body = client.post(nomination.get_move_url(), {"action": "nonsense"}, follow=True).content.decode()
    assert "未知操作" in body
    assert Nomination.objects.get().status == Nomination.Status.DRAFT and _moves(nomination) == []


def test_the_nomination_page_offers_the_moves_the_user_may_take_and_shows_the_timeline(client, org):
    nomination = _draft(org)
    client.force_login(org.head_wuye)
    body = client.get(nomination.get_absolute_url()).content.decode()
    assert 'value="submit"' in body and 'value="close"' not in body
    client.post(nomination.get_move_url(), {"action": "submit"})
    client.force_login(org.supervisor)
    body = client.get(nomination.get_absolute_url()).content.decode()
    assert 'value="close"' in body and 'value="submit"' not in body and 'value="expire"' not in body
    client.post(nomination.get_move_url(), {"action": "close"})
    body = client.get(nomination.get_absolute_url()).content.decode()
    assert "已提交，待关闭" in body and "物业主任" in body and "督查员" in body
    assert 'name="action"' not in body


def test_the_job_leaves_a_nomination_in_a_round_for_the_rounds_stages(org, settings):
    from qualityservice.recognition.models import Round

    settings.QS_RECOGNITION_CLOSE_AFTER_DAYS = 30
    rnd, _created = services.create_round(key=None, by=org.supervisor, kind=Round.Kind.SERVICE_STAR, title="长周期评选",
                                          period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31), winners=1)
    in_round = _draft(org, title="评选中的推荐")
    Nomination.objects.filter(pk=in_round.pk).update(round=rnd)
    services.move(in_round, "submit", by=org.supervisor)
    Nomination.objects.filter(pk=in_round.pk).update(submitted_at=timezone.now() - dt.timedelta(days=90))
    assert tasks.close_stale_nominations() == 0
    assert Nomination.objects.get(pk=in_round.pk).status == "submitted"
