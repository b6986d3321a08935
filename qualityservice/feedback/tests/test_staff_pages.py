"""Staff pages: inbox (filters, search, bulk assign, export), item page, hotline, callbacks;
permissions, privacy of the submitter and constant query counts."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qualityservice.feedback import services
from qualityservice.feedback.models import Channel, Feedback, Status
from qualityservice.feedback.workflows import FEEDBACK
from qualityservice.org.models import Staff

from .factories import make_feedback

INBOX = "/staff/feedback/"


def profile(user):
    return Staff.objects.get(user=user)


@pytest.fixture
def item(org):
    return make_feedback(org, staff=profile(org.staff_wuye), title="保洁员态度差", place=org.dorm)


# --- permissions -------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["inbox", "export", "hotline", "callbacks"])
def test_it_sends_anonymous_visitors_to_sign_in(client, org, url_name):
    response = client.get(reverse(f"feedback:{url_name}"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_needs_sign_in_and_the_right_department_for_item_pages(client, org, item):
    url = item.get_absolute_url()
    assert "/accounts/login/" in client.get(url)["Location"]
    client.force_login(org.head_yinshi)
    assert client.get(url).status_code == 404
    assert client.post(reverse("feedback:reply", args=[item.pk]), {"body": "x", "visibility": "public"}).status_code == 404
    assert client.get(INBOX, {"department": org.wuye.pk}).status_code == 404
    assert client.get(reverse("feedback:export"), {"department": org.wuye.pk}).status_code == 404
    assert client.get(reverse("feedback:department_figures", args=[org.wuye.pk])).status_code == 404
    assert item.title not in client.get(INBOX).content.decode()
    client.force_login(org.judge)
    assert client.get(INBOX).status_code == 404


def test_it_shows_the_item_to_a_colleague_of_the_same_department_once_it_is_assigned_to_them(client, org, item):
    colleague = Staff.objects.create(department=org.wuye, name="同事", badge_number="W999", post="保洁员",
                                     user=type(org.staff_wuye).objects.create_user("colleague", password="x"))
    client.force_login(colleague.user)
    assert client.get(item.get_absolute_url()).status_code == 404  # front-line staff: their own items only
    services.assign(item, colleague, by=org.head_wuye)
    html = client.get(item.get_absolute_url()).content.decode()
    assert item.title in html and "张同学" in html
    client.force_login(org.head_wuye)
    assert client.get(reverse("feedback:department_figures", args=[org.wuye.pk])).status_code == 200


def test_it_lets_only_supervisors_merge_and_operators_or_supervisors_transfer(client, org, item):
    other = make_feedback(org)
    client.force_login(org.head_wuye)
    assert client.post(reverse("feedback:merge", args=[item.pk]), {"target": other.code}).status_code == 404
    assert client.post(reverse("feedback:transfer", args=[item.pk]), {"department": org.yinshi.pk}).status_code == 404
    client.force_login(org.supervisor)
    client.post(reverse("feedback:merge", args=[item.pk]), {"target": other.code.lower()})
    item.refresh_from_db()
    assert item.status == Status.MERGED and item.merged_into == other
    client.force_login(org.operator)
    client.post(reverse("feedback:transfer", args=[other.pk]), {"department": org.yinshi.pk, "note": "餐厅"})
    other.refresh_from_db()
    assert other.department == org.yinshi


# --- privacy ------------------------------------------------------------------------------


def test_it_never_shows_the_person_concerned_who_complained(client, org, item):
    client.force_login(org.staff_wuye)
    detail = client.get(item.get_absolute_url()).content.decode()
    inbox = client.get(INBOX).content.decode()
    export = client.get(reverse("feedback:export"))
    rows = list(load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.iter_rows(values_only=True))
    for text in (detail, inbox, str(rows)):
        assert "张同学" not in text and "13800000000" not in text and item.code not in text
    assert item.title in detail and f"#{item.pk}" in str(rows)
    client.force_login(org.head_wuye)
    assert "张同学" in client.get(item.get_absolute_url()).content.decode()


def test_it_keeps_the_identity_rule_in_one_method(org, item):
    assert item.identity_hidden_from(org.staff_wuye) is True
    assert item.identity_hidden_from(org.head_wuye) is False
    assert item.submitter_for(org.staff_wuye)["contact"] == ""
    anon = make_feedback(org, anonymous=True)
    assert anon.identity_hidden_from(org.supervisor) is True


# --- inbox -------------------------------------------------------------------------------


def test_it_filters_and_searches_the_inbox(client, org, item):
    praise = make_feedback(org, kind="praise", title="表扬绿化班", channel=Channel.HOTLINE, submitter_contact="1")
    old = make_feedback(org, title="去年的问题")
    Feedback.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=400),
                                              deadline=timezone.now() - dt.timedelta(days=399))
    client.force_login(org.head_wuye)

    def titles(**params):
        html = client.get(INBOX, params).content.decode()
        return {t for t in (item.title, praise.title, old.title) if t in html}

    assert titles() == {item.title, praise.title, old.title}
    assert titles(kind="praise") == {praise.title}
    assert titles(channel="hotline") == {praise.title}
    assert titles(overdue="on") == {old.title}
    assert titles(place=org.dorm.pk) == {item.title}
    assert titles(staff=profile(org.staff_wuye).pk) == {item.title}
    assert titles(q="绿化") == {praise.title}
    assert titles(q=item.code) == {item.title}
    assert titles(date_from=(timezone.localdate() - dt.timedelta(days=30)).isoformat()) == {item.title, praise.title}
    assert titles(date_to=(timezone.localdate() - dt.timedelta(days=300)).isoformat()) == {old.title}
    assert titles(status="received") == {item.title, praise.title, old.title}
    assert titles(status="closed") == set()
    assert 'data-testid="overdue"' in client.get(INBOX).content.decode()


def test_it_assigns_in_bulk(client, org):
    items = [make_feedback(org, title=f"问题{i}") for i in range(3)]
    client.force_login(org.head_wuye)
    assert 'data-testid="bulk-assign"' in client.get(INBOX).content.decode()
    response = client.post(reverse("feedback:bulk_assign"), {"ids": [i.pk for i in items[:2]], "staff": profile(org.staff_wuye).pk})
    assert response.status_code == 302
    assert Feedback.objects.filter(assigned_to=profile(org.staff_wuye), status=Status.ASSIGNED).count() == 2
    # Items of another department cannot be slipped in.
    client.force_login(org.head_yinshi)
    client.post(reverse("feedback:bulk_assign"), {"ids": [items[2].pk], "staff": profile(org.staff_yinshi).pk})
    items[2].refresh_from_db()
    assert items[2].assigned_to is None


def test_it_streams_the_filtered_list_as_an_excel_export(client, org, item):
    make_feedback(org, kind="praise", title="表扬")
    make_feedback(org, department=org.yinshi, title="饮食的")
    client.force_login(org.head_wuye)
    response = client.get(reverse("feedback:export"), {"kind": "complaint"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0][0] == "跟踪码" or rows[0][0] == "Tracking code"
    assert [r[0] for r in rows[1:]] == [item.code]
    assert rows[1][-2] == "张同学"


# --- item page ---------------------------------------------------------------------------


def test_it_shows_the_timeline_replies_and_actions_on_the_item_page(client, org):
    item = make_feedback(org, title="楼道灯坏了", place=org.dorm)
    services.add_reply(item, "内部备注", by=org.head_wuye, public=False)
    client.force_login(org.head_wuye)
    html = client.get(item.get_absolute_url()).content.decode()
    assert 'data-testid="timeline"' in html and "内部备注" in html and 'data-testid="assign-form"' in html
    client.post(reverse("feedback:assign", args=[item.pk]), {"staff": profile(org.staff_wuye).pk})
    client.force_login(org.staff_wuye)
    client.post(reverse("feedback:act", args=[item.pk]), {"action": "start"})
    client.post(reverse("feedback:reply", args=[item.pk]), {"body": "已沟通整改", "visibility": "public", "resolve": "on"})
    item.refresh_from_db()
    assert item.status == Status.RESOLVED


def test_it_shows_a_message_and_changes_nothing_on_an_illegal_action(client, org, item):
    client.force_login(org.head_wuye)
    response = client.post(reverse("feedback:act", args=[item.pk]), {"action": "close"}, follow=True)
    item.refresh_from_db()
    assert item.status == Status.RECEIVED
    assert "alert" in response.content.decode()


# --- hotline and callbacks ---------------------------------------------------------------


def test_it_lets_the_operator_log_a_call_once_and_route_it(client, org):
    client.force_login(org.operator)
    form = client.get(reverse("feedback:hotline")).content.decode()
    assert 'data-testid="hotline-form"' in form
    data = {"caller_name": "赵老师", "caller_phone": "0532-1234", "kind": "complaint", "department": org.wuye.pk,
            "place": org.dorm.pk, "body": "宿舍楼热水不热", "submission_key": "h1-key-0001"}
    first = client.post(reverse("feedback:hotline"), data)
    client.post(reverse("feedback:hotline"), data)
    fb = Feedback.objects.get()
    assert first["Location"] == fb.get_absolute_url()
    assert (fb.channel, fb.department, fb.created_by, fb.submitter_contact) == ("hotline", org.wuye, org.operator, "0532-1234")
    client.force_login(org.head_wuye)
    assert client.get(reverse("feedback:hotline")).status_code == 404


def test_it_lists_resolved_items_in_the_callback_queue_and_records_attempts(client, org, item):
    FEEDBACK.apply(item, "resolve", by=org.head_wuye, note="处理完毕")
    client.force_login(org.operator)
    html = client.get(reverse("feedback:callbacks")).content.decode()
    assert item.code in html and "13800000000" in html
    client.post(reverse("feedback:callback", args=[item.pk]), {"reached": "0"})
    client.post(reverse("feedback:callback", args=[item.pk]), {"reached": "1", "satisfied": "2", "comment": "不满意"})
    item.refresh_from_db()
    assert item.status == Status.REOPENED and item.callbacks.count() == 2
    client.force_login(org.staff_wuye)
    assert client.get(reverse("feedback:callbacks")).status_code == 404


# --- query counts --------------------------------------------------------------------------


def _many(org, n):
    for i in range(n):
        fb = make_feedback(org, title=f"问题{i}", place=org.dorm, staff=profile(org.head_wuye))
        services.assign(fb, profile(org.staff_wuye), by=org.head_wuye)
        services.add_reply(fb, "备注", by=org.head_wuye, public=False)
        FEEDBACK.apply(fb, "resolve", by=org.head_wuye, note="已处理")


def _count(client, django_assert_max_num_queries, url, n):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [INBOX, "/staff/feedback/callbacks/"])
def test_it_uses_a_fixed_number_of_queries_on_list_pages(client, org, url, django_assert_max_num_queries):
    _many(org, 1)
    user = org.supervisor
    client.force_login(user)
    one = _count(client, django_assert_max_num_queries, url, 1)
    _many(org, 29)
    with django_assert_max_num_queries(one):
        html = client.get(url).content.decode()
    assert html.count('-row"') == 30  # inbox-row / callback-row: every item is listed
    assert one <= 16


def test_it_uses_a_fixed_number_of_queries_on_the_item_page(client, org, django_assert_max_num_queries):
    fb = make_feedback(org)
    client.force_login(org.head_wuye)
    one = _count(client, django_assert_max_num_queries, fb.get_absolute_url(), 1)
    for i in range(30):
        services.add_reply(fb, f"备注{i}", by=org.head_wuye, public=i % 2 == 0)
    services.assign(fb, profile(org.staff_wuye), by=org.head_wuye)
    with django_assert_max_num_queries(one):
        html = client.get(fb.get_absolute_url()).content.decode()
    assert html.count('data-testid="event"') == 32 and "备注29" in html
    assert one <= 20


@pytest.mark.parametrize("name,data", [
    ("act", {"action": "accept"}), ("assign", {"staff": 1}), ("reply", {"body": "x", "visibility": "public"}),
    ("callback", {"reached": "0"}), ("transfer", {"department": 1}), ("merge", {"target": "X"}),
])
def test_it_makes_every_change_post_only_and_scoped(client, org, item, name, data):
    url = reverse(f"feedback:{name}", args=[item.pk])
    assert "/accounts/login/" in client.post(url, data)["Location"]
    client.force_login(org.head_yinshi)
    assert client.post(url, data).status_code == 404
    client.force_login(org.supervisor)
    assert client.get(url).status_code == 405
    item.refresh_from_db()
    assert item.status == Status.RECEIVED and item.events.count() == 1


def test_it_records_double_submitted_reply_and_callback_forms_once(client, org, item):
    client.force_login(org.head_wuye)
    html = client.get(item.get_absolute_url()).content.decode()
    assert 'name="submission_key"' in html
    for _ in range(2):
        client.post(reverse("feedback:reply", args=[item.pk]), {"body": "内部", "visibility": "internal", "submission_key": "r1-key-0001"})
    assert item.replies.count() == 1
    for _ in range(2):
        client.post(reverse("feedback:reply", args=[item.pk]), {"body": "已处理", "visibility": "public", "resolve": "on",
                                                                 "submission_key": "r2-key-0001"})
    assert item.replies.count() == 2
    client.force_login(org.operator)
    for _ in range(2):
        client.post(reverse("feedback:callback", args=[item.pk]), {"reached": "0", "submission_key": "c1-key-0001"})
    assert item.callbacks.count() == 1


@pytest.mark.django_db
def test_it_finds_the_staff_member_of_a_hotline_call_by_badge_number_or_name(client, org):
    from qualityservice.feedback.models import Feedback
    from qualityservice.org.models import Staff

    person = Staff.objects.get(user=org.staff_wuye)
    client.force_login(org.operator)
    base = {"caller_phone": "0532-1234", "kind": "complaint", "department": org.wuye.pk, "body": "态度冷漠"}
    response = client.post(reverse("feedback:hotline"), {**base, "staff": "NOPE-1", "submission_key": "k1-key-0001"})
    assert "No staff member" in response.content.decode() or "没有工号或姓名" in response.content.decode()
    assert not Feedback.objects.exists()
    client.post(reverse("feedback:hotline"), {**base, "staff": person.badge_number.lower(), "submission_key": "k2-key-0001"})
    client.post(reverse("feedback:hotline"), {**base, "staff": person.name, "submission_key": "k3-key-0001"})
    assert list(Feedback.objects.values_list("staff_id", flat=True)) == [person.pk, person.pk]


def test_it_opens_an_item_by_its_tracking_code_within_the_department_scope(client, org, item):
    """The link in the heads' notification e-mail: /staff/feedback/c/<code>/."""
    url = reverse("feedback:detail_by_code", args=[item.code])
    assert "/accounts/login/" in client.get(url)["Location"]  # anonymous
    client.force_login(org.head_yinshi)  # head of another department
    assert client.get(url).status_code == 404
    client.force_login(org.head_wuye)  # same department
    response = client.get(url.replace(item.code, item.code.lower()))
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    assert item.title in client.get(response["Location"]).content.decode()
    assert client.get(reverse("feedback:detail_by_code", args=["NOSUCHCODE"])).status_code == 404


def test_it_links_to_the_item_by_code_in_the_new_item_mail(client, org, settings, django_capture_on_commit_callbacks):
    from django.core import mail

    org.head_wuye.email = "head@example.edu.cn"
    org.head_wuye.save()
    with django_capture_on_commit_callbacks(execute=True):
        fb = make_feedback(org, title="楼道灯坏了")
    message = next(m for m in mail.outbox if m.to == ["head@example.edu.cn"])
    assert fb.code in message.subject and "楼道灯坏了" in message.body
    link = message.body.strip().splitlines()[-1]
    assert link == "http://testserver" + reverse("feedback:detail_by_code", args=[fb.code])
    client.force_login(org.head_wuye)
    assert client.get(link.removeprefix("http://testserver"), follow=True).context["fb"].pk == fb.pk
