"""Feedback from signed-in members (members app): anonymous stores nothing, named is linked to the member
without typing a name; the member's page lists their named items with the rating link; the person an
item is about never sees the member; closing the account leaves the items anonymous."""

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qualityservice.feedback.models import Feedback
from qualityservice.members.services import close_account
from qualityservice.members.tests.factories import make_member
from qualityservice.org.models import Staff

NEW = "/feedback/new/"


@pytest.fixture
def member(db):
    return make_member("20230001", "张晓明", phone="13800000001")


def post_form(client, **overrides):
    data = {"kind": "complaint", "body": "二食堂的米饭夹生，希望改进。", "submission_key": "", "website": ""}
    data.update(overrides)
    return client.post(NEW, data)


def test_it_offers_a_signed_in_member_to_send_with_their_name_without_typing_it(client, org, member):
    client.force_login(member.user)
    html = client.get(NEW).content.decode()
    assert "将以您的实名提交：张晓明（20230001）" in html and 'name="name"' not in html
    assert 'value="13800000001"' in html  # the contact is filled in from the account


def test_it_links_a_members_named_feedback_to_the_member(client, org, member):
    client.force_login(member.user)
    response = post_form(client, anonymous="")
    assert response.status_code == 302
    fb = Feedback.objects.get()
    assert (fb.anonymous, fb.submitter_user, fb.submitter_name, fb.submitter_contact) == (False, member.user, "张晓明", "13800000001")


def test_it_stores_nothing_about_the_member_for_anonymous_feedback(client, org, member):
    client.force_login(member.user)
    post_form(client, anonymous="on", REMOTE_ADDR="10.1.2.3")
    fb = Feedback.objects.get()
    assert fb.anonymous and fb.submitter_user is None and fb.submitter_name == "" and fb.client_ip is None


def test_it_lists_the_members_named_items_on_the_my_page_with_status_and_the_rating_link(client, org, member):
    client.force_login(member.user)
    post_form(client, anonymous="", title="宿舍热水不稳定")
    post_form(client, anonymous="on", title="匿名的那条")
    named = Feedback.objects.get(anonymous=False)
    html = client.get(reverse("members:home")).content.decode()
    assert "宿舍热水不稳定" in html and named.code in html and "已受理" in html  # its status
    assert "匿名的那条" not in html and 'data-testid="rate-handling"' not in html
    Feedback.objects.filter(pk=named.pk).update(status="resolved")  # answered: the submitter may rate it
    html = client.get(reverse("members:home")).content.decode()
    assert named.get_rating_url() in html


def test_it_never_shows_the_member_to_the_person_an_item_is_about(client, org, member):
    staff = Staff.objects.get(user=org.staff_wuye)
    client.force_login(member.user)
    client.post(NEW, {"kind": "complaint", "body": "保洁员态度恶劣", "anonymous": "", "staff_code": staff.public_code,
                      "submission_key": "", "website": ""})
    fb = Feedback.objects.get()
    assert fb.about_staff == staff and fb.submitter_user == member.user
    client.force_login(org.staff_wuye)
    detail = client.get(reverse("feedback:detail", args=[fb.pk])).content.decode()
    assert "张晓明" not in detail and "13800000001" not in detail and "20230001" not in detail
    client.force_login(org.head_wuye)
    assert "张晓明" in client.get(reverse("feedback:detail", args=[fb.pk])).content.decode()


def test_it_puts_the_members_named_feedback_in_their_data_download(client, org, member):
    client.force_login(member.user)
    post_form(client, anonymous="", title="宿舍热水不稳定")
    data = json.loads(client.get(reverse("members:data_json")).content)
    assert [item["标题"] for item in data["feedback"]] == ["宿舍热水不稳定"]
    wb = load_workbook(io.BytesIO(b"".join(client.get(reverse("members:data_xlsx")).streaming_content)), read_only=True)
    assert any("宿舍热水不稳定" in (row or ()) for row in wb["我的意见反馈"].iter_rows(values_only=True))


def test_it_keeps_the_items_and_their_counts_without_the_identity_when_the_account_closes(client, org, member):
    client.force_login(member.user)
    post_form(client, anonymous="", title="宿舍热水不稳定", REMOTE_ADDR="10.1.2.3")
    fb = Feedback.objects.get()
    fb.title = "宿舍热水不稳定（已转交）"
    fb.save()  # a history row with the identity
    assert fb.history.filter(submitter_name="张晓明").exists()
    counts = close_account(member)
    fb.refresh_from_db()
    assert (counts["feedback"], counts["surveys"]) == (1, 0)  # every app with named records reports (events too)
    assert (fb.anonymous, fb.submitter_user, fb.submitter_name, fb.submitter_contact, fb.client_ip) == (True, None, "", "", None)
    assert not fb.history.filter(submitter_name="张晓明").exists() and fb.history.count() >= 2
    assert Feedback.objects.count() == 1
