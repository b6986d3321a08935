"""我的: the member's page on a phone — profile, what other apps list of the member's records (extension
point ``my_page``), the download of their own data and the closing of the account; never cached."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from qualityservice.core import extensions
from qualityservice.members import signals
from qualityservice.members.models import Member, SignInCode
from qualityservice.members.services import issue_codes

from .factories import make_member

pytestmark = pytest.mark.django_db


def directives(response) -> set[str]:
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


@pytest.fixture
def member(db):
    return make_member()


def test_it_sends_an_anonymous_visitor_to_the_member_sign_in(client):
    response = client.get(reverse("members:home"))
    assert response.status_code == 302 and response["Location"] == reverse("members:signin") + "?next=/members/"


def test_it_shows_the_profile_and_the_places_of_the_apps_to_come(client, member):
    client.force_login(member.user)
    html = client.get(reverse("members:home")).content.decode()
    assert 'data-testid="member-name">张晓明<' in html and "学生 · 20230001 · 计算机学院 · 计算机2301" in html
    assert "我的报名与票券" in html and "我的投票" in html
    assert 'data-testid="my-feedback"' in html and 'data-testid="my-surveys"' in html  # filled by feedback and surveys


def test_it_renders_a_fragment_with_the_data_its_app_gives_it(client, member, monkeypatch):
    monkeypatch.setattr(extensions, "_points", {})
    extensions.register("my_page", "members/_my_votes_placeholder.html", order=5)
    seen = []
    extensions.register("my_page", "core/_messages.html", order=6, context=lambda request: seen.append(request.user) or {})
    client.force_login(member.user)
    html = client.get(reverse("members:home")).content.decode()
    assert "我的投票" in html and "我的报名与票券" not in html
    assert seen == [member.user]


def test_it_sends_every_member_page_private_and_never_stored(client, member):
    client.force_login(member.user)
    for name in ("members:home", "members:data_json", "members:data_xlsx", "members:close"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert {"private", "no-store"} <= directives(response), name
    client.logout()
    assert {"private", "no-store"} <= directives(client.get(reverse("members:signin")))


def send_named_feedback(client, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        response = client.post("/feedback/new/", {"kind": "suggestion", "body": f"第{i}条建议", "title": f"建议{i}",
                                                  "submission_key": f"key{i:08d}", "website": ""})
        assert response.status_code == 302


def queries_of_my_page(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("members:home")).status_code == 200
    return len(captured)


def test_it_costs_the_same_queries_with_one_and_many_records(client, org, member, settings):
    settings.QS_FEEDBACK_RATE_PER_SESSION = settings.QS_RATE_COOKIELESS_PER_IP = settings.QS_FEEDBACK_RATE_PER_IP = "1000/h"
    client.force_login(member.user)
    send_named_feedback(client, 1)
    client.get(reverse("members:home"))  # reads the site settings into the cache
    one = queries_of_my_page(client)
    send_named_feedback(client, 30, start=1)
    html = client.get(reverse("members:home")).content.decode()
    assert html.count('data-testid="my-feedback-item"') == 20 and "只列出最近 20 条" in html
    assert queries_of_my_page(client) == one <= 16


# --- My data ---------------------------------------------------------------------------------------


def test_it_downloads_the_members_own_data_as_json(client, member):
    client.force_login(member.user)
    response = client.get(reverse("members:data_json"))
    assert response["Content-Type"].startswith("application/json") and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["member"]["学号/工号"] == "20230001" and data["member"]["姓名"] == "张晓明"
    assert data["feedback"] == [] and data["surveys"] == []


def test_it_downloads_the_members_own_data_as_excel_one_sheet_per_app(client, member):
    client.force_login(member.user)
    response = client.get(reverse("members:data_xlsx"))
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert wb.sheetnames[0] == "我的资料" and {"我的意见反馈", "我的问卷"} <= set(wb.sheetnames)
    rows = list(wb["我的资料"].iter_rows(values_only=True))
    assert ("学号/工号", "20230001") in rows and ("班级", "计算机2301") in rows


def test_it_gives_each_member_only_their_own_data(client, member):
    make_member("20230002", "李雪")
    client.force_login(member.user)
    assert "李雪" not in client.get(reverse("members:data_json")).content.decode()


# --- Closing the account -----------------------------------------------------------------------------


def test_it_closes_the_account_after_confirmation_and_removes_the_identity(client, member, org):
    issue_codes(Member.objects.filter(pk=member.pk), by=org.admin)
    calls = []

    def receiver(sender, user, **kwargs):
        calls.append(user.pk)
        return 2

    signals.account_closing.connect(receiver, dispatch_uid="test-closing")
    try:
        client.force_login(member.user)
        refused = client.post(reverse("members:close"), {})
        assert refused.status_code == 400 and Member.objects.exists()
        response = client.post(reverse("members:close"), {"confirm": "on"})
    finally:
        signals.account_closing.disconnect(dispatch_uid="test-closing")
    assert response.status_code == 302 and response["Location"] == "/"
    assert calls == [member.user.pk]
    assert not Member.objects.exists() and not SignInCode.objects.exists()
    assert not get_user_model().objects.filter(username="m-20230001").exists()
    assert not Member.history.filter(number="20230001").exists()  # the roster history goes too
    assert "_auth_user_id" not in client.session
    assert "您的账号已注销" in client.get("/").content.decode()


def test_it_keeps_everything_when_another_app_cannot_forget_the_member(client, member):
    def broken(sender, user, **kwargs):
        raise RuntimeError("cannot")

    signals.account_closing.connect(broken, dispatch_uid="test-broken")
    try:
        client.force_login(member.user)
        with pytest.raises(RuntimeError):
            client.post(reverse("members:close"), {"confirm": "on"})
    finally:
        signals.account_closing.disconnect(dispatch_uid="test-broken")
    assert Member.objects.filter(pk=member.pk).exists()
