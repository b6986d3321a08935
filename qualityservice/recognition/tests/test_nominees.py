"""Collectives as nominees in 先进集体 rounds (a team or a department instead of a staff member), and the nominee
shown on every page where nominations appear: the staff list, the nomination and round pages, the public
nomination page, the public vote and the published totals."""

import pytest
from django.urls import reverse

from qualityservice.recognition import services
from qualityservice.recognition.models import Nomination, Round

from .factories import voter
from .rounds import nominate, nominating_round

pytestmark = pytest.mark.django_db

KEY = "0123456789abcdef0123456789abcdef"


def _form(org, rnd, **changes):
    data = {"department": org.wuye.pk, "title": "先进集体推荐", "title_en": "", "round": rnd.pk, "staff": "", "collective": "",
            "story": "", "submission_key": KEY}
    data.update(changes)
    return data


def test_a_head_nominates_a_team_of_their_department_in_a_collective_round(client, org):
    rnd = nominating_round(org, kind=Round.Kind.COLLECTIVE)
    client.force_login(org.head_wuye)
    response = client.post(reverse("recognition:new"), _form(org, rnd, collective=org.wuye_team.pk))
    nomination = Nomination.objects.get()
    assert response["Location"] == nomination.get_absolute_url()
    assert (nomination.collective, nomination.staff, nomination.nominee_name) == (org.wuye_team, None, "保洁一班")
    body = client.get(reverse("recognition:list")).content.decode()
    assert "保洁一班" in body


def test_a_collective_round_refuses_a_staff_member_and_a_team_of_another_department(client, org):
    rnd = nominating_round(org, kind=Round.Kind.COLLECTIVE)
    client.force_login(org.head_wuye)
    body = client.post(reverse("recognition:new"), _form(org, rnd, staff=org.staff_wuye.staff.pk)).content.decode()
    assert "先进集体评选推荐的是班组或部门，不是个人" in body and "请选择推荐的班组或部门" in body
    body = client.post(reverse("recognition:new"), _form(org, rnd, collective=org.yinshi.pk)).content.decode()
    assert "选择一个有效的选项" in body
    assert not Nomination.objects.exists()


def test_a_staff_round_needs_a_staff_member_of_the_department(client, org):
    rnd = nominating_round(org)
    client.force_login(org.supervisor)
    body = client.post(reverse("recognition:new"), _form(org, rnd, collective=org.wuye.pk)).content.decode()
    assert "只有先进集体评选才推荐集体" in body and "请选择推荐的员工" in body
    body = client.post(reverse("recognition:new"), _form(org, rnd, staff=org.staff_yinshi.staff.pk)).content.decode()
    assert "请选择本部门的员工" in body
    assert not Nomination.objects.exists()


def test_the_collective_and_the_staff_nominee_show_on_the_round_public_and_vote_pages(client, org):
    rnd = nominating_round(org, kind=Round.Kind.COLLECTIVE)
    team = nominate(org, rnd, collective=org.wuye_team, title="保洁一班的事迹")
    centre = nominate(org, rnd, collective=org.yinshi, title="饮食中心的事迹")
    client.force_login(org.supervisor)
    body = client.get(rnd.get_staff_url()).content.decode()
    assert "保洁一班" in body and "饮食服务中心" in body
    body = client.get(team.get_absolute_url()).content.decode()
    assert "保洁一班" in body
    client.logout()
    assert "保洁一班" in client.get(team.get_public_url()).content.decode()
    services.move_round(rnd, "review", by=org.supervisor)
    services.move_round(rnd, "open_vote", by=org.supervisor)
    client.force_login(voter())
    body = client.get(rnd.get_vote_url()).content.decode()
    assert body.count('data-testid="ballot-nominee"') == 2 and "保洁一班" in body and "集体" in body
    client.post(rnd.get_vote_url(), {"choice": [team.pk]})
    services.move_round(rnd, "close_vote", by=org.supervisor)
    body = client.get(rnd.get_receipt_url()).content.decode()
    assert body.index("保洁一班") < body.index("饮食服务中心") and centre.title in body


def test_a_staff_nominee_shows_by_name_on_the_ballot(client, org):
    rnd = nominating_round(org)
    nominate(org, rnd, staff=org.staff_wuye.staff, title="服务之星推荐")
    services.move_round(rnd, "review", by=org.supervisor)
    services.move_round(rnd, "open_vote", by=org.supervisor)
    body = client.get(rnd.get_vote_url()).content.decode()
    assert "物业员工" in body and "服务之星推荐" in body
