"""Browser journey on a phone (390×844): a department head records a new version of an operating procedure;
the procedure's page shows it as the current one with the earlier version in the history, and a staff member of
the department reads the current version only."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import login, pick_date
from e2e.foundation import ConsoleWatch, no_horizontal_overflow

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_head_records_a_new_version_and_staff_read_the_current_one(live_server, phone, org):
    from django.utils import timezone

    from qualityservice.standards.tests.helpers import days_ago, make_procedure

    procedure = make_procedure(org, text="1. 楼道每日清扫一次。", effective=days_ago(200))
    console = ConsoleWatch(phone)
    login(phone, live_server, org.head_wuye.username, org.password)
    phone.goto(f"{live_server.url}/staff/standards/")
    phone.locator("[data-testid=procedure-cards] a").first.click()
    phone.get_by_test_id("new-version").click()
    phone.fill("#id_version", "V2.0")
    pick_date(phone, "#id_effective_date", timezone.localdate().isoformat())
    phone.fill("#id_change_note", "按六查六看整改：增加雨雪天防滑要求")
    phone.fill("#id_text", "1. 楼道每日清扫两次，拖洗一次。\n2. 雨雪天增设防滑垫并及时清理积水。")
    assert no_horizontal_overflow(phone, 390)
    phone.screenshot(path="/tmp/standards-version-form-phone.png", full_page=True)
    phone.get_by_test_id("save-version").click()
    expect(phone.get_by_test_id("current-version")).to_contain_text("V2.0")
    expect(phone.get_by_test_id("current-version")).to_contain_text("雨雪天增设防滑垫")
    expect(phone.get_by_test_id("version-history")).to_contain_text("V1.0")
    expect(phone.get_by_test_id("version-history")).to_contain_text("已被取代")
    assert no_horizontal_overflow(phone, 390)
    phone.screenshot(path="/tmp/standards-procedure-phone.png", full_page=True)
    procedure.refresh_from_db()
    assert procedure.current_version.version == "V2.0"

    login(phone, live_server, org.staff_wuye.username, org.password)
    phone.goto(f"{live_server.url}/staff/standards/")
    expect(phone.get_by_test_id("procedure-cards")).to_contain_text("V2.0")
    phone.locator("[data-testid=procedure-cards] a").first.click()
    expect(phone.get_by_test_id("current-version")).to_contain_text("雨雪天增设防滑垫")
    expect(phone.get_by_test_id("current-version")).not_to_contain_text("楼道每日清扫一次")
    expect(phone.get_by_test_id("version-history")).to_have_count(0)  # the earlier versions are for managers
    phone.screenshot(path="/tmp/standards-staff-phone.png", full_page=True)
    assert console.csp_violations() == [] and console.errors() == []
