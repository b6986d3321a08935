"""Browser journeys of the campaign: a department head adopts, plans and reports with a photo on a phone; the
supervisor's board "谁落后了" on a desktop and a phone, and its Excel export; a self-inspection submitted in the
inspections app appears as evidence on the adopted 六查六看 activity."""

import io
import re

import pytest
from openpyxl import load_workbook
from PIL import Image
from playwright.sync_api import expect

from e2e.conftest import confirm, login, pick_date
from e2e.foundation import ConsoleWatch, no_horizontal_overflow

pytestmark = pytest.mark.django_db(transaction=True)


def _camera_photo() -> bytes:
    buf = io.BytesIO()
    Image.effect_noise((1600, 1200), 50).convert("RGB").save(buf, format="JPEG", quality=90)
    return buf.getvalue()


def test_a_head_adopts_plans_and_reports_with_a_photo_on_a_phone(live_server, phone, org):
    from qualityservice.campaigns.models import DepartmentActivity, ReportFile
    from qualityservice.campaigns.tests.helpers import make_campaign

    campaign = make_campaign(org)
    year = campaign.year
    console = ConsoleWatch(phone)
    login(phone, live_server, org.head_wuye.username, org.password)
    phone.goto(f"{live_server.url}/staff/campaigns/")
    expect(phone.locator("[data-testid=campaign-cards]")).to_contain_text("优质服务年")
    phone.screenshot(path="/tmp/campaigns-list-phone.png", full_page=True)
    phone.locator("[data-testid=campaign-cards] a").first.click()
    phone.click("[data-testid=plan-link]")
    expect(phone.locator("h1")).to_contain_text("物业管理中心的计划")
    phone.screenshot(path="/tmp/campaigns-plan-phone.png", full_page=True)
    assert no_horizontal_overflow(phone, 390)

    # Adopt the optional 三(三) and plan it.
    phone.click("[data-testid=plan-item][data-code='三(三)'] [data-testid=adopt]")
    phone.wait_for_url(re.compile(r".*/staff/campaigns/activities/\d+/edit/$"))
    phone.select_option("#id_owner", str(org.staff_wuye.staff.pk))
    pick_date(phone, "#id_starts_on", f"{year}-03-01")
    pick_date(phone, "#id_ends_on", f"{year}-12-20")
    phone.fill("#id_target_text", "2 次开放日")
    phone.fill("#id_target_number", "2")
    phone.fill("#id_milestones", f"{year}-12-15 第二次开放日")
    phone.check("#id_is_signature")
    phone.screenshot(path="/tmp/campaigns-plan-form-phone.png", full_page=True)
    phone.click("[data-testid=save]")
    expect(phone.locator("[data-testid=activity-plan]")).to_contain_text("2 次开放日")
    adopted = DepartmentActivity.objects.get(department=org.wuye, menu_item__code="三(三)")
    assert (adopted.is_signature, adopted.owner_id, adopted.milestones.count()) == (True, org.staff_wuye.staff.pk, 1)

    # Report progress with a photo taken on the phone, and the people who took part.
    phone.click("[data-testid=report-progress]")
    phone.fill("#id_note", "第一次开放日：学生代表30人参观后厨与库房")
    phone.set_input_files("#id_photos", files=[{"name": "open-day.jpg", "mimeType": "image/jpeg", "buffer": _camera_photo()}])
    phone.check(f"input[name=participants][value='{org.staff_wuye.staff.pk}']")
    phone.screenshot(path="/tmp/campaigns-report-form-phone.png", full_page=True)
    phone.click("[data-testid=save-report]")
    phone.wait_for_url(f"{live_server.url}{adopted.get_absolute_url()}")
    expect(phone.locator("[data-testid=activity-status]")).to_have_text("进行中")
    image = phone.locator("[data-testid=report-file] img")
    expect(image).to_have_count(1)
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("i => i.naturalWidth") > 0
    expect(phone.locator("[data-testid=report]")).to_contain_text("参与人员 (1)")
    phone.screenshot(path="/tmp/campaigns-activity-phone.png", full_page=True)
    assert no_horizontal_overflow(phone, 390)
    assert ReportFile.objects.get().is_image
    assert console.csp_violations() == [] and console.errors() == []


def test_the_supervisor_sees_who_is_behind_and_exports_it(live_server, page, phone, org):
    import datetime as dt

    from qualityservice.campaigns import services
    from qualityservice.campaigns.tests.helpers import activity, make_campaign
    from qualityservice.campaigns.workflows import ACTIVITY

    campaign = make_campaign(org)
    late = activity(campaign, org.wuye, "三(二)")
    services.save_plan(late, ends_on=campaign.starts_on + dt.timedelta(days=20), milestones=[(campaign.starts_on + dt.timedelta(days=10), "座谈会")],
                       today=campaign.starts_on)
    services.refresh_statuses()
    ACTIVITY.apply(activity(campaign, org.yinshi, "三(二)"), "complete", by=org.head_yinshi, summary="完成")
    console = ConsoleWatch(page)
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, org.supervisor.username, org.password)
    page.goto(f"{live_server.url}/staff/campaigns/board/")
    rows = page.locator("[data-testid=board-table] [data-testid=board-row]")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("物业管理中心")  # the most behind first
    expect(page.locator("[data-testid=board-matrix]")).to_contain_text("进度落后")
    page.screenshot(path="/tmp/campaigns-board-desktop.png", full_page=True)
    with page.expect_download() as download:
        page.click("[data-testid=board-export]")
    workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True)
    summary = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert summary[1][0] == "物业管理中心" and summary[1][6] == 1
    assert console.csp_violations() == [] and console.errors() == []

    login(phone, live_server, org.supervisor.username, org.password)
    phone.goto(f"{live_server.url}/staff/campaigns/board/")
    expect(phone.locator("[data-testid=board-cards] a")).to_have_count(3)
    expect(phone.locator("[data-testid=board-cards] a").first).to_contain_text("落后")
    phone.screenshot(path="/tmp/campaigns-board-phone.png", full_page=True)
    assert no_horizontal_overflow(phone, 390)


def test_a_self_inspection_submitted_in_the_inspections_app_appears_on_the_six_checks_activity(live_server, phone, org):
    from qualityservice.campaigns.tests.helpers import activity, make_campaign
    from qualityservice.inspections.models import Inspection
    from qualityservice.inspections.tests.helpers import items_of, six_checks

    template = six_checks()
    campaign = make_campaign(org)
    target = activity(campaign, org.wuye, "三(二)")
    login(phone, live_server, org.head_wuye.username, org.password)
    phone.goto(f"{live_server.url}/staff/inspections/new/")
    phone.select_option("#id_template", str(template.pk))
    phone.fill("#id_title", "物业中心六查六看自查")
    phone.click("[data-testid=create-inspection]")
    phone.wait_for_url(re.compile(r".*/staff/inspections/\d+/fill/$"))
    inspection = Inspection.objects.get(title="物业中心六查六看自查")
    assert inspection.kind == "self"
    for item in items_of(template):
        phone.click(f"label[for=r-{item.pk}-pass]")
        # one save at a time: on SQLite the live server's threads share one in-memory connection
        expect(phone.locator(f"#item-{item.pk}")).to_have_attribute("data-state", "saved")
    phone.click("[data-testid=submit-inspection]")
    confirm(phone)
    phone.wait_for_url(f"{live_server.url}/staff/inspections/{inspection.pk}/")

    phone.goto(f"{live_server.url}{target.get_absolute_url()}")
    row = phone.locator("[data-testid=evidence-row]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("六查六看自查：物业中心六查六看自查")
    phone.screenshot(path="/tmp/campaigns-evidence-phone.png", full_page=True)
    row.locator("a").click()
    phone.wait_for_url(f"{live_server.url}/staff/inspections/{inspection.pk}/")
