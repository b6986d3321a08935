"""The small aids in the browser, under the Content-Security-Policy: the hotline operator picks the staff member
a caller names from the suggestions shown as they type (htmx), and the status page's copy-code button copies
the tracking code."""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import login
from e2e.foundation import ConsoleWatch
from qualityservice.feedback.tests.factories import make_feedback
from qualityservice.org.models import Staff


@pytest.mark.django_db(transaction=True)
def test_it_suggests_staff_as_the_operator_types_and_fills_the_choice(page, live_server, org):
    Staff.objects.filter(user=org.staff_yinshi).update(badge_number="YS0301")
    login(page, live_server, org.operator.username, org.password)
    watch = ConsoleWatch(page)
    page.goto(live_server.url + "/staff/feedback/hotline/")
    page.locator("#id_staff").press_sequentially("饮食", delay=50)
    suggestion = page.get_by_test_id("staff-suggestion")
    expect(suggestion).to_have_count(2)  # 饮食主任, 饮食员工
    page.locator("#id_staff").press_sequentially("员", delay=50)
    expect(suggestion).to_have_count(1)
    assert "饮食员工" in suggestion.first.inner_text() and "YS0301" in suggestion.first.inner_text()
    page.screenshot(path="/tmp/feedback-hotline-suggestions.png", full_page=True)
    suggestion.first.click()
    assert page.locator("#id_staff").input_value() == "YS0301"
    assert page.locator("#id_department").input_value() == str(org.yinshi.pk)
    assert page.get_by_test_id("staff-suggestion").count() == 0
    assert watch.csp_violations() == []


@pytest.mark.django_db(transaction=True)
def test_it_copies_the_tracking_code_from_the_status_page(browser, live_server, org):
    fb = make_feedback(org)
    context = browser.new_context(locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    watch = ConsoleWatch(page)
    page.goto(live_server.url + fb.get_public_url())
    button = page.get_by_test_id("copy-code")
    assert button.is_visible()
    button.click()
    page.wait_for_function("document.querySelector('[data-testid=copy-code]').innerText.includes('已复制')")
    assert page.evaluate("navigator.clipboard.readText()") == fb.code
    assert re.fullmatch(r"[A-Z0-9]{10}", fb.code) and watch.csp_violations() == []
    context.close()
