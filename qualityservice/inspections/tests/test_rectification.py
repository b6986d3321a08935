"""Rectifications: the department's answer, the supervisor's verification, the one transition
function, escalation of overdue ones, schedules and missed inspections, the optional feedback link."""

import datetime
import sys

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from qualityservice.core.workflow import TransitionError
from qualityservice.inspections import services, tasks
from qualityservice.inspections.models import Evidence, Finding, Inspection, InspectionSchedule, Kind
from qualityservice.inspections.workflows import RECTIFICATION

from .helpers import answer_all, items_of, jpeg_upload, make_inspection, six_checks

pytestmark = pytest.mark.django_db


@pytest.fixture
def finding(org):
    inspection = make_inspection(org.wuye, kind=Kind.SPOT, inspector=org.supervisor)
    env = next(i for i in items_of(inspection.template) if i.photo_on_fail)
    answer_all(inspection, org.supervisor, fail={env.pk})
    services.submit_inspection(inspection, org.supervisor)
    return Finding.objects.get(inspection=inspection)


def _answer_data(org, **overrides):
    data = {"measure": "每日两次巡查，增设防滑垫", "owner": org.head_wuye.staff.pk,
            "deadline": (timezone.localdate() + datetime.timedelta(days=5)).isoformat()}
    data.update(overrides)
    return data


def test_it_hides_a_rectification_from_other_departments(client, org, finding):
    url = reverse("inspections:finding_detail", args=[finding.pk])
    assert client.get(url).status_code == 302
    client.force_login(org.head_yinshi)
    assert client.get(url).status_code == 404
    assert client.post(reverse("inspections:finding_answer", args=[finding.pk]), _answer_data(org)).status_code == 404
    client.force_login(org.head_wuye)
    response = client.get(url)
    assert response.status_code == 200 and "不达标" in response.content.decode()


def test_it_records_the_departments_answer_with_evidence(client, org, finding):
    client.force_login(org.head_wuye)
    response = client.post(reverse("inspections:finding_answer", args=[finding.pk]), {**_answer_data(org), "evidence": [jpeg_upload("after.jpg")]})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == Finding.Status.SUBMITTED and finding.owner == org.head_wuye.staff and finding.rectified_at
    assert Evidence.objects.get(finding=finding).is_image
    assert list(finding.events.values_list("to_status", flat=True)) == ["open", "submitted"]
    assert finding.history.count() >= 2


@pytest.mark.parametrize("override, message", [
    ({"deadline": "2020-01-01"}, "不能早于今天"),
    ({"measure": ""}, "这个字段是必填项"),
])
def test_it_refuses_bad_answers_and_changes_nothing(client, org, finding, override, message):
    client.force_login(org.head_wuye)
    response = client.post(reverse("inspections:finding_answer", args=[finding.pk]), _answer_data(org, **override))
    assert response.status_code == 400 and message in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN and not finding.measure


def test_it_refuses_a_bad_evidence_file_and_saves_nothing(client, org, finding):
    client.force_login(org.head_wuye)
    exe = SimpleUploadedFile("virus.exe", b"MZ....", content_type="application/octet-stream")
    response = client.post(reverse("inspections:finding_answer", args=[finding.pk]), {**_answer_data(org), "evidence": [exe]})
    assert response.status_code == 400 and "只接受图片" in response.content.decode()
    fake_pdf = SimpleUploadedFile("plan.pdf", b"hello", content_type="application/pdf")
    response = client.post(reverse("inspections:finding_answer", args=[finding.pk]), {**_answer_data(org), "evidence": [fake_pdf]})
    assert response.status_code == 400 and "不是有效的PDF" in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN and not Evidence.objects.exists()


def test_it_refuses_an_owner_from_another_department(org, finding):
    with pytest.raises(ValidationError):
        services.answer_finding(finding, actor=org.head_wuye, measure="x", owner=org.head_yinshi.staff,
                                deadline=timezone.localdate())


def test_it_lets_only_the_supervisor_verify(client, org, finding):
    services.answer_finding(finding, actor=org.head_wuye, measure="整改", owner=org.head_wuye.staff, deadline=timezone.localdate())
    client.force_login(org.head_wuye)
    assert client.post(reverse("inspections:finding_verify", args=[finding.pk]), {"decision": "accept"}).status_code == 404
    client.force_login(org.supervisor)
    response = client.post(reverse("inspections:finding_verify", args=[finding.pk]), {"decision": "return", "reason": ""})
    assert response.status_code == 400 and "退回原因" in response.content.decode()
    client.post(reverse("inspections:finding_verify", args=[finding.pk]), {"decision": "return", "reason": "照片看不出整改效果"})
    finding.refresh_from_db()
    assert finding.status == Finding.Status.RETURNED and finding.return_reason == "照片看不出整改效果"
    services.answer_finding(finding, actor=org.head_wuye, measure="重新整改", owner=org.head_wuye.staff, deadline=timezone.localdate())
    client.post(reverse("inspections:finding_verify", args=[finding.pk]), {"decision": "accept"})
    finding.refresh_from_db()
    assert finding.status == Finding.Status.ACCEPTED and finding.verified_by == org.supervisor and finding.verified_at
    assert list(finding.events.values_list("to_status", flat=True)) == ["open", "submitted", "returned", "submitted", "accepted"]


def test_it_refuses_moves_the_workflow_does_not_allow(org, finding):
    """The rectification's moves (one engine, workflows.RECTIFICATION); each move in detail: test_workflows.py."""
    with pytest.raises(TransitionError):
        RECTIFICATION.apply(finding, "accept", by=org.supervisor)
    with pytest.raises(TransitionError):
        services.answer_finding(finding, actor=org.staff_wuye, measure="x", owner=org.head_wuye.staff,
                                deadline=timezone.localdate())
    services.answer_finding(finding, actor=org.head_wuye, measure="x", owner=org.head_wuye.staff, deadline=timezone.localdate())
    with pytest.raises(TransitionError):
        services.verify_finding(finding, actor=org.head_wuye, accept=True)
    assert not hasattr(services, "transition") and not hasattr(services, "TRANSITIONS")  # no second engine


def test_it_escalates_an_overdue_rectification_once(org, finding, django_capture_on_commit_callbacks):
    Finding.objects.filter(pk=finding.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    org.supervisor.email = "sup@example.com"
    org.supervisor.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.escalate_overdue_rectifications() == {"escalated": 1}
        assert tasks.escalate_overdue_rectifications() == {"escalated": 0}
    finding.refresh_from_db()
    assert finding.escalated_at is not None and finding.is_overdue
    assert [m.to for m in mail.outbox] == [["sup@example.com"]]
    assert "逾期" in mail.outbox[0].subject


def test_it_does_not_escalate_rectifications_within_their_deadline(org, finding):
    assert services.escalate_overdue_rectifications() == 0


def test_it_creates_due_inspections_from_schedules_and_marks_missed_ones(org):
    today = timezone.localdate()
    schedule = InspectionSchedule.objects.create(
        title="每周自查", kind=Kind.SELF, template=six_checks(), department=org.wuye,
        recurrence=InspectionSchedule.Recurrence.WEEKLY, start_date=today - datetime.timedelta(days=14),
    )
    created = services.generate_due_inspections(today)
    assert created == 4  # -14, -7, 0, +7 days
    assert services.generate_due_inspections(today) == 0
    assert services.mark_missed_inspections(today) == 2
    assert services.mark_missed_inspections(today) == 0
    statuses = dict(schedule.inspections.values_list("due_date", "status"))
    assert statuses[today] == Inspection.Status.DUE and statuses[today - datetime.timedelta(days=7)] == Inspection.Status.MISSED
    assert tasks.mark_missed_inspections() == {"created": 0, "missed": 0}


def test_it_repeats_monthly_schedules_on_the_same_day(org):
    schedule = InspectionSchedule(recurrence=InspectionSchedule.Recurrence.MONTHLY, start_date=datetime.date(2026, 1, 31))
    assert services.occurrences(schedule, datetime.date(2026, 4, 30)) == [
        datetime.date(2026, 1, 31), datetime.date(2026, 2, 28), datetime.date(2026, 3, 31), datetime.date(2026, 4, 30)]


def test_it_hides_the_feedback_link_when_the_feedback_service_is_missing(client, org, finding, monkeypatch):
    monkeypatch.setitem(sys.modules, "qualityservice.feedback.services", None)  # import raises ImportError
    assert services.feedback_available() is False
    client.force_login(org.supervisor)
    assert "生成反馈记录" not in client.get(finding.get_absolute_url()).content.decode()
