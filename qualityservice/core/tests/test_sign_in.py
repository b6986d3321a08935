"""Staff sign in with their username or badge number and land on their workbench."""

from django.urls import reverse

from qualityservice.org.models import Staff
from qualityservice.org.tests.factories import UserFactory


def sign_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password, **extra})


def test_it_signs_in_with_the_username_and_opens_the_workbench(client, org):
    response = sign_in(client, org.head_wuye.username, org.password)
    assert response.status_code == 302 and response["Location"] == reverse("core:workbench")
    html = client.get(response["Location"]).content.decode()
    assert "物业主任" in html and "部门负责人" in html and "物业管理中心" in html
    assert "员工" in html and "服务承诺" in html  # the head's navigation


def test_it_signs_in_with_the_badge_number(client, org):
    badge = Staff.objects.get(user=org.staff_wuye).badge_number
    response = sign_in(client, badge.lower(), org.password)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == org.staff_wuye.pk


def test_it_refuses_a_wrong_password_in_chinese(client, org):
    response = sign_in(client, org.head_wuye.username, "wrong-password")
    assert response.status_code == 200
    html = response.content.decode()
    assert "请输入一个正确的" in html and "alert-danger" in html
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_badge_number_with_a_wrong_password(client, org):
    badge = Staff.objects.get(user=org.staff_wuye).badge_number
    assert sign_in(client, badge, "wrong").status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_prefers_a_username_that_looks_like_someone_elses_badge_number(client, org):
    badge = Staff.objects.get(user=org.staff_wuye).badge_number
    namesake = UserFactory(username=badge)
    assert sign_in(client, badge, org.password).status_code == 302
    assert int(client.session["_auth_user_id"]) == namesake.pk


def test_it_returns_to_the_requested_page_after_signing_in(client, org):
    target = reverse("org:staff_list")
    response = client.get(target)
    assert response["Location"] == f"{reverse('login')}?next={target}"
    response = sign_in(client, org.supervisor.username, org.password, next=target)
    assert response["Location"] == target


def test_it_tells_an_account_without_staff_profile_to_ask_for_one(client, db):
    client.force_login(UserFactory())
    html = client.get(reverse("core:workbench")).content.decode()
    assert "您的账号尚未关联员工档案" in html


def test_it_signs_out_with_post_to_the_home_page(client, org):
    client.force_login(org.staff_wuye)
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("org:home")
    assert client.get(reverse("core:workbench")).status_code == 302


def test_it_shows_the_organisation_and_hotline_on_the_sign_in_page(client, db):
    # Django's LoginView puts its own ``site`` in the context: the base templates must not depend on it.
    html = client.get(reverse("login")).content.decode()
    assert "后勤集团" in html and "66781315" in html and "hqjt@ouc.edu.cn" in html
