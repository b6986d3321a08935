"""Who may open which organisation page. Signed-in users outside a page's roles or department
get a 404 (a URL reveals nothing); anonymous visitors of staff pages are sent to sign in."""

import pytest
from django.urls import reverse

from qualityservice.org.models import Commitment, ServicePhrase, Staff

ROLES = ("anonymous", "staff_wuye", "judge", "operator", "head_wuye", "head_yinshi", "supervisor", "admin")
LOGIN = "login"


def expect(allowed: set[str]) -> dict[str, object]:
    """Expected result per role: 200 for ``allowed``, login redirect for anonymous, else 404."""
    return {role: 200 if role in allowed else (LOGIN if role == "anonymous" else 404) for role in ROLES}


MANAGERS = {"head_wuye", "supervisor", "admin"}  # head_wuye: the objects below belong to 物业管理中心
ANY_HEAD = {"head_wuye", "head_yinshi", "supervisor", "admin"}

# (url name, args builder, allowed roles, text the page must show to an allowed user)
STAFF_PAGES = [
    ("org:department_list", lambda o: [], ANY_HEAD | {"operator"}, "部门"),
    ("org:department_detail", lambda o: [o.wuye.pk], MANAGERS | {"operator"}, "报修30分钟内响应"),
    ("org:department_edit", lambda o: [o.wuye.pk], MANAGERS, "物业管理中心"),
    ("org:badge_sheet", lambda o: [o.wuye.pk], MANAGERS, None),
    ("org:staff_list", lambda o: [], ANY_HEAD, "员工"),
    ("org:staff_new", lambda o: [], ANY_HEAD, "新增员工"),
    ("org:staff_detail", lambda o: [Staff.objects.get(user=o.staff_wuye).pk], MANAGERS, "物业员工"),
    ("org:staff_edit", lambda o: [Staff.objects.get(user=o.staff_wuye).pk], MANAGERS, "物业员工"),
    ("org:roster_export", lambda o: [], ANY_HEAD, None),
    ("org:roster_import", lambda o: [], {"admin"}, "导入花名册"),
    ("org:commitment_list", lambda o: [], ANY_HEAD, "服务承诺"),
    ("org:commitment_new", lambda o: [], ANY_HEAD, "新增承诺"),
    ("org:commitment_edit", lambda o: [Commitment.objects.get(title="报修30分钟内响应").pk], MANAGERS, "报修30分钟内响应"),
    ("org:phrase_list", lambda o: [], {"supervisor", "admin"}, "不归我管"),
    ("org:phrase_new", lambda o: [], {"supervisor", "admin"}, "新增用语"),
    ("org:phrase_edit", lambda o: [ServicePhrase.objects.get(text="不归我管").pk], {"supervisor", "admin"}, "不归我管"),
    ("org:site_settings", lambda o: [], {"admin"}, "投诉热线"),
    # Everyone signed in: their own badge (each sees only their own: test_my_badge.py).
    ("org:my_badge", lambda o: [], set(ROLES) - {"anonymous"}, "我的胸牌"),
]

CASES = [
    pytest.param(name, args, role, expected, marker, id=f"{name.split(':')[1]}-{role}")
    for name, args, allowed, marker in STAFF_PAGES
    for role, expected in expect(allowed).items()
]


@pytest.mark.parametrize("name, args, role, expected, marker", CASES)
def test_it_guards_every_staff_page_by_role_and_department(client, org, name, args, role, expected, marker):
    if role != "anonymous":
        client.force_login(getattr(org, role))
    url = reverse(name, args=args(org))
    response = client.get(url)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    elif expected == 404:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        if marker is not None:
            assert marker in response.content.decode()


PUBLIC_PAGES = [
    ("org:home", lambda o: [], "投诉热线"),
    ("org:public_commitments", lambda o: [], "报修30分钟内响应"),
    ("org:public_directory", lambda o: [], "物业员工"),
    ("org:public_phrases", lambda o: [], "不归我管"),
    ("org:badge_page", lambda o: [Staff.objects.get(user=o.staff_wuye).public_code], "物业员工"),
]


@pytest.mark.parametrize("role", ["anonymous", "staff_wuye", "head_yinshi", "admin"])
@pytest.mark.parametrize("name, args, marker", PUBLIC_PAGES, ids=[p[0].split(":")[1] for p in PUBLIC_PAGES])
def test_it_shows_public_pages_to_everyone(client, org, name, args, marker, role):
    if role != "anonymous":
        client.force_login(getattr(org, role))
    response = client.get(reverse(name, args=args(org)))
    assert response.status_code == 200
    assert marker in response.content.decode()


def test_it_keeps_staff_phone_numbers_off_public_pages(client, org):
    Staff.objects.filter(user=org.staff_wuye).update(phone="13712345678")
    staff = Staff.objects.get(user=org.staff_wuye)
    for url in (reverse("org:public_directory"), staff.get_public_url(), reverse("org:home")):
        assert "13712345678" not in client.get(url).content.decode()


# --- A department head never sees another department's staff admin data ------------------


def test_it_lists_only_the_heads_own_department_staff(client, org):
    client.force_login(org.head_yinshi)
    html = client.get(reverse("org:staff_list")).content.decode()
    assert "饮食员工" in html and "评委" in html
    assert "物业员工" not in html and "物业主任" not in html
    # Asking for the other department or searching for its people changes nothing.
    html = client.get(reverse("org:staff_list"), {"department": org.wuye.pk}).content.decode()
    assert "物业员工" not in html
    html = client.get(reverse("org:staff_list"), {"q": "物业"}).content.decode()
    assert "物业员工" not in html and "没有符合筛选条件的员工" in html


def test_it_lists_only_the_heads_own_department_and_its_commitments(client, org):
    client.force_login(org.head_yinshi)
    html = client.get(reverse("org:department_list")).content.decode()
    assert "饮食服务中心" in html and "物业管理中心" not in html
    html = client.get(reverse("org:commitment_list")).content.decode()
    assert "饭菜明码标价" in html and "报修30分钟内响应" not in html


def test_it_offers_a_head_only_the_own_department_in_forms(client, org):
    client.force_login(org.head_yinshi)
    for name in ("org:staff_new", "org:commitment_new"):
        html = client.get(reverse(name)).content.decode()
        assert "饮食服务中心" in html and "物业管理中心" not in html and "集团办公室" not in html


def test_it_does_not_let_a_head_edit_or_move_staff_of_another_department(client, org):
    worker = Staff.objects.get(user=org.staff_wuye)
    client.force_login(org.head_yinshi)
    data = {"name": "改名", "badge_number": worker.badge_number, "department": org.yinshi.pk, "post": "厨师",
            "role": "staff", "on_duty": "on", "is_active": "on"}
    assert client.post(reverse("org:staff_edit", args=[worker.pk]), data).status_code == 404
    worker.refresh_from_db()
    assert (worker.name, worker.department) == ("物业员工", org.wuye)
    # Creating someone in the other department is refused by the form.
    data.update(badge_number="NEW1", department=org.wuye.pk)
    response = client.post(reverse("org:staff_new"), data)
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert not Staff.objects.filter(badge_number="NEW1").exists()


def test_it_does_not_let_a_head_change_or_delete_another_departments_commitment(client, org):
    commitment = Commitment.objects.get(title="报修30分钟内响应")
    client.force_login(org.head_yinshi)
    data = {"department": org.yinshi.pk, "title": "偷改", "sort_order": 1, "is_published": "on"}
    assert client.post(reverse("org:commitment_edit", args=[commitment.pk]), data).status_code == 404
    assert client.post(reverse("org:commitment_delete", args=[commitment.pk])).status_code == 404
    commitment.refresh_from_db()
    assert commitment.title == "报修30分钟内响应"


def test_it_does_not_let_a_head_grant_roles(client, org):
    worker = Staff.objects.get(user=org.staff_wuye)
    client.force_login(org.head_wuye)
    data = {"name": "物业员工", "badge_number": worker.badge_number, "department": org.wuye.pk, "post": "保洁员",
            "role": "admin", "on_duty": "on", "is_active": "on"}
    response = client.post(reverse("org:staff_edit", args=[worker.pk]), data)
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.role == "staff"


def test_it_requires_post_to_delete_a_commitment(client, org):
    commitment = Commitment.objects.get(title="报修30分钟内响应")
    client.force_login(org.head_wuye)
    assert client.get(reverse("org:commitment_delete", args=[commitment.pk])).status_code == 405
    response = client.post(reverse("org:commitment_delete", args=[commitment.pk]))
    assert response.status_code == 302
    assert not Commitment.objects.filter(pk=commitment.pk).exists()


def test_it_treats_a_deactivated_heads_account_as_no_role(client, org):
    Staff.objects.filter(user=org.head_wuye).update(is_active=False)
    client.force_login(org.head_wuye)
    assert client.get(reverse("org:staff_list")).status_code == 404


def test_it_lets_a_hotline_operator_read_every_department_but_change_none(client, org):
    client.force_login(org.operator)
    html = client.get(reverse("org:department_list")).content.decode()
    assert "物业管理中心" in html and "饮食服务中心" in html and "集团办公室" in html
    html = client.get(reverse("org:department_detail", args=[org.yinshi.pk])).content.decode()
    assert "饭菜明码标价" in html
    assert 'data-testid="badge-pdf"' not in html and reverse("org:department_edit", args=[org.yinshi.pk]) not in html
    assert client.get(reverse("org:department_edit", args=[org.yinshi.pk])).status_code == 404
    assert client.get(reverse("org:staff_list")).status_code == 404
