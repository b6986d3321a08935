"""Every signed-in user changes their password; staff with an e-mail address reset a forgotten one."""

import re

import pytest
from django.core import mail
from django.urls import reverse

NEW = "Kfc-Harbour-2031"


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_it_lets_anyone_signed_in_change_their_password_end_to_end(client, org):
    client.force_login(org.staff_wuye)
    page = client.get(reverse("password_change"))
    html = page.content.decode()
    assert "修改密码" in html and 'name="old_password"' in html and "qs-staff" in html  # in the staff layout
    response = client.post(reverse("password_change"), {"old_password": org.password, "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    done = client.get(response["Location"]).content.decode()
    assert "您的密码已修改" in done
    assert client.get(reverse("core:workbench")).status_code == 200  # still signed in (session hash updated)
    client.post(reverse("logout"))
    assert sign_in(client, org.staff_wuye.username, org.password).status_code == 200  # the old one no longer works
    assert sign_in(client, org.staff_wuye.username, NEW).status_code == 302


def test_it_changes_nothing_for_a_wrong_current_password_or_a_weak_new_one(client, org):
    client.force_login(org.staff_wuye)
    html = client.post(reverse("password_change"), {"old_password": "nope", "new_password1": NEW, "new_password2": NEW}).content.decode()
    assert "你的旧密码不正确" in html
    html = client.post(reverse("password_change"), {"old_password": org.password, "new_password1": "12345678",
                                                    "new_password2": "12345678"}).content.decode()
    assert "这个密码太常见了" in html
    org.staff_wuye.refresh_from_db()
    assert org.staff_wuye.check_password(org.password)


def test_it_needs_a_sign_in_for_the_password_change_page(client, db):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_it_links_the_staff_menu_to_the_password_change(client, org):
    client.force_login(org.head_wuye)
    html = client.get(reverse("core:workbench")).content.decode()
    assert f'href="{reverse("password_change")}"' in html and "修改密码" in html


@pytest.fixture
def with_email(org):
    org.staff_wuye.email = "wuye.staff@example.edu.cn"
    org.staff_wuye.save(update_fields=["email"])
    return org.staff_wuye


def main(response) -> str:
    return re.search(r"<main.*</main>", response.content.decode(), re.DOTALL).group(0)


def reset_link(message) -> str:
    match = re.search(r"http://testserver(/accounts/password/reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_it_sends_a_reset_mail_with_a_link_that_sets_a_new_password(client, org, with_email):
    page = client.get(reverse("password_reset")).content.decode()
    assert "忘记密码" in page and 'name="email"' in page
    response = client.post(reverse("password_reset"), {"email": "Wuye.Staff@example.edu.cn"})
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["wuye.staff@example.edu.cn"]
    assert "重新设置" in message.subject and with_email.username in message.body
    link = reset_link(message)  # on SITE_URL, like every link the platform mails
    form_page = client.get(link, follow=True)
    assert "设置新密码" in form_page.content.decode() and 'name="new_password1"' in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert response["Location"] == reverse("password_reset_complete")
    assert "新密码已设置" in client.get(response["Location"]).content.decode()
    assert sign_in(client, with_email.username, NEW).status_code == 302
    client.post(reverse("logout"))
    used = client.get(link, follow=True).content.decode()
    assert "此链接已失效" in used  # a link works once


def test_it_gives_an_unknown_address_the_same_neutral_message_and_no_mail(client, org, with_email):
    known = client.post(reverse("password_reset"), {"email": "wuye.staff@example.edu.cn"}, follow=True)
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.edu.cn"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain == [(reverse("password_reset_done"), 302)]
    assert main(known) == main(unknown)  # the whole page but its CSRF token
    assert "如果有账号使用这个电子邮件地址" in unknown.content.decode()
    assert len(mail.outbox) == 1  # the known one only


def test_it_sends_no_mail_to_an_account_without_a_usable_password_or_inactive(client, org, with_email):
    with_email.is_active = False
    with_email.save(update_fields=["is_active"])
    client.post(reverse("password_reset"), {"email": "wuye.staff@example.edu.cn"})
    assert mail.outbox == []


def test_it_limits_reset_requests_per_address(client, org, with_email, settings):
    settings.QS_PASSWORD_RESET_RATE_PER_IP = "2/h"
    for _ in range(2):
        assert client.post(reverse("password_reset"), {"email": "wuye.staff@example.edu.cn"}).status_code == 302
    response = client.post(reverse("password_reset"), {"email": "wuye.staff@example.edu.cn"})
    assert response.status_code == 429 and "密码重置请求过多" in response.content.decode()
    assert len(mail.outbox) == 2


def test_it_says_a_made_up_reset_link_is_not_valid(client, db):
    html = client.get(reverse("password_reset_confirm", args=["MQ", "abc-def"])).content.decode()
    assert "此链接已失效" in html and reverse("password_reset") in html
