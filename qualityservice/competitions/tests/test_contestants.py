"""Contestants sign up themselves or are signed up by their head, and the organiser approves; judges are appointed
(chief, panel, reserves); conflicts of interest come from the organisation data (the contestant's own department
or team — which includes their head) and from declarations; a conflicted judge does not score the contestant,
a reserve does, and the panel size of the aggregation reflects it."""

import pytest
from django.db.models import Count
from django.urls import reverse

from qualityservice.competitions import services
from qualityservice.competitions.models import Appointment, Contestant, Sheet
from qualityservice.competitions.workflows import CONTESTANT, SHEET
from qualityservice.core.workflow import TransitionError
from qualityservice.org.tests.factories import StaffFactory

from .factories import build, make_judge, sheets_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_competition(org):
    return build(org, contestants=0, panel=2, reserves=1, open_round=False)


def test_a_staff_member_signs_up_themselves_once_and_the_organiser_approves(client, org, open_competition):
    competition = open_competition.competition
    client.force_login(org.staff_wuye)
    body = client.get(reverse("competitions:mine")).content.decode()
    assert "2026年烹饪技能比武" in body and "我要报名" in body
    for _ in range(2):  # a double tap
        client.post(reverse("competitions:signup", args=[competition.pk]), {"submission_key": "selfsignup-0001"})
    contestant = Contestant.objects.get()
    assert (contestant.staff, contestant.department, contestant.team, contestant.status, contestant.number) == (
        org.staff_wuye.staff, org.wuye, org.wuye_team, Contestant.Status.APPLIED, 1)
    body = client.get(reverse("competitions:mine")).content.decode()
    assert "已报名，待审核" in body
    with pytest.raises(TransitionError, match="您无权执行"):
        CONTESTANT.apply(contestant, "approve", by=org.head_wuye)
    contestant = CONTESTANT.apply(contestant, "approve", by=org.supervisor)
    assert contestant.status == Contestant.Status.APPROVED and contestant.approved_at is not None


def test_a_head_signs_up_staff_of_their_own_department_only(client, org, open_competition):
    competition = open_competition.competition
    client.force_login(org.head_yinshi)
    body = client.post(reverse("competitions:signup", args=[competition.pk]),
                       {"badge_number": org.staff_wuye.staff.badge_number, "submission_key": "headsignup-0001"}, follow=True).content.decode()
    assert "您的权限范围内没有工号为" in body and not Contestant.objects.exists()
    client.post(reverse("competitions:signup", args=[competition.pk]),
                {"badge_number": org.staff_yinshi.staff.badge_number, "note": "面点组推荐", "submission_key": "headsignup-0002"})
    contestant = Contestant.objects.get()
    assert (contestant.staff, contestant.signed_up_by, contestant.note) == (org.staff_yinshi.staff, org.head_yinshi, "面点组推荐")
    body = client.post(reverse("competitions:signup", args=[competition.pk]),
                       {"badge_number": org.staff_yinshi.staff.badge_number, "submission_key": "headsignup-0003"}, follow=True).content.decode()
    assert "饮食员工已经报名" in body and Contestant.objects.count() == 1


def test_sign_up_is_refused_when_it_is_not_open_or_for_a_judge(org, open_competition):
    judge_staff = open_competition.appointments[1].staff
    with pytest.raises(Exception, match="是本次比武的评委"):
        services.sign_up(open_competition.competition, judge_staff, by=org.supervisor, key=None)
    draft = build(org, contestants=0, panel=0, reserves=0, open_round=False)
    from qualityservice.competitions.models import Competition

    Competition.objects.filter(pk=draft.competition.pk).update(status=Competition.Status.DRAFT)
    draft.competition.refresh_from_db()
    with pytest.raises(Exception, match="本次比武未开放报名"):
        services.sign_up(draft.competition, org.staff_wuye.staff, by=org.staff_wuye, key=None)


def test_a_department_competition_takes_only_its_own_staff(org):
    setup = build(org, contestants=0, panel=1, reserves=0, open_round=False, department=org.wuye, by=org.head_wuye)
    with pytest.raises(Exception, match="本次比武仅限物业管理中心的员工参加"):
        services.sign_up(setup.competition, org.staff_yinshi.staff, by=org.supervisor, key=None)
    contestant, _created = services.sign_up(setup.competition, org.staff_wuye.staff, by=org.head_wuye, key=None)
    assert CONTESTANT.apply(contestant, "approve", by=org.head_wuye).status == Contestant.Status.APPROVED


def test_a_contestant_cannot_judge_and_a_competition_has_one_chief_with_an_account(org, open_competition):
    competition = open_competition.competition
    contestant, _created = services.sign_up(competition, org.staff_wuye.staff, by=org.staff_wuye, key=None)
    with pytest.raises(Exception, match="是参赛选手，不能担任评委"):
        services.appoint(competition, org.staff_wuye.staff, role=Appointment.Role.PANEL, by=org.supervisor, key=None)
    with pytest.raises(Exception, match="本次比武已有裁判长"):
        services.appoint(competition, org.judge.staff, role=Appointment.Role.CHIEF, by=org.supervisor, key=None)
    no_account = StaffFactory(department=org.office, name="外聘评委")
    with pytest.raises(Exception, match="裁判长需要有登录账号"):
        services.appoint(competition, no_account, role=Appointment.Role.CHIEF, by=org.supervisor, key=None)
    appointment, _created = services.appoint(competition, no_account, role=Appointment.Role.PANEL, by=org.supervisor, key=None)
    assert len(appointment.code) >= 32  # the private link is the credential of a judge without an account


def test_a_judge_of_the_contestants_department_or_team_does_not_score_them_and_a_reserve_does(org):
    setup = build(org, contestants=0, panel=2, reserves=1, open_round=False)
    competition = setup.competition
    same_department = StaffFactory(department=org.yinshi, name="饮食中心评委")
    insider, _created = services.appoint(competition, same_department, role=Appointment.Role.PANEL, order=40, by=org.supervisor, key=None)
    head = services.appoint(competition, org.head_wuye.staff, role=Appointment.Role.PANEL, order=41, by=org.supervisor, key=None)[0]
    cook = StaffFactory(department=org.yinshi, name="厨师甲")
    cleaner = StaffFactory(department=org.wuye, team=org.wuye_team, name="保洁员乙")
    for staff in (cook, cleaner):
        contestant, _created = services.sign_up(competition, staff, by=org.supervisor, key=None)
        CONTESTANT.apply(contestant, "approve", by=org.supervisor)
    conflicts = services.competition_conflicts(competition)
    assert {(a, Contestant.objects.get(pk=c).staff.name) for (a, c) in conflicts} == {(insider.pk, "厨师甲"), (head.pk, "保洁员乙")}
    from qualityservice.competitions.workflows import ROUND

    rnd = ROUND.apply(setup.round, "open", by=org.supervisor)
    scorers = {name for name in Sheet.objects.filter(round=rnd, entry__contestant__staff=cook).values_list("appointment__staff__name", flat=True)}
    assert "饮食中心评委" not in scorers and "替补1" in scorers and len(scorers) == 5
    assert Sheet.objects.get(round=rnd, entry__contestant__staff=cook, appointment__staff__name="替补1").as_reserve
    # The reserve takes the head's place for the cleaner too.
    assert Sheet.objects.get(round=rnd, entry__contestant__staff=cleaner, appointment__staff__name="替补1").as_reserve
    assert not Sheet.objects.filter(round=rnd, entry__contestant__staff=cleaner, appointment=head).exists()


def test_without_a_reserve_the_panel_of_a_conflicted_contestant_is_smaller_and_the_aggregation_counts_it(org):
    from qualityservice.competitions.models import Entry, Round
    from qualityservice.competitions.workflows import ROUND

    from .factories import confirm_all, score, values

    setup = build(org, contestants=0, panel=3, reserves=0, open_round=False)
    insider = make_judge(org.yinshi, "饮食中心评委").staff
    services.appoint(setup.competition, insider, role=Appointment.Role.PANEL, order=40, by=org.supervisor, key=None)
    for name, department in (("厨师甲", org.yinshi), ("保洁员乙", org.wuye)):
        contestant, _created = services.sign_up(setup.competition, StaffFactory(department=department, name=name), by=org.supervisor, key=None)
        CONTESTANT.apply(contestant, "approve", by=org.supervisor)
    rnd = ROUND.apply(setup.round, "open", by=org.supervisor)
    assert dict(Sheet.objects.filter(round=rnd).values_list("entry__contestant__staff__name").annotate(n=Count("pk"))) == {
        "厨师甲": 4, "保洁员乙": 5}
    for sheet in sheets_of(rnd):
        score(sheet, values(8, 8, 8))
    ROUND.apply(rnd, "close", by=org.supervisor)
    confirm_all(setup)
    ROUND.apply(Round.objects.get(pk=rnd.pk), "verify", by=setup.chief)
    assert dict(Entry.objects.filter(round=rnd).values_list("contestant__staff__name", "judges")) == {"厨师甲": 4, "保洁员乙": 5}


def test_a_declared_conflict_blocks_the_sheet_and_a_reserve_takes_it_over(client, org):
    setup = build(org, contestants=2, panel=2, reserves=1)
    judge = setup.appointments[1]
    contestant = setup.contestants[0]
    sheet = next(s for s in sheets_of(setup.round, judge) if s.entry.contestant_id == contestant.pk)
    client.force_login(org.supervisor)
    client.post(reverse("competitions:conflict_new", args=[setup.competition.pk]),
                {"appointment": judge.pk, "contestant": contestant.pk, "reason": "师徒关系", "submission_key": "conflict-key-01"})
    sheet.refresh_from_db()
    assert (sheet.status, sheet.blocked_reason) == (Sheet.Status.BLOCKED, "师徒关系")
    reserve_sheet = Sheet.objects.get(entry=sheet.entry, appointment=setup.reserves[0])
    assert reserve_sheet.as_reserve and reserve_sheet.status == Sheet.Status.DRAFT
    body = client.get(setup.competition.get_absolute_url()).content.decode()
    assert "不为选手1评分：师徒关系" in body
    # The blocked judge can no longer score that sheet.
    with pytest.raises(Exception, match="该评分表已回避"):
        services.save_values(sheet, {"c-caozuo": "8"}, by=judge.staff.user)
    with pytest.raises(TransitionError):
        SHEET.apply(sheet, "submit", by=judge.staff.user)
