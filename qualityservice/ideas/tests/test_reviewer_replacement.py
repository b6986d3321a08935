"""The coordinator replaces an assigned reviewer who has not scored — or, for a conflict of interest, one who has —
by another, with a reason: the new reviewer is told and gets a fresh deadline from the round's review commitment;
the old assignment stays in the record (marked replaced, on the coordinator's page, a move on the idea's timeline
through the workflow engine) and the old reviewer loses access to the idea and the scoring page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from qualityservice.core.models import WorkflowEvent
from qualityservice.ideas import services
from qualityservice.ideas.models import Assignment, Idea
from qualityservice.ideas.tests.factories import judge, make_idea, make_round, score, to_review
from qualityservice.ideas.workflows import IDEA

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(org):
    """An idea of the property centre's round (review commitment: 10 days) under review by two judges; the first
    was assigned 12 days ago and has not scored (overdue)."""
    round_ = make_round(org.wuye, title="物业中心金点子", review_days=10)
    idea = make_idea(round_, org.staff_wuye, title="报修流程改为线上扫码报修")
    late, other = judge(org, "迟到评委"), judge(org, "另一评委")
    to_review(idea, org.head_wuye, [late, other])
    Assignment.objects.filter(idea=idea, reviewer=late).update(assigned_at=timezone.now() - dt.timedelta(days=12),
                                                               due_at=timezone.now() - dt.timedelta(days=2))
    return {"idea": Idea.objects.get(pk=idea.pk), "late": late, "other": other, "new": judge(org, "接替评委"),
            "old": Assignment.objects.get(idea=idea, reviewer=late)}


def _replace(client, review, **data):
    return client.post(reverse("ideas:replace_reviewer", args=[review["idea"].pk]),
                       {"assignment": review["old"].pk, "judge": review["new"].pk, "reason": "评委出差，无法按期评审", **data}, follow=True)


def test_the_coordinator_replaces_a_reviewer_who_has_not_scored_and_the_new_one_gets_a_fresh_deadline(client, org, review,
                                                                                                      django_capture_on_commit_callbacks):
    review["new"].email = "new-judge@example.edu.cn"
    review["new"].save()
    client.force_login(org.head_wuye)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        body = _replace(client, review).content.decode()
    assert "已更换评审人" in body
    old = Assignment.objects.get(pk=review["old"].pk)
    new = Assignment.objects.get(idea=review["idea"], reviewer=review["new"])
    assert (old.replaced_by, old.replacement_reason, old.replaced_with) == (org.head_wuye, "评委出差，无法按期评审", new)
    assert old.replaced_at is not None and old.due_at < before  # kept as it was
    assert before + dt.timedelta(days=10) <= new.due_at <= timezone.now() + dt.timedelta(days=10)
    assert (new.assigned_by, new.submitted_at, new.replaced_at) == (org.head_wuye, None, None)
    sent = [m for m in mail.outbox if m.to == ["new-judge@example.edu.cn"]]
    assert len(sent) == 1 and "请评审" in sent[0].subject and review["idea"].get_review_url() in sent[0].body
    assert timezone.localtime(new.due_at).strftime("%Y-%m-%d %H:%M") in sent[0].body
    # The timeline: one move of the workflow engine (still under review), without the reviewers' names.
    event = WorkflowEvent.for_object(review["idea"]).filter(action="replace").get()
    assert (event.from_status, event.to_status, event.actor) == ("review", "review", org.head_wuye)
    texts = [e.text for e in services.timeline(review["idea"])]
    assert any("评委出差，无法按期评审" in t and "更换" in t for t in texts)
    assert not any("迟到评委" in t or "接替评委" in t for t in texts)
    # The coordinator's page keeps the replaced assignment, marked.
    page = client.get(review["idea"].get_absolute_url()).content.decode()
    assert page.count('data-testid="replaced-review"') == 1 and page.count('data-testid="review"') == 2
    assert "迟到评委" in page and "接替评委" in page


def test_the_replaced_reviewer_loses_access_and_the_new_one_scores(client, org, review):
    IDEA.apply(review["idea"], "replace", by=org.head_wuye, assignment=review["old"], reviewer=review["new"], reason="出差")
    client.force_login(review["late"])
    assert client.get(review["idea"].get_review_url()).status_code == 404
    assert client.get(review["idea"].get_absolute_url()).status_code == 404
    assert "报修流程改为线上扫码报修" not in client.get(reverse("ideas:mine")).content.decode()
    with pytest.raises(ValidationError, match="不再是"):
        score(review["idea"], review["late"])
    assert not Assignment.objects.get(pk=review["old"].pk).sheets.exists()
    client.force_login(review["new"])
    assert "报修流程改为线上扫码报修" in client.get(review["idea"].get_review_url()).content.decode()
    score(review["idea"], review["new"], values=(10, 10, 10, 10))
    assert Idea.objects.get(pk=review["idea"].pk).score == Decimal("100.00")


def test_a_reviewer_who_has_scored_is_replaced_only_for_a_conflict_of_interest_and_their_score_stops_counting(client, org, review):
    score(review["idea"], review["late"], values=(2, 2, 2, 2))
    score(review["idea"], review["other"], values=(8, 8, 8, 8))
    assert Idea.objects.get(pk=review["idea"].pk).score == Decimal("50.00")
    client.force_login(org.head_wuye)
    body = _replace(client, review).content.decode()
    assert "已评分" in body and "利益冲突" in body
    assert Assignment.objects.get(pk=review["old"].pk).replaced_at is None
    assert not Assignment.objects.filter(reviewer=review["new"]).exists()
    _replace(client, review, conflict="on", reason="该评委系作者的直接上级")
    assert Assignment.objects.get(pk=review["old"].pk).replaced_at is not None
    assert Idea.objects.get(pk=review["idea"].pk).score == Decimal("80.00")  # the other reviewer's alone


@pytest.mark.parametrize("data, message", [
    ({"reason": " "}, "这个字段是必填项"),
    ({"judge": ""}, "请选择一位新的评审人"),
    ({"other": "T0001"}, "请选择一位新的评审人"),  # a judge and a member of staff: two
], ids=["no reason", "no new reviewer", "two new reviewers"])
def test_bad_input_gets_a_message_and_changes_nothing(client, org, review, data, message):
    from qualityservice.org.tests.factories import StaffFactory, UserFactory

    StaffFactory(department=org.wuye, badge_number="T0001", user=UserFactory(), name="员工评审")
    client.force_login(org.head_wuye)
    body = _replace(client, review, **data).content.decode()
    assert message in body
    assert Assignment.objects.get(pk=review["old"].pk).replaced_at is None and Assignment.objects.filter(idea=review["idea"]).count() == 2


def test_it_refuses_an_author_an_existing_or_former_reviewer_and_a_reviewer_already_replaced(org, review):
    from qualityservice.core.workflow import TransitionError

    idea = review["idea"]
    with pytest.raises(TransitionError, match="作者"):
        IDEA.apply(idea, "replace", by=org.head_wuye, assignment=review["old"], reviewer=org.staff_wuye, reason="x")
    with pytest.raises(TransitionError, match="已是"):
        IDEA.apply(idea, "replace", by=org.head_wuye, assignment=review["old"], reviewer=review["other"], reason="x")
    IDEA.apply(idea, "replace", by=org.head_wuye, assignment=review["old"], reviewer=review["new"], reason="出差")
    with pytest.raises(TransitionError, match="已被更换"):
        IDEA.apply(Idea.objects.get(pk=idea.pk), "replace", by=org.head_wuye, assignment=review["old"], reviewer=judge(org, "又一位"), reason="x")
    back = Assignment.objects.get(idea=idea, reviewer=review["new"])
    with pytest.raises(TransitionError, match="已是"):  # the replaced reviewer cannot come back on the idea
        IDEA.apply(Idea.objects.get(pk=idea.pk), "replace", by=org.head_wuye, assignment=back, reviewer=review["late"], reason="x")
    assert Assignment.objects.filter(idea=idea).count() == 3


def test_only_the_ideas_coordinators_replace_a_reviewer(client, org, review):
    for user in (review["late"], review["other"], org.staff_wuye, org.head_yinshi, org.operator):
        client.force_login(user)
        response = client.post(reverse("ideas:replace_reviewer", args=[review["idea"].pk]),
                               {"assignment": review["old"].pk, "judge": review["new"].pk, "reason": "x"})
        assert response.status_code == 404, user
    assert Assignment.objects.get(pk=review["old"].pk).replaced_at is None
    client.force_login(org.supervisor)
    assert 'data-testid="replace-form"' in client.get(review["idea"].get_absolute_url()).content.decode()
    client.force_login(org.staff_wuye)  # the author: no form
    assert 'data-testid="replace-form"' not in client.get(review["idea"].get_absolute_url()).content.decode()


def test_the_overdue_job_and_the_backlog_forget_a_replaced_reviewer(org, review):
    IDEA.apply(review["idea"], "replace", by=org.head_wuye, assignment=review["old"], reviewer=review["new"], reason="出差")
    assert services.escalate_overdue_reviews() == 0
    assert set(Assignment.objects.pending().values_list("reviewer_id", flat=True)) == {review["other"].pk, review["new"].pk}
