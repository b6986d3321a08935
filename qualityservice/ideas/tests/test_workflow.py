"""The idea workflow on the platform's one engine: who may take each move (recorded with who and when), who is
refused (with a message, nothing changed), the reasons the author reads, the reviewers' assignment (notified, with
the deadline of the round's commitment, never an author), the overdue reviews escalated by the job exactly once,
the owner's implementation and the verifier who is never the author."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from qualityservice.core.models import WorkflowEvent
from qualityservice.core.workflow import TransitionError, for_field
from qualityservice.ideas import services, tasks
from qualityservice.ideas.models import Assignment, Idea, Measurement
from qualityservice.ideas.tests.factories import judge, make_idea, make_round, measure_kwh, score, to_implemented, to_review
from qualityservice.ideas.workflows import IDEA

pytestmark = pytest.mark.django_db

NOT_NOW = "无法执行"  # core: “%(action)s” is not possible while the status is “%(status)s”.
NOT_YOURS = "您无权执行"  # core: You may not do “%(action)s” here.


def _moves(idea) -> list[tuple]:
    """The idea's status moves (not the timeline's notes), oldest first."""
    return list(WorkflowEvent.for_object(idea).exclude(action__in=list(IDEA.notes))
                .values_list("action", "from_status", "to_status", "actor"))


def _refused(idea, action, *, by, expect, **params) -> str:
    before = Idea.objects.get(pk=idea.pk).status
    with pytest.raises(TransitionError) as exc:
        IDEA.apply(idea, action, by=by, **params)
    message = " ".join(exc.value.messages)
    assert expect in message, message
    assert Idea.objects.get(pk=idea.pk).status == before
    return message


@pytest.fixture
def round_(org):
    return make_round(org.wuye, title="物业中心金点子")


def test_it_registers_the_workflow_of_the_status_field():
    assert for_field(Idea) is IDEA


def test_it_lets_the_departments_head_screen_its_own_round_and_records_who(org, round_):
    idea = make_idea(round_, org.staff_wuye)
    IDEA.apply(idea, "accept", by=org.head_wuye)
    assert idea.status == "screened"
    assert _moves(idea) == [("accept", "submitted", "screened", org.head_wuye.pk)]


def test_it_refuses_screening_to_the_author_other_heads_staff_the_operator_and_judges(org, round_):
    idea = make_idea(round_, org.staff_wuye)
    for user in (org.staff_wuye, org.head_yinshi, org.operator, org.judge, org.staff_yinshi):
        _refused(idea, "accept", by=user, expect=NOT_YOURS)
    assert _moves(idea) == []


def test_a_returned_idea_tells_the_author_why_and_the_author_sends_it_again(org, round_, django_capture_on_commit_callbacks):
    org.staff_wuye.email = "author@example.edu.cn"
    org.staff_wuye.save()
    idea = make_idea(round_, org.staff_wuye)
    _refused(idea, "return", by=org.head_wuye, expect="请说明退回的原因", reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        IDEA.apply(idea, "return", by=org.head_wuye, reason="请补充费用估算")
    assert (idea.status, idea.return_reason) == ("returned", "请补充费用估算")
    assert [m.to for m in mail.outbox if "退回" in m.subject] == [["author@example.edu.cn"]]
    assert "请补充费用估算" in mail.outbox[-1].body
    _refused(idea, "resubmit", by=org.staff_yinshi, expect=NOT_YOURS)
    IDEA.apply(idea, "resubmit", by=org.staff_wuye)
    assert idea.status == "submitted"
    assert [e[0] for e in _moves(idea)] == ["return", "resubmit"]
    assert IDEA.describe("return", WorkflowEvent.for_object(idea).first().params) == "已退回作者：请补充费用估算"


def test_it_assigns_reviewers_with_the_rounds_deadline_and_tells_them(org, round_, django_capture_on_commit_callbacks):
    reviewer = judge(org)
    reviewer.email = "judge2@example.edu.cn"
    reviewer.save()
    idea = make_idea(round_, org.staff_wuye)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        to_review(idea, org.head_wuye, [reviewer])
    assignment = Assignment.objects.get(idea=idea)
    assert idea.status == "review" and assignment.reviewer == reviewer
    assert before + dt.timedelta(days=10) <= assignment.due_at <= timezone.now() + dt.timedelta(days=10)
    sent = [m for m in mail.outbox if m.to == ["judge2@example.edu.cn"]]
    assert len(sent) == 1 and "请评审" in sent[0].subject and idea.get_review_url() in sent[0].body


def test_an_author_or_co_author_is_never_a_reviewer_of_the_idea(org, round_):
    from qualityservice.org.models import Staff

    idea = make_idea(round_, org.staff_wuye, coauthors=[Staff.objects.get(user=org.judge)])
    IDEA.apply(idea, "accept", by=org.head_wuye)
    _refused(idea, "assign", by=org.head_wuye, expect="是本金点子的作者", reviewers=[org.staff_wuye])
    _refused(idea, "assign", by=org.head_wuye, expect="是本金点子的作者", reviewers=[org.judge])
    assert not Assignment.objects.exists()


def test_it_refuses_a_reviewer_twice_and_an_operator_as_reviewer(org, round_):
    reviewer = judge(org)
    idea = make_idea(round_, org.staff_wuye)
    to_review(idea, org.head_wuye, [reviewer])
    _refused(idea, "assign", by=org.head_wuye, expect="已是本金点子的评审", reviewers=[reviewer])
    _refused(idea, "assign", by=org.head_wuye, expect="不能评审", reviewers=[org.operator])
    assert Assignment.objects.count() == 1


def test_it_adopts_only_after_a_score_and_with_an_owner(org, round_):
    reviewer = judge(org)
    idea = make_idea(round_, org.staff_wuye)
    to_review(idea, org.head_wuye, [reviewer])
    _refused(idea, "adopt", by=org.head_wuye, expect="还没有评审打分", owner=org.head_wuye)
    score(idea, reviewer)
    _refused(idea, "adopt", by=org.head_wuye, expect="负责实施", owner=None)
    IDEA.apply(idea, "adopt", by=org.head_wuye, owner=org.staff_wuye)
    assert (idea.status, idea.owner, idea.adopted_at is not None) == ("adopted", org.staff_wuye, True)


def test_a_decision_not_to_adopt_needs_the_reason_the_author_reads_and_can_be_reopened(client, org, round_):
    reviewer = judge(org)
    idea = make_idea(round_, org.staff_wuye)
    to_review(idea, org.head_wuye, [reviewer])
    _refused(idea, "decline", by=org.head_wuye, expect="请说明不采纳的原因", reason="")
    IDEA.apply(idea, "decline", by=org.head_wuye, reason="投入较大，近期不具备条件")
    client.force_login(org.staff_wuye)
    body = client.get(idea.get_absolute_url()).content.decode()
    assert "未采纳" in body and "投入较大，近期不具备条件" in body
    IDEA.apply(idea, "reopen", by=org.supervisor)
    assert idea.status == "review" and idea.decided_at is None


def test_the_owner_implements_and_only_a_verifier_who_is_no_author_confirms_the_benefit(org, round_):
    reviewer = judge(org)
    idea = to_implemented(make_idea(round_, org.staff_wuye), org.head_wuye, reviewer, org.staff_wuye)  # the author owns it
    _refused(idea, "verify", by=org.supervisor, expect="没有等待核实的测量")  # nothing to confirm yet
    measure_kwh(idea, org.staff_wuye)
    _refused(idea, "verify", by=org.staff_wuye, expect=NOT_YOURS)  # the author
    _refused(idea, "verify", by=org.head_wuye, expect=NOT_YOURS)  # a head who was not appointed
    round_.verifiers.add(org.head_yinshi)
    IDEA.apply(idea, "verify", by=org.head_yinshi)
    measurement = Measurement.objects.get(idea=idea)
    assert (idea.status, measurement.verified_by) == ("measured", org.head_yinshi)
    assert idea.verified_kwh == measurement.saving and idea.verified_yuan == measurement.saving_yuan


def test_the_one_who_recorded_the_measurement_does_not_verify_it(org, round_):
    idea = to_implemented(make_idea(round_, org.staff_wuye), org.head_wuye, judge(org), org.supervisor)
    measure_kwh(idea, org.supervisor)
    _refused(idea, "verify", by=org.supervisor, expect=NOT_YOURS)
    IDEA.apply(idea, "verify", by=org.admin)
    assert Idea.objects.get(pk=idea.pk).status == "measured"


def test_a_returned_measurement_keeps_the_idea_implemented_and_a_new_one_can_be_recorded(org, round_):
    idea = to_implemented(make_idea(round_, org.staff_wuye), org.head_wuye, judge(org), org.head_wuye)
    measure_kwh(idea, org.head_wuye)
    with pytest.raises(Exception, match="说明退回测量的原因"):
        services.return_measurement(idea, by=org.supervisor, reason=" ")
    services.return_measurement(idea, by=org.supervisor, reason="缺少抄表照片")
    assert Idea.objects.get(pk=idea.pk).status == "implemented"
    measure_kwh(idea, org.head_wuye)
    assert Measurement.objects.filter(idea=idea).count() == 2
    texts = [e.text for e in services.timeline(idea)]
    assert "测量被退回：缺少抄表照片" in texts


def test_the_award_gives_each_idea_a_certificate_serial_of_the_certificate_service(org, round_):
    reviewer = judge(org)
    serials = []
    for title in ("走廊灯改声控", "空调温度统一设定"):
        idea = to_implemented(make_idea(round_, org.staff_wuye, title=title), org.head_wuye, reviewer, org.head_wuye)
        measure_kwh(idea, org.head_wuye)
        IDEA.apply(idea, "verify", by=org.supervisor)
        _refused(idea, "award", by=org.head_wuye, expect="请选择奖项", tier="best")
        IDEA.apply(idea, "award", by=org.head_wuye, tier="second")
        serials.append(idea.certificate_serial)
    year = timezone.localdate().year
    assert all(re.fullmatch(rf"JDZ-{year}-[0-9A-Z]{{10}}", serial) for serial in serials) and len(set(serials)) == 2
    assert not Idea.objects.filter(certificate_code__isnull=False).exists()  # the former QR links: none for new ones


def test_stopping_an_implementation_needs_a_reason(org, round_):
    reviewer = judge(org)
    idea = make_idea(round_, org.staff_wuye)
    to_review(idea, org.head_wuye, [reviewer])
    score(idea, reviewer)
    IDEA.apply(idea, "adopt", by=org.head_wuye, owner=org.staff_yinshi)
    _refused(idea, "stop", by=org.staff_yinshi, expect="请说明停止实施的原因", reason="")
    _refused(idea, "stop", by=org.staff_wuye, expect=NOT_YOURS, reason="不做了")
    IDEA.apply(idea, "stop", by=org.staff_yinshi, reason="场地改造取消")
    assert (idea.status, idea.stop_reason) == ("stopped", "场地改造取消")


def test_the_job_escalates_an_overdue_review_once_and_tells_the_coordinators(org, round_, django_capture_on_commit_callbacks):
    org.head_wuye.email = "head@example.edu.cn"
    org.head_wuye.save()
    late, punctual = judge(org, "迟到的评委"), judge(org, "按时的评委")
    idea = make_idea(round_, org.staff_wuye)
    to_review(idea, org.head_wuye, [late, punctual])
    score(idea, punctual)
    Assignment.objects.filter(idea=idea).update(due_at=timezone.now() - dt.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.escalate_overdue_reviews() == 1
    assert tasks.escalate_overdue_reviews() == 0  # idempotent
    assert Assignment.objects.get(reviewer=late).escalated_at is not None
    assert Assignment.objects.get(reviewer=punctual).escalated_at is None
    to_head = [m for m in mail.outbox if m.to == ["head@example.edu.cn"] and "评审逾期" in m.subject]
    assert len(to_head) == 1 and "迟到的评委" in to_head[0].body
    notes = [e for e in WorkflowEvent.for_object(idea) if e.action == "escalate"]
    assert len(notes) == 1 and notes[0].from_status == notes[0].to_status == "review"


def test_the_job_leaves_reviews_of_decided_ideas_alone(org, round_):
    reviewer, other = judge(org), judge(org, "评委三")
    idea = make_idea(round_, org.staff_wuye)
    to_review(idea, org.head_wuye, [reviewer, other])
    score(idea, reviewer)
    IDEA.apply(idea, "adopt", by=org.head_wuye, owner=org.head_wuye)
    Assignment.objects.update(due_at=timezone.now() - dt.timedelta(days=1))
    assert tasks.escalate_overdue_reviews() == 0


def test_the_move_view_says_why_a_move_is_refused_and_changes_nothing(client, org, round_):
    idea = make_idea(round_, org.staff_wuye)
    client.force_login(org.head_wuye)
    body = client.post(idea.get_move_url(), {"action": "adopt"}, follow=True).content.decode()
    assert NOT_NOW in body
    body = client.post(idea.get_move_url(), {"action": "nonsense"}, follow=True).content.decode()
    assert "未知操作" in body
    body = client.post(idea.get_move_url(), {"action": "return", "reason": ""}, follow=True).content.decode()
    assert "请说明退回的原因" in body
    assert Idea.objects.get(pk=idea.pk).status == "submitted" and _moves(idea) == []


def test_the_idea_page_offers_the_coordinator_the_moves_and_the_author_none(client, org, round_):
    idea = make_idea(round_, org.staff_wuye)
    client.force_login(org.head_wuye)
    body = client.get(idea.get_absolute_url()).content.decode()
    assert 'value="accept"' in body and 'data-testid="return-form"' in body and 'data-testid="merge-form"' in body
    client.force_login(org.staff_wuye)
    body = client.get(idea.get_absolute_url()).content.decode()
    assert 'name="action"' not in body and 'data-testid="edit-idea"' in body


def test_the_score_of_an_idea_is_the_mean_of_its_reviewers_current_totals(org, round_):
    a, b = judge(org), judge(org, "评委三")
    idea = make_idea(round_, org.staff_wuye)
    to_review(idea, org.head_wuye, [a, b])
    score(idea, a, values=(10, 10, 10, 10))
    assert Idea.objects.get(pk=idea.pk).score == Decimal("100.00")
    score(idea, b, values=(5, 5, 5, 5))
    assert Idea.objects.get(pk=idea.pk).score == Decimal("75.00")
