"""A judge's score sheet: values within the range and on the step, only inside the round's window, autosaved as a
draft, locked by the submission; a correction is the next version with a reason; the chief judge confirms the
version they saw or returns it; every change is audited (who, when, through what, old → new, version, reason)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from qualityservice.competitions import services
from qualityservice.competitions.models import Round, Score, ScoreChange, Sheet, SheetVersion, Via
from qualityservice.competitions.workflows import ROUND, SHEET
from qualityservice.core.models import WorkflowEvent
from qualityservice.core.workflow import TransitionError

from .factories import build, score, sheets_of, values

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(org):
    return build(org, contestants=2, panel=2, reserves=0)


def _judge_sheet(setup, judge_index=1, contestant=1) -> Sheet:
    appointment = setup.appointments[judge_index]
    return next(s for s in sheets_of(setup.round, appointment) if s.entry.contestant.number == contestant)


def _saved(sheet) -> dict:
    return dict(Score.objects.filter(sheet=sheet).values_list("criterion__code", "value"))


def test_it_autosaves_a_draft_and_audits_each_change_with_who_and_how(client, setup):
    sheet = _judge_sheet(setup)
    judge = sheet.appointment.staff.user
    client.force_login(judge)
    url = reverse("competitions:sheet_save", args=[sheet.pk])
    response = client.post(url, {"c-caozuo": "8.5"}, HTTP_X_REQUESTED_WITH="fetch")
    assert response.json() == {"ok": True, "changed": 1, "message": "已保存"}
    client.post(url, {"c-caozuo": "9", "c-chengpin": "7"}, HTTP_X_REQUESTED_WITH="fetch")
    assert _saved(sheet) == {"caozuo": Decimal("9.00"), "chengpin": Decimal("7.00")}
    changes = list(ScoreChange.objects.filter(sheet=sheet).values_list("field", "old", "new", "version", "by", "via"))
    assert changes == [("c:caozuo", None, Decimal("8.5"), 1, judge.pk, Via.SIGNED_IN),
                       ("c:caozuo", Decimal("8.5"), Decimal("9"), 1, judge.pk, Via.SIGNED_IN),
                       ("c:chengpin", None, Decimal("7"), 1, judge.pk, Via.SIGNED_IN)]
    assert Sheet.objects.get(pk=sheet.pk).status == Sheet.Status.DRAFT


@pytest.mark.parametrize("data, message", [
    ({"c-caozuo": "10.5"}, "操作规范：分数必须在0到10之间。"),
    ({"c-caozuo": "-1"}, "操作规范：分数必须在0到10之间。"),
    ({"c-caozuo": "8.3"}, "操作规范：分数须从0起按0.5分递增。"),
    ({"c-weisheng": "7.5"}, "卫生安全：分数须从0起按1分递增。"),
    ({"c-caozuo": "八"}, "操作规范：请输入数字。"),
    ({"c-caozuo": "NaN"}, "操作规范：请输入数字。"),
    ({"d-chaoshi": "4"}, "超时：次数须为0到3。"),
    ({"d-chaoshi": "-1"}, "超时：次数须为0到3。"),
])
def test_it_refuses_a_value_off_the_range_or_the_step_and_saves_nothing(client, setup, data, message):
    sheet = _judge_sheet(setup)
    client.force_login(sheet.appointment.staff.user)
    response = client.post(reverse("competitions:sheet_save", args=[sheet.pk]), {"c-chengpin": "6", **data},
                           HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 400 and response.json()["errors"] == [message]
    assert _saved(sheet) == {} and not ScoreChange.objects.filter(sheet=sheet).exists()


def test_it_refuses_scoring_before_and_after_the_window_with_a_clear_message(client, setup):
    sheet = _judge_sheet(setup)
    client.force_login(sheet.appointment.staff.user)
    url = reverse("competitions:sheet_save", args=[sheet.pk])
    later = timezone.now() + dt.timedelta(hours=1)
    Round.objects.filter(pk=setup.round.pk).update(scoring_opens_at=later, scoring_closes_at=later + dt.timedelta(hours=1))
    body = client.post(url, values(8, 8, 8), follow=True).content.decode()
    assert "评分将于" in body and "开始" in body
    Round.objects.filter(pk=setup.round.pk).update(scoring_opens_at=timezone.now() - dt.timedelta(hours=3),
                                                   scoring_closes_at=timezone.now() - dt.timedelta(minutes=1))
    response = client.post(url, values(8, 8, 8), HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 400 and "评分已于" in response.json()["errors"][0]
    with pytest.raises(TransitionError, match="评分已于"):
        services.submit_sheet(sheet, by=sheet.appointment.staff.user)
    assert _saved(sheet) == {} and Sheet.objects.get(pk=sheet.pk).status == Sheet.Status.DRAFT


def test_it_submits_a_complete_sheet_only_and_locks_it(client, setup):
    sheet = _judge_sheet(setup)
    judge = sheet.appointment.staff.user
    services.save_values(sheet, {"c-caozuo": "8"}, by=judge)
    with pytest.raises(TransitionError, match="请先为每个评分项打分：成品质量、卫生安全"):
        services.submit_sheet(sheet, by=judge)
    client.force_login(judge)
    response = client.post(reverse("competitions:sheet_submit", args=[sheet.pk]), {"values": "1", **values(8, 7.5, 9, 1)})
    assert response["Location"] == reverse("competitions:judging", args=[sheet.appointment_id])
    sheet.refresh_from_db()
    assert (sheet.status, sheet.version, sheet.total) == (Sheet.Status.SUBMITTED, 1, Decimal("8") + Decimal("11.25") + Decimal("4.5") - 2)
    assert SheetVersion.objects.get(sheet=sheet).values == {"c:caozuo": "8.00", "c:chengpin": "7.50", "c:weisheng": "9.00", "d:chaoshi": 1}
    response = client.post(reverse("competitions:sheet_save", args=[sheet.pk]), {"c-caozuo": "2"}, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 400 and response.json()["errors"] == ["该评分表已提交：修改须填写原因。"]
    assert _saved(sheet)["caozuo"] == Decimal("8.00")


def test_a_correction_is_the_next_version_with_its_reason_and_the_old_and_new_value(client, setup):
    sheet = score(_judge_sheet(setup), values(8, 8, 8))
    judge = sheet.appointment.staff.user
    client.force_login(judge)
    url = reverse("competitions:sheet_correct", args=[sheet.pk])
    body = client.post(url, {**values(6, 8, 8), "reason": ""}, follow=True).content.decode()
    assert "请填写原因" in body and _saved(sheet)["caozuo"] == Decimal("8.00")
    client.post(url, {**values(6, 8, 8), "reason": "看错了选手编号"})
    sheet.refresh_from_db()
    assert (sheet.status, sheet.version, sheet.total) == (Sheet.Status.SUBMITTED, 2, Decimal("22"))
    change = ScoreChange.objects.filter(sheet=sheet, version=2).get()
    assert (change.field, change.old, change.new, change.reason, change.by) == ("c:caozuo", Decimal("8"), Decimal("6"), "看错了选手编号", judge)
    assert list(SheetVersion.objects.filter(sheet=sheet).values_list("number", "total", "reason")) == [
        (1, Decimal("24"), ""), (2, Decimal("22"), "看错了选手编号")]
    assert SHEET.describe("correct", WorkflowEvent.for_object(sheet).last().params) == "已修改：第2版（看错了选手编号）"


def test_the_chief_confirms_the_version_they_saw_and_not_a_newer_one(setup):
    sheet = score(_judge_sheet(setup), values(8, 8, 8))
    seen = sheet.version
    services.correct_sheet(sheet, values(7, 8, 8), by=sheet.appointment.staff.user, reason="复核")
    with pytest.raises(TransitionError, match="评委刚刚修改了这份评分表（现为第2版）"):
        SHEET.apply(sheet, "confirm", by=setup.chief, version=seen)
    sheet = SHEET.apply(sheet, "confirm", by=setup.chief, version=2)
    assert (sheet.status, sheet.confirmed_by) == (Sheet.Status.CONFIRMED, setup.chief)
    with pytest.raises(TransitionError, match="无法执行"):
        services.correct_sheet(sheet, values(5, 5, 5), by=sheet.appointment.staff.user, reason="再改")
    assert _saved(sheet)["caozuo"] == Decimal("7.00")


def test_only_the_chief_confirms_and_returns_and_a_return_needs_a_reason(setup, org):
    sheet = score(_judge_sheet(setup), values(8, 8, 8))
    for user in (sheet.appointment.staff.user, setup.judges[2], org.supervisor, org.head_yinshi):
        with pytest.raises(TransitionError, match="您无权执行"):
            SHEET.apply(sheet, "confirm", by=user, version=1)
    with pytest.raises(TransitionError, match="请填写原因"):
        SHEET.apply(sheet, "return", by=setup.chief, reason=" ")
    sheet = SHEET.apply(sheet, "return", by=setup.chief, reason="卫生安全分数与记录不符")
    assert (sheet.status, sheet.returned_reason) == (Sheet.Status.RETURNED, "卫生安全分数与记录不符")


def test_a_returned_sheet_is_corrected_and_submitted_again_with_a_reason_during_the_review(setup):
    for sheet in sheets_of(setup.round):
        score(sheet, values(8, 8, 8))
    ROUND.apply(setup.round, "close", by=setup.by)
    sheet = _judge_sheet(setup)
    judge = sheet.appointment.staff.user
    SHEET.apply(sheet, "return", by=setup.chief, reason="请核对操作规范")
    other = _judge_sheet(setup, judge_index=2)  # not returned: nothing to change in the review
    with pytest.raises(Exception, match="该评分表已提交"):
        services.save_values(other, {"c-caozuo": "1"}, by=other.appointment.staff.user)
    assert "本轮当前不能评分" in services.entry_error(Sheet(round=Round.objects.get(pk=setup.round.pk), status=Sheet.Status.DRAFT))
    services.save_values(sheet, {"c-caozuo": "7"}, by=judge)
    with pytest.raises(TransitionError, match="请填写原因"):
        services.submit_sheet(sheet, by=judge)
    sheet = services.submit_sheet(sheet, by=judge, reason="按录像核对后改为7分")
    assert (sheet.status, sheet.version, _saved(sheet)["caozuo"]) == (Sheet.Status.SUBMITTED, 2, Decimal("7.00"))


def test_a_private_link_scores_as_the_judge_and_records_that_it_was_the_link(client, setup):
    sheet = _judge_sheet(setup)
    appointment = sheet.appointment
    response = client.post(reverse("competitions:link_save", args=[appointment.code, sheet.code]), values(9, 9, 9),
                           HTTP_X_REQUESTED_WITH="fetch")
    assert response.json()["ok"] and response["Cache-Control"] == "private, no-store"
    client.post(reverse("competitions:link_submit", args=[appointment.code, sheet.code]), {})
    sheet.refresh_from_db()
    assert sheet.status == Sheet.Status.SUBMITTED
    assert set(ScoreChange.objects.filter(sheet=sheet).values_list("by", "via")) == {(appointment.staff.user_id, Via.LINK)}
    assert SheetVersion.objects.get(sheet=sheet).via == Via.LINK
    # Another judge's link does not open this sheet.
    other = setup.appointments[2]
    assert client.get(reverse("competitions:link_sheet", args=[other.code, sheet.code])).status_code == 404
    assert client.get(reverse("competitions:link_sheet", args=["not-a-code", sheet.code])).status_code == 404


def test_the_judges_page_shows_only_their_own_sheets_and_never_another_judges_scores(client, setup):
    mine = _judge_sheet(setup)
    theirs = _judge_sheet(setup, judge_index=2)
    score(theirs, values(3, 3, 3))
    client.force_login(mine.appointment.staff.user)
    body = client.get(reverse("competitions:judging", args=[mine.appointment_id])).content.decode()
    assert body.count('data-testid="sheet-link"') == 2
    assert reverse("competitions:sheet", args=[theirs.pk]) not in body
    assert client.get(reverse("competitions:sheet", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("competitions:judging", args=[theirs.appointment_id])).status_code == 404
    body = client.get(reverse("competitions:sheet", args=[mine.pk])).content.decode()
    assert "9–10" in body and "优秀：规范熟练" in body  # the level descriptions
    assert 'name="c-caozuo"' in body and "3.00" not in body and ">3<" not in body
