"""Invitation-only events: invitees by ID or badge number, each with a personal link to choose a session or decline,
reminders to those who have not answered. Tickets: signed codes (a forged one is a 404 without a look-up), the QR
code as PNG, a calendar file, and the member's "my" page, data download and account closing."""

import datetime as dt
import io
import json

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from qualityservice.events import services
from qualityservice.events.models import Audience, Invitation, Registration, signed_ticket
from qualityservice.members import services as member_services

from .helpers import key, make_event, member, register, visitor

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference(org):
    return make_event(org, title="经验交流会", audience=Audience.INVITATION, capacity=50, by=org.supervisor)


def test_it_invites_members_and_staff_by_number_and_mails_each_a_personal_link(client, org, conference, django_capture_on_commit_callbacks):
    teacher = member("陈老师", email="chen@example.edu.cn")
    staff = org.head_yinshi.staff
    staff.badge_number = "G0007"
    staff.save()
    org.head_yinshi.email = "yinshi@example.edu.cn"
    org.head_yinshi.save()
    client.force_login(org.supervisor)
    url = reverse("events:invitations", args=[conference.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"numbers": f"{teacher.number}\ng0007\n{teacher.number}", "submission_key": key()})
    invitations = {i.user_id: i for i in Invitation.objects.all()}
    assert set(invitations) == {teacher.user.pk, org.head_yinshi.pk}
    assert invitations[teacher.user.pk].name == "陈老师" and invitations[org.head_yinshi.pk].name == "饮食主任"
    mails = {m.to[0]: m for m in mail.outbox if m.subject == "邀请：经验交流会"}
    assert set(mails) == {"chen@example.edu.cn", "yinshi@example.edu.cn"}
    assert invitations[teacher.user.pk].get_public_url() in mails["chen@example.edu.cn"].body


def test_unknown_numbers_are_listed_and_nobody_is_invited(client, org, conference):
    teacher = member("陈老师")
    client.force_login(org.supervisor)
    response = client.post(reverse("events:invitations", args=[conference.pk]), {"numbers": f"{teacher.number}\nNOBODY1", "submission_key": key()})
    assert response.status_code == 400 and "以下号码没有对应的账号：NOBODY1" in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_invitee_registers_through_the_link_which_accepts_the_invitation(client, org, conference):
    teacher = member("陈老师")
    services.invite(conference, [teacher.user], by=org.supervisor, key=key())
    invitation = Invitation.objects.get()
    session = conference.sessions.get()
    page = client.get(invitation.get_public_url()).content.decode()
    assert "陈老师，诚邀您参加" in page and f"?session={session.code}" in page
    response = client.post(invitation.get_public_url() + f"?session={session.code}", {"submission_key": key()})
    registration = Registration.objects.get()
    assert response["Location"] == registration.get_ticket_url()
    assert (registration.user, registration.invitation, registration.status) == (teacher.user, invitation, "confirmed")
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    assert "我的票券" in client.get(invitation.get_public_url()).content.decode()


def test_the_invitee_declines_and_a_withdrawn_invitation_opens_nothing(client, org, conference):
    first, second = member("甲"), member("乙")
    services.invite(conference, [first.user, second.user], by=org.supervisor, key=key())
    mine, theirs = Invitation.objects.order_by("pk")
    client.post(mine.get_public_url(), {"action": "decline"})
    mine.refresh_from_db()
    assert mine.status == "declined"
    client.force_login(org.supervisor)
    client.post(reverse("events:invitation_revoke", args=[theirs.pk]))
    client.logout()
    assert client.get(theirs.get_public_url()).status_code == 404


def test_reminders_go_to_those_who_have_not_answered_by_button_and_once_by_the_job(client, org, conference, settings,
                                                                                   django_capture_on_commit_callbacks):
    settings.QS_EVENTS_INVITATION_REMINDER_DAYS = 3
    pending, answered = member("未回复", email="p@example.edu.cn"), member("已回复", email="a@example.edu.cn")
    services.invite(conference, [pending.user, answered.user], by=org.supervisor, key=key())
    services.answer_invitation(Invitation.objects.get(user=answered.user), "decline")
    Invitation.objects.update(created_at=timezone.now() - dt.timedelta(days=4))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders() == 1
        assert services.send_reminders() == 0  # the job reminds once
    assert [m.to for m in mail.outbox if m.subject.startswith("提醒：诚邀")] == [["p@example.edu.cn"]]
    client.force_login(org.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        body = client.post(reverse("events:invitations_remind", args=[conference.pk]), follow=True).content.decode()
    assert "已提醒 1 位尚未回复的受邀人" in body
    assert Invitation.objects.get(user=pending.user).reminders == 2


def test_the_day_before_reminder_reaches_each_registered_member_once(org, django_capture_on_commit_callbacks):
    event = make_event(org, capacity=3, starts_in=dt.timedelta(hours=20))
    session = event.sessions.get()
    someone = member("报名同学", email="r@example.edu.cn")
    register(session, someone)
    visitor(session, 1)  # no e-mail address: nothing to send
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders() == 1
        assert services.send_reminders() == 0
    assert [m.to for m in mail.outbox if m.subject.startswith("提醒：")] == [["r@example.edu.cn"]]


def test_a_forged_or_mistyped_ticket_is_a_404(client, session):
    registration = visitor(session, 1)
    assert client.get(reverse("events:ticket", args=[registration.code + "-AAAAAAAA"])).status_code == 404
    assert client.get(reverse("events:ticket", args=[signed_ticket("ABCDEFGHJKLM")])).status_code == 404
    assert client.get(reverse("events:ticket", args=[registration.ticket.lower()])).status_code == 200


def test_the_ticket_comes_as_a_png_qr_code_and_a_calendar_file(client, session):
    registration = visitor(session, 1)
    png = client.get(reverse("events:ticket_png", args=[registration.ticket]))
    assert png["Content-Type"] == "image/png" and Image.open(io.BytesIO(png.content)).size[0] > 200
    ics = client.get(reverse("events:ticket_ics", args=[registration.ticket]))
    text = ics.content.decode()
    assert ics["Content-Type"].startswith("text/calendar")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and "SUMMARY:物业开放日" in text and "LOCATION:行远楼报告厅" in text
    start = timezone.localtime(session.starts_at).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in text and all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "BEGIN:VEVENT" in client.get(session.get_calendar_url()).content.decode()


def test_the_members_page_lists_registrations_with_their_tickets(client, session, student):
    registration = register(session, student)
    client.force_login(student.user)
    body = client.get(reverse("members:home")).content.decode()
    assert "我的报名与票券" in body and registration.get_ticket_url() in body and "物业开放日" in body and "已报名" in body


def test_the_data_download_holds_the_registrations_and_closing_the_account_forgets_the_person(client, session, student):
    registration = register(session, student)
    client.force_login(student.user)
    data = json.loads(client.get(reverse("members:data_json")).content)
    section = json.dumps(data, ensure_ascii=False)
    assert "物业开放日" in section and registration.code in section
    member_services.close_account(student)
    registration.refresh_from_db()
    assert (registration.user, registration.name, registration.phone, registration.status) == (None, "", "", "confirmed")
    session.refresh_from_db()
    assert session.general_taken == 1  # the counts stay
