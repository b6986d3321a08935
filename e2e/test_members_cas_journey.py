"""A student on her phone signs in through the campus identity service — a real CAS server
(django-cas-server) in its own process — from a public page, comes back signed in with the released
attributes, opens her page, signs out (which ends the CAS session too); signed in again, the CAS server's
own sign-out ends her session here as well (single sign-out callback)."""

import re

import pytest

from e2e.foundation import no_horizontal_overflow
from qualityservice.members.models import Member
from qualityservice.members.tests.casserver.fixture import allow_cas_form_redirects, cas_server, cas_server_process  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def campus(settings, live_server, cas_server):  # noqa: F811
    settings.SITE_URL = live_server.url
    settings.CAS_ROOT_PROXIED_AS = live_server.url
    settings.CAS_SERVER_URL = cas_server.url
    settings.QS_CAS_SERVER_URL = cas_server.url
    settings.CAS_VERSION = "3"
    settings.QS_MEMBER_PASSWORDS = False
    allow_cas_form_redirects(settings, cas_server.url)
    cas_server.add_user("20240117", "Ocean-2024", name="王海洋", type="本科生", college="海洋与大气学院", **{"class": "海科2401"})
    return cas_server


def sign_in_at_cas(page, cas):
    page.wait_for_url(re.compile(re.escape(cas.url) + "login"))
    page.fill("#id_username", "20240117")
    page.fill("#id_password", "Ocean-2024")
    page.locator("#login_form button[type=submit]").click()


def test_it_signs_a_student_in_through_cas_shows_her_page_and_signs_her_out_everywhere(phone, live_server, org, campus):
    page = phone
    page.goto(f"{live_server.url}/feedback/new/")
    page.get_by_test_id("cas-sign-in").click()
    sign_in_at_cas(page, campus)
    page.wait_for_url(f"{live_server.url}/feedback/new/")  # back where she was, signed in
    assert page.get_by_test_id("named-as").inner_text().startswith("将以您的实名提交：王海洋（20240117）")

    page.get_by_test_id("my-page-link").click()
    page.wait_for_url(f"{live_server.url}/members/")
    assert page.get_by_test_id("member-name").inner_text() == "王海洋"
    assert page.get_by_test_id("member-facts").inner_text() == "学生 · 20240117 · 海洋与大气学院 · 海科2401"
    assert "已通过统一身份认证登录" in page.get_by_test_id("my-profile").inner_text()
    for section in ("my-feedback", "my-surveys", "my-registrations", "my-votes", "my-data"):
        assert page.get_by_test_id(section).is_visible()
    assert no_horizontal_overflow(page, 390)
    page.screenshot(path="/tmp/members-my-page-phone.png", full_page=True)
    member = Member.objects.get(number="20240117")
    assert member.source == "cas" and member.class_name == "海科2401"

    # Signing out here also ends the CAS session: the next sign-in asks for the password again.
    page.get_by_test_id("sign-out").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_test_id("cas-sign-in").is_visible()
    page.get_by_test_id("cas-sign-in").click()
    page.wait_for_url(re.compile(re.escape(campus.url) + "login"))
    assert page.locator("#id_password").is_visible()

    # Signed in again, then signed out at the CAS server itself: its callback ends the session here.
    sign_in_at_cas(page, campus)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/members/")
    assert page.get_by_test_id("member-name").inner_text() == "王海洋"
    page.goto(campus.url + "logout")
    page.goto(f"{live_server.url}/members/")
    page.wait_for_url(re.compile(r"/members/signin/\?next="))
    assert page.get_by_test_id("cas-sign-in-button").is_visible()
    page.screenshot(path="/tmp/members-signin-cas-phone.png", full_page=True)


def test_it_refuses_a_replayed_ticket_with_a_clear_message(phone, live_server, org, campus):
    page = phone
    tickets = []
    page.on("request", lambda r: tickets.append(r.url) if "ticket=" in r.url else None)
    page.goto(f"{live_server.url}/")
    page.get_by_test_id("cas-sign-in").click()
    sign_in_at_cas(page, campus)
    page.wait_for_url(f"{live_server.url}/")
    page.context.clear_cookies()
    page.goto(tickets[0])  # the same ticket once more, in a fresh session
    assert "统一身份认证服务未接受此次登录票据" in page.get_by_test_id("cas-refused").inner_text()
    page.screenshot(path="/tmp/members-cas-refused-phone.png", full_page=True)
