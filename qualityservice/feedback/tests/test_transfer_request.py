"""A head asks to move an item routed to their department by mistake (with a reason); a supervisor or a
hotline operator accepts in one click — to the proposed department or to one they choose — or declines.
Both ways the other side is told; every step goes through the workflow engine and is on the timeline."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from qualityservice.core.models import Notification
from qualityservice.core.workflow import TransitionError
from qualityservice.feedback import services
from qualityservice.feedback.models import Feedback, Status
from qualityservice.feedback.workflows import FEEDBACK, describe_events
from qualityservice.org.models import Staff

from .factories import make_feedback

REASON = "这是食堂的问题，不归物业管"


def profile(user):
    return Staff.objects.get(user=user)


@pytest.fixture
def item(org):
    fb = make_feedback(org, title="餐厅饭菜有异物")
    services.assign(fb, profile(org.staff_wuye), by=org.head_wuye)
    return fb


def notices_since(count):
    return [n.payload for n in Notification.objects.order_by("pk")[count:]]


def request(client, org, item, **data):
    client.force_login(org.head_wuye)
    return client.post(reverse("feedback:request_transfer", args=[item.pk]),
                       {"department": org.yinshi.pk, "reason": REASON, **data}, follow=True)


def test_it_lets_the_head_request_a_transfer_with_a_reason_and_tells_the_supervisors_and_the_hotline(client, org, item):
    before = Notification.objects.count()
    page = request(client, org, item).content.decode()
    item.refresh_from_db()
    assert (item.transfer_to, item.transfer_reason, item.transfer_requested_by) == (org.yinshi, REASON, org.head_wuye)
    assert item.status == Status.ASSIGNED and item.department == org.wuye  # nothing moves yet
    assert "已申请转交至饮食服务中心" in page and 'data-testid="transfer-request-text"' in page
    event = item.events.get(action="request_transfer")
    assert (event.note, event.params["to_id"], event.actor, event.visibility) == (REASON, org.yinshi.pk, org.head_wuye,
                                                                                    "internal")
    [notice] = notices_since(before)
    assert notice["supervisors"] is True and notice["user_ids"] == [org.operator.pk]
    assert item.code in notice["subject"] and "饮食服务中心" in notice["subject"] and REASON in notice["body"]
    assert notice["url"] == item.get_absolute_url()


@pytest.mark.parametrize("data, message", [
    ({"reason": ""}, "请说明转交的原因。"),
    ({"department": "wuye"}, "选择一个有效的选项"),  # its own department is not offered
])
def test_it_refuses_a_request_without_a_reason_or_to_the_same_department(client, org, item, data, message):
    data = {**data, "department": org.wuye.pk} if data.get("department") == "wuye" else data
    page = request(client, org, item, **data).content.decode()
    item.refresh_from_db()
    assert item.transfer_to is None and not item.events.filter(action="request_transfer").exists()
    assert message in page


def test_it_takes_one_request_at_a_time_and_only_from_a_head_of_the_department(org, item):
    with pytest.raises(TransitionError):
        FEEDBACK.apply(item, "request_transfer", by=org.head_yinshi, note=REASON, department=org.office)
    with pytest.raises(TransitionError):
        FEEDBACK.apply(item, "request_transfer", by=org.staff_wuye, note=REASON, department=org.yinshi)
    FEEDBACK.apply(item, "request_transfer", by=org.head_wuye, note=REASON, department=org.yinshi)
    with pytest.raises(TransitionError):
        FEEDBACK.apply(item, "request_transfer", by=org.head_wuye, note="再说一次", department=org.office)
    with pytest.raises(TransitionError):  # heads do not decide their own request
        FEEDBACK.apply(item, "accept_transfer", by=org.head_wuye)


def test_it_lets_the_supervisor_accept_in_one_click(client, org, item):
    FEEDBACK.apply(item, "request_transfer", by=org.head_wuye, note=REASON, department=org.yinshi)
    client.force_login(org.supervisor)
    html = client.get(item.get_absolute_url()).content.decode()
    assert 'data-testid="accept-transfer"' in html and "移交至饮食服务中心" in html and "data-confirm=" in html
    before = Notification.objects.count()
    page = client.post(reverse("feedback:decide_transfer", args=[item.pk]), {"decision": "accept"}, follow=True)
    item.refresh_from_db()
    assert (item.department, item.status, item.assigned_to, item.transfer_to, item.transfer_reason) == (
        org.yinshi, Status.RECEIVED, None, None, "")
    assert "已转交饮食服务中心" in page.content.decode()
    event = item.events.get(action="accept_transfer")
    assert (event.params["from_id"], event.params["to_id"], event.actor, event.visibility) == (
        org.wuye.pk, org.yinshi.pk, org.supervisor, "public")
    notices = notices_since(before)
    assert [n["heads_of"] for n in notices if n["heads_of"]] == [[org.yinshi.pk]]  # the new department
    [told] = [n for n in notices if n["user_ids"] == [org.head_wuye.pk]]  # the head who asked
    assert item.code in told["subject"] and "饮食服务中心" in told["subject"]


def test_it_lets_the_operator_move_it_to_another_department_than_the_proposed_one(client, org, item):
    FEEDBACK.apply(item, "request_transfer", by=org.head_wuye, note=REASON, department=org.yinshi)
    client.force_login(org.operator)
    client.post(reverse("feedback:decide_transfer", args=[item.pk]), {"decision": "accept", "department": org.office.pk})
    item.refresh_from_db()
    assert (item.department, item.transfer_to) == (org.office, None)


def test_it_lets_the_operator_decline_and_tells_the_head_why(client, org, item):
    FEEDBACK.apply(item, "request_transfer", by=org.head_wuye, note=REASON, department=org.yinshi)
    client.force_login(org.operator)
    before = Notification.objects.count()
    page = client.post(reverse("feedback:decide_transfer", args=[item.pk]),
                       {"decision": "decline", "note": "异物出现在物业管理的自动售货机"}, follow=True).content.decode()
    item.refresh_from_db()
    assert (item.department, item.status, item.transfer_to, item.transfer_requested_by) == (
        org.wuye, Status.ASSIGNED, None, None)
    assert "已拒绝转交申请" in page
    [told] = notices_since(before)
    assert told["user_ids"] == [org.head_wuye.pk] and "异物出现在物业管理的自动售货机" in told["body"]
    assert item.events.get(action="decline_transfer").note == "异物出现在物业管理的自动售货机"
    # The head may ask again afterwards.
    FEEDBACK.apply(item, "request_transfer", by=org.head_wuye, note="再核实了一次", department=org.yinshi)


def test_it_records_every_step_on_the_timeline_in_the_readers_language(client, org, item):
    FEEDBACK.apply(item, "request_transfer", by=org.head_wuye, note=REASON, department=org.yinshi)
    FEEDBACK.apply(item, "decline_transfer", by=org.operator, note="")
    FEEDBACK.apply(item, "request_transfer", by=org.head_wuye, note=REASON, department=org.yinshi)
    FEEDBACK.apply(item, "accept_transfer", by=org.supervisor)
    rows = list(item.events.filter(action__in=["request_transfer", "decline_transfer", "accept_transfer"]))
    with translation.override("en"):
        assert [e.text for e in describe_events(rows)] == [
            "Transfer to Catering Centre requested", "Transfer to Catering Centre declined",
            "Transfer to Catering Centre requested", "Transfer request accepted: from Property Centre to Catering Centre"]
    with translation.override("zh-hans"):
        assert [e.text for e in describe_events(rows)] == [
            "申请转交至饮食服务中心", "转交至饮食服务中心的申请未获同意", "申请转交至饮食服务中心",
            "同意转交：由物业管理中心转交至饮食服务中心"]
    client.force_login(org.supervisor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(item.get_absolute_url()).content.decode()
    assert "Transfer request accepted: from Property Centre to Catering Centre" in html


def test_it_lists_the_requests_waiting_for_the_hotline(client, org, item):
    other = make_feedback(org, title="没人申请转交")
    FEEDBACK.apply(item, "request_transfer", by=org.head_wuye, note=REASON, department=org.yinshi)
    client.force_login(org.operator)
    html = client.get(reverse("feedback:inbox"), {"status": "transfer"}).content.decode()
    assert item.title in html and other.title not in html and 'data-testid="transfer-requested"' in html


@pytest.mark.parametrize("role, expected", [
    ("anonymous", 302), ("staff_wuye", 404), ("judge", 404), ("operator", 404), ("head_yinshi", 404),
    ("supervisor", 404), ("head_wuye", 302), ("admin", 302)])
def test_it_guards_the_request_by_role_and_department(client, org, item, role, expected):
    if role != "anonymous":
        client.force_login(getattr(org, role))
    response = client.post(reverse("feedback:request_transfer", args=[item.pk]), {"department": org.yinshi.pk, "reason": REASON})
    assert response.status_code == expected
    item.refresh_from_db()
    assert (item.transfer_to is not None) == (role in ("head_wuye", "admin"))


@pytest.mark.parametrize("role, expected", [
    ("anonymous", 302), ("staff_wuye", 404), ("judge", 404), ("head_wuye", 404), ("head_yinshi", 404),
    ("operator", 302), ("supervisor", 302), ("admin", 302)])
def test_it_guards_the_decision_by_role(client, org, item, role, expected):
    FEEDBACK.apply(item, "request_transfer", by=org.head_wuye, note=REASON, department=org.yinshi)
    if role != "anonymous":
        client.force_login(getattr(org, role))
    response = client.post(reverse("feedback:decide_transfer", args=[item.pk]), {"decision": "accept"})
    assert response.status_code == expected
    assert Feedback.objects.get(pk=item.pk).department == (org.yinshi if role in ("operator", "supervisor", "admin")
                                                           else org.wuye)
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]


def test_it_drops_the_request_when_the_item_is_answered_or_transferred_anyway(org, item):
    FEEDBACK.apply(item, "request_transfer", by=org.head_wuye, note=REASON, department=org.yinshi)
    FEEDBACK.apply(item, "transfer", by=org.supervisor, department=org.office)
    item.refresh_from_db()
    assert (item.department, item.transfer_to) == (org.office, None)
    other = make_feedback(org)
    FEEDBACK.apply(other, "request_transfer", by=org.head_wuye, note=REASON, department=org.yinshi)
    FEEDBACK.apply(other, "resolve", by=org.head_wuye, note="还是我们处理了。")
    other.refresh_from_db()
    assert other.transfer_to is None
