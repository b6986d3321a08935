"""The member roster (师生名册): Excel in, all or nothing with a report per row, Excel out; its own history."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from qualityservice.members.models import College, Member
from qualityservice.members.services import import_roster

from .factories import make_member

HEADERS = ["学号/工号", "姓名", "类型", "学院/单位", "班级", "手机", "邮箱"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GOOD = [
    ("20230001", "张晓明", "学生", "计算机学院", "计算机2301", "13800000001", ""),
    (20230002, "李雪", "本科生", "计算机学院", "计算机2301", None, "lixue@stu.example.edu.cn"),  # a number cell
    ("t0321", "王建国", "教师", "海洋与大气学院", "", 13900000002, ""),
    ("X-77", "赵敏", "其他", "后勤保障部", None, "", ""),
]


def workbook(rows, headers=HEADERS) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    if headers is not None:
        ws.append(headers)
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def post(client, org, content: bytes, name="师生名册.xlsx"):
    client.force_login(org.admin)
    return client.post(reverse("members:roster_import"), {"file": SimpleUploadedFile(name, content, content_type=XLSX)})


@pytest.mark.django_db
def test_it_imports_members_with_accounts_without_passwords_and_a_history_row_each(org):
    result = import_roster(workbook(GOOD), by=org.admin)
    assert result.ok and result.created == 4
    members = {m.number: m for m in Member.objects.select_related("college", "user")}
    assert set(members) == {"20230001", "20230002", "T0321", "X-77"}
    assert (members["T0321"].kind, members["T0321"].college.name, members["T0321"].phone) == ("teacher", "海洋与大气学院", "13900000002")
    assert members["20230002"].kind == "student" and members["20230002"].email == "lixue@stu.example.edu.cn"
    assert members["X-77"].kind == "other" and members["X-77"].class_name == ""
    assert all(not m.user.has_usable_password() and m.user.username == f"m-{m.number}" for m in members.values())
    assert set(College.objects.values_list("name", flat=True)) == {"计算机学院", "海洋与大气学院", "后勤保障部"}
    history = members["20230001"].history.get()
    assert history.history_type == "+" and history.history_user == org.admin and history.history_change_reason == "roster import"


@pytest.mark.django_db
def test_it_updates_changed_members_and_leaves_the_others(org):
    import_roster(workbook(GOOD), by=org.admin)
    changed = [list(r) for r in GOOD[:3]]
    changed[0][4] = "计算机2302"  # moved class
    result = import_roster(workbook(changed), by=org.admin)
    assert result.ok and (result.created, result.updated, result.unchanged) == (0, 1, 2)
    member = Member.objects.get(number="20230001")
    assert member.class_name == "计算机2302"
    assert [h.class_name for h in member.history.order_by("history_date", "history_id")] == ["计算机2301", "计算机2302"]
    assert Member.objects.filter(number="X-77").exists()  # not in the file: kept


def import_errors(rows, headers=HEADERS):
    result = import_roster(workbook(rows, headers))
    assert not result.ok and Member.objects.count() == 0
    return result


@pytest.mark.django_db
def test_it_reports_duplicate_ids_per_row_and_imports_nothing():
    result = import_errors([*GOOD, ("20230001", "张晓明", "学生", "计算机学院", "", "", "")])
    assert [(e.row, e.column, e.message) for e in result.errors] == [(6, "学号/工号", "学号/工号 20230001 已在第 2 行出现。")]


@pytest.mark.django_db
def test_it_reports_unknown_types_and_other_bad_cells_per_row():
    result = import_errors([
        ("20230001", "张晓明", "访客", "计算机学院", "", "", ""),
        ("2023 0002", "", "学生", "", "", "call me", "not-an-email"),
    ])
    messages = [(e.row, e.column, e.message) for e in result.errors]
    assert (2, "类型", "未知类型“访客”：请填写学生、教师或其他。") in messages
    assert (3, "学号/工号", "学号/工号只能包含字母、数字和 . _ -（最多 32 个字符）。") in messages
    assert (3, "姓名", "姓名为必填项。") in messages and (3, "学院/单位", "学院/单位为必填项。") in messages
    assert (3, "手机", "“call me”不是有效的电话号码。") in messages and (3, "邮箱", "“not-an-email”不是有效的电子邮箱地址。") in messages


@pytest.mark.django_db
def test_it_names_the_missing_columns():
    result = import_errors(GOOD, headers=["学号", "姓名", "班级"])
    assert result.file_error.startswith("缺少列：类型、学院/单位。")


@pytest.mark.django_db
def test_it_refuses_a_file_that_is_not_xlsx(client, org):
    response = post(client, org, "学号,姓名\n1,张三\n".encode(), name="名册.csv")
    assert response.status_code == 400
    assert "文件不是 Excel 工作簿（.xlsx）" in response.content.decode() and not Member.objects.exists()


@pytest.mark.django_db
def test_it_accepts_english_headers():
    result = import_roster(workbook(GOOD, ["ID number", "Name", "Type", "College / unit", "Class", "Phone", "E-mail"]))
    assert result.ok and result.created == 4


@pytest.mark.django_db
def test_it_shows_the_report_in_the_page_and_imports_nothing(client, org):
    response = post(client, org, workbook([*GOOD, ("20230001", "张晓明", "学生", "计算机学院", "", "", "")]).getvalue())
    html = response.content.decode()
    assert response.status_code == 400 and 'data-testid="import-report"' in html and "发现 1 处问题，未导入任何数据。" in html
    assert not Member.objects.exists()


@pytest.mark.django_db
def test_it_imports_through_the_page_and_says_how_many(client, org):
    response = post(client, org, workbook(GOOD).getvalue())
    assert response.status_code == 302 and response["Location"] == reverse("members:staff_list")
    html = client.get(response["Location"]).content.decode()
    assert "新增 4 人，更新 0 人，未变 0 人" in html and "张晓明" in html


@pytest.mark.django_db
def test_it_exports_the_roster_in_the_import_format_so_a_round_trip_changes_nothing(client, org):
    import_roster(workbook(GOOD))
    client.force_login(org.admin)
    response = client.get(reverse("members:roster_export"))
    assert response["Content-Type"] == XLSX
    content = b"".join(response.streaming_content)
    wb = load_workbook(io.BytesIO(content), read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == tuple(HEADERS)
    assert ("T0321", "王建国", "教师", "海洋与大气学院", None, "13900000002", None) in rows
    result = import_roster(io.BytesIO(content))
    assert result.ok and (result.created, result.updated, result.unchanged) == (0, 0, 4)


@pytest.mark.django_db
def test_it_imports_thousands_of_rows_in_batched_statements_not_one_per_row():
    rows = [(f"2024{i:05d}", f"学生{i}", "学生", f"学院{i % 20}", f"班{i % 90}", "", "") for i in range(3000)]
    with CaptureQueriesContext(connection) as first:
        result = import_roster(workbook(rows))
    assert result.ok and result.created == 3000
    assert Member.history.count() == 3000 and get_user_model().objects.filter(username__startswith="m-").count() == 3000
    assert len(first) < 3000 / 15  # SQLite's statements hold at most 999 values: batches, never a row each
    rows[5] = (rows[5][0], "改名", *rows[5][2:])
    with CaptureQueriesContext(connection) as second:
        again = import_roster(workbook(rows))
    assert (again.updated, again.unchanged) == (1, 2999) and len(second) < 20


@pytest.mark.django_db
def test_it_attaches_a_cas_member_to_the_roster_when_imported(org):
    make_member("20230001", "张晓明", on_roster=False, source=Member.Source.CAS)
    result = import_roster(workbook(GOOD[:1]))
    assert result.updated == 1 and Member.objects.get(number="20230001").on_roster
