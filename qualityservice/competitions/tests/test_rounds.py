"""A round's workflow: opening freezes the rubric and makes the sheets; closing needs every sheet; the results go
verified → public notice (公示, with an objection window; objections recorded and answered) → final; the
finalists go on to the next round by rank; the last round finishes the competition. Every workflow is registered."""

import datetime as dt

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from qualityservice.competitions import services
from qualityservice.competitions.models import Competition, Entry, Objection, Round, Sheet
from qualityservice.competitions.workflows import COMPETITION, OBJECTION, ROUND
from qualityservice.core.models import WorkflowEvent
from qualityservice.core.workflow import TransitionError, for_field

from .factories import build, confirm_all, score, sheets_of, values

pytestmark = pytest.mark.django_db


def test_every_status_field_of_the_app_has_its_registered_workflow():
    for model in apps.get_app_config("competitions").get_models():
        if any(f.name == "status" for f in model._meta.concrete_fields) and not model.__name__.startswith("Historical"):
            assert for_field(model) is not None, model


def test_opening_freezes_the_rubric_and_makes_one_sheet_per_judge_and_contestant(org):
    setup = build(org, contestants=3, panel=2, reserves=1)
    rnd = setup.round
    assert rnd.rubric.is_frozen and rnd.rubric.number == 1
    assert Sheet.objects.filter(round=rnd).count() == 3 * 3  # chief + 2 panel members; the reserve scores nobody
    assert Competition.objects.get(pk=setup.competition.pk).status == Competition.Status.RUNNING
    event = WorkflowEvent.for_object(rnd).get()
    assert ROUND.describe(event.action, event.params) == "评分开始：3名选手，9份评分表，评分标准第1版"


def test_it_refuses_to_open_without_judges_or_contestants_or_after_the_window(org):
    setup = build(org, contestants=0, panel=1, reserves=0, open_round=False)
    with pytest.raises(TransitionError, match="没有审核通过的选手可评分"):
        ROUND.apply(setup.round, "open", by=setup.by)
    Round.objects.filter(pk=setup.round.pk).update(scoring_opens_at=timezone.now() - dt.timedelta(days=2),
                                                   scoring_closes_at=timezone.now() - dt.timedelta(days=1))
    with pytest.raises(TransitionError, match="评分时间已过"):
        ROUND.apply(setup.round, "open", by=setup.by)
    assert Round.objects.get(pk=setup.round.pk).status == Round.Status.DRAFT and not Sheet.objects.exists()


def test_closing_needs_every_sheet_and_names_the_missing_ones(org):
    setup = build(org, contestants=2, panel=1, reserves=0)
    first = sheets_of(setup.round)[0]
    score(first, values(8, 8, 8))
    with pytest.raises(TransitionError, match="还有3份评分表未提交：01/评委1、02/裁判长、02/评委1"):
        ROUND.apply(setup.round, "close", by=setup.by)


def test_a_panel_judge_may_not_close_but_the_chief_judge_may(org):
    setup = build(org, contestants=1, panel=1, reserves=0)
    for sheet in sheets_of(setup.round):
        score(sheet, values(8, 8, 8))
    with pytest.raises(TransitionError, match="您无权执行"):
        ROUND.apply(setup.round, "close", by=setup.judges[1])
    assert ROUND.apply(setup.round, "close", by=setup.chief).status == Round.Status.REVIEW


def _verified(setup):
    for sheet in sheets_of(setup.round):
        score(sheet, values(*[(9, 9, 9), (8, 8, 8), (7, 7, 7), (6, 6, 6)][sheet.entry.contestant.number - 1]))
    ROUND.apply(setup.round, "close", by=setup.by)
    confirm_all(setup)
    return ROUND.apply(setup.round, "verify", by=setup.chief)


def test_publishing_opens_the_objection_window_and_finalising_waits_for_it_and_the_answers(client, org):
    setup = build(org, contestants=3, panel=2, reserves=0)
    rnd = ROUND.apply(_verified(setup), "publish", by=setup.by)
    assert rnd.published_at is not None and rnd.notice_until - rnd.published_at == dt.timedelta(days=3)
    with pytest.raises(TransitionError, match="公示期至"):
        ROUND.apply(rnd, "finalise", by=setup.by)
    client.force_login(org.staff_yinshi)
    contestant = setup.contestants[1]
    client.post(reverse("competitions:objection_new", args=[rnd.pk]), {"contestant": contestant.pk, "text": "2号选手用时超出规定",
                                                                        "submission_key": "objection-key-0001"})
    client.post(reverse("competitions:objection_new", args=[rnd.pk]), {"contestant": contestant.pk, "text": "2号选手用时超出规定",
                                                                        "submission_key": "objection-key-0001"})
    objection = Objection.objects.get()  # a resent form records one objection
    assert (objection.text, objection.raised_by, objection.contestant) == ("2号选手用时超出规定", org.staff_yinshi, contestant)
    Round.objects.filter(pk=rnd.pk).update(notice_until=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(TransitionError, match="请先答复全部异议"):
        ROUND.apply(rnd, "finalise", by=setup.by)
    with pytest.raises(TransitionError, match="请填写答复"):
        OBJECTION.apply(objection, "answer", by=setup.by, answer=" ")
    OBJECTION.apply(objection, "answer", by=setup.by, answer="经核查计时记录，用时符合规定，维持原成绩。")
    rnd = ROUND.apply(rnd, "finalise", by=setup.by)
    assert rnd.status == Round.Status.FINAL
    assert Competition.objects.get(pk=setup.competition.pk).status == Competition.Status.FINISHED


def test_objections_are_refused_outside_the_public_notice(org):
    setup = build(org, contestants=1, panel=1, reserves=0)
    with pytest.raises(Exception, match="只在公示期内受理异议"):
        services.raise_objection(setup.round, by=org.staff_yinshi, text="不公平", key=None)


def test_the_finalists_go_on_to_the_next_round_by_rank(org):
    setup = build(org, contestants=4, panel=2, reserves=0, two_rounds=True)
    rnd = ROUND.apply(_verified(setup), "publish", by=setup.by)
    Round.objects.filter(pk=rnd.pk).update(notice_until=timezone.now() - dt.timedelta(minutes=1))
    ROUND.apply(rnd, "finalise", by=setup.by)
    advanced = set(Entry.objects.filter(round=rnd, advanced=True).values_list("contestant__number", flat=True))
    assert advanced == {1, 2}
    final = Round.objects.get(pk=setup.final.pk)
    assert list(final.entries.order_by("order").values_list("contestant__number", flat=True)) == [2, 1]
    assert Competition.objects.get(pk=setup.competition.pk).status == Competition.Status.RUNNING
    final = ROUND.apply(final, "open", by=setup.by)
    assert Sheet.objects.filter(round=final).count() == 2 * 3


def test_the_second_round_waits_for_the_first_to_be_final(org):
    setup = build(org, contestants=2, panel=1, reserves=0, two_rounds=True)
    with pytest.raises(TransitionError, match="前面的轮次须先确定成绩"):
        ROUND.apply(setup.final, "open", by=setup.by)


def test_withdrawing_published_results_needs_a_reason_and_takes_them_off_the_public_page(client, org):
    setup = build(org, contestants=2, panel=1, reserves=0)
    rnd = ROUND.apply(_verified(setup), "publish", by=setup.by)
    assert "选手1" in client.get(setup.competition.get_public_url()).content.decode()
    with pytest.raises(TransitionError, match="请填写原因"):
        ROUND.apply(rnd, "revise", by=setup.by)
    ROUND.apply(rnd, "revise", by=setup.by, reason="异议成立，复核评分")
    assert client.get(setup.competition.get_public_url()).status_code == 404


def test_a_head_cannot_move_a_group_wide_competitions_round(org):
    setup = build(org, contestants=1, panel=1, reserves=0, open_round=False)
    with pytest.raises(TransitionError, match="您无权执行"):
        ROUND.apply(setup.round, "open", by=org.head_yinshi)
    with pytest.raises(TransitionError, match="您无权执行"):
        COMPETITION.apply(setup.competition, "cancel", by=org.head_yinshi, reason="不办了")


def test_the_round_move_button_says_why_a_move_is_refused_and_changes_nothing(client, org):
    setup = build(org, contestants=1, panel=1, reserves=0)
    client.force_login(org.supervisor)
    body = client.post(setup.round.get_move_url(), {"action": "verify"}, follow=True).content.decode()
    assert "无法执行" in body
    body = client.post(setup.round.get_move_url(), {"action": "nonsense"}, follow=True).content.decode()
    assert "未知操作" in body
    assert Round.objects.get(pk=setup.round.pk).status == Round.Status.SCORING
