"""Every staff view of the app against every role (the permission matrix): anonymous visitors are sent to sign in;
plain staff, hotline operators and judges get a 404 everywhere; the head of the department works on its plan,
the head of another department gets a 404 for it; the supervisor runs campaigns, the menu and the board; the
participation pages are the supervisor's and the own head's only (administrators included get a 404). A
refused POST changes nothing."""

import pytest
from django.urls import reverse

from qualityservice.campaigns import services, staff_urls
from qualityservice.campaigns.models import DepartmentActivity, ReportFile, StaffAffiliation
from qualityservice.campaigns.uploads import clean_photo

from .helpers import activity, item, jpeg, make_campaign, today

pytestmark = pytest.mark.django_db

OK, MOVED, NO = 200, 302, 404
MANAGER = {"head_wuye": OK, "supervisor": OK, "admin": OK, "head_yinshi": OK}
OWN = {"head_wuye": OK, "supervisor": OK, "admin": OK, "head_yinshi": NO}  # the property centre's rows
GROUP = {"supervisor": OK, "admin": OK, "head_wuye": NO, "head_yinshi": NO}  # the supervisor's pages
PRIVATE = {"supervisor": OK, "head_wuye": OK, "head_yinshi": OK, "admin": NO}  # participation
PRIVATE_OWN = {"supervisor": OK, "head_wuye": OK, "head_yinshi": NO, "admin": NO}

# view: (method, expected per role — staff, operator and judge always 404)
MATRIX = {
    "list": ("get", MANAGER),
    "new": ("get", GROUP),
    "copy": ("get", GROUP),
    "detail": ("get", MANAGER),
    "edit": ("get", GROUP),
    "menu_new": ("get", GROUP),
    "menu_edit": ("get", {**GROUP, "supervisor": MOVED, "admin": MOVED}),  # the menu is frozen: back with a message
    "plan": ("get", OWN),
    "activity_new": ("get", OWN),
    "activity_detail": ("get", OWN),
    "activity_edit": ("get", OWN),
    "report_new": ("get", OWN),
    "file": ("get", OWN),
    "board": ("get", GROUP),
    "board_export": ("get", GROUP),
    "participation": ("get", PRIVATE),
    "affiliations": ("get", PRIVATE_OWN),
    # POSTs, last: they change things.
    "move": ("post", {**GROUP, "supervisor": MOVED, "admin": MOVED}),
    "file_public": ("post", {**GROUP, "supervisor": MOVED, "admin": MOVED}),
    "affiliation_save": ("post", {**PRIVATE_OWN, "supervisor": MOVED, "head_wuye": MOVED}),
    "adopt": ("post", {**OWN, "head_wuye": MOVED, "supervisor": MOVED, "admin": MOVED, "head_yinshi": MOVED}),
    "activity_move": ("post", {**OWN, "head_wuye": MOVED, "supervisor": MOVED, "admin": MOVED}),
    "activity_drop": ("post", {**OWN, "head_wuye": MOVED, "supervisor": MOVED, "admin": MOVED}),
}
ROLES = ("head_wuye", "head_yinshi", "supervisor", "admin", "staff_wuye", "operator", "judge")
SECRET = "物业的秘密计划"


@pytest.fixture
def scene(org):
    campaign = make_campaign(org)
    check = activity(campaign, org.wuye, "三(二)")
    services.save_plan(check, description=SECRET)
    services.create_report(check, key=None, by=org.head_wuye, reported_on=today(), note=SECRET, files=[clean_photo(jpeg())])
    own, _created = services.add_own_activity(campaign, org.wuye, key=None, by=org.head_wuye, title="自定项目")
    return {"campaign": campaign, "check": check, "own": own, "file": ReportFile.objects.get(), "open_days": item(campaign, "三(三)")}


def _views(org, s) -> dict[str, tuple[str, str, dict]]:
    c, check = s["campaign"], s["check"]
    wuye = f"?department={org.wuye.pk}"
    return {
        "list": ("get", reverse("campaigns:list"), {}),
        "new": ("get", reverse("campaigns:new"), {}),
        "copy": ("get", reverse("campaigns:copy"), {}),
        "detail": ("get", c.get_absolute_url(), {}),
        "edit": ("get", c.get_edit_url(), {}),
        "move": ("post", c.get_move_url(), {"action": "launch"}),
        "menu_new": ("get", reverse("campaigns:menu_new", args=[c.pk]), {}),
        "menu_edit": ("get", s["open_days"].get_edit_url(), {}),
        "plan": ("get", reverse("campaigns:plan", args=[c.pk]) + wuye, {}),
        "adopt": ("post", reverse("campaigns:adopt", args=[c.pk]),
                  {"menu_item": s["open_days"].pk, "department": org.wuye.pk, "submission_key": "a" * 32}),
        "activity_new": ("get", reverse("campaigns:activity_new", args=[c.pk]) + wuye, {}),
        "activity_detail": ("get", check.get_absolute_url(), {}),
        "activity_edit": ("get", check.get_edit_url(), {}),
        "activity_move": ("post", check.get_move_url(), {"action": "complete", "summary": "完成"}),
        "activity_drop": ("post", reverse("campaigns:activity_drop", args=[s["own"].pk]), {}),
        "report_new": ("get", check.get_report_url(), {}),
        "file": ("get", s["file"].get_absolute_url(), {}),
        "file_public": ("post", reverse("campaigns:file_public", args=[s["file"].pk]), {"public": "1"}),
        "board": ("get", reverse("campaigns:board"), {}),
        "board_export": ("get", reverse("campaigns:board_export"), {}),
        "participation": ("get", reverse("campaigns:participation"), {}),
        "affiliations": ("get", reverse("campaigns:affiliations") + wuye, {}),
        "affiliation_save": ("post", reverse("campaigns:affiliation_save", args=[org.staff_wuye.staff.pk]), {"party_member": "on"}),
    }


def test_the_matrix_covers_every_view_of_the_app(org, scene):
    assert set(_views(org, scene)) == set(MATRIX) == {p.name for p in staff_urls.urlpatterns}
    assert all(set(expected) == {"head_wuye", "head_yinshi", "supervisor", "admin"} for _m, expected in MATRIX.values())


def test_it_sends_anonymous_visitors_to_sign_in_from_every_staff_view(client, org, scene):
    for name, (method, url, data) in _views(org, scene).items():
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name
    assert DepartmentActivity.objects.get(pk=scene["check"].pk).status == "in_progress"
    assert not ReportFile.objects.filter(is_public=True).exists()


@pytest.mark.parametrize("who", ROLES)
def test_it_gives_each_role_what_the_matrix_says(client, org, scene, who):
    client.force_login(getattr(org, who))
    views = _views(org, scene)
    for name in MATRIX:  # GETs first, then the POSTs
        method, url, data = views[name]
        expected = MATRIX[name][1].get(who, NO)
        response = getattr(client, method)(url, data)
        assert response.status_code == expected, (name, response.status_code)
        if expected == NO:
            assert SECRET not in response.content.decode(), name
    # What the POSTs changed: only for the roles the matrix lets through.
    check = DepartmentActivity.objects.get(pk=scene["check"].pk)
    assert (check.status == "done") == (MATRIX["activity_move"][1].get(who) == MOVED)
    assert DepartmentActivity.objects.filter(pk=scene["own"].pk).exists() == (MATRIX["activity_drop"][1].get(who) != MOVED)
    assert ReportFile.objects.get().is_public == (who in ("supervisor", "admin"))
    assert DepartmentActivity.objects.filter(menu_item=scene["open_days"], department=org.wuye).exists() == (
        who in ("head_wuye", "supervisor", "admin"))  # the catering head is sent back: not their department
    assert StaffAffiliation.objects.filter(staff=org.staff_wuye.staff, party_member=True).exists() == (who in ("supervisor", "head_wuye"))


def test_it_refuses_get_on_every_post_view(client, org, scene):
    client.force_login(org.supervisor)
    views = _views(org, scene)
    for name, (method, _expected) in MATRIX.items():
        if method == "post":
            assert client.get(views[name][1]).status_code == 405, name


def test_the_pages_show_a_head_only_their_departments_rows(client, org, scene):
    client.force_login(org.head_yinshi)
    body = client.get(reverse("campaigns:plan", args=[scene["campaign"].pk])).content.decode()
    assert "饮食服务中心的计划" in body and SECRET not in body and "自定项目" not in body
    client.force_login(org.head_wuye)
    body = client.get(scene["check"].get_absolute_url()).content.decode()
    assert SECRET in body


def test_public_pages_are_open_to_anyone_but_private_files_are_not(client, org, scene):
    assert client.get(reverse("campaigns:public_index")).status_code == 200
    body = client.get(scene["campaign"].get_public_url()).content.decode()
    assert "六查六看自查自改" in body and SECRET not in body
    assert client.get(scene["file"].get_public_url()).status_code == 404
    assert client.get(reverse("campaigns:public", args=["not-a-code"])).status_code == 404
