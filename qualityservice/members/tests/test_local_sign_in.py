"""Without CAS (the embedded default): members sign in with their ID number and a password they set
at the first sign-in from a one-time code; every failure counts against the staff sign-in's limits."""

import pytest
from django.urls import reverse

from qualityservice.members import services
from qualityservice.members.models import Member, SignInCode

from .factories import PASSWORD, make_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("local_passwords")]


def sign_in(client, number, password, next_url=""):
    return client.post(reverse("members:signin"), {"username": number, "password": password, "next": next_url})


def test_it_signs_a_member_in_with_the_id_number_and_opens_the_my_page(client, student):
    response = sign_in(client, "20230001", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("members:home")
    html = client.get(reverse("members:home")).content.decode()
    assert "张晓明" in html and "20230001" in html and "计算机学院" in html and "计算机2301" in html


def test_it_ignores_the_case_of_the_id_number(client, db):
    make_member("T0321", "李文华", kind="teacher")
    assert sign_in(client, "t0321", PASSWORD).status_code == 302


def test_it_returns_to_the_page_the_member_came_from_but_never_off_the_site(client, student):
    assert sign_in(client, "20230001", PASSWORD, "/surveys/")["Location"] == "/surveys/"
    client.logout()
    assert sign_in(client, "20230001", PASSWORD, "https://evil.example/")["Location"] == reverse("members:home")


def test_it_refuses_a_wrong_password_in_chinese_and_says_how_to_sign_in_the_first_time(client, student):
    response = sign_in(client, "20230001", "wrong")
    html = response.content.decode()
    assert response.status_code == 400
    assert "学号/工号或密码错误" in html and "一次性激活码" in html
    assert "_auth_user_id" not in client.session


def test_it_does_not_sign_a_staff_account_in_on_the_members_page(client, org):
    response = client.post(reverse("members:signin"), {"username": "head_wuye", "password": org.password})
    assert response.status_code == 400 and "_auth_user_id" not in client.session


def test_it_throttles_member_sign_in_with_the_staff_sign_in_limits(client, student, settings):
    settings.QS_LOGIN_FAILURES_PER_ACCOUNT = "3/15m"
    for _ in range(3):
        assert sign_in(client, "20230001", "wrong").status_code == 400
    response = sign_in(client, "20230001", PASSWORD)  # the right password, refused while locked out
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_counts_member_and_staff_failures_from_one_address_together(client, student, org, settings):
    settings.QS_LOGIN_FAILURES_PER_IP = "4/15m"
    for _ in range(2):
        sign_in(client, "20230001", "wrong")
        client.post(reverse("login"), {"username": "head_wuye", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "head_wuye", "password": org.password})
    assert response.status_code == 429


# --- First sign-in with a one-time code -------------------------------------------------------


def issue(member, admin=None):
    issued = services.issue_codes(Member.objects.filter(pk=member.pk), by=admin)
    return issued.rows[0][5]


def activate(client, number, code, password="Blue-Harbour-77", again=None):
    return client.post(reverse("members:activate"), {"number": number, "code": code, "password1": password,
                                                     "password2": again or password})


def test_it_sets_the_password_from_a_one_time_code_and_the_code_works_once(client, db):
    member = make_member(password=None)
    code = issue(member)
    assert sign_in(client, "20230001", "Blue-Harbour-77").status_code == 400  # no password yet
    response = activate(client, "20230001", code.lower().replace("-", ""))  # as typed from the sheet
    assert response.status_code == 302 and response["Location"] == reverse("members:home")
    assert client.get(reverse("members:home")).status_code == 200
    assert not SignInCode.objects.filter(member=member).exists()
    client.logout()
    again = activate(client, "20230001", code, "Another-Pass-88")
    assert again.status_code == 400 and "一次性激活码不正确" in again.content.decode()
    assert sign_in(client, "20230001", "Blue-Harbour-77").status_code == 302


def test_it_refuses_an_expired_code(client, db):
    member = make_member(password=None)
    code = issue(member)
    SignInCode.objects.filter(member=member).update(expires_at="2000-01-01T00:00:00Z")
    response = activate(client, "20230001", code)
    assert response.status_code == 400 and "已过期" in response.content.decode()
    member.user.refresh_from_db()
    assert not member.user.has_usable_password()


def test_it_checks_the_new_password_with_the_password_rules_and_keeps_the_code(client, db):
    member = make_member(password=None)
    code = issue(member)
    short = activate(client, "20230001", code, "abc")
    assert short.status_code == 400 and "密码长度太短" in short.content.decode()
    differ = activate(client, "20230001", code, "Blue-Harbour-77", "Blue-Harbour-78")
    assert differ.status_code == 400 and "两次输入的密码不一致" in differ.content.decode()
    assert SignInCode.objects.filter(member=member).exists()


def test_it_throttles_guessing_codes(client, db, settings):
    settings.QS_LOGIN_FAILURES_PER_ACCOUNT = "3/15m"
    member = make_member(password=None)
    code = issue(member)
    for _ in range(3):
        activate(client, "20230001", "AAAAA-AAAAA")
    response = activate(client, "20230001", code)
    assert response.status_code == 429 and "登录失败次数过多" in response.content.decode()
    member.user.refresh_from_db()
    assert not member.user.has_usable_password()


def test_it_stores_only_a_keyed_hash_of_a_code(db):
    member = make_member(password=None)
    code = issue(member)
    stored = SignInCode.objects.get(member=member).digest
    assert code.replace("-", "") not in stored and len(stored) == 64


def test_it_offers_no_local_sign_in_when_member_passwords_are_off(client, student, settings):
    settings.QS_MEMBER_PASSWORDS = False
    assert client.get(reverse("members:activate")).status_code == 404
    assert sign_in(client, "20230001", PASSWORD).status_code == 404
    html = client.get(reverse("members:signin")).content.decode()
    assert "member-sign-in-form" not in html and "本平台未开放师生登录" in html
