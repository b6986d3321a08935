"""Browser journey on phones (390×844): a student signs in and registers for the last seat of an open day and gets
her ticket with its QR code; a second student joins the waiting list and sees her place; the first cancels from
her ticket with one click; the seat is offered to the second, who confirms it and gets her ticket."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import confirm
from e2e.foundation import ConsoleWatch, no_horizontal_overflow
from qualityservice.events.models import Offer, Registration
from qualityservice.events.tests.helpers import make_event
from qualityservice.members.tests.factories import PASSWORD, make_member

pytestmark = pytest.mark.django_db(transaction=True)


def new_phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    return context, context.new_page()


def sign_in(page, live_server, number):
    page.goto(f"{live_server.url}/members/signin/?next=/events/")
    page.fill("#id_username", number)
    page.fill("#id_password", PASSWORD)
    page.locator("form:has(#id_password) button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/events/")


def test_a_student_registers_on_her_phone_cancels_and_the_next_in_line_confirms_the_offered_seat(browser, live_server, org, settings):
    settings.CAS_SERVER_URL = None
    settings.QS_MEMBER_PASSWORDS = True
    event = make_event(org, title="后勤开放日：走进中央厨房", capacity=1)
    first_student = make_member("20260001", "张晓明", phone="13805320001")
    second_student = make_member("20260002", "李思雨", phone="13805320002")

    first_context, first = new_phone(browser)
    watch = ConsoleWatch(first)
    sign_in(first, live_server, "20260001")
    first.get_by_test_id("public-event").filter(has_text="走进中央厨房").click()
    expect(first.get_by_test_id("seats")).to_contain_text("剩余 1 个名额")
    first.screenshot(path="/tmp/events-phone-event.png", full_page=True)
    first.get_by_test_id("register").click()
    expect(first.get_by_test_id("register-form")).to_contain_text("以张晓明的身份报名")
    first.get_by_test_id("register-submit").click()
    expect(first.get_by_test_id("ticket-qr").locator("svg")).to_be_visible()
    expect(first.get_by_test_id("status")).to_have_text("已报名")
    assert no_horizontal_overflow(first, 390)
    first.screenshot(path="/tmp/events-phone-ticket.png", full_page=True)

    second_context, second = new_phone(browser)
    sign_in(second, live_server, "20260002")
    second.goto(f"{live_server.url}{event.get_public_url()}")
    expect(second.get_by_test_id("seats")).to_contain_text("已报满 · 候补 0 人")
    second.get_by_test_id("register").click()
    expect(second.get_by_test_id("full")).to_be_visible()
    second.get_by_test_id("register-submit").click()
    expect(second.get_by_test_id("position")).to_contain_text("您在候补名单中排第1位")
    second.screenshot(path="/tmp/events-phone-waiting.png", full_page=True)
    waiting_url = second.url

    first.get_by_test_id("cancel").click()
    confirm(first)
    expect(first.get_by_test_id("status")).to_have_text("已取消")
    expect(first.get_by_test_id("ticket-qr")).to_have_count(0)

    second.goto(waiting_url)
    expect(second.get_by_test_id("offer")).to_contain_text("有一个座位留给您")
    second.screenshot(path="/tmp/events-phone-offer.png", full_page=True)
    second.get_by_test_id("accept-offer").click()
    expect(second.get_by_test_id("status")).to_have_text("已报名")
    expect(second.get_by_test_id("ticket-qr").locator("svg")).to_be_visible()
    assert no_horizontal_overflow(second, 390)
    second.screenshot(path="/tmp/events-phone-confirmed.png", full_page=True)

    mine = {r.user_id: r.status for r in Registration.objects.all()}
    assert mine == {first_student.user_id: "cancelled", second_student.user_id: "confirmed"}
    assert Offer.objects.get().status == "accepted"
    second.goto(f"{live_server.url}/members/")
    expect(second.get_by_test_id("my-registration")).to_contain_text("走进中央厨房")
    assert watch.csp_violations() == []
    first_context.close()
    second_context.close()
