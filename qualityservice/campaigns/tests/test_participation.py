"""Participation (党团工会, 四.3/四.5): the private attributes of staff — party member, league member, union member,
cadre — read and set only by the supervisor and the staff member's own head (not other heads, staff, operators,
judges, nor administrators); the report of how many of each group took part, per department and activity;
never on a public page."""

import pytest
from django.urls import reverse

from qualityservice.campaigns import board, services
from qualityservice.campaigns.models import StaffAffiliation

from .helpers import activity, make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(org):
    campaign = make_campaign(org)
    services.save_affiliation(org.staff_wuye.staff, by=org.supervisor, party_member=True, union_member=True)
    services.save_affiliation(org.head_wuye.staff, by=org.supervisor, cadre=True, party_member=True)
    target = activity(campaign, org.wuye, "三(二)")
    services.create_report(target, key=None, by=org.head_wuye, reported_on=campaign.starts_on, note="大讨论",
                           participants=[org.staff_wuye.staff, org.head_wuye.staff])
    services.create_report(target, key=None, by=org.head_wuye, reported_on=campaign.starts_on, note="六查六看",
                           participants=[org.staff_wuye.staff])
    return campaign


def test_the_report_counts_each_participant_once_per_group(org, scene):
    departments, activities = board.participation(scene, [org.wuye, org.yinshi])
    assert [(r["department"].code, r["total"], r["party_member"], r["league_member"], r["union_member"], r["cadre"]) for r in departments] == [
        ("wuye", 2, 2, 0, 1, 1), ("yinshi", 0, 0, 0, 0, 0)]
    assert [(r["activity"].code, r["total"], r["party_member"]) for r in activities] == [("三(二)", 2, 2)]


def test_the_supervisor_sees_every_department_and_a_head_only_their_own(client, org, scene):
    client.force_login(org.supervisor)
    body = client.get(reverse("campaigns:participation")).content.decode()
    assert body.count('data-testid="participation-row"') == 3
    client.force_login(org.head_yinshi)
    body = client.get(reverse("campaigns:participation")).content.decode()
    assert body.count('data-testid="participation-row"') == 1 and "饮食服务中心" in body and "物业管理中心" not in body


@pytest.mark.parametrize("who", ["head_yinshi", "staff_wuye", "operator", "judge", "admin"])
def test_nobody_else_reads_or_sets_a_staff_members_attributes(client, org, scene, who):
    client.force_login(getattr(org, who))
    body = client.get(reverse("campaigns:affiliations"), {"department": org.wuye.pk})
    page = body.content.decode()
    # the staff member's name may stand in the header (their own account), never the attribute list
    assert body.status_code == 404 and 'type="checkbox"' not in page and "党员" not in page
    response = client.post(reverse("campaigns:affiliation_save", args=[org.staff_wuye.staff.pk]), {"league_member": "on"})
    assert response.status_code == 404
    row = StaffAffiliation.objects.get(staff=org.staff_wuye.staff)
    assert (row.party_member, row.league_member) == (True, False)
    if who != "head_yinshi":
        assert client.get(reverse("campaigns:participation")).status_code == 404


def test_the_own_head_and_the_supervisor_read_and_set_them(client, org, scene):
    client.force_login(org.head_wuye)
    body = client.get(reverse("campaigns:affiliations")).content.decode()
    assert "物业员工" in body and body.count("checked") == 4  # party + union, cadre + party
    client.post(reverse("campaigns:affiliation_save", args=[org.staff_wuye.staff.pk]), {"league_member": "on"})
    row = StaffAffiliation.objects.get(staff=org.staff_wuye.staff)
    assert (row.party_member, row.league_member, row.union_member, row.updated_by) == (False, True, False, org.head_wuye)
    client.force_login(org.supervisor)
    body = client.get(reverse("campaigns:affiliations"), {"department": org.wuye.pk}).content.decode()
    assert "物业员工" in body
    assert client.get(reverse("campaigns:affiliations"), {"department": org.group.pk}).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, scene):
    for url in (reverse("campaigns:participation"), reverse("campaigns:affiliations")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_public_page_and_the_home_page_show_no_participant_and_no_attribute(client, org, scene):
    body = client.get(scene.get_public_url()).content.decode() + client.get("/").content.decode()
    for text in ("物业员工", "物业主任", "党员", "团员", "工会会员", "干部", "参与人员"):
        assert text not in body
