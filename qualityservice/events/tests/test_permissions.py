"""Every staff view of the app against every role (the permission matrix). Anonymous visitors are sent to sign in
and members to their own page; the host department's head and the supervisor (and administrators) get every
page of the event; the department's staff only the check-in pages; the head of another department gets a list
without the event, the new-event form and a 404 for everything of the event; hotline operators and judges get
a 404 everywhere; the co-host list is the supervisors'. A refused POST changes nothing. The public pages answer
everyone alike and only with their unguessable code."""

import json

import pytest
from django.urls import reverse

from qualityservice.events import services, staff_urls
from qualityservice.events.models import Audience, Invitation, Registration

from .helpers import cohost, key, make_event, member, register

pytestmark = pytest.mark.django_db

TITLE = "物业中心的开放日"
SEES = "sees"  # 200 and the event's data (forms: the form)
NOT_LISTED = "not listed"  # 200 without the event
DOES = "does"  # the POST is taken (a redirect, or the upload's JSON)
ALL = 404
VIEWS = tuple(p.name for p in staff_urls.urlpatterns)
DOOR = ("checkin", "checkin_sw", "checkin_list", "checkin_upload")
COHOSTS = ("cohosts", "cohost_new", "cohost_edit")
POSTS = ("move", "invitations_remind", "minutes_finalise", "session_move", "reorder", "registration_move", "invitation_revoke",
         "checkin_upload")


def _row(default, **overrides):
    return {name: overrides.get(name, default) for name in VIEWS}


ORGANISER = _row(SEES, **dict.fromkeys(POSTS, DOES), **dict.fromkeys(COHOSTS, 404))
MATRIX = {
    "head_wuye": ORGANISER,
    "supervisor": {**ORGANISER, **dict.fromkeys(COHOSTS, SEES)},
    "admin": {**ORGANISER, **dict.fromkeys(COHOSTS, SEES)},
    "head_yinshi": _row(404, list=NOT_LISTED, new=SEES),
    "staff_wuye": _row(404, checkin=SEES, checkin_sw=SEES, checkin_list=SEES, checkin_upload=DOES),
    "staff_yinshi": _row(404),
    "operator": _row(404),
    "judge": _row(404),
}


@pytest.fixture
def world(org):
    union = cohost()
    event = make_event(org, title=TITLE, audience=Audience.INVITATION, capacity=3, co_hosts=[union])
    session = event.sessions.get()
    allocation, _c = services.save_allocation(session, key=key(), co_host=union, seats=1)
    guest = member("受邀同学")
    services.invite(event, [guest.user], by=org.head_wuye, key=key())
    invitation = Invitation.objects.get()
    registration = register(session, invitation=invitation)
    services.save_minutes(event, "纪要草稿", by=org.head_wuye, key=key())
    return {"event": event, "session": session, "allocation": allocation, "invitation": invitation, "registration": registration,
            "cohost": union}


def _views(w) -> dict[str, tuple[str, str, dict]]:
    """Every staff view: name -> (method, URL, POST data)."""
    e, s = w["event"].pk, w["session"].pk
    return {
        "list": ("get", reverse("events:list"), {}),
        "new": ("get", reverse("events:new"), {}),
        "detail": ("get", reverse("events:detail", args=[e]), {}),
        "edit": ("get", reverse("events:edit", args=[e]), {}),
        "move": ("post", reverse("events:move", args=[e]), {"action": "finish"}),
        "session_new": ("get", reverse("events:session_new", args=[e]), {}),
        "invitations": ("get", reverse("events:invitations", args=[e]), {}),
        "invitations_remind": ("post", reverse("events:invitations_remind", args=[e]), {}),
        "minutes": ("get", reverse("events:minutes", args=[e]), {}),
        "minutes_finalise": ("post", reverse("events:minutes_finalise", args=[e]), {}),
        "opinions": ("get", reverse("events:opinions", args=[e]), {}),
        "export": ("get", reverse("events:export", args=[e, "registrations"]), {}),
        "session": ("get", reverse("events:session", args=[s]), {}),
        "session_edit": ("get", reverse("events:session_edit", args=[s]), {}),
        "session_move": ("post", reverse("events:session_move", args=[s]), {"action": "hold"}),
        "registrations": ("get", reverse("events:registrations", args=[s]), {}),
        "reorder": ("post", reverse("events:reorder", args=[s]), {}),
        "allocation_new": ("get", reverse("events:allocation_new", args=[s]), {}),
        "allocation_edit": ("get", reverse("events:allocation_edit", args=[w["allocation"].pk]), {}),
        "registration_move": ("post", reverse("events:registration_move", args=[w["registration"].pk]), {"action": "cancel"}),
        "invitation_revoke": ("post", reverse("events:invitation_revoke", args=[w["invitation"].pk]), {}),
        "checkin": ("get", reverse("events:checkin", args=[s]), {}),
        "checkin_sw": ("get", reverse("events:checkin_sw", args=[s]), {}),
        "checkin_list": ("get", reverse("events:checkin_list", args=[s]), {}),
        "checkin_upload": ("post", reverse("events:checkin_upload", args=[s]), {"json": {"scans": []}}),
        "checkin_log": ("get", reverse("events:checkin_log", args=[s]), {}),
        "cohosts": ("get", reverse("events:cohosts"), {}),
        "cohost_new": ("get", reverse("events:cohost_new"), {}),
        "cohost_edit": ("get", reverse("events:cohost_edit", args=[w["cohost"].pk]), {}),
    }


def _call(client, method, url, data):
    if method == "get":
        return client.get(url)
    if "json" in data:
        return client.post(url, json.dumps(data["json"]), content_type="application/json")
    return client.post(url, data)


def _sees(name, body, w) -> bool:
    """What a page shows when it is open to the user."""
    if name in ("new", "cohost_new"):
        return 'name="submission_key"' in body
    if name in ("cohosts", "cohost_edit"):
        return "学生会" in body
    if name == "checkin_list":
        return w["registration"].ticket in body
    if name == "checkin_sw":
        return 'self.addEventListener("fetch"' in body
    if name == "registrations":
        return "受邀同学" in body
    return TITLE in body


def test_the_matrix_covers_every_view_of_the_app(world):
    assert tuple(_views(world)) == VIEWS
    assert all(tuple(row) == VIEWS for row in MATRIX.values())


def test_it_sends_anonymous_visitors_to_sign_in_from_every_staff_view(client, world):
    for name, (method, url, data) in _views(world).items():
        response = _call(client, method, url, data)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name
    assert Registration.objects.get().status == "confirmed" and Invitation.objects.get().status == "accepted"


def test_it_sends_a_member_from_every_staff_view_to_their_own_page(client, world):
    client.force_login(member("路过的同学").user)
    for name, (method, url, data) in _views(world).items():
        response = _call(client, method, url, data)
        assert response.status_code == 302 and response["Location"] == reverse("members:home"), name
    assert Registration.objects.get().status == "confirmed"


@pytest.mark.parametrize("who", list(MATRIX))
def test_it_gives_each_role_what_the_matrix_says(client, org, world, who):
    client.force_login(getattr(org, who))
    for name, (method, url, data) in _views(world).items():
        expected = MATRIX[who][name]
        response = _call(client, method, url, data)
        body = b"".join(response.streaming_content if response.streaming else [response.content]).decode(errors="replace")
        if expected == 404:
            assert response.status_code == 404, name
            assert TITLE not in body, name
        elif expected == DOES:
            assert response.status_code in (200, 302), name
            if name == "checkin_upload":
                assert response.json() == {"results": [], "errors": [], "checked_in": 0}
        elif name == "export":
            assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats"), name
        else:
            assert response.status_code == 200, name
            assert _sees(name, body, world) == (expected == SEES), name
    registration = Registration.objects.get()
    assert registration.status == ("cancelled" if MATRIX[who]["registration_move"] == DOES else "confirmed")


def test_it_refuses_get_on_every_post_view(client, org, world):
    client.force_login(org.supervisor)
    for name in POSTS:
        _method, url, _data = _views(world)[name]
        assert client.get(url).status_code == 405, name


def test_a_head_lists_only_the_events_of_their_department_and_may_host_only_there(client, org, world):
    make_event(org, title="饮食中心的座谈会", department=org.yinshi, by=org.head_yinshi)
    client.force_login(org.head_yinshi)
    body = client.get(reverse("events:list")).content.decode()
    assert "饮食中心的座谈会" in body and TITLE not in body
    body = client.get(reverse("events:new")).content.decode()
    assert org.yinshi.name in body and org.wuye.name not in body
    client.force_login(org.supervisor)
    body = client.get(reverse("events:list")).content.decode()
    assert "饮食中心的座谈会" in body and TITLE in body


def test_the_public_pages_answer_everyone_alike_and_never_by_id(client, org, world):
    event, session = world["event"], world["session"]
    urls = [reverse("events:public_list"), event.get_public_url(), session.get_calendar_url(), world["invitation"].get_public_url(),
            world["registration"].get_ticket_url(), world["allocation"].get_list_url()]
    for who in (None, "staff_wuye", "head_yinshi", "operator", "judge"):
        client.logout()
        if who:
            client.force_login(getattr(org, who))
        for url in urls:
            assert client.get(url).status_code == 200, (who, url)
    assert client.get(f"/events/{event.pk}/").status_code == 404
    assert client.get(reverse("events:public", args=["not-a-code"])).status_code == 404
    assert client.get(reverse("events:invitation", args=["not-a-code"])).status_code == 404
    assert TITLE not in client.get(reverse("events:public_list")).content.decode()  # invitation only: not listed


def test_a_draft_event_has_no_public_page(client, org):
    draft = make_event(org, title="尚未发布", publish=False)
    assert client.get(draft.get_public_url()).status_code == 404
    assert client.get(draft.sessions.get().get_calendar_url()).status_code == 404
