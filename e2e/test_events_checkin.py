"""Browser journey: check-in at the door on a staff phone (390×844). The page loads the session's tickets; the
network goes away; three tickets are checked in — typed as a USB scanner types them (the code and Enter) and picked
from the name search — and a cancelled one is refused in red, all answered at once and counted as waiting to upload;
the network comes back and every scan is recorded once."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from e2e.conftest import login
from e2e.foundation import ConsoleWatch, no_horizontal_overflow
from qualityservice.events import services
from qualityservice.events.models import CheckIn, Registration
from qualityservice.events.tests.helpers import make_event, visitor

pytestmark = pytest.mark.django_db(transaction=True)


def test_door_staff_check_tickets_in_offline_and_every_scan_is_recorded_once_when_back_online(phone, live_server, org):
    event = make_event(org, title="设施参观", capacity=10, starts_in=dt.timedelta(hours=1))
    session = event.sessions.get()
    tickets = [visitor(session, n) for n in range(1, 5)]
    cancelled = visitor(session, 9)
    services.cancel_by_person(cancelled)
    watch = ConsoleWatch(phone)
    login(phone, live_server, org.staff_wuye.username, org.password)
    phone.goto(f"{live_server.url}/staff/events/sessions/{session.pk}/checkin/")
    network = phone.get_by_test_id("checkin-network")
    expect(network).to_have_attribute("data-state", "online")
    expect(network).to_contain_text("本机已存票券 5 张")
    expect(phone.locator("[data-total]")).to_have_text("4")

    phone.context.set_offline(True)
    expect(network).to_have_attribute("data-state", "offline")
    scan = phone.get_by_test_id("scan-input")
    result = phone.get_by_test_id("checkin-result")
    scan.fill(tickets[0].ticket)
    scan.press("Enter")  # a USB scanner types the code and Enter
    expect(result).to_have_attribute("data-outcome", "accepted")
    expect(result).to_contain_text("访客1")
    scan.fill(f"{live_server.url}{tickets[1].get_ticket_url()}")  # the QR code holds the ticket's address
    scan.press("Enter")
    expect(result).to_contain_text("访客2")
    phone.get_by_test_id("checkin-search").fill("访客3")
    phone.get_by_test_id("search-result").filter(has_text="访客3").get_by_role("button").click()
    expect(result).to_contain_text("访客3")
    scan.fill(cancelled.ticket)
    scan.press("Enter")
    expect(result).to_have_attribute("data-outcome", "refused")
    expect(result).to_contain_text("票券已取消")
    scan.fill(tickets[0].ticket)
    scan.press("Enter")
    expect(result).to_contain_text("已签到过")
    pending = phone.locator("[data-pending]")
    expect(pending).to_have_text("5")
    expect(phone.get_by_test_id("scan-pending")).to_have_count(5)
    assert no_horizontal_overflow(phone, 390)
    phone.screenshot(path="/tmp/events-checkin-offline.png", full_page=True)
    assert not CheckIn.objects.exists()

    phone.context.set_offline(False)
    expect(pending).to_have_text("0", timeout=15000)
    expect(network).to_have_attribute("data-state", "online")
    expect(phone.get_by_test_id("scan-recorded")).to_have_count(5)
    expect(phone.locator("[data-checked]")).to_have_text("3")
    phone.screenshot(path="/tmp/events-checkin-online.png", full_page=True)
    assert sorted(Registration.objects.filter(session=session).values_list("status", flat=True)) == [
        "attended", "attended", "attended", "cancelled", "confirmed"]
    assert sorted(CheckIn.objects.values_list("outcome", "reason", "offline")) == [
        ("accepted", "", True), ("accepted", "", True), ("accepted", "", True), ("refused", "already_used", True),
        ("refused", "cancelled", True)]
    phone.reload()  # nothing is uploaded twice
    expect(network).to_have_attribute("data-state", "online")
    expect(pending).to_have_text("0")
    assert CheckIn.objects.count() == 5
    assert watch.csp_violations() == []
