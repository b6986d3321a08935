"""Staff sign in: a wrong password is refused in Chinese, the right one opens the workbench."""

import pytest

from e2e.foundation import ConsoleWatch, shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_refuses_a_wrong_password_then_opens_the_workbench(page, live_server, org):
    console = ConsoleWatch(page)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="员工登录").click()
    page.wait_for_url("**/accounts/login/")
    page.fill("#id_username", org.head_wuye.username)
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    alert = page.locator(".alert-danger")
    assert "请输入一个正确的" in alert.inner_text()
    shot(page, "sign-in-error-desktop", full_page=False)
    page.fill("#id_password", org.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/staff/")
    assert page.get_by_role("heading", name="工作台").is_visible()
    assert "物业主任 · 部门负责人" in page.get_by_test_id("whoami").inner_text()
    nav = page.locator("#qs-nav").inner_text()
    assert "部门" in nav and "服务承诺" in nav and "站点设置" not in nav
    shot(page, "workbench-desktop")
    assert console.csp_violations() == [] and console.errors() == []


def test_it_signs_in_on_a_phone_with_the_badge_number(phone, live_server, org):
    from qualityservice.org.models import Staff

    console = ConsoleWatch(phone)
    phone.goto(live_server.url + "/accounts/login/")
    shot(phone, "sign-in-phone")
    phone.fill("#id_username", Staff.objects.get(user=org.staff_wuye).badge_number)
    phone.fill("#id_password", org.password)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/staff/")
    assert "物业员工" in phone.locator("main").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "workbench-phone")
    assert console.csp_violations() == [] and console.errors() == []


def test_it_changes_the_password_from_the_staff_menu_and_signs_in_with_the_new_one(page, live_server, org):
    console = ConsoleWatch(page)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", org.staff_wuye.username)
    page.fill("#id_password", org.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/staff/")
    page.get_by_test_id("change-password").click()
    page.wait_for_url("**/accounts/password/change/")
    assert page.get_by_role("heading", name="修改密码").is_visible()
    page.fill("#id_old_password", org.password)
    page.fill("#id_new_password1", "short")
    page.fill("#id_new_password2", "short")
    page.get_by_role("button", name="保存新密码").click()
    assert "密码长度太短" in page.locator("main").inner_text()  # refused, in Chinese
    shot(page, "password-change-error")
    page.fill("#id_old_password", org.password)
    page.fill("#id_new_password1", "Harbour-Lights-2031")
    page.fill("#id_new_password2", "Harbour-Lights-2031")
    page.get_by_role("button", name="保存新密码").click()
    page.wait_for_url("**/accounts/password/change/done/")
    assert "您的密码已修改" in page.get_by_test_id("password-changed").inner_text()
    shot(page, "password-changed")
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", org.staff_wuye.username)
    page.fill("#id_password", org.password)
    page.click("button[type=submit]")
    assert "请输入一个正确的" in page.locator(".alert-danger").inner_text()  # the old password no longer works
    page.fill("#id_password", "Harbour-Lights-2031")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/staff/")
    assert console.csp_violations() == [] and console.errors() == []


def test_it_leads_from_the_sign_in_page_to_the_password_reset_on_a_phone(phone, live_server, org):
    console = ConsoleWatch(phone)
    phone.goto(live_server.url + "/accounts/login/")
    phone.get_by_role("link", name="忘记密码？").click()
    phone.wait_for_url("**/accounts/password/reset/")
    phone.fill("#id_email", "nobody@example.edu.cn")
    phone.get_by_role("button", name="发送链接").click()
    phone.wait_for_url("**/accounts/password/reset/sent/")
    assert "如果有账号使用这个电子邮件地址" in phone.get_by_test_id("reset-sent").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "password-reset-sent-phone")
    assert console.csp_violations() == [] and console.errors() == []
