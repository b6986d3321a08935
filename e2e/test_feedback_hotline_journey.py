"""Journey 2: the operator logs a call and routes it to 物业管理中心; the head assigns it; the
assignee replies; the operator's callback says "dissatisfied" and the item reopens."""

import re

import pytest

from e2e.conftest import login
from qualityservice.feedback.models import Feedback, Status
from qualityservice.org.models import Staff


def logout(page, live_server):
    page.goto(live_server.url + "/staff/")
    page.get_by_role("button", name=re.compile("退出|Sign out")).click()


@pytest.mark.django_db(transaction=True)
def test_it_logs_routes_assigns_answers_and_reopens_a_call(page, live_server, org):
    login(page, live_server, org.operator.username, org.password)
    page.goto(live_server.url + "/staff/feedback/hotline/")
    page.fill("#id_caller_name", "赵老师")
    page.fill("#id_caller_phone", "13912345678")
    page.select_option("#id_place", label=str(org.dorm))
    page.select_option("#id_department", label="物业管理中心")
    page.fill("#id_body", "学生公寓1号楼晚上十点以后没有热水。")
    page.screenshot(path="/tmp/feedback-hotline.png", full_page=True)
    page.get_by_test_id("hotline-form").get_by_role("button").click()
    page.wait_for_url(re.compile(r"/staff/feedback/\d+/$"))
    assert page.get_by_test_id("department").inner_text() == "物业管理中心"
    fb = Feedback.objects.get()
    assert (fb.channel, fb.submitter_contact, fb.created_by) == ("hotline", "13912345678", org.operator)
    logout(page, live_server)

    login(page, live_server, org.head_wuye.username, org.password)
    page.goto(live_server.url + fb.get_absolute_url())
    page.select_option("#id_staff", str(Staff.objects.get(user=org.staff_wuye).pk))
    page.get_by_test_id("assign-form").get_by_role("button").click()
    page.wait_for_url(re.compile(r"/staff/feedback/\d+/$"))
    assert "物业员工" in page.get_by_test_id("assignee").inner_text()
    logout(page, live_server)

    login(page, live_server, org.staff_wuye.username, org.password)
    page.goto(live_server.url + fb.get_absolute_url())
    page.get_by_test_id("action-start").click()
    page.fill("#id_body", "已联系锅炉房，今晚起热水供应延长到23:30。")
    page.check("#id_resolve")
    page.get_by_test_id("reply-form").get_by_role("button").click()
    page.wait_for_url(re.compile(r"/staff/feedback/\d+/$"))
    fb.refresh_from_db()
    assert fb.status == Status.RESOLVED
    logout(page, live_server)

    login(page, live_server, org.operator.username, org.password)
    page.goto(live_server.url + "/staff/feedback/callbacks/")
    row = page.get_by_test_id("callback-row").filter(has_text=fb.code)
    assert "13912345678" in row.inner_text()
    page.screenshot(path="/tmp/feedback-callbacks.png", full_page=True)
    row.locator("select[name=reached]").select_option("1")
    row.locator("select[name=satisfied]").select_option("2")
    row.locator("input[name=comment]").fill("还是没有热水")
    row.get_by_role("button").click()
    page.wait_for_load_state()
    fb.refresh_from_db()
    assert fb.status == Status.REOPENED and fb.department == org.wuye and fb.satisfaction == 2
    page.goto(live_server.url + fb.get_absolute_url())
    assert page.get_by_test_id("status").inner_text() in ("已重新打开", "Reopened", "重新打开")
    timeline = page.get_by_test_id("timeline").inner_text()
    assert "赵老师" not in timeline  # the timeline carries no submitter identity
    assert page.get_by_test_id("event").count() == 5  # received, assigned, started, resolved, callback
    page.screenshot(path="/tmp/feedback-detail.png", full_page=True)
