"""Without CAS (the embedded default): the administrator imports the member roster from Excel and downloads
the one-time codes of a class; a student signs in the first time with hers on her phone, sets a password,
sends feedback with her name without typing it, and finds it on her page."""

import io
import re

import pytest
from openpyxl import Workbook, load_workbook

from e2e.conftest import login
from e2e.foundation import no_horizontal_overflow
from qualityservice.feedback.models import Feedback

pytestmark = pytest.mark.django_db(transaction=True)


def roster(path):
    wb = Workbook()
    ws = wb.active
    ws.append(["学号/工号", "姓名", "类型", "学院/单位", "班级", "手机", "邮箱"])
    ws.append(["20230001", "张晓明", "学生", "计算机学院", "计算机2301", "13800000001", ""])
    ws.append(["20230002", "李雪", "学生", "计算机学院", "计算机2301", "", ""])
    ws.append(["T0321", "王建国", "教师", "海洋与大气学院", "", "13900000002", "wangjg@example.edu.cn"])
    wb.save(path)
    return path


def test_it_takes_a_member_from_the_roster_import_and_codes_to_sign_in_and_named_feedback(page, phone, live_server, org, settings, tmp_path):
    settings.CAS_SERVER_URL = None
    settings.QS_MEMBER_PASSWORDS = True
    login(page, live_server, org.admin.username, org.password)
    page.goto(f"{live_server.url}/staff/members/import/")
    page.set_input_files("#id_file", str(roster(tmp_path / "师生名册.xlsx")))
    page.get_by_role("button", name="导入").click()
    page.wait_for_url(f"{live_server.url}/staff/members/")
    assert "新增 3 人" in page.content() and page.get_by_test_id("member-row").count() == 3
    page.screenshot(path="/tmp/members-staff-list.png", full_page=True)

    page.goto(f"{live_server.url}/staff/members/codes/")
    page.fill("#id_class_name", "计算机2301")
    page.check("#id_confirm")
    with page.expect_download() as download:
        page.get_by_role("button", name="生成激活码并下载表格").click()
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[2] for r in rows[1:]] == ["20230001", "20230002"]
    code = rows[1][5]

    student = phone
    student.goto(f"{live_server.url}/")
    student.get_by_test_id("member-sign-in").click()
    student.get_by_test_id("first-sign-in-link").click()
    student.fill("#id_number", "20230001")
    student.fill("#id_code", code)
    student.fill("#id_password1", "Blue-Harbour-77")
    student.fill("#id_password2", "Blue-Harbour-77")
    student.screenshot(path="/tmp/members-first-sign-in-phone.png", full_page=True)
    student.get_by_role("button", name="设置密码并登录").click()
    student.wait_for_url(f"{live_server.url}/")  # back on the page she started from, signed in
    assert "密码已设置" in student.locator("main").inner_text()
    student.get_by_test_id("my-page-link").click()
    assert student.get_by_test_id("member-name").inner_text() == "张晓明"

    student.goto(f"{live_server.url}/feedback/new/")
    student.locator("#id_body").fill("宿舍热水时有时无，洗澡很不方便。")
    student.uncheck("#id_anonymous")
    assert "张晓明（20230001）" in student.get_by_test_id("named-as").inner_text()
    assert student.locator("#id_contact").input_value() == "13800000001"
    student.get_by_role("button", name=re.compile("提交")).click()
    student.wait_for_url(re.compile(r"/feedback/t/[A-Z0-9]+/\?new=1$"))
    fb = Feedback.objects.get()
    assert (fb.anonymous, fb.submitter_name, fb.submitter_user.member.number) == (False, "张晓明", "20230001")

    student.get_by_test_id("my-page-link").click()
    student.wait_for_url(f"{live_server.url}/members/")
    item = student.get_by_test_id("my-feedback-item")
    item.first.wait_for()
    assert item.count() == 1 and fb.code in item.inner_text() and "已受理" in item.inner_text()
    assert no_horizontal_overflow(student, 390)
    student.screenshot(path="/tmp/members-my-page-feedback-phone.png", full_page=True)
