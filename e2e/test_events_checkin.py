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


def test_the_check_in_page_survives_a_reload_without_network_and_uploads_each_queued_scan_once(phone, live_server, org):
    """A service worker keeps the page; the scans wait in IndexedDB across the reload. While the phone is offline
    not one request reaches the server (the page, its files and the list come from the worker's cache)."""
    from django.core.signals import request_started

    event = make_event(org, title="设施参观", capacity=10, starts_in=dt.timedelta(hours=1))
    session = event.sessions.get()
    tickets = [visitor(session, n) for n in range(1, 6)]
    watch = ConsoleWatch(phone)
    login(phone, live_server, org.staff_wuye.username, org.password)
    page_url = f"{live_server.url}/staff/events/sessions/{session.pk}/checkin/"
    phone.goto(page_url)
    root = phone.locator("[data-checkin]")
    expect(root).to_have_attribute("data-offline-ready", "1", timeout=15000)  # the worker has cached the page
    network = phone.get_by_test_id("checkin-network")
    pending = phone.locator("[data-pending]")
    scan = phone.get_by_test_id("scan-input")
    result = phone.get_by_test_id("checkin-result")

    reached = []

    def count(sender, environ, **kwargs):
        reached.append(environ.get("PATH_INFO"))

    request_started.connect(count)
    try:
        phone.context.set_offline(True)
        expect(network).to_have_attribute("data-state", "offline")
        for ticket in tickets[:3]:
            scan.fill(ticket.ticket)
            scan.press("Enter")
            expect(result).to_contain_text(ticket.name)
        expect(pending).to_have_text("3")
        expect(root).to_have_attribute("data-writing", "0")  # every scan answered is in IndexedDB

        phone.reload()  # no network: the worker answers with the page it kept
        expect(network).to_have_attribute("data-state", "offline")
        expect(network).to_contain_text("本机已存票券 5 张")
        expect(pending).to_have_text("3")
        expect(phone.get_by_test_id("scan-pending")).to_have_count(3)
        scan.fill(tickets[3].ticket)  # the list kept in IndexedDB still answers
        scan.press("Enter")
        expect(result).to_have_attribute("data-outcome", "accepted")
        scan.fill(tickets[0].ticket)  # checked in before the reload: refused, and kept with its reason
        scan.press("Enter")
        expect(result).to_contain_text("已签到过")
        expect(pending).to_have_text("5")
        assert no_horizontal_overflow(phone, 390)
        phone.screenshot(path="/tmp/events-checkin-reloaded-offline.png", full_page=True)
        assert reached == [] and not CheckIn.objects.exists()  # nothing reached the server while offline
    finally:
        request_started.disconnect(count)

    phone.context.set_offline(False)
    expect(pending).to_have_text("0", timeout=15000)
    expect(phone.get_by_test_id("scan-recorded")).to_have_count(5)
    assert sorted(CheckIn.objects.values_list("outcome", "reason")) == [("accepted", "")] * 4 + [("refused", "already_used")]
    assert len(set(CheckIn.objects.values_list("submission_key", flat=True))) == 5
    assert sorted(Registration.objects.filter(session=session).values_list("status", flat=True)) == ["attended"] * 4 + ["confirmed"]
    phone.reload()
    expect(network).to_have_attribute("data-state", "online")
    expect(phone.get_by_test_id("scan-recorded")).to_have_count(5)
    expect(pending).to_have_text("0")
    assert CheckIn.objects.count() == 5  # synced exactly once
    assert watch.csp_violations() == []
