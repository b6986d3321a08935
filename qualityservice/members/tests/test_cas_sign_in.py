"""Sign-in through the campus identity service, against a real CAS server (django-cas-server in its own
process): members created or updated from the released attributes, staff matched by badge number, and
every bad ticket or address refused with a clear message."""

from urllib.parse import parse_qs, quote, urlparse

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_cas_ng.models import SessionTicket

from qualityservice.members.models import Member
from qualityservice.org.models import Staff

from .factories import make_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cas_settings")]

ATTRS = {"name": "王海洋", "type": "本科生", "college": "海洋与大气学院", "class": "海科2401"}


def service(next_url="/members/", host="http://testserver"):
    return f"{host}{reverse('cas_login')}?next={quote(next_url, safe='')}"


def come_back(client, ticket, next_url="/members/"):
    return client.get(reverse("cas_login"), {"next": next_url, "ticket": ticket})


def test_it_sends_the_visitor_to_the_cas_login_page_with_this_site_as_the_service(client, cas_server):
    response = client.get(reverse("cas_login"), {"next": "/feedback/new/"})
    assert response.status_code == 302
    target = urlparse(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == cas_server.url + "login"
    assert parse_qs(target.query)["service"] == [service("/feedback/new/")]


def test_it_builds_the_service_url_from_site_url_not_from_the_host_header(client, cas_server, settings):
    settings.ALLOWED_HOSTS = ["testserver", "campus-proxy.example"]
    response = client.get(reverse("cas_login"), {"next": "/members/"}, HTTP_HOST="campus-proxy.example")
    assert parse_qs(urlparse(response["Location"]).query)["service"] == [service()]


def test_it_signs_a_new_member_in_from_the_released_attributes(client, cas_server):
    cas_server.add_user("20240117", "pw-1", **ATTRS)
    response = come_back(client, cas_server.ticket_for(service(), "20240117", "pw-1"))
    assert response.status_code == 302 and response["Location"] == "/members/"
    member = Member.objects.select_related("college").get(number="20240117")
    assert (member.name, member.kind, member.college.name, member.class_name, member.source) == (
        "王海洋", "student", "海洋与大气学院", "海科2401", "cas")
    assert not member.user.has_usable_password()
    html = client.get(reverse("members:home")).content.decode()
    assert "王海洋" in html and "已通过统一身份认证登录" in html
    assert SessionTicket.objects.filter(session_key=client.session.session_key).exists()


def test_it_matches_the_roster_member_and_updates_them_from_the_attributes_with_history(client, cas_server):
    member = make_member("20240117", "王海", class_name="海科2301", password=None)
    cas_server.add_user("20240117", "pw-1", **ATTRS)
    come_back(client, cas_server.ticket_for(service(), "20240117", "pw-1"))
    member.refresh_from_db()
    assert member.name == "王海洋" and member.class_name == "海科2401" and member.college.name == "海洋与大气学院"
    assert member.user_id == int(client.session["_auth_user_id"])
    assert member.history.first().history_change_reason == "CAS attributes"
    assert Member.objects.count() == 1


def test_it_keeps_the_roster_values_the_service_does_not_release(client, cas_server):
    member = make_member("20240117", "王海", class_name="海科2301", password=None)
    cas_server.add_user("20240117", "pw-1")  # no attributes released
    assert come_back(client, cas_server.ticket_for(service(), "20240117", "pw-1")).status_code == 302
    member.refresh_from_db()
    assert (member.name, member.class_name, member.college.name) == ("王海", "海科2301", "计算机学院")


def test_it_refuses_an_id_that_is_not_on_the_roster_when_unknown_ids_may_not_sign_in(client, cas_server, settings):
    settings.QS_CAS_ALLOW_UNKNOWN = False
    cas_server.add_user("20249999", "pw", **ATTRS)
    response = come_back(client, cas_server.ticket_for(service(), "20249999", "pw"))
    html = response.content.decode()
    assert response.status_code == 403 and "20249999 不在本平台的师生名册中" in html
    assert not Member.objects.exists() and "_auth_user_id" not in client.session


def test_it_signs_staff_in_as_their_staff_account_matched_by_badge_number(client, cas_server, org, settings):
    settings.QS_CAS_ATTR_STAFF_ID = "employeeNumber"
    badge = Staff.objects.get(user=org.head_wuye).badge_number
    cas_server.add_user("zhangsan", "pw", name="物业主任", employeeNumber=badge.lower())
    ticket = cas_server.ticket_for(service("/members/"), "zhangsan", "pw")
    response = come_back(client, ticket)
    assert response.status_code == 302 and response["Location"] == reverse("core:workbench")
    assert int(client.session["_auth_user_id"]) == org.head_wuye.pk
    assert not Member.objects.exists()
    assert "物业主任" in client.get(reverse("core:workbench")).content.decode()


def test_it_signs_in_with_cas_2_as_well(client, cas_server, settings):
    settings.CAS_VERSION = "2"
    cas_server.add_user("20240117", "pw-1", **ATTRS)
    assert come_back(client, cas_server.ticket_for(service(), "20240117", "pw-1"))["Location"] == "/members/"
    assert Member.objects.get(number="20240117").name == "王海洋"


def test_it_maps_configured_attribute_names_and_type_values(client, cas_server, settings):
    settings.QS_CAS_ATTR_ID, settings.QS_CAS_ATTR_NAME, settings.QS_CAS_ATTR_TYPE = "XH", "XM", "RYLB"
    settings.QS_CAS_ATTR_COLLEGE, settings.QS_CAS_ATTR_CLASS = "YXMC", "BJMC"
    settings.QS_CAS_TEACHER_VALUES = ["在职教工"]
    cas_server.add_user("u-7781", "pw", XH="t0099", XM="赵老师", RYLB="在职教工", YXMC="文学院", BJMC="")
    come_back(client, cas_server.ticket_for(service(), "u-7781", "pw"))
    member = Member.objects.get()
    assert (member.number, member.name, member.kind, member.college.name) == ("T0099", "赵老师", "teacher", "文学院")


# --- Refused tickets and addresses ----------------------------------------------------------------


def test_it_refuses_a_replayed_ticket(client, cas_server):
    cas_server.add_user("20240117", "pw-1", **ATTRS)
    ticket = cas_server.ticket_for(service(), "20240117", "pw-1")
    assert come_back(client, ticket).status_code == 302
    client.logout()
    replay = come_back(client, ticket)
    assert replay.status_code == 403 and "已被使用、已过期" in replay.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_forged_ticket(client, cas_server):
    response = come_back(client, "ST-0000000000000000000000000000000000forged")
    assert response.status_code == 403 and "统一身份认证服务未接受此次登录票据" in response.content.decode()
    assert not get_user_model().objects.filter(username__startswith="m-").exists()


def test_it_refuses_an_expired_ticket(client, cas_server):
    cas_server.add_user("20240117", "pw-1", **ATTRS)
    ticket = cas_server.ticket_for(service(), "20240117", "pw-1")
    cas_server.expire_tickets()
    response = come_back(client, ticket)
    assert response.status_code == 403 and "已过期" in response.content.decode()
    assert not Member.objects.exists()


def test_it_refuses_a_ticket_issued_for_a_service_on_another_host(client, cas_server):
    cas_server.add_user("20240117", "pw-1", **ATTRS)
    ticket = cas_server.ticket_for(service(host="http://localhost:8000"), "20240117", "pw-1")
    response = come_back(client, ticket)
    assert response.status_code == 403 and "为其他网址签发" in response.content.decode()
    assert not Member.objects.exists()


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "http://testserver.evil.example/"])
def test_it_refuses_to_return_anywhere_off_the_site(client, cas_server, next_url):
    response = client.get(reverse("cas_login"), {"next": next_url})
    assert response.status_code == 400 and "登录后要返回的网址不属于本站" in response.content.decode()


def test_it_throttles_a_stream_of_refused_tickets_from_one_address(client, cas_server, settings):
    settings.QS_LOGIN_FAILURES_PER_IP = "3/15m"
    for i in range(3):
        assert come_back(client, f"ST-forged-{i}").status_code == 403
    cas_server.add_user("20240117", "pw-1", **ATTRS)
    response = come_back(client, cas_server.ticket_for(service(), "20240117", "pw-1"))  # even a good one, for a while
    assert response.status_code == 429 and "登录失败次数过多" in response.content.decode()
    assert not Member.objects.exists()


def test_it_says_so_when_the_cas_server_cannot_be_reached(client, settings):
    settings.CAS_SERVER_URL = "http://127.0.0.1:9/cas/"
    response = come_back(client, "ST-whatever")
    assert response.status_code == 403 and "暂时无法连接统一身份认证服务" in response.content.decode()


def test_it_has_no_cas_sign_in_when_cas_is_not_configured(client, settings):
    settings.CAS_SERVER_URL = None
    assert client.get(reverse("cas_login")).status_code == 404


# --- Sign-out and single sign-out -------------------------------------------------------------------


def sign_in_member(client, cas_server):
    cas_server.add_user("20240117", "pw-1", **ATTRS)
    ticket = cas_server.ticket_for(service(), "20240117", "pw-1")
    come_back(client, ticket)
    return ticket


def test_it_ends_the_cas_session_too_when_a_cas_member_signs_out(client, cas_server):
    sign_in_member(client, cas_server)
    key = client.session.session_key
    response = client.post(reverse("logout"))
    target = urlparse(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == cas_server.url + "logout"
    assert parse_qs(target.query)["service"] == ["http://testserver/"]
    assert not SessionTicket.objects.filter(session_key=key).exists()
    assert client.get(reverse("members:home"))["Location"].startswith(reverse("members:signin"))


def test_it_signs_out_locally_only_when_single_sign_out_is_off(client, cas_server, settings):
    settings.CAS_LOGOUT_COMPLETELY = False
    sign_in_member(client, cas_server)
    assert client.post(reverse("logout"))["Location"] == "/"


def test_it_signs_out_a_password_session_locally_whatever_cas_says(client, cas_server, org):
    client.force_login(org.head_wuye)
    assert client.post(reverse("logout"))["Location"] == "/"


def logout_request(ticket: str) -> str:
    return ('<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
            'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="x" Version="2.0" IssueInstant="2026-01-01T00:00:00Z">'
            f'<saml:NameID>@NOT_USED@</saml:NameID><samlp:SessionIndex>{ticket}</samlp:SessionIndex></samlp:LogoutRequest>')


def test_it_ends_the_session_named_by_the_cas_servers_single_sign_out_callback(client, cas_server, client_factory=None):
    from django.test import Client

    ticket = sign_in_member(client, cas_server)
    assert client.get(reverse("members:home")).status_code == 200
    server = Client()  # the CAS server's POST: no cookie, no CSRF token
    answer = server.post(service(), {"logoutRequest": logout_request(ticket)})
    assert answer.status_code == 200
    assert client.get(reverse("members:home"))["Location"].startswith(reverse("members:signin"))
    assert not SessionTicket.objects.filter(ticket=ticket).exists()


@pytest.mark.parametrize("body", [
    "not xml", logout_request("ST-unknown"),
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r>&e;</r>',
])
def test_it_ignores_single_sign_out_messages_that_name_no_session_of_ours(client, cas_server, body):
    ticket = sign_in_member(client, cas_server)
    from django.test import Client

    response = Client().post(service(), {"logoutRequest": body})
    assert response.status_code in (200, 400)
    assert client.get(reverse("members:home")).status_code == 200
    assert SessionTicket.objects.filter(ticket=ticket).exists()


# --- Buttons -------------------------------------------------------------------------------------


def test_it_shows_the_campus_sign_in_button_on_public_pages_and_the_staff_sign_in(client, cas_server, org):
    home = client.get("/").content.decode()
    assert "统一身份认证登录" in home and reverse("cas_login") + "?next=%2F" in home
    login = client.get(reverse("login") + "?next=/staff/feedback/").content.decode()
    assert 'data-testid="staff-cas-sign-in"' in login and "next=%2Fstaff%2Ffeedback%2F" in login
