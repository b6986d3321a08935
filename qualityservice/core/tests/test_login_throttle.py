"""Failed sign-ins are limited per account and per address; a lockout ends with its window; a huge
username is a validation error; the badge number keeps working."""

import pytest
from django.urls import reverse

from qualityservice.core import ratelimit
from qualityservice.org.models import Staff
from qualityservice.org.tests.factories import UserFactory


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def limits(settings):
    settings.QS_LOGIN_FAILURES_PER_ACCOUNT = "3/15m"
    settings.QS_LOGIN_FAILURES_PER_IP = "10/15m"
    return settings


def test_it_locks_an_account_after_its_failures_even_for_the_right_password(client, org, limits):
    for _ in range(3):
        assert "请输入一个正确的" in sign_in(client, org.head_wuye.username, "wrong").content.decode()
    response = sign_in(client, org.head_wuye.username, org.password)
    html = response.content.decode()
    assert response.status_code == 429
    assert "登录失败次数过多" in html and "分钟后再试" in html and "忘记密码" in html
    assert "_auth_user_id" not in client.session


def test_it_locks_the_account_out_from_another_address_and_leaves_others_alone(client, org, limits):
    for _ in range(3):
        sign_in(client, org.head_wuye.username, "wrong", address="10.0.0.1")
    assert sign_in(client, org.head_wuye.username, org.password, address="10.0.0.99").status_code == 429
    assert sign_in(client, org.head_yinshi.username, org.password, address="10.0.0.1").status_code == 302


def test_it_makes_the_username_and_the_badge_number_share_one_budget(client, org, limits):
    badge = Staff.objects.get(user=org.staff_wuye).badge_number
    sign_in(client, badge, "wrong")
    sign_in(client, org.staff_wuye.username, "wrong")
    sign_in(client, badge.lower(), "wrong")
    assert "登录失败次数过多" in sign_in(client, org.staff_wuye.username, org.password).content.decode()


def test_it_limits_failures_from_one_address_across_accounts(client, org, limits):
    """Password spraying: one guess per account, many accounts, one address."""
    for i in range(10):
        sign_in(client, f"someone-{i}", "wrong", address="10.0.0.7")
    response = sign_in(client, org.head_wuye.username, org.password, address="10.0.0.7")
    assert response.status_code == 429 and "登录失败次数过多" in response.content.decode()
    assert sign_in(client, org.head_wuye.username, org.password, address="10.0.0.8").status_code == 302


def test_it_ends_the_lockout_one_period_after_the_last_allowed_failure(client, org, limits, monkeypatch):
    now = [ratelimit.time.time()]
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    for _ in range(3):
        sign_in(client, org.head_wuye.username, "wrong")
    assert sign_in(client, org.head_wuye.username, org.password).status_code == 429
    now[0] += 15 * 60 + 1
    assert sign_in(client, org.head_wuye.username, org.password).status_code == 302


def test_it_forgets_the_accounts_earlier_typos_after_a_successful_sign_in(client, org, limits):
    sign_in(client, org.head_wuye.username, "wrong")
    sign_in(client, org.head_wuye.username, "wrong")
    assert sign_in(client, org.head_wuye.username, org.password).status_code == 302
    client.post(reverse("logout"))
    sign_in(client, org.head_wuye.username, "wrong")
    sign_in(client, org.head_wuye.username, "wrong")
    assert sign_in(client, org.head_wuye.username, org.password).status_code == 302


def test_it_translates_the_lockout_message_into_english(client, org, limits):
    client.cookies["django_language"] = "en"
    for _ in range(3):
        sign_in(client, org.head_wuye.username, "wrong")
    html = sign_in(client, org.head_wuye.username, org.password).content.decode()
    assert "Too many failed sign-in attempts. Please try again in 15 minutes." in html


def test_it_answers_a_megabyte_username_with_a_validation_error_not_a_server_error(client, org):
    """Before: the badge-number look-up (iexact, a LIKE on SQLite) failed with "LIKE or GLOB pattern
    too complex" and the page answered 500."""
    response = sign_in(client, "x" * (1024 * 1024), "whatever")
    html = response.content.decode()
    assert response.status_code == 200
    assert "不超过 150 字符" in html and "x" * 200 not in html
    assert "_auth_user_id" not in client.session


def test_it_still_signs_in_with_the_badge_number_and_a_username_of_the_longest_length(client, org):
    badge = Staff.objects.get(user=org.staff_wuye).badge_number
    assert sign_in(client, badge, org.password).status_code == 302
    client.post(reverse("logout"))
    longest = UserFactory(username="u" * 150)
    assert sign_in(client, longest.username, org.password).status_code == 302
    assert int(client.session["_auth_user_id"]) == longest.pk


def test_it_links_the_sign_in_page_to_the_password_reset(client, db):
    html = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in html and "忘记密码？" in html and 'maxlength="150"' in html
