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


def test_it_titles_the_feedback_record_with_the_answer_not_with_the_question(client, org):
    from qualityservice.feedback.models import Feedback

    ns = make_survey(org)
    long_answer = "晚上九点以后食堂只开一个窗口，排队要二十分钟，希望增加夜宵窗口并延长营业时间，另外饭菜的保温也要改进一下，不然太凉了，" * 2
    add_responses(ns, 1, text="  窗口太少，\n排队要二十分钟。")
    add_responses(ns, 1, text=long_answer)
    client.force_login(org.supervisor)
    short, long = Answer.objects.filter(question=ns.text).order_by("pk")
    for answer in (short, long):
        client.post(reverse("surveys:answer_to_feedback", args=[ns.survey.pk, answer.pk]), {"department": org.yinshi.pk})
    titles = list(Feedback.objects.order_by("pk").values_list("title", flat=True))
    assert titles == ["窗口太少，", long_answer[:59] + "…"]
    assert ns.text.text not in "".join(titles) and "Survey answer" not in "".join(titles)
