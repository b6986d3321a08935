"""A free-text answer turned into a feedback record through the real ``feedback.services.create_feedback``
(the contract: a typed ``FeedbackRef`` with the tracking code and the staff URL of the record)."""

import uuid

import pytest
from django.urls import reverse

from qualityservice.surveys.models import Answer

from .factories import add_responses, make_survey

pytestmark = pytest.mark.django_db


def test_it_turns_a_free_text_answer_into_one_feedback_record_and_keeps_its_tracking_code(client, org):
    from qualityservice.feedback.models import Feedback
    from qualityservice.feedback.services import FeedbackRef, create_feedback

    ns = make_survey(org, ask_place=True)
    add_responses(ns, 1, rating=5, nps=10, respondent_type="student", text="窗口太少", place=org.canteen)
    client.force_login(org.supervisor)
    assert "转为意见记录" in client.get(reverse("surveys:results", args=[ns.survey.pk])).content.decode()
    answer = Answer.objects.get(question=ns.text)
    url = reverse("surveys:answer_to_feedback", args=[ns.survey.pk, answer.pk])
    client.post(url, {"department": org.yinshi.pk})
    client.post(url, {"department": org.yinshi.pk})  # a second click adds nothing
    record = Feedback.objects.get()
    answer.refresh_from_db()
    assert answer.feedback_ref == record.code
    assert (record.department, record.channel, record.kind, record.anonymous) == (org.yinshi, "survey", "suggestion", True)
    assert record.body == "窗口太少" and record.source_ref == f"survey-answer:{answer.pk}"
    assert record.created_by == org.supervisor and record.events.get().action == "create"
    # The same call as the view makes, answered by the record already created (its submission key).
    ref = create_feedback(kind="suggestion", channel="survey", department=org.yinshi, title="x", body="x",
                          submission_key=uuid.uuid5(uuid.NAMESPACE_URL, f"qualityservice:survey-answer:{answer.pk}"))
    assert ref == FeedbackRef(pk=record.pk, code=record.code, url=reverse("feedback:detail", args=[record.pk]))
    assert Feedback.objects.count() == 1
