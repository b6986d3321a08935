"""Roster (花名册) import and export: Excel in, Excel out, all or nothing, per-row reports in Chinese."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from qualityservice.org.models import Staff
from qualityservice.org.services import import_roster
from qualityservice.org.tests.factories import StaffFactory

from .pdfs import response_bytes

HEADERS = ["姓名", "工号", "部门", "岗位", "电话", "班组", "在岗"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    if headers is not None:
        ws.append(headers)
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(content: bytes, name="花名册.xlsx"):
    return SimpleUploadedFile(name, content, content_type=XLSX)


def post_import(client, org, content: bytes, name="花名册.xlsx"):
    client.force_login(org.admin)
    return client.post(reverse("org:roster_import"), {"file": upload(content, name)})


def read_export(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    wb = load_workbook(io.BytesIO(response_bytes(response)), read_only=True)
    rows = [tuple("" if v is None else v for v in row) for row in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    return rows[0], rows[1:]


GOOD_ROWS = [
    ("陈晓东", "W1001", "物业管理中心", "保洁员", "13800138000", "保洁一班", "是"),
    ("林海燕", "W1002", "wuye", "楼宇管理员", 13900139000, None, "否"),  # department by code, phone typed as a number
    ("周建国", "Y2001", "Catering Centre", "厨师", "0532-66781320", "", ""),  # department by English name
]


# --- Export -----------------------------------------------------------------------------


def test_it_exports_the_roster_with_chinese_headers_for_an_administrator(client, org):
    client.force_login(org.admin)
    response = client.get(reverse("org:roster_export"))
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    headers, rows = read_export(response)
    assert list(headers) == HEADERS
    assert len(rows) == Staff.objects.count()
    by_name = {row[0]: row for row in rows}
    worker = Staff.objects.get(user=org.staff_wuye)
    assert by_name["物业员工"] == ("物业员工", worker.badge_number, "物业管理中心", "保洁员", "", "保洁一班", "是")
    assert {row[2] for row in rows} >= {"物业管理中心", "饮食服务中心", "集团办公室"}


def test_it_exports_only_the_heads_own_department(client, org):
    client.force_login(org.head_wuye)
    _, rows = read_export(client.get(reverse("org:roster_export")))
    assert {row[2] for row in rows} == {"物业管理中心"}
    assert {row[0] for row in rows} == set(Staff.objects.filter(department=org.wuye).values_list("name", flat=True))
    assert "饮食员工" not in {row[0] for row in rows}


def test_it_exports_nothing_of_another_department_even_when_asked_for_it(client, org):
    client.force_login(org.head_wuye)
    response = client.get(reverse("org:roster_export"), {"department": org.yinshi.pk})
    assert response.status_code == 302 and not response.has_header("Content-Disposition")  # an invalid filter
    assert "未导出任何内容" in client.get(response["Location"]).content.decode()


def test_it_exports_one_department_when_a_supervisor_filters(client, org):
    client.force_login(org.supervisor)
    _, rows = read_export(client.get(reverse("org:roster_export"), {"department": org.yinshi.pk}))
    assert {row[2] for row in rows} == {"饮食服务中心"}
    assert len(rows) == Staff.objects.filter(department=org.yinshi).count()


def test_it_exports_english_headers_in_english(client, org):
    client.force_login(org.admin)
    client.post("/i18n/setlang/", {"language": "en", "next": "/staff/"})
    headers, _ = read_export(client.get(reverse("org:roster_export")))
    assert list(headers) == ["Name", "Badge number", "Department", "Post", "Phone", "Team", "On duty"]


def test_it_neutralises_formulas_in_exported_cells(client, org):
    StaffFactory(department=org.wuye, name="=HYPERLINK(\"http://evil\")", post="+cmd")
    client.force_login(org.admin)
    _, rows = read_export(client.get(reverse("org:roster_export")))
    names = {row[0] for row in rows}
    assert "'=HYPERLINK(\"http://evil\")" in names
    assert all(not str(cell).startswith(("=", "+")) for row in rows for cell in row)


def test_it_reads_back_its_own_export_without_changing_anything(client, org):
    client.force_login(org.admin)
    content = response_bytes(client.get(reverse("org:roster_export")))
    before = Staff.objects.count()
    result = import_roster(io.BytesIO(content))
    assert result.ok, (result.file_error, result.errors)
    assert (result.created, result.updated) == (0, 0)
    assert Staff.objects.count() == before


# --- Import: good files -------------------------------------------------------------------


def test_it_imports_a_good_roster_creating_and_updating_staff(client, org):
    existing = StaffFactory(department=org.yinshi, badge_number="Y2001", name="周建国", post="帮厨")
    before = Staff.objects.count()
    response = post_import(client, org, workbook(GOOD_ROWS))
    assert response.status_code == 302 and response["Location"] == reverse("org:staff_list")
    assert Staff.objects.count() == before + 2
    chen = Staff.objects.get(badge_number="W1001")
    assert (chen.name, chen.department, chen.post, chen.phone, chen.team, chen.on_duty) == (
        "陈晓东", org.wuye, "保洁员", "13800138000", org.wuye_team, True)
    lin = Staff.objects.get(badge_number="W1002")
    assert (lin.department, lin.phone, lin.on_duty) == (org.wuye, "13900139000", False)
    existing.refresh_from_db()
    assert existing.post == "厨师" and existing.phone == "0532-66781320"
    assert len(chen.public_code) >= 12  # a badge code for each new person
    followed = client.get(response["Location"])
    assert "花名册导入完成：新增 2 人，更新 1 人。" in followed.content.decode()


def test_it_records_history_for_imported_staff(client, org):
    post_import(client, org, workbook(GOOD_ROWS[:1]))
    chen = Staff.objects.get(badge_number="W1001")
    assert chen.history.count() == 1


def test_it_skips_blank_lines_and_accepts_english_headers(org):
    content = workbook(
        [("Chen", "E1", "wuye", "Cleaner", "", None, "yes"), (None, None, None, None, None), ("Li", "E2", "yinshi", "Cook", "", None, "no")],
        headers=["Name", "Badge number", "Department", "Post", "Phone", "Team", "On duty"],
    )
    result = import_roster(io.BytesIO(content))
    assert result.ok and result.created == 2
    assert Staff.objects.get(badge_number="E2").on_duty is False


# --- Import: bad files import nothing -------------------------------------------------------


def assert_nothing_imported(before_count, before_snapshot):
    assert Staff.objects.count() == before_count
    assert set(Staff.objects.values_list("badge_number", "name", "post", "phone")) == before_snapshot


@pytest.fixture
def snapshot(org):
    StaffFactory(department=org.yinshi, badge_number="Y2001", name="周建国", post="帮厨")
    return Staff.objects.count(), set(Staff.objects.values_list("badge_number", "name", "post", "phone"))


@pytest.mark.parametrize(
    "rows, expected",
    [
        pytest.param(GOOD_ROWS + [("重复者", "W1001", "物业管理中心", "保洁员", "", "", "")],
                     ["工号 W1001 与第 2 行重复。", "<td>5</td>"], id="duplicate-badge-numbers"),
        pytest.param(GOOD_ROWS + [("王五", "W1009", "不存在的中心", "保洁员", "", "", "")],
                     ["部门“不存在的中心”不存在。", "<td>5</td>"], id="unknown-department"),
        pytest.param(GOOD_ROWS + [("王五", "W1009", "物业管理中心", "保洁员", "打电话给我", "", "")],
                     ["“打电话给我”不是有效的电话号码。"], id="bad-phone"),
        pytest.param(GOOD_ROWS + [("", "W1009", "物业管理中心", "", "", "", "")],
                     ["姓名不能为空。", "岗位不能为空。"], id="missing-values"),
        pytest.param(GOOD_ROWS + [("王五", "W 10/09", "物业管理中心", "保洁员", "", "", "")],
                     ["工号只能由字母、数字和“-”组成（最多 20 位）。"], id="bad-badge-number"),
        pytest.param(GOOD_ROWS + [("王五", "W1009", "物业管理中心", "保洁员", "", "不存在的班", "")],
                     ["物业管理中心没有名为“不存在的班”的班组。"], id="unknown-team"),
        pytest.param(GOOD_ROWS + [("王五", "W1009", "物业管理中心", "保洁员", "", "", "也许")],
                     ["“在岗”一栏只能填“是”或“否”。"], id="bad-on-duty"),
    ],
)
def test_it_imports_nothing_and_reports_the_row_when_the_last_row_is_bad(client, org, snapshot, rows, expected):
    response = post_import(client, org, workbook(rows))
    assert response.status_code == 200
    html = response.content.decode()
    assert "未导入任何数据" in html
    assert 'data-testid="import-report"' in html
    for text in expected:
        assert text in html
    assert_nothing_imported(*snapshot)


def test_it_reports_every_bad_row_at_once(org, snapshot):
    rows = [("王五", "", "物业管理中心", "保洁员", "", "", ""), ("赵六", "W7", "火星中心", "保洁员", "", "", ""), GOOD_ROWS[0]]
    result = import_roster(io.BytesIO(workbook(rows)))
    assert [(e.row, e.column) for e in result.errors] == [(2, "工号"), (3, "部门")]
    assert result.created == 0
    assert_nothing_imported(*snapshot)


@pytest.mark.parametrize(
    "headers, missing",
    [
        pytest.param(["名字", "编号", "部门", "岗位", "电话"], "姓名、工号", id="misspelt"),
        pytest.param(["姓名", "工号", "部门"], "岗位、电话", id="too-few"),
        pytest.param(None, "姓名、工号、部门、岗位、电话", id="no-header-row"),
    ],
)
def test_it_refuses_a_workbook_with_wrong_columns(client, org, snapshot, headers, missing):
    rows = [("陈晓东", "W1001", "物业管理中心", "保洁员", "13800138000")]
    response = post_import(client, org, workbook(rows, headers=headers))
    html = response.content.decode()
    assert f"缺少列：{missing}。第一行必须是表头：姓名、工号、部门、岗位、电话。" in html
    assert_nothing_imported(*snapshot)


def zip_but_not_excel() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    return buf.getvalue()


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("姓名,工号,部门,岗位,电话\n陈晓东,W1001,物业管理中心,保洁员,138\n".encode(), id="csv"),
        pytest.param("随便写的一段文字".encode("gbk"), id="text"),
        pytest.param(PNG, id="png"),
        pytest.param(zip_but_not_excel(), id="zip"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, id="old-xls"),
    ],
)
def test_it_refuses_a_file_that_is_not_an_xlsx_workbook(client, org, snapshot, content):
    response = post_import(client, org, content)
    assert response.status_code == 200
    assert "该文件不是 Excel 工作簿（.xlsx）。" in response.content.decode()
    assert_nothing_imported(*snapshot)


def test_it_refuses_an_empty_workbook_and_one_with_headers_only(org, snapshot):
    empty = Workbook()
    buf = io.BytesIO()
    empty.save(buf)
    assert import_roster(io.BytesIO(buf.getvalue())).file_error == "工作簿是空的。"
    assert import_roster(io.BytesIO(workbook([]))).file_error == "工作簿表头下没有员工数据。"
    assert_nothing_imported(*snapshot)


def test_it_refuses_an_empty_upload(client, org, snapshot):
    response = post_import(client, org, b"")
    assert response.status_code == 200
    assert "所提交的是空文件。" in response.content.decode()
    assert_nothing_imported(*snapshot)


def test_it_lets_only_administrators_import(client, org):
    for user in (org.head_wuye, org.supervisor, org.staff_wuye):
        client.force_login(user)
        assert client.get(reverse("org:roster_import")).status_code == 404
        assert client.post(reverse("org:roster_import"), {"file": upload(workbook(GOOD_ROWS))}).status_code == 404
    assert not Staff.objects.filter(badge_number="W1001").exists()
    client.force_login(org.admin)
    page = client.get(reverse("org:roster_import")).content.decode()
    assert "导入花名册" in page and "姓名、工号、部门、岗位、电话" in page
