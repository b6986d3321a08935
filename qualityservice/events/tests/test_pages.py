"""The organiser's pages: an event created once from a form sent twice, its sessions and co-host reservations, the
moves (publish needs a session, finish needs every session done, a head only in their own department), bad input
answered with a message and nothing changed; the public list and event page; English for English readers."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from qualityservice.core.models import WorkflowEvent
from qualityservice.events import services
from qualityservice.events.models import Allocation, Audience, CoHost, Event, Session

from .helpers import add_session, cohost, key, make_event, visitor

pytestmark = pytest.mark.django_db
KEY = "0123456789abcdef0123456789abcdef"


def _event_form(org, **changes):
    data = {"kind": "forum", "department": org.wuye.pk, "title": "物业服务座谈会", "title_en": "", "audience": "members",
            "description": "听取意见", "description_en": "", "submission_key": KEY}
    data.update(changes)
    return data


def _session_form(**changes):
    now = timezone.localtime()
    data = {"starts_at": (now + dt.timedelta(days=7)).strftime("%Y-%m-%dT14:00"), "ends_at": (now + dt.timedelta(days=7)).strftime("%Y-%m-%dT16:00"),
            "location": "会议室", "capacity": 30, "registration_opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "registration_closes_at": (now + dt.timedelta(days=6)).strftime("%Y-%m-%dT18:00"), "submission_key": KEY}
    data.update(changes)
    return data


def test_it_creates_one_event_from_a_form_sent_twice_with_its_co_hosts(client, org):
    union = cohost()
    client.force_login(org.head_wuye)
    first = client.post(reverse("events:new"), _event_form(org, co_hosts=[union.pk]))
    second = client.post(reverse("events:new"), _event_form(org, co_hosts=[union.pk]))
    event = Event.objects.get()
    assert first["Location"] == second["Location"] == event.get_absolute_url()
    assert (event.title, event.department, event.organiser, event.status, list(event.co_hosts.all())) == (
        "物业服务座谈会", org.wuye, org.head_wuye, "draft", [union])
    body = client.get(event.get_absolute_url()).content.decode()
    assert "活动已创建" in body and "学生会" in body and "还没有场次" in body


def test_it_refuses_another_departments_event_and_an_empty_title(client, org):
    client.force_login(org.head_wuye)
    assert "选择一个有效的选项" in client.post(reverse("events:new"), _event_form(org, department=org.yinshi.pk)).content.decode()
    assert "这个字段是必填项" in client.post(reverse("events:new"), _event_form(org, title="  ")).content.decode()
    assert "表单已过期" in client.post(reverse("events:new"), _event_form(org, submission_key="<x>")).content.decode()
    assert not Event.objects.exists()


def test_a_session_is_added_once_and_bad_times_are_refused(client, org):
    event = make_event(org, capacity=0, publish=False)
    client.force_login(org.head_wuye)
    url = reverse("events:session_new", args=[event.pk])
    body = client.post(url, _session_form(ends_at=timezone.localtime().strftime("%Y-%m-%dT%H:%M"))).content.decode()
    assert "结束时间应晚于开始时间" in body
    body = client.post(url, _session_form(capacity=0)).content.decode()
    assert "每场至少有一个名额" in body or "确保该值大于或等于1" in body
    assert not Session.objects.exists()
    client.post(url, _session_form())
    client.post(url, _session_form())
    session = Session.objects.get()
    assert (session.capacity, session.location) == (30, "会议室")


def test_publishing_needs_a_session_and_finishing_needs_every_session_done(client, org):
    event = make_event(org, capacity=0, publish=False)
    client.force_login(org.head_wuye)
    body = client.post(event.get_move_url(), {"action": "publish"}, follow=True).content.decode()
    assert "发布前请至少添加一个场次" in body and Event.objects.get().status == "draft"
    add_session(event)
    client.post(event.get_move_url(), {"action": "publish"})
    assert Event.objects.get().status == "published"
    body = client.post(event.get_move_url(), {"action": "finish"}, follow=True).content.decode()
    assert "请先将每个场次标记为已举行或取消" in body and Event.objects.get().status == "published"
    actions = list(WorkflowEvent.for_object(event).values_list("action", "actor"))
    assert actions == [("publish", org.head_wuye.pk)]


def test_a_head_of_another_department_and_plain_staff_cannot_move_the_event(org):
    event = make_event(org, publish=False)
    for user in (org.head_yinshi, org.staff_wuye, org.operator, org.judge):
        with pytest.raises(services.TransitionError, match="您无权执行"):
            services.move_event(event, "publish", by=user)
    assert Event.objects.get().status == "draft"


def test_cancelling_the_event_cancels_its_sessions_and_registrations(org):
    event = make_event(org)
    registration = visitor(event.sessions.get(), 1)
    services.move_event(event, "cancel", by=org.head_wuye)
    registration.refresh_from_db()
    assert (Event.objects.get().status, Session.objects.get().status, registration.status) == ("cancelled", "cancelled", "cancelled")


def test_an_edit_after_the_end_is_refused(client, org):
    event = make_event(org)
    services.move_event(event, "cancel", by=org.head_wuye)
    with pytest.raises(services.ValidationError, match="已结束或已取消的活动不能再修改"):
        services.update_event(event, title="改名")


def test_the_organiser_reserves_seats_for_a_co_host_with_their_own_links(client, org):
    event = make_event(org, capacity=10, co_hosts=[cohost()])
    session = event.sessions.get()
    client.force_login(org.head_wuye)
    url = reverse("events:allocation_new", args=[session.pk])
    union = CoHost.objects.get()
    client.post(url, {"co_host": union.pk, "seats": 4, "submission_key": KEY})
    body = client.post(url, {"co_host": union.pk, "seats": 2, "submission_key": "another-key-000001"}).content.decode()
    assert "学生会在本场已有预留名额" in body
    allocation = Allocation.objects.get()
    page = client.get(session.get_absolute_url()).content.decode()
    assert allocation.get_register_url() in page and allocation.get_list_url() in page and "已用 0 / 4" in page
    assert Session.objects.get().reserved == 4


def test_the_co_host_list_is_kept_by_the_supervisors(client, org):
    client.force_login(org.supervisor)
    client.post(reverse("events:cohost_new"), {"name": "团委", "name_en": "Youth League", "sort_order": 10, "is_active": "on",
                                               "submission_key": KEY})
    client.post(reverse("events:cohost_new"), {"name": "团委", "name_en": "Youth League", "sort_order": 10, "is_active": "on",
                                               "submission_key": KEY})
    union = CoHost.objects.get()
    client.post(union.get_edit_url(), {"name": "校团委", "name_en": "Youth League", "sort_order": 5, "submission_key": KEY})
    union.refresh_from_db()
    assert (union.name, union.is_active) == ("校团委", False)
    client.force_login(org.head_wuye)
    assert "校团委" not in client.get(reverse("events:new")).content.decode()  # no longer offered


def test_the_public_list_shows_open_events_soonest_first_and_not_drafts_or_invitations(client, org):
    make_event(org, title="稍后的参观", starts_in=dt.timedelta(days=20))
    make_event(org, title="先到的开放日", starts_in=dt.timedelta(days=3))
    make_event(org, title="草稿活动", publish=False)
    make_event(org, title="受邀交流会", audience=Audience.INVITATION)
    body = client.get(reverse("events:public_list")).content.decode()
    assert body.index("先到的开放日") < body.index("稍后的参观")
    assert "草稿活动" not in body and "受邀交流会" not in body
    assert 'data-testid="nav-events"' in client.get("/").content.decode()


def test_the_event_page_shows_free_seats_then_the_waiting_list(client, org):
    event = make_event(org, capacity=2)
    session = event.sessions.get()
    assert "剩余 2 个名额" in client.get(event.get_public_url()).content.decode()
    visitor(session, 1), visitor(session, 2), visitor(session, 3)
    body = client.get(event.get_public_url()).content.decode()
    assert "已报满 · 候补 1 人" in body and "加入候补" in body


def test_english_readers_read_the_english_title_and_labels(client, org):
    event = make_event(org)
    Event.objects.filter(pk=event.pk).update(title_en="Property open day")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(event.get_public_url()).content.decode()
    assert "Property open day" in body and "Open day" in body and "seats free" in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    body = client.get(event.get_public_url()).content.decode()
    assert "物业开放日" in body and "Property open day" not in body


def test_the_exports_hold_registrations_waiting_list_attendance_and_opinions(client, org):
    import io

    from openpyxl import load_workbook

    event = make_event(org, capacity=1)
    session = event.sessions.get()
    visitor(session, 1), visitor(session, 2)
    services.add_opinion(event, body="希望多办几次", kind="suggestion", department=org.wuye, source="organiser", by=org.head_wuye, key=key())
    client.force_login(org.head_wuye)

    def rows(kind):
        response = client.get(reverse("events:export", args=[event.pk, kind]))
        return list(load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0].iter_rows(values_only=True))

    registrations = rows("registrations")
    assert registrations[0][:4] == ("场次", "姓名", "手机号", "状态") and registrations[1][1:4] == ("访客1", "13900000001", "已报名")
    waiting = rows("waiting")
    assert waiting[1][1:4] == (1, "访客2", "13900000002")
    attendance = rows("attendance")
    assert attendance[1][1:] == ("公共报名", 1, 0, 0)
    opinions = rows("opinions")
    assert opinions[1][4] == "希望多办几次" and opinions[1][6] == "已受理"
    assert client.get(reverse("events:export", args=[event.pk, "other"])).status_code == 404
