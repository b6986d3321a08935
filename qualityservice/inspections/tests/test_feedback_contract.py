"""The link from a finding to the feedback app, through the real ``feedback.services.create_feedback``
(the contract: a typed ``FeedbackRef`` with the tracking code and the staff URL of the record)."""

import pytest
from django.urls import reverse

from qualityservice.inspections import services
from qualityservice.inspections.models import Finding, Kind

from .helpers import answer_all, items_of, make_inspection

pytestmark = pytest.mark.django_db


@pytest.fixture
def finding(org):
    inspection = make_inspection(org.wuye, kind=Kind.SPOT, inspector=org.supervisor)
    env = next(i for i in items_of(inspection.template) if i.photo_on_fail)
    answer_all(inspection, org.supervisor, fail={env.pk})
    services.submit_inspection(inspection, org.supervisor)
    return Finding.objects.get(inspection=inspection)


def test_it_turns_a_finding_into_one_feedback_record_and_keeps_its_tracking_code(client, org, finding):
    from qualityservice.feedback.models import Feedback
    from qualityservice.feedback.services import FeedbackRef, create_feedback

    client.force_login(org.supervisor)
    assert "生成反馈记录" in client.get(finding.get_absolute_url()).content.decode()
    url = reverse("inspections:finding_feedback", args=[finding.pk])
    client.post(url)
    client.post(url)  # a second click adds nothing
    record = Feedback.objects.get()
    finding.refresh_from_db()
    assert finding.feedback_code == record.code
    assert (record.department, record.channel, record.kind, record.anonymous) == (org.wuye, "inspection", "complaint", True)
    assert record.source_ref == f"inspections.finding:{finding.pk}" and record.created_by == org.supervisor
    assert record.body == finding.problem and record.events.get().action == "create"
    # The same call as the link makes, answered by the record already created (its submission key).
    ref = create_feedback(kind="complaint", channel="inspection", department=org.wuye, title="x", body="x",
                          submission_key=f"insp-finding-{finding.pk}")
    assert ref == FeedbackRef(pk=record.pk, code=record.code, url=reverse("feedback:detail", args=[record.pk]))
    assert Feedback.objects.count() == 1
