"""Browser journey in English: a department head switches the staff pages to English on a phone, opens a
六查六看 self-check's fill page (sections, items and guidance in English), fails an item, submits, and reads the
rectification ledger, whose problem is in English too."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import confirm, login
from e2e.foundation import ConsoleWatch, no_horizontal_overflow


@pytest.mark.django_db(transaction=True)
def test_it_shows_a_six_checks_inspection_and_the_ledger_in_english(live_server, phone, org):
    from qualityservice.inspections.tests.helpers import items_of, make_inspection

    inspection = make_inspection(org.wuye, inspector=org.head_wuye, title="物业中心月度自查")
    items = items_of(inspection.template)
    failing = next(i for i in items if not i.photo_on_fail)
    console = ConsoleWatch(phone)

    login(phone, live_server, org.head_wuye.username, org.password)
    phone.goto(f"{live_server.url}/staff/inspections/{inspection.pk}/fill/")
    expect(phone.locator(".qs-section-title").first).to_have_text("一查服务技能：看是否满足岗位的要求")
    phone.get_by_test_id("lang-en").click()
    phone.wait_for_selector("html[lang=en]")
    assert phone.url.endswith(f"/staff/inspections/{inspection.pk}/fill/")  # stays on the page
    titles = phone.locator(".qs-section-title").all_inner_texts()
    assert titles[0] == "1. Service skills: do they meet the requirements of the post?"
    assert titles[5] == "6. Language at work: any rude or impolite words, or taboo phrases?"
    expect(phone.locator(f"#item-{items[0].pk} .qs-item-text")).to_have_text(
        "Knows the duties and the operating procedures of the post")
    expect(phone.locator(f"#item-{items[0].pk}")).to_contain_text("Ask at random about the duties")
    assert "熟悉本岗位职责" not in phone.locator("main").inner_text()
    assert no_horizontal_overflow(phone, 390)
    phone.screenshot(path="/tmp/inspections-fill-en.png", full_page=False)

    for item in items:
        if item.pk == failing.pk:
            phone.click(f"label[for=r-{item.pk}-fail]")
            # one save at a time: on SQLite the live server's threads share one in-memory connection
            expect(phone.locator(f"#item-{item.pk}")).to_have_attribute("data-state", "saved")
            # The note is saved 800 ms after typing: wait for that save's answer before the next click, so that
            # two saves never share the live server's one in-memory SQLite connection at once.
            with phone.expect_response(lambda r, pk=item.pk: r.request.method == "POST" and f"/items/{pk}/" in r.url):
                phone.fill(f"#item-{item.pk} textarea[name=note]", "Two staff could not name the duties of the post")
            # Leaving the field fires its "change", which saves the item once more: let that save answer too.
            with phone.expect_response(lambda r, pk=item.pk: r.request.method == "POST" and f"/items/{pk}/" in r.url):
                phone.locator(f"#item-{item.pk} textarea[name=note]").blur()
        else:
            phone.click(f"label[for=r-{item.pk}-pass]")
        expect(phone.locator(f"#item-{item.pk}")).to_have_attribute("data-state", "saved")
    phone.click("[data-testid=submit-inspection]")
    confirm(phone, sentence="Its score and findings become final")
    phone.wait_for_url(f"{live_server.url}/staff/inspections/{inspection.pk}/")

    phone.goto(f"{live_server.url}/staff/inspections/ledger/")
    expect(phone.locator("h1")).to_have_text("Rectification ledger")
    row = phone.locator("[data-testid=ledger-table] tbody tr").first
    expect(row).to_contain_text("Property Centre")
    expect(row).to_contain_text(failing.section.title_en[:25])
    expect(row).to_contain_text("Awaiting rectification")
    expect(phone.get_by_test_id("ledger-pdf")).to_contain_text("Print as PDF")
    phone.screenshot(path="/tmp/inspections-ledger-en.png", full_page=True)
    assert console.csp_violations() == [] and console.errors() == []
