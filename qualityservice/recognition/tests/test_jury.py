"""The jury of a round: a rubric of weighted criteria on a scale with a step, frozen once the jury scores; judges
(judge-role or staff accounts) appointed once; each scores on their own sheet, a value off the scale or step is
refused with a message and nothing saved; a sheet is confirmed once complete and locked; a judge of the nominee's
department does not score that nominee; the panel is aggregated and checked for anomalies by core.panel."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from qualityservice.core import panel
from qualityservice.core.workflow import TransitionError
from qualityservice.recognition import jury, services
from qualityservice.recognition.results_models import JuryMember, JuryScore, JurySheet

from .factories import voter
from .factories_results import judge, round_with_jury, score

pytestmark = pytest.mark.django_db


def _closed(org, **kw):
    rnd, nominations, members = round_with_jury(org, **kw)
    services.move_round(rnd, "close_vote", by=org.supervisor)
    rnd.refresh_from_db()
    return rnd, nominations, members


def test_it_keeps_a_rubric_of_weighted_criteria_and_freezes_it_once_the_jury_scores(org):
    rnd, _n, _m = round_with_jury(org)
    assert [(c.code, c.weight, c.max_score, c.step) for c in jury.criteria_of(rnd)] == [
        ("attitude", Decimal(6), Decimal(10), Decimal("0.5")), ("skill", Decimal(4), Decimal(10), Decimal("0.5"))]
    assert jury.max_total(jury.criteria_of(rnd)) == Decimal(100)
    with pytest.raises(ValidationError, match="最高分必须高于最低分"):
        jury.save_criterion(rnd, code="x", name="坏", name_en="", weight=Decimal(1), min_score=Decimal(5),
                            max_score=Decimal(5), step=Decimal(1), order=3)
    with pytest.raises(ValidationError, match="代码"):
        jury.save_criterion(rnd, code="skill", name="重复", name_en="", weight=Decimal(1), min_score=Decimal(0),
                            max_score=Decimal(5), step=Decimal(1), order=3)
    services.move_round(rnd, "close_vote", by=org.supervisor)
    with pytest.raises(ValidationError, match="冻结"):
        jury.save_criterion(rnd, code="late", name="迟到", name_en="", weight=Decimal(1), min_score=Decimal(0),
                            max_score=Decimal(5), step=Decimal(1), order=3)
    assert len(jury.criteria_of(rnd)) == 2


def test_it_appoints_judge_and_staff_accounts_once_and_refuses_a_member(org):
    rnd, _n, members = round_with_jury(org, judges=1)
    staff_member = jury.appoint(rnd, org.staff_yinshi, by=org.supervisor)
    assert jury.appoint(rnd, org.staff_yinshi, by=org.supervisor) == staff_member
    assert staff_member.department_id == org.yinshi.pk and JurySheet.objects.filter(member=staff_member).count() == 1
    with pytest.raises(ValidationError, match="评委角色"):
        jury.appoint(rnd, voter(), by=org.supervisor)
    assert JuryMember.objects.filter(round=rnd).count() == 2


def test_a_judge_scores_on_the_scale_and_step_and_a_wrong_value_saves_nothing(org):
    rnd, (a, b, c), (first, second, _third) = _closed(org)
    sheet = first.sheet
    for raw, message in (("11", "0至10"), ("7.3", "步长为0.5"), ("abc", "请输入数字"), ("NaN", "0至10")):
        with pytest.raises(ValidationError) as exc:
            jury.save_scores(sheet, {jury.field_name(a.pk, "attitude"): "8", jury.field_name(b.pk, "skill"): raw}, by=first.user)
        assert message in " ".join(exc.value.messages), raw
        assert not JuryScore.objects.exists()
    assert jury.save_scores(sheet, {jury.field_name(a.pk, "attitude"): "8.5", jury.field_name(a.pk, "skill"): "7"}, by=first.user) == 2
    with pytest.raises(ValidationError, match="其他评委"):
        jury.save_scores(sheet, {jury.field_name(a.pk, "attitude"): "1"}, by=second.user)
    assert jury.sheet_values(sheet) == {a.pk: {"attitude": Decimal("8.5"), "skill": Decimal(7)}}


def test_a_judge_scores_only_after_the_vote_closed(org):
    rnd, (a, *_rest), (first, *_others) = round_with_jury(org)
    with pytest.raises(ValidationError, match="投票截止后"):
        jury.save_scores(first.sheet, {jury.field_name(a.pk, "attitude"): "8"}, by=first.user)


def test_a_sheet_is_confirmed_when_complete_and_is_locked_afterwards(org):
    rnd, nominations, (first, *_others) = _closed(org)
    score(first, nominations, {0: (8, 7), 1: (6, 6)}, confirm=False)
    with pytest.raises(TransitionError, match="缺2项"):
        jury.confirm(first.sheet, by=first.user)
    with pytest.raises(TransitionError, match="您无权"):
        jury.confirm(first.sheet, by=org.supervisor)  # a sheet is its judge's own: not even the supervisor
    score(first, nominations, {2: (9, 9)})
    sheet = JurySheet.objects.get(pk=first.sheet.pk)
    assert sheet.status == "confirmed" and sheet.confirmed_at is not None
    with pytest.raises(ValidationError, match="已确认"):
        jury.save_scores(sheet, {jury.field_name(nominations[0].pk, "attitude"): "1"}, by=first.user)


def test_a_judge_of_the_nominees_department_does_not_score_that_nominee(org):
    rnd, nominations, members = _closed(org, judges=2)
    own = jury.appoint(rnd, judge(org.wuye, "物业评委"), by=org.supervisor)
    assert jury.sheet_nominations(own.sheet) == []  # every nominee is of 物业
    # A value posted for a conflicted nominee is ignored: nothing is written.
    assert jury.save_scores(own.sheet, {jury.field_name(nominations[0].pk, "attitude"): "10"}, by=own.user) == 0
    assert not JuryScore.objects.filter(sheet=own.sheet).exists()
    jury.confirm(own.sheet, by=own.user)  # complete: nothing to score
    for member in members:
        score(member, nominations, {0: (8, 8), 1: (6, 6), 2: (4, 4)})
    aggregated = jury.aggregate(rnd, nominations)
    assert [aggregated[n.pk].judges for n in nominations] == [2, 2, 2]  # the counted judges, not the panel's size


def test_the_panel_is_aggregated_and_checked_by_core_panel(org):
    rnd, nominations, members = _closed(org, judges=4)
    for member, values in zip(members, [(8, 8), (8, 7), (7, 8), (1, 8)], strict=True):
        score(member, nominations, {0: values, 1: (6, 6), 2: (5, 5)})
    result = jury.aggregate(rnd, nominations)[nominations[0].pk]
    # trimmed mean of 4: drop the highest and the lowest. attitude 8, 8, 7, 1 → 7.5; skill 8, 7, 8, 8 → 8.
    assert result.per_criterion == {"attitude": Decimal("7.5"), "skill": Decimal(8)}
    assert result.total == Decimal(6) * Decimal("7.5") + Decimal(4) * 8
    expected = panel.aggregate_entry(0, 0, [({"attitude": Decimal(v[0]), "skill": Decimal(v[1])}, {}) for v in
                                            [(8, 8), (8, 7), (7, 8), (1, 8)]], jury.specs(jury.criteria_of(rnd)), [], "trimmed")
    assert result.total == expected.total
    flags = jury.anomalies(rnd)
    assert {"kind": "outlier", "nomination": nominations[0].pk, "judge": members[3].pk, "criterion": "attitude"} in [
        {k: f[k] for k in ("kind", "nomination", "judge", "criterion")} for f in flags]
