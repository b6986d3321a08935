"""Who sees what, reopening, and transfer requests in the browser: a front-line staff member's inbox and export
show only the items assigned to them or about them; an unhappy rating through the submitter's link reopens
an item and tells the head and the assignee; a head requests the transfer of an item routed to them by
mistake and the supervisor accepts it in one click (after the confirmation naming the consequence)."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from e2e.conftest import confirm, login
from e2e.foundation import ConsoleWatch
from qualityservice.core.models import Notification
from qualityservice.feedback import services
from qualityservice.feedback.models import Feedback, Status
from qualityservice.feedback.tests.factories import make_feedback
from qualityservice.feedback.workflows import FEEDBACK
from qualityservice.org.models import Staff

REASON = "这是餐厅的问题，应由饮食服务中心处理"


def logout(page, live_server):
    page.goto(live_server.url + "/staff/")
    page.get_by_role("button", name=re.compile("退出|Sign out")).click()


@pytest.mark.django_db(transaction=True)
def test_it_shows_staff_their_items_only_and_moves_a_misrouted_item_on_the_heads_request(page, live_server, org, tmp_path):
    worker = Staff.objects.get(user=org.staff_wuye)
    colleague = Staff.objects.create(department=org.wuye, name="物业同事", badge_number="W0002", post="保洁员")
    mine = make_feedback(org, title="三楼楼道灯坏了", submitter_name="张同学", submitter_contact="13800000000")
    services.assign(mine, worker, by=org.head_wuye)
    about_me = make_feedback(org, title="保洁员态度不好", staff=worker, submitter_name="李同学", submitter_contact="13900000000")
    services.assign(about_me, colleague, by=org.head_wuye)
    theirs = make_feedback(org, title="同事负责的垃圾清运", submitter_name="王同学")
    services.assign(theirs, colleague, by=org.head_wuye)
    misrouted = make_feedback(org, title="二食堂饭菜里有头发", submitter_name="赵同学")

    # 1. The staff member's inbox and export: their item and the one about them, nothing else.
    login(page, live_server, org.staff_wuye.username, org.password)
    watch = ConsoleWatch(page)
    page.goto(live_server.url + "/staff/feedback/")
    rows = page.get_by_test_id("inbox-row")
    assert rows.count() == 2
    text = page.get_by_test_id("inbox-table").inner_text()
    assert mine.title in text and about_me.title in text
    assert theirs.title not in text and misrouted.title not in text and "李同学" not in text
    page.screenshot(path="/tmp/feedback-staff-inbox.png", full_page=True)
    with page.expect_download() as info:
        page.get_by_test_id("export").click()
    path = tmp_path / "mine.xlsx"
    info.value.save_as(path)
    exported = list(load_workbook(path).active.iter_rows(values_only=True))
    assert {r[8] for r in exported[1:]} == {mine.title, about_me.title}
    assert page.goto(live_server.url + theirs.get_absolute_url()).status == 404
    page.goto(live_server.url + about_me.get_absolute_url())
    assert page.get_by_test_id("reply-form").count() == 0 and page.locator("[data-testid^=action-]").count() == 0
    assert watch.csp_violations() == []
    logout(page, live_server)

    # 2. The assignee answers; the submitter is unhappy through the rating link: reopened, head and assignee told.
    FEEDBACK.apply(mine, "start", by=org.staff_wuye)
    FEEDBACK.apply(mine, "resolve", by=org.staff_wuye, note="已更换灯泡。")
    Feedback.objects.filter(pk=mine.pk).update(deadline=timezone.now() - dt.timedelta(days=3))  # long passed
    before = Notification.objects.count()
    page.goto(live_server.url + mine.get_rating_url())
    page.locator("input[name=score][value='1']").check()
    page.get_by_role("button", name=re.compile("提交|发送|Send")).click()
    page.wait_for_url(re.compile(rf"/feedback/t/{mine.code}/$"))
    mine.refresh_from_db()
    assert mine.status == Status.REOPENED and mine.deadline > timezone.now()  # a new deadline, not the old one
    [notice] = [n.payload for n in Notification.objects.order_by("pk")[before:]]
    assert notice["heads_of"] == [org.wuye.pk] and notice["user_ids"] == [org.staff_wuye.pk]

    # 3. The head asks for the misrouted item to be moved, with a reason.
    login(page, live_server, org.head_wuye.username, org.password)
    page.goto(live_server.url + misrouted.get_absolute_url())
    form = page.get_by_test_id("request-transfer-form")
    form.locator("select").select_option(str(org.yinshi.pk))
    form.locator("textarea").fill(REASON)
    form.get_by_role("button").click()
    page.wait_for_url(re.compile(rf"/staff/feedback/{misrouted.pk}/$"))
    assert "饮食服务中心" in page.get_by_test_id("transfer-request-text").inner_text()
    assert REASON in page.get_by_test_id("transfer-request").inner_text()
    assert page.get_by_test_id("department").inner_text().strip() == "物业管理中心"  # nothing moved yet
    page.screenshot(path="/tmp/feedback-transfer-requested.png", full_page=True)
    logout(page, live_server)

    # 4. The supervisor finds the request and accepts it in one click, after confirming the consequence.
    login(page, live_server, org.supervisor.username, org.password)
    page.goto(live_server.url + "/staff/feedback/?status=transfer")
    assert page.get_by_test_id("inbox-row").count() == 1
    page.get_by_test_id("inbox-row").first.get_by_role("link").first.click()
    page.wait_for_url(re.compile(rf"/staff/feedback/{misrouted.pk}/$"))
    page.screenshot(path="/tmp/feedback-transfer-decision.png", full_page=True)
    page.get_by_test_id("accept-transfer").click()
    page.locator("#qs-confirm").wait_for(state="visible")
    sentence = page.locator("#qs-confirm").inner_text()
    confirm(page)
    expect(page.get_by_test_id("department")).to_have_text("饮食服务中心")
    assert "饮食服务中心" in sentence and "办结时限" in sentence
    misrouted.refresh_from_db()
    assert (misrouted.department, misrouted.status, misrouted.transfer_to) == (org.yinshi, Status.RECEIVED, None)
    timeline = page.get_by_test_id("timeline").inner_text()
    assert "申请转交至饮食服务中心" in timeline and "同意转交：由物业管理中心转交至饮食服务中心" in timeline
    assert page.get_by_test_id("transfer-request").count() == 0
    told = [n.payload for n in Notification.objects.all() if n.payload["user_ids"] == [org.head_wuye.pk]]
    assert any(misrouted.code in p["subject"] and "饮食服务中心" in p["subject"] for p in told)
    assert Feedback.objects.get(pk=misrouted.pk).events.filter(action="accept_transfer", actor=org.supervisor).exists()
