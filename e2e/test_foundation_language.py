"""The language button in the header switches between 中文 and English and remembers the choice."""

import pytest

from e2e.foundation import ConsoleWatch, shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_switches_the_public_pages_between_chinese_and_english(phone, live_server, org):
    console = ConsoleWatch(phone)
    phone.goto(live_server.url + "/commitments/")
    assert phone.get_by_role("heading", name="服务承诺").is_visible()
    phone.get_by_test_id("lang-en").click()
    phone.wait_for_selector("html[lang=en]")
    assert phone.url == live_server.url + "/commitments/"  # stays on the page
    assert phone.get_by_role("heading", name="Service commitments").is_visible()
    assert "Property Centre" in phone.locator("main").inner_text()
    phone.goto(live_server.url + "/")  # the choice is remembered
    assert "Complaint hotline" in phone.locator("main").inner_text()
    shot(phone, "home-phone-en")
    phone.get_by_test_id("lang-zh").click()
    phone.wait_for_selector("html[lang=zh-hans]")
    assert "投诉热线" in phone.locator("main").inner_text()
    assert console.csp_violations() == [] and console.errors() == []


def test_it_switches_the_staff_pages_too(page, live_server, org):
    from e2e.conftest import login

    console = ConsoleWatch(page)
    login(page, live_server, org.supervisor.username, org.password)
    page.goto(live_server.url + "/staff/org/departments/")
    assert page.get_by_role("heading", name="部门").is_visible()
    page.get_by_test_id("lang-en").click()
    page.wait_for_selector("html[lang=en]")
    assert page.get_by_role("heading", name="Departments").is_visible()
    assert "Supervisor" in page.get_by_test_id("whoami").inner_text()
    shot(page, "departments-desktop-en")
    assert console.csp_violations() == [] and console.errors() == []
