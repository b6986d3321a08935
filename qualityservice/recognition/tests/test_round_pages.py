"""The supervisor's pages for rounds: create once per form with kind, period, winners, stage dates, the vote's
settings, K, the published weights and the quotas per department; bad input answered and nothing changed; the
weights and the vote's settings frozen once the vote opened, with the reason on the page; the stage moves through
the round's workflow and its timeline; heads see the rounds open for nominations."""

import pytest
from django.urls import reverse

from qualityservice.core.models import WorkflowEvent
from qualityservice.recognition import services
from qualityservice.recognition.models import Round

from .factories import voting_round
from .rounds import nominating_round

pytestmark = pytest.mark.django_db

KEY = "0123456789abcdef0123456789abcdef"


def _form(org, **changes):
    data = {"kind": "collective", "title": "2026年度先进集体评选", "title_en": "", "period_start": "2026-01-01",
            "period_end": "2026-12-31", "winners": "5", "nominations_until": "2026-11-15", "vote_opens": "2026-11-20",
            "vote_closes": "2026-11-27", "notice_until": "2026-12-10", "choices_per_ballot": "3", "voter_kinds": ["teacher"],
            "staff_may_vote": "on", "vote_weight": "40", "jury_weight": "60", "veto_complaint": "on", "veto_inspection": "on",
            f"quota_{org.wuye.pk}": "2", f"quota_{org.yinshi.pk}": "1", f"not_eligible_{org.yinshi.pk}": "",
            "submission_key": KEY}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_supervisor_creates_a_round_once_from_a_form_sent_twice(client, org):
    client.force_login(org.supervisor)
    first = client.post(reverse("recognition:round_new"), _form(org))
    second = client.post(reverse("recognition:round_new"), _form(org))
    rnd = Round.objects.get()
    assert first["Location"] == second["Location"] == rnd.get_staff_url()
    assert (rnd.kind, rnd.winners, rnd.choices_per_ballot, rnd.vote_weight, rnd.jury_weight) == ("collective", 5, 3, 40, 60)
    assert rnd.quotas == {str(org.wuye.pk): 2, str(org.yinshi.pk): 1} and rnd.voter_kinds == ["teacher"]
    assert (rnd.veto_complaint, rnd.veto_inspection, rnd.veto_evaluation) == (True, True, False)
    assert (rnd.status, rnd.created_by) == ("draft", org.supervisor)
    body = client.get(rnd.get_staff_url()).content.decode()
    assert "评选已创建" in body and "先进集体" in body and "40 / 60" in body


def test_it_refuses_weights_that_do_not_add_up_a_reversed_period_and_a_negative_quota_and_creates_nothing(client, org):
    client.force_login(org.supervisor)
    body = client.post(reverse("recognition:round_new"), _form(org, jury_weight="50")).content.decode()
    assert "投票与评审的权重之和必须为100" in body
    body = client.post(reverse("recognition:round_new"), _form(org, period_end="2025-12-31")).content.decode()
    assert "评选期间的结束日期不能早于开始日期" in body
    body = client.post(reverse("recognition:round_new"), _form(org, **{f"quota_{org.wuye.pk}": "-1"})).content.decode()
    assert "确保该值大于或等于0" in body
    assert not Round.objects.exists()


def test_it_edits_the_quotas_and_marks_a_department_not_eligible_with_its_reason(client, org):
    rnd = nominating_round(org)
    client.force_login(org.supervisor)
    response = client.post(rnd.get_staff_edit_url(), _form(org, kind="service_star", **{
        f"quota_{org.wuye.pk}": "4", f"quota_{org.yinshi.pk}": "0", f"not_eligible_{org.yinshi.pk}": "年度考核不合格"}))
    assert response["Location"] == rnd.get_staff_url()
    rnd.refresh_from_db()
    assert rnd.quotas == {str(org.wuye.pk): 4} and rnd.not_eligible == {str(org.yinshi.pk): "年度考核不合格"}
    body = client.get(rnd.get_staff_url()).content.decode()
    assert "评选已保存" in body


def test_the_weights_and_the_votes_settings_are_frozen_once_the_vote_opened_with_a_clear_message(client, org):
    rnd, _nominations = voting_round(org)
    client.force_login(org.supervisor)
    body = client.get(rnd.get_staff_edit_url()).content.decode()
    assert "投票已开始：公布的投票与评审权重及投票设置已冻结，不能再修改" in body
    assert body.count("disabled") >= 5
    client.post(rnd.get_staff_edit_url(), _form(org, kind="service_star", vote_weight="50", jury_weight="50",
                                                choices_per_ballot="1", title="改名后的评选"))
    rnd.refresh_from_db()
    assert (rnd.vote_weight, rnd.jury_weight, rnd.choices_per_ballot, rnd.title) == (30, 70, 2, "改名后的评选")


def test_the_stage_moves_go_through_the_rounds_workflow_and_show_in_its_timeline(client, org):
    rnd, _created = services.create_round(key=None, by=org.supervisor, title="2026年度服务明星评选", period_start="2026-01-01",
                                          period_end="2026-12-31")
    client.force_login(org.supervisor)
    body = client.get(rnd.get_staff_url()).content.decode()
    assert 'value="open_nominations"' in body and 'value="review"' not in body
    client.post(rnd.get_staff_move_url(), {"action": "open_nominations"})
    client.post(rnd.get_staff_move_url(), {"action": "review"})
    body = client.post(rnd.get_staff_move_url(), {"action": "open_vote"}, follow=True).content.decode()
    assert "没有通过资格审查的候选人" in body  # refused with its reason, nothing changed
    rnd.refresh_from_db()
    assert rnd.status == "reviewing"
    assert list(WorkflowEvent.for_object(rnd).values_list("action", "actor")) == [
        ("open_nominations", org.supervisor.pk), ("review", org.supervisor.pk)]
    assert "已开始部门推荐" in body and "已开始资格审查" in body and "督查员" in body
    assert 'data-confirm="确定开始投票吗？' in body


def test_a_head_sees_the_rounds_open_for_nominations_with_their_quota_and_no_stage_buttons(client, org):
    open_round = nominating_round(org, title="开放推荐的评选")
    draft, _created = services.create_round(key=None, by=org.supervisor, title="草稿评选", period_start="2026-01-01",
                                            period_end="2026-12-31")
    client.force_login(org.head_wuye)
    body = client.get(reverse("recognition:round_list")).content.decode()
    assert "开放推荐的评选" in body and "草稿评选" not in body and 'data-testid="new-round"' not in body
    body = client.get(open_round.get_staff_url()).content.decode()
    assert org.wuye.name in body and org.yinshi.name not in body and 'name="action"' not in body
    assert 'data-testid="nominate"' in body
    assert client.get(draft.get_staff_url()).status_code == 404


def test_the_list_says_when_there_is_no_round(client, org):
    client.force_login(org.supervisor)
    body = client.get(reverse("recognition:round_list")).content.decode()
    assert "还没有评选" in body
    client.force_login(org.head_wuye)
    body = client.get(reverse("recognition:round_list")).content.decode()
    assert "目前没有开放推荐的评选" in body
