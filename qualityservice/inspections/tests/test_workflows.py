"""The two workflows of inspections on the platform's engine: every move of an inspection's status and of a
rectification — who may take it (recorded with the actor), who is refused (with a message), and from which
status it is refused."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from qualityservice.core.models import WorkflowEvent
from qualityservice.core.workflow import TransitionError, for_field
from qualityservice.inspections import services
from qualityservice.inspections.models import Finding, FindingEvent, Inspection, Kind
from qualityservice.inspections.workflows import INSPECTION, RECTIFICATION

from .helpers import answer_all, items_of, make_inspection

pytestmark = pytest.mark.django_db

NOT_NOW = "无法执行"  # “…” is not possible while the status is “…”.
NOT_YOURS = "您无权执行"  # You may not do “…” here.


def _refused(flow, obj, action, *, by, expect, **params) -> str:
    before = flow.status_of(type(obj).objects.get(pk=obj.pk))
    with pytest.raises(TransitionError) as exc:
        flow.apply(obj, action, by=by, **params)
    message = " ".join(exc.value.messages)
    assert expect in message
    assert flow.status_of(type(obj).objects.get(pk=obj.pk)) == before
    return message


def _moves(obj):
    return list(WorkflowEvent.for_object(obj).values_list("action", "from_status", "to_status", "actor"))


def test_it_registers_one_workflow_per_status_field():
    assert for_field(Inspection) is INSPECTION
    assert for_field(Finding) is RECTIFICATION


# --- Inspection status ------------------------------------------------------------------------------


def test_it_starts_a_due_inspection_for_the_head_and_records_who(org):
    inspection = make_inspection(org.wuye)
    INSPECTION.apply(inspection, "start", by=org.head_wuye)
    assert inspection.status == Inspection.Status.DRAFT and inspection.started_at and inspection.inspector == org.head_wuye
    assert _moves(inspection) == [("start", "due", "draft", org.head_wuye.pk)]


def test_it_refuses_to_start_for_other_departments_plain_staff_and_other_kinds(org):
    inspection = make_inspection(org.wuye)
    for user in (org.head_yinshi, org.staff_wuye, org.operator):
        _refused(INSPECTION, inspection, "start", by=user, expect=NOT_YOURS)
    spot = make_inspection(org.wuye, kind=Kind.SPOT)
    _refused(INSPECTION, spot, "start", by=org.head_wuye, expect=NOT_YOURS)  # heads fill only self-checks
    INSPECTION.apply(spot, "start", by=org.supervisor)
    assert not WorkflowEvent.for_object(inspection).exists()


def test_it_refuses_to_start_an_inspection_already_started(org):
    inspection = make_inspection(org.wuye)
    INSPECTION.apply(inspection, "start", by=org.head_wuye)
    message = _refused(INSPECTION, inspection, "start", by=org.head_wuye, expect=NOT_NOW)
    assert "检查中" in message
    assert len(_moves(inspection)) == 1


def test_it_starts_an_inspection_once_when_it_is_first_answered_or_opened(client, org):
    inspection = make_inspection(org.wuye)
    client.force_login(org.head_wuye)
    client.get(f"/staff/inspections/{inspection.pk}/fill/")
    client.get(f"/staff/inspections/{inspection.pk}/fill/")
    answer_all(inspection, org.head_wuye)
    assert _moves(inspection) == [("start", "due", "draft", org.head_wuye.pk)]


def test_it_submits_with_the_score_on_the_locked_row_and_records_who(org):
    inspection = make_inspection(org.wuye)
    answer_all(inspection, org.head_wuye)
    services.submit_inspection(inspection, org.head_wuye, location="物业楼", summary="良好")
    inspection.refresh_from_db()
    assert (inspection.status, inspection.score, inspection.passed, inspection.location) == (
        Inspection.Status.SUBMITTED, 100, True, "物业楼")
    assert _moves(inspection)[-1] == ("submit", "draft", "submitted", org.head_wuye.pk)
    assert WorkflowEvent.for_object(inspection).last().params == {"score": "100.00"}


def test_it_refuses_a_submission_by_other_departments_and_plain_staff(org):
    inspection = make_inspection(org.wuye)
    answer_all(inspection, org.head_wuye)
    for user in (org.head_yinshi, org.staff_wuye, org.judge):
        _refused(INSPECTION, inspection, "submit", by=user, expect=NOT_YOURS)
    assert inspection.score is None and not Finding.objects.exists()


def test_it_refuses_a_second_submission_and_changes_nothing(client, org):
    inspection = make_inspection(org.wuye, kind=Kind.SPOT, inspector=org.supervisor)
    env = next(i for i in items_of(inspection.template) if i.photo_on_fail)
    answer_all(inspection, org.supervisor, fail={env.pk})
    services.submit_inspection(inspection, org.supervisor)
    message = _refused(INSPECTION, inspection, "submit", by=org.supervisor, expect=NOT_NOW)
    assert "已完成" in message
    assert Finding.objects.count() == 1 and len(_moves(inspection)) == 2
    client.force_login(org.supervisor)  # the page's double click lands on the result
    response = client.post(f"/staff/inspections/{inspection.pk}/submit/", follow=True)
    assert "95.83" in response.content.decode() and Finding.objects.count() == 1


def test_it_shows_the_status_moves_on_the_inspection_page(client, org):
    inspection = make_inspection(org.wuye)
    answer_all(inspection, org.head_wuye)
    services.submit_inspection(inspection, org.head_wuye)
    client.force_login(org.supervisor)
    body = client.get(inspection.get_absolute_url()).content.decode()
    assert "检查已开始" in body and "检查已提交" in body


def test_it_marks_an_inspection_missed_only_as_a_job_after_its_due_date(org):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    late = make_inspection(org.wuye, due_date=yesterday)
    _refused(INSPECTION, late, "miss", by=org.supervisor, expect=NOT_YOURS)
    on_time = make_inspection(org.wuye)
    with pytest.raises(TransitionError) as exc:
        INSPECTION.apply(on_time, "miss", system=True)
    assert "尚未到期" in exc.value.messages[0]
    INSPECTION.apply(late, "miss", system=True)
    assert late.status == Inspection.Status.MISSED
    assert _moves(late) == [("miss", "due", "missed", None)]
    assert INSPECTION.describe("miss", WorkflowEvent.for_object(late).get().params) == f"已错过：应于{yesterday.isoformat()}完成"


def test_it_refuses_to_mark_a_submitted_inspection_missed(org):
    inspection = make_inspection(org.wuye)
    answer_all(inspection, org.head_wuye)
    services.submit_inspection(inspection, org.head_wuye)
    with pytest.raises(TransitionError) as exc:
        INSPECTION.apply(inspection, "miss", system=True)
    assert NOT_NOW in exc.value.messages[0]


def test_it_records_an_event_per_missed_inspection_in_the_missed_job(org):
    today = timezone.localdate()
    due = make_inspection(org.wuye, due_date=today - datetime.timedelta(days=3))
    started = make_inspection(org.yinshi, due_date=today - datetime.timedelta(days=2))
    INSPECTION.apply(started, "start", by=org.head_yinshi)
    current = make_inspection(org.wuye, due_date=today)
    assert services.mark_missed_inspections(today) == 2
    assert services.mark_missed_inspections(today) == 0
    assert _moves(due) == [("miss", "due", "missed", None)]
    assert _moves(started)[-1] == ("miss", "draft", "missed", None)
    assert not WorkflowEvent.for_object(current).exists()
    assert due.history.filter(status=Inspection.Status.MISSED).exists()  # the audit history too


# --- Rectifications ------------------------------------------------------------------------------------


@pytest.fixture
def finding(org):
    inspection = make_inspection(org.wuye, kind=Kind.SPOT, inspector=org.supervisor)
    env = next(i for i in items_of(inspection.template) if i.photo_on_fail)
    answer_all(inspection, org.supervisor, fail={env.pk})
    services.submit_inspection(inspection, org.supervisor)
    return Finding.objects.get(inspection=inspection)


def _answer(org, **overrides):
    params = {"measure": "增设防滑垫", "owner": org.head_wuye.staff, "deadline": timezone.localdate() + datetime.timedelta(days=3)}
    params.update(overrides)
    return params


def _timeline(finding):
    """The moves (not the rows that are no move: the creation, an escalation)."""
    return list(FindingEvent.objects.filter(finding=finding, action__in=list(RECTIFICATION.by_action)).values_list(
        "action", "from_status", "to_status", "actor"))


def test_it_lets_the_head_answer_a_rectification_and_tells_the_supervisors(org, finding, django_capture_on_commit_callbacks):
    org.supervisor.email = "sup@example.edu.cn"
    org.supervisor.save()
    with django_capture_on_commit_callbacks(execute=True):
        RECTIFICATION.apply(finding, "answer", by=org.head_wuye, **_answer(org))
    assert finding.status == Finding.Status.SUBMITTED and finding.measure == "增设防滑垫" and finding.rectified_at
    assert _timeline(finding) == [("answer", "open", "submitted", org.head_wuye.pk)]
    event = finding.events.get(action="answer")
    assert event.params["owner_id"] == org.head_wuye.staff.pk
    assert RECTIFICATION.describe(event.action, event.params).startswith(f"已整改：责任人{org.head_wuye.staff.name}")
    assert [m.to for m in mail.outbox if "整改待验收" in m.subject] == [["sup@example.edu.cn"]]


def test_it_refuses_an_answer_by_plain_staff_another_department_or_without_a_measure(org, finding):
    for user in (org.staff_wuye, org.head_yinshi, org.operator):
        _refused(RECTIFICATION, finding, "answer", by=user, expect=NOT_YOURS, **_answer(org))
    _refused(RECTIFICATION, finding, "answer", by=org.head_wuye, expect="整改措施", **_answer(org, measure=" "))
    assert not _timeline(finding)


def test_it_refuses_an_answer_to_a_rectification_awaiting_verification(org, finding):
    RECTIFICATION.apply(finding, "answer", by=org.head_wuye, **_answer(org))
    message = _refused(RECTIFICATION, finding, "answer", by=org.head_wuye, expect=NOT_NOW, **_answer(org))
    assert "提交验收" in message


def test_it_lets_the_supervisor_accept_and_records_who(org, finding):
    RECTIFICATION.apply(finding, "answer", by=org.head_wuye, **_answer(org))
    RECTIFICATION.apply(finding, "accept", by=org.supervisor)
    assert finding.status == Finding.Status.ACCEPTED and finding.verified_by == org.supervisor and finding.verified_at
    assert _timeline(finding)[-1] == ("accept", "submitted", "accepted", org.supervisor.pk)


def test_it_refuses_an_acceptance_by_the_head(org, finding):
    RECTIFICATION.apply(finding, "answer", by=org.head_wuye, **_answer(org))
    _refused(RECTIFICATION, finding, "accept", by=org.head_wuye, expect=NOT_YOURS)
    assert finding.verified_by is None


def test_it_refuses_to_accept_a_rectification_not_answered_yet(org, finding):
    message = _refused(RECTIFICATION, finding, "accept", by=org.supervisor, expect=NOT_NOW)
    assert "验收通过" in message and "待整改" in message


def test_it_lets_the_supervisor_send_back_with_a_reason_and_tells_the_heads(org, finding, django_capture_on_commit_callbacks):
    org.head_wuye.email = "wuye@example.edu.cn"
    org.head_wuye.save()
    RECTIFICATION.apply(finding, "answer", by=org.head_wuye, **_answer(org))
    Finding.objects.filter(pk=finding.pk).update(escalated_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        RECTIFICATION.apply(finding, "return", by=org.supervisor, note=" 照片看不出整改效果 ")
    assert finding.status == Finding.Status.RETURNED and finding.return_reason == "照片看不出整改效果"
    assert finding.escalated_at is None  # a new round may escalate again
    event = finding.events.get(action="return")
    assert (event.actor, event.note) == (org.supervisor, "照片看不出整改效果")
    assert [m.to for m in mail.outbox if "整改被退回" in m.subject] == [["wuye@example.edu.cn"]]
    RECTIFICATION.apply(finding, "answer", by=org.head_wuye, **_answer(org))  # and answered again
    assert [a for a, *_rest in _timeline(finding)] == ["answer", "return", "answer"]


def test_it_refuses_to_send_back_without_a_reason_or_by_the_head(org, finding):
    RECTIFICATION.apply(finding, "answer", by=org.head_wuye, **_answer(org))
    with pytest.raises(TransitionError) as exc:
        RECTIFICATION.apply(finding, "return", by=org.supervisor, note="  ")
    assert exc.value.message_dict == {"reason": ["请填写退回原因。"]}
    _refused(RECTIFICATION, finding, "return", by=org.head_wuye, expect=NOT_YOURS, note="不行")
    assert [a for a, *_rest in _timeline(finding)] == ["answer"]


def test_it_refuses_to_send_back_a_rectification_not_answered_yet(org, finding):
    _refused(RECTIFICATION, finding, "return", by=org.supervisor, expect=NOT_NOW, note="不行")


def test_it_shows_the_moves_as_sentences_on_the_rectification_page(client, org, finding):
    services.answer_finding(finding, actor=org.head_wuye, **_answer(org))
    services.verify_finding(finding, actor=org.supervisor, accept=False, reason="照片模糊")
    client.force_login(org.head_wuye)
    body = client.get(finding.get_absolute_url()).content.decode()
    assert "已整改：责任人" in body and "退回重新整改" in body and "照片模糊" in body
