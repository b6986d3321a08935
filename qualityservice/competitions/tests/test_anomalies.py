"""The anomaly gate on constructed panels: a score far from the panel, a spread too wide and a judge who is
systematically high are flagged when scoring closes; the results cannot be verified while a flag is open; the
chief judge (or the organiser) accepts with a note or returns the sheet, and checking again after the correction
leaves resolved flags resolved. Paper sheets entered by a clerk need a matching blind second entry."""

from decimal import Decimal

import pytest
from django.urls import reverse

from qualityservice.competitions import services
from qualityservice.competitions.models import Entry, Flag, Round, Sheet, Via
from qualityservice.competitions.workflows import FLAG, ROUND, SHEET
from qualityservice.core.workflow import TransitionError

from .factories import build, confirm_all, score, sheets_of, values

pytestmark = pytest.mark.django_db


def _panel(org, table, *, contestants=3):
    """Chief + 4 panel members; ``table``: {(contestant number, judge index): values} over a default of 8, 8, 8."""
    setup = build(org, contestants=contestants, panel=4, reserves=0)
    judges = {a.pk: i for i, a in enumerate(setup.appointments)}
    for sheet in sheets_of(setup.round):
        score(sheet, table.get((sheet.entry.contestant.number, judges[sheet.appointment_id]), values(8, 8, 8)))
    return setup


def _flags(rnd, **filters):
    return sorted(Flag.objects.filter(round=rnd, **filters).values_list("kind", "entry__contestant__number",
                                                                          "appointment__staff__name", "criterion__code", "status"),
                  key=str)


def test_it_flags_a_score_far_from_the_panel_and_the_spread_and_blocks_the_verification(org):
    setup = _panel(org, {(1, 4): values(2, 8, 8)})
    rnd = ROUND.apply(setup.round, "close", by=setup.by)
    assert _flags(rnd) == [("outlier", 1, "评委4", "caozuo", "open"), ("spread", 1, None, "caozuo", "open")]
    outlier = Flag.objects.get(round=rnd, kind="outlier")
    assert services.describe_flag(outlier) == "评委4在“操作规范”打了2分，评委组中位数为8（相差6，允许不超过2.5）。"
    confirm_all(setup)
    with pytest.raises(TransitionError, match="还有2个异常标记未处理"):
        ROUND.apply(rnd, "verify", by=setup.chief)
    assert Round.objects.get(pk=rnd.pk).status == Round.Status.REVIEW


def test_the_chief_returns_the_sheet_the_judge_corrects_and_the_round_is_verified(org):
    setup = _panel(org, {(1, 4): values(2, 8, 8)})
    rnd = ROUND.apply(setup.round, "close", by=setup.by)
    confirm_all(setup)
    outlier, spread = Flag.objects.get(round=rnd, kind="outlier"), Flag.objects.get(round=rnd, kind="spread")
    with pytest.raises(TransitionError, match="请填写原因"):
        FLAG.apply(spread, "accept", by=setup.chief, note="")
    FLAG.apply(outlier, "return", by=setup.chief, note="请核对：是否录入错误")
    sheet = Sheet.objects.get(pk=outlier.sheet_id)
    assert (sheet.status, sheet.returned_reason) == (Sheet.Status.RETURNED, "请核对：是否录入错误")
    judge = sheet.appointment.staff.user
    services.save_values(sheet, {"c-caozuo": "7.5"}, by=judge)
    services.submit_sheet(sheet, by=judge, reason="录入错误，应为7.5分")
    # Checking again: the returned outlier stays returned, the spread (the panel's versions changed) no longer applies.
    assert _flags(rnd) == [("outlier", 1, "评委4", "caozuo", "returned"), ("spread", 1, None, "caozuo", "superseded")]
    SHEET.apply(Sheet.objects.get(pk=sheet.pk), "confirm", by=setup.chief, version=2)
    rnd = ROUND.apply(rnd, "verify", by=setup.chief)
    first = Entry.objects.get(round=rnd, contestant__number=1)
    assert first.breakdown["caozuo"] == "8.0000" and first.judges == 5


def test_an_accepted_flag_stays_accepted_when_the_scores_are_checked_again(org):
    setup = _panel(org, {(2, 3): values(8, 3, 8)})
    rnd = ROUND.apply(setup.round, "close", by=setup.by)
    for flag in Flag.objects.filter(round=rnd):
        FLAG.apply(flag, "accept", by=setup.chief, note="该选手成品确有明显缺陷，评委意见一致认可")
    services.detect_flags(Round.objects.get(pk=rnd.pk))
    assert {status for *_rest, status in _flags(rnd)} == {"accepted"}
    confirm_all(setup)
    ROUND.apply(rnd, "verify", by=setup.chief)


def test_it_flags_a_judge_who_is_systematically_generous(org):
    generous = {(n, 2): values(9.5, 9.5, 10) for n in (1, 2, 3, 4)}
    setup = _panel(org, generous, contestants=4)
    rnd = ROUND.apply(setup.round, "close", by=setup.by)
    bias = Flag.objects.get(round=rnd, kind="bias")
    assert (bias.appointment.staff.name, bias.detail["direction"]) == ("评委2", "high")
    assert "评委2的评分平均比其他评委高出分数区间的" in services.describe_flag(bias)


def test_only_the_chief_judge_or_the_organiser_resolves_a_flag(client, org):
    setup = _panel(org, {(1, 4): values(2, 8, 8)})
    rnd = ROUND.apply(setup.round, "close", by=setup.by)
    flag = Flag.objects.get(round=rnd, kind="spread")
    for user in (setup.judges[1], org.head_yinshi, org.staff_wuye):
        client.force_login(user)
        response = client.post(reverse("competitions:flag_resolve", args=[flag.pk]), {"decision": "accept", "note": "可以"})
        assert response.status_code == 404
    assert Flag.objects.get(pk=flag.pk).status == Flag.Status.OPEN
    client.force_login(org.supervisor)
    client.post(reverse("competitions:flag_resolve", args=[flag.pk]), {"decision": "accept", "note": "现场复核无误"})
    flag.refresh_from_db()
    assert (flag.status, flag.note, flag.resolved_by) == (Flag.Status.ACCEPTED, "现场复核无误", org.supervisor)


def test_the_round_page_shows_the_flags_and_their_forms_to_the_chief(client, org):
    setup = _panel(org, {(1, 4): values(2, 8, 8)})
    rnd = ROUND.apply(setup.round, "close", by=setup.by)
    client.force_login(setup.chief)
    body = client.get(rnd.get_absolute_url()).content.decode()
    assert "评分偏离评委组" in body and "评委组分差过大" in body and body.count('data-testid="flag-form"') == 2
    assert "2个待处理" in body


@pytest.fixture
def paper(org):
    setup = build(org, contestants=1, panel=2, reserves=0)
    setup.competition.blind_reentry = True
    setup.competition.save(update_fields=["blind_reentry"])
    return setup


def test_a_paper_sheet_needs_a_blind_second_entry_by_someone_else_that_matches(client, org, paper):
    sheet = sheets_of(paper.round, paper.appointments[1])[0]
    client.force_login(org.supervisor)  # the clerk types the paper sheet
    client.post(reverse("competitions:sheet_save", args=[sheet.pk]), values(8, 7, 9))
    client.post(reverse("competitions:sheet_submit", args=[sheet.pk]), {})
    sheet.refresh_from_db()
    assert sheet.status == Sheet.Status.SUBMITTED and sheet.versions.get().via == Via.CLERK
    with pytest.raises(TransitionError, match="须由第二人再录入一次"):
        SHEET.apply(sheet, "confirm", by=paper.chief, version=1)
    body = client.post(reverse("competitions:sheet_reentry", args=[sheet.pk]), values(8, 7, 9), follow=True).content.decode()
    assert "第二次录入须由第一次录入人以外的人完成" in body
    client.force_login(org.admin)
    page = client.get(reverse("competitions:sheet_reentry", args=[sheet.pk])).content.decode()
    assert 'value="8"' not in page  # blind: the first entry is not shown
    client.post(reverse("competitions:sheet_reentry", args=[sheet.pk]), values(8, 7.5, 9))
    with pytest.raises(TransitionError, match="第二次录入与第一次不一致：成品质量"):
        SHEET.apply(sheet, "confirm", by=paper.chief, version=1)
    client.post(reverse("competitions:sheet_reentry", args=[sheet.pk]), values(8, 7, 9))
    sheet = SHEET.apply(sheet, "confirm", by=paper.chief, version=1)
    assert sheet.status == Sheet.Status.CONFIRMED
    assert sheet.total == Decimal("8") + Decimal("10.5") + Decimal("4.5")
