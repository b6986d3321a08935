"""Staff pages at desktop size for an administrator and a department head (layout, scoping, no CSP errors)."""

import io

import pytest
from openpyxl import Workbook

from e2e.conftest import login
from e2e.foundation import ConsoleWatch, no_horizontal_overflow, shot
from qualityservice.org.models import Staff
from qualityservice.org.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_lays_out_the_administrators_pages(page, live_server, org, tmp_path):
    for i in range(12):
        StaffFactory(department=org.wuye if i % 2 else org.yinshi, name=f"测试员工{i}", phone=f"1380000{i:04d}",
                     team=org.wuye_team if i % 2 else None)
    console = ConsoleWatch(page)
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, org.admin.username, org.password)
    sidebar = page.locator("#qs-nav")
    assert sidebar.is_visible()
    for label in ("部门", "员工", "服务承诺", "花名册导入", "站点设置"):
        assert label in sidebar.inner_text()
    shot(page, "workbench-admin-desktop")

    page.goto(live_server.url + "/staff/org/staff/")
    assert page.get_by_test_id("staff-row").count() == 20
    assert no_horizontal_overflow(page, 1366)
    shot(page, "staff-list-desktop")

    page.get_by_role("link", name="物业员工").click()
    page.get_by_role("heading", name="物业员工").wait_for()  # is_visible() does not wait for the navigation
    shot(page, "staff-detail-desktop")

    page.goto(f"{live_server.url}/staff/org/departments/{org.wuye.pk}/")
    assert page.get_by_test_id("badge-pdf").is_visible()
    shot(page, "department-detail-desktop")

    page.goto(live_server.url + "/staff/org/commitments/new/")
    page.check("#id_is_measurable")
    page.click("form.qs-form button[type=submit]")
    assert "可考核的承诺须指明适用的诉求类型。" in page.locator("form.qs-form").inner_text()
    shot(page, "commitment-form-errors-desktop")

    # A roster whose last row is bad: a per-row report, nothing imported.
    wb = Workbook()
    wb.active.append(["姓名", "工号", "部门", "岗位", "电话"])
    wb.active.append(["陈晓东", "W1001", "物业管理中心", "保洁员", "13800138000"])
    wb.active.append(["李四", "W1002", "火星中心", "保洁员", "13800138001"])
    path = tmp_path / "花名册.xlsx"
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())
    before = Staff.objects.count()
    page.goto(live_server.url + "/staff/org/roster/import/")
    page.set_input_files("#id_file", str(path))
    page.click("form[data-once] button[type=submit]")
    report = page.get_by_test_id("import-report")
    assert "部门“火星中心”不存在。" in report.inner_text()
    assert "未导入任何数据" in page.get_by_test_id("import-error").inner_text()
    assert Staff.objects.count() == before
    shot(page, "roster-import-errors-desktop")
    assert console.csp_violations() == [] and console.errors() == []


def test_it_shows_a_head_only_the_own_department(page, live_server, org):
    console = ConsoleWatch(page)
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, org.head_yinshi.username, org.password)
    page.goto(live_server.url + "/staff/org/staff/")
    text = page.locator("main").inner_text()
    assert "饮食员工" in text and "物业员工" not in text
    shot(page, "staff-list-head-desktop")
    response = page.goto(f"{live_server.url}/staff/org/departments/{org.wuye.pk}/")
    assert response.status == 404
    assert console.csp_violations() == []


def test_it_opens_the_staff_menu_on_a_phone(phone, live_server, org):
    console = ConsoleWatch(phone)
    login(phone, live_server, org.supervisor.username, org.password)
    assert not phone.locator("#qs-nav").is_visible()
    phone.click("button.navbar-toggler")
    phone.locator("#qs-nav").get_by_role("link", name="服务承诺").click()
    phone.wait_for_url("**/staff/org/commitments/")
    assert phone.get_by_test_id("commitment-row").count() == 3
    shot(phone, "commitments-phone")
    assert console.csp_violations() == [] and console.errors() == []
