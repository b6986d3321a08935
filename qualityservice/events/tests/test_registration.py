"""Registering for a session: a signed-in member with one click, a visitor with name and phone, a co-host's
reserved seats through its link; one registration per person and per form; bad input answered with a message and
nothing created; the ticket's one-click cancel gives the seat to the first in line and tells the organiser."""

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from qualityservice.events import services
from qualityservice.events.models import Audience, Registration, Session

from .helpers import add_session, cohost, key, make_event, member, register, visitor

pytestmark = pytest.mark.django_db
KEY = "0123456789abcdef0123456789abcdef"


def test_it_registers_a_signed_in_member_with_one_click_and_shows_the_ticket(client, session, student):
    client.force_login(student.user)
    page = client.get(session.get_register_url()).content.decode()
    assert "以<strong>张晓明</strong>的身份报名" in page and 'name="phone"' not in page
    response = client.post(session.get_register_url(), {"submission_key": KEY})
    registration = Registration.objects.get()
    assert response["Location"] == registration.get_ticket_url()
    assert (registration.user, registration.name, registration.phone, registration.status) == (student.user, "张晓明", student.phone, "confirmed")
    ticket = client.get(registration.get_ticket_url())
    body = ticket.content.decode()
    assert "<svg" in body and registration.ticket in body and "取消报名" in body
    assert "no-store" in ticket["Cache-Control"]
    session.refresh_from_db()
    assert session.general_taken == 1


def test_it_registers_a_visitor_with_name_and_phone(client, session):
    response = client.post(session.get_register_url(), {"name": "赵老师", "phone": "139 0532 1001", "submission_key": KEY})
    registration = Registration.objects.get()
    assert response["Location"] == registration.get_ticket_url()
    assert (registration.user, registration.name, registration.phone) == (None, "赵老师", "13905321001")


def test_a_form_sent_twice_registers_once(client, session, student):
    client.force_login(student.user)
    first = client.post(session.get_register_url(), {"submission_key": KEY})
    second = client.post(session.get_register_url(), {"submission_key": KEY})
    registration = Registration.objects.get()
    assert first["Location"] == second["Location"] == registration.get_ticket_url()
    session.refresh_from_db()
    assert (session.general_taken, session.next_seq) == (1, 2)


def test_it_refuses_a_second_registration_of_the_same_person_and_shows_the_first_ticket(client, session, student):
    first = register(session, student)
    client.force_login(student.user)
    response = client.post(session.get_register_url(), {"submission_key": "another-key-000001"}, follow=True)
    assert response.redirect_chain[-1][0] == first.get_ticket_url()
    assert "您已报名本场" in response.content.decode()
    assert Registration.objects.count() == 1


def test_it_refuses_the_same_phone_twice_without_showing_its_ticket(client, session):
    first = visitor(session, 1)
    body = client.post(session.get_register_url(), {"name": "别人", "phone": first.phone, "submission_key": KEY}).content.decode()
    assert "该手机号已报名本场" in body and first.get_ticket_url() not in body
    assert Registration.objects.count() == 1


@pytest.mark.parametrize("phone", ["12345", "1390532100", "2390532100a", ""])
def test_it_refuses_a_malformed_phone_and_creates_nothing(client, session, phone):
    response = client.post(session.get_register_url(), {"name": "赵老师", "phone": phone, "submission_key": KEY})
    body = response.content.decode()
    assert response.status_code == 400 and ("请输入11位手机号" in body or "这个字段是必填项" in body)
    assert not Registration.objects.exists()


def test_it_refuses_registration_outside_the_window(client, org, student):
    event = make_event(org, capacity=0, publish=False)
    later = add_session(event, starts_in=dt.timedelta(days=20), opened=dt.timedelta(days=-5))  # opens in 5 days
    past = add_session(event, starts_in=dt.timedelta(days=20))
    Session.objects.filter(pk=past.pk).update(registration_closes_at=timezone.now() - dt.timedelta(hours=1),
                                              registration_opens_at=timezone.now() - dt.timedelta(days=2))
    services.move_event(event, "publish", by=org.head_wuye)
    client.force_login(student.user)
    body = client.post(later.get_register_url(), {"submission_key": KEY}).content.decode()
    assert "报名将于" in body and "开始" in body
    body = client.post(past.get_register_url(), {"submission_key": KEY}).content.decode()
    assert "本场报名已截止" in body
    assert not Registration.objects.exists()


def test_it_refuses_registration_for_a_draft_or_cancelled_event(client, org, student):
    draft = make_event(org, publish=False)
    client.force_login(student.user)
    assert client.get(draft.sessions.get().get_register_url()).status_code == 404
    event = make_event(org)
    services.move_event(event, "cancel", by=org.head_wuye)
    body = client.post(event.sessions.get().get_register_url(), {"submission_key": KEY}).content.decode()
    assert "本场报名已截止" in body and not Registration.objects.exists()


def test_a_members_only_event_asks_visitors_to_sign_in_and_refuses_staff(client, org, student):
    event = make_event(org, audience=Audience.MEMBERS)
    session = event.sessions.get()
    body = client.get(session.get_register_url()).content.decode()
    assert "登录后报名" in body and 'name="phone"' not in body
    client.post(session.get_register_url(), {"name": "外人", "phone": "13905321001", "submission_key": KEY})
    assert not Registration.objects.exists()
    with pytest.raises(services.ValidationError, match="面向师生"):
        register(session, org.staff_wuye)
    client.force_login(student.user)
    client.post(session.get_register_url(), {"submission_key": KEY})
    assert Registration.objects.get().user == student.user


def test_an_invitation_only_event_takes_no_registration_without_the_invitation(client, org, student):
    event = make_event(org, audience=Audience.INVITATION)
    session = event.sessions.get()
    client.force_login(student.user)
    response = client.get(session.get_register_url())
    assert response.status_code == 403 and "仅限受邀" in response.content.decode()
    with pytest.raises(services.ValidationError, match="仅限受邀"):
        register(session, student)
    assert not Registration.objects.exists()


def test_a_cohosts_link_takes_its_reserved_seats_and_refuses_when_they_are_all_taken(client, org):
    event = make_event(org, capacity=5)
    session = event.sessions.get()
    union, _c = services.save_allocation(session, key=key(), co_host=cohost(), seats=2)
    for n in range(2):
        register(session, name=f"学生会{n}", phone=f"1380000000{n}", allocation=union)
    body = client.post(union.get_register_url(), {"name": "晚到", "phone": "13800000009", "submission_key": KEY}).content.decode()
    assert "学生会名额已满" in body
    union.refresh_from_db()
    session.refresh_from_db()
    assert (union.taken, session.general_taken, session.reserved) == (2, 0, 2)
    assert Registration.objects.filter(allocation=union).count() == 2
    # The general pool is the other three seats; the fourth general registration waits.
    for n in range(4):
        visitor(session, n)
    assert list(Registration.objects.filter(allocation=None).values_list("status", flat=True)) == ["confirmed"] * 3 + ["waiting"]


def test_the_cohost_sees_its_own_list_through_its_second_link(client, org):
    event = make_event(org)
    session = event.sessions.get()
    union, _c = services.save_allocation(session, key=key(), co_host=cohost(), seats=2)
    register(session, name="学生会干事", phone="13800000001", allocation=union)
    visitor(session, 7)
    body = client.get(union.get_list_url()).content.decode()
    assert "学生会干事" in body and "访客7" not in body and "13800000001" not in body
    assert client.get(reverse("events:allocation_list", args=[union.code])).status_code == 404  # the registration code is not the list's


def test_a_reservation_never_exceeds_the_free_seats(org):
    event = make_event(org, capacity=5)
    session = event.sessions.get()
    for n in range(4):
        visitor(session, n)
    with pytest.raises(services.ValidationError, match="只有1个座位可以预留"):
        services.save_allocation(session, key=key(), co_host=cohost(), seats=2)
    session.refresh_from_db()
    assert session.reserved == 0


def test_the_database_refuses_more_seats_than_the_capacity(session):
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(general_taken=session.capacity + 1)


def test_the_database_refuses_a_second_active_registration_of_an_account(session, student):
    first = register(session, student)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(session=session, user=student.user, name="x", status="waiting", seq=99, rank=99)
    services.cancel_by_person(first)
    again = register(session, student)  # after cancelling, the person may register again
    assert again.status == "confirmed" and again.pk != first.pk


def test_cancelling_from_the_ticket_gives_the_seat_and_tells_the_organiser(client, org, django_capture_on_commit_callbacks):
    org.head_wuye.email = "head@example.edu.cn"
    org.head_wuye.save()
    event = make_event(org, capacity=1, starts_in=dt.timedelta(hours=5))  # within the auto-promotion hours
    session = event.sessions.get()
    seated = visitor(session, 1)
    waiting_member = member("候补同学", email="wait@example.edu.cn")
    waiting = register(session, waiting_member)
    assert waiting.status == "waiting"
    page = client.get(waiting.get_ticket_url()).content.decode()
    assert "您在候补名单中排第<strong>1</strong>位" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("events:ticket_action", args=[seated.ticket]), {"action": "cancel"})
    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert (seated.status, waiting.status) == ("cancelled", "confirmed")
    subjects = {m.subject: m.to for m in mail.outbox}
    assert subjects["退出报名：访客1，物业开放日"] == ["head@example.edu.cn"]
    assert subjects["您已获得座位：物业开放日"] == ["wait@example.edu.cn"]
    session.refresh_from_db()
    assert session.general_taken == 1


def test_leaving_the_waiting_list_keeps_the_order_of_the_others(org):
    event = make_event(org, capacity=1)
    session = event.sessions.get()
    visitor(session, 0)
    line = [visitor(session, n) for n in range(1, 4)]
    services.cancel_by_person(line[0])
    line[0].refresh_from_db()
    assert line[0].status == "withdrawn"
    assert [services.waiting_position(r) for r in Registration.objects.filter(pk__in=[line[1].pk, line[2].pk])] == [1, 2]


def test_a_cancelled_ticket_offers_no_cancel_and_no_qr(client, session):
    registration = visitor(session, 1)
    services.cancel_by_person(registration)
    body = client.get(registration.get_ticket_url()).content.decode()
    assert "已取消" in body and "<svg" not in body and 'value="cancel"' not in body
    assert client.get(reverse("events:ticket_png", args=[registration.ticket])).status_code == 404
    response = client.post(reverse("events:ticket_action", args=[registration.ticket]), {"action": "cancel"}, follow=True)
    assert "无法执行" in response.content.decode()


def test_the_rate_limit_stops_a_flood_of_visitor_registrations(client, session, settings):
    settings.QS_EVENTS_RATE_PER_VISITOR = "2/h"
    client.get(session.get_register_url())  # the browser id
    for n in range(2):
        client.post(session.get_register_url(), {"name": f"访客{n}", "phone": f"1390000000{n}", "submission_key": f"{KEY[:-1]}{n}"})
    response = client.post(session.get_register_url(), {"name": "访客9", "phone": "13900000009", "submission_key": "x" * 32})
    assert response.status_code == 429 and "报名过于频繁" in response.content.decode()
    assert Registration.objects.count() == 2


def test_a_members_registration_page_is_rendered_once_and_each_member_sees_their_own_name_token_and_key(client, org):
    from qualityservice.core import pagecache

    session = make_event(org, capacity=1).sessions.get()
    first, second, third = member("张晓明"), member("李思雨"), member("王一")
    pages = []
    before = pagecache.stats["hits"]
    for who in (first, second):
        client.force_login(who.user)
        pages.append(client.get(session.get_register_url()).content.decode())
    assert pagecache.stats["hits"] == before + 1  # the second member's page came from the cache
    assert "以<strong>张晓明</strong>的身份报名" in pages[0] and "以<strong>李思雨</strong>的身份报名" in pages[1]
    assert "placeholder-3b7c1d" not in pages[0] + pages[1]
    key = [p.split('name="submission_key" value="')[1].split('"')[0] for p in pages]
    assert key[0] != key[1] and all(len(k) == 32 for k in key)
    response = client.post(session.get_register_url(), {"submission_key": key[1]})  # the cached page's form works
    assert Registration.objects.get().user == second.user and response["Location"].startswith("/events/t/")
    client.force_login(third.user)
    full = client.get(session.get_register_url()).content.decode()
    assert "以<strong>王一</strong>的身份报名" in full and "加入候补" in full  # full now: another copy, never the stale one


def test_a_members_registration_page_makes_fewer_queries_from_the_cache(client, org, django_assert_max_num_queries):
    session = make_event(org, capacity=5).sessions.get()
    client.force_login(member().user)
    client.get(session.get_register_url())
    client.force_login(member().user)
    with django_assert_max_num_queries(6):  # the session (with its event and department), the login, the member
        client.get(session.get_register_url())
