"""Operating procedures: a procedure with its first version, once per form; a new version supersedes the current
one, which stays readable with the history; bad input answered with a message and nothing changed; files
accepted only when their content is the PDF or Office file their name says, within the size limit; the
supervisor's list of departments that have not recorded a version since a date; the department's staff told
of a version in force; the export."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from qualityservice.core.models import Notification
from qualityservice.org.tests.factories import DepartmentFactory
from qualityservice.standards import services
from qualityservice.standards.models import Procedure, ProcedureVersion

from .helpers import PDF, days_ago, make_procedure, new_version, office, upload, xlsx_rows

pytestmark = pytest.mark.django_db

KEY = "0123456789abcdef0123456789abcdef"


def _new(org, **changes):
    data = {"department": org.wuye.pk, "number": "WY-CZ-009", "title": "报修受理规程", "title_en": "", "version": "V1.0",
            "effective_date": days_ago(10).isoformat(), "change_note": "", "text": "", "text_en": "", "submission_key": KEY}
    data.update(changes)
    return data


def _version(**changes):
    data = {"version": "V2.0", "title": "报修受理规程", "title_en": "", "effective_date": days_ago(0).isoformat(),
            "change_note": "增加回访要求", "text": "1. 30分钟内派工。\n2. 24小时内回访。", "text_en": "", "submission_key": KEY}
    data.update(changes)
    return data


def test_it_records_a_procedure_with_its_file_once_from_a_form_sent_twice(client, org):
    client.force_login(org.head_wuye)
    first = client.post(reverse("standards:new"), {**_new(org), "upload": upload("报修受理规程.pdf")})
    second = client.post(reverse("standards:new"), {**_new(org), "upload": upload("报修受理规程.pdf")})
    procedure = Procedure.objects.get()
    assert first["Location"] == second["Location"] == procedure.get_absolute_url()
    version = procedure.current_version
    assert (version.sequence, version.version, version.file_name, version.file_size) == (1, "V1.0", "报修受理规程.pdf", len(PDF))
    assert ProcedureVersion.objects.count() == 1
    body = client.get(procedure.get_absolute_url()).content.decode()
    assert "规程已登记" in body and "报修受理规程.pdf" in body and "现行" in body


def test_a_new_version_supersedes_the_current_one_which_stays_readable(client, org):
    procedure = make_procedure(org, text="旧版：每日清扫一次。")
    client.force_login(org.head_wuye)
    response = client.post(procedure.get_new_version_url(), _version(title="公共区域保洁规程（修订）"))
    assert response["Location"] == procedure.get_absolute_url()
    procedure.refresh_from_db()
    old, current = procedure.versions.order_by("sequence")
    assert procedure.current_version == current and (current.sequence, current.version) == (2, "V2.0")
    assert procedure.title == "公共区域保洁规程（修订）" and old.title == "公共区域保洁操作规程"  # each keeps its own
    body = client.get(procedure.get_absolute_url()).content.decode()
    assert "版本 V2.0 已登记，现为现行版本" in body and "24小时内回访" in body and "旧版" not in body
    assert body.count("已被取代") == 1 and old.get_absolute_url() in body and "增加回访要求" in body
    body = client.get(old.get_absolute_url()).content.decode()
    assert "旧版：每日清扫一次。" in body and "该版本已被版本 V2.0 取代" in body


def test_a_new_version_sent_twice_is_recorded_once_and_two_in_turn_are_numbered_in_turn(client, org):
    procedure = make_procedure(org)
    stale = Procedure.objects.get(pk=procedure.pk)  # read before the next versions are recorded
    client.force_login(org.head_wuye)
    client.post(procedure.get_new_version_url(), _version())
    client.post(procedure.get_new_version_url(), _version())
    new_version(org, stale, version="V3.0", effective=days_ago(0))
    assert list(procedure.versions.order_by("sequence").values_list("sequence", "version")) == [(1, "V1.0"), (2, "V2.0"), (3, "V3.0")]
    procedure.refresh_from_db()
    assert procedure.current_version.version == "V3.0"


@pytest.mark.parametrize(("changes", "message"), [
    ({"effective_date": "2000-01-01"}, "新版本的生效日期不能早于现行版本"),
    ({"version": "V1.0"}, "该规程已有版本“V1.0”"),
    ({"text": "   "}, "请上传规程文件或填写规程正文"),
    ({"version": ""}, "这个字段是必填项"),
    ({"effective_date": "2026-13-01"}, "输入一个有效的日期"),
])
def test_it_refuses_a_bad_new_version_with_a_message_and_changes_nothing(client, org, changes, message):
    procedure = make_procedure(org)
    client.force_login(org.head_wuye)
    response = client.post(procedure.get_new_version_url(), _version(**changes))
    assert response.status_code == 200 and message in response.content.decode()
    procedure.refresh_from_db()
    assert procedure.versions.count() == 1 and procedure.current_version.version == "V1.0"


def test_it_refuses_a_number_the_department_already_has(client, org):
    make_procedure(org, number="WY-CZ-009")
    client.force_login(org.head_wuye)
    body = client.post(reverse("standards:new"), _new(org, text="正文")).content.decode()
    assert "物业管理中心已有编号为 WY-CZ-009 的规程：请为它登记新版本" in body
    assert Procedure.objects.count() == 1
    make_procedure(org, department=org.yinshi, number="WY-CZ-009", by=org.head_yinshi)  # another department may
    assert Procedure.objects.count() == 2


@pytest.mark.parametrize(("name", "data"), [
    ("规程.docx", office("docx")), ("规程.xlsx", office("xlsx")), ("规程.pptx", office("pptx")),
    ("规程.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100), ("规程.PDF", PDF),
])
def test_it_accepts_pdf_and_office_files_by_their_content(client, org, name, data):
    client.force_login(org.head_wuye)
    client.post(reverse("standards:new"), {**_new(org), "upload": upload(name, data)})
    version = ProcedureVersion.objects.get()
    assert version.file_name == name and version.file.read() == data


@pytest.mark.parametrize(("name", "data", "message"), [
    ("规程.exe", b"MZ\x90\x00", "只接受 PDF、Word、Excel 和 PowerPoint 文件"),
    ("规程.html", b"<script>alert(1)</script>", "只接受 PDF、Word、Excel 和 PowerPoint 文件"),
    ("规程.pdf", b"<html><script>alert(1)</script></html>", "“规程.pdf”不是 PDF 文件：文件内容与扩展名不符"),
    ("规程.docx", office("xlsx"), "“规程.docx”不是 Word 文件"),  # a workbook renamed
    ("规程.docx", b"PK\x03\x04 not really a zip", "“规程.docx”不是 Word 文件"),
    ("规程.doc", PDF, "“规程.doc”不是 Word 文件"),
    ("规程.pdf", b"", "所提交的是空文件"),
])
def test_it_refuses_files_whose_content_is_not_what_their_name_says(client, org, name, data, message):
    client.force_login(org.head_wuye)
    response = client.post(reverse("standards:new"), {**_new(org, text="正文也有"), "upload": upload(name, data)})
    assert response.status_code == 200 and message in response.content.decode()
    assert not Procedure.objects.exists() and not ProcedureVersion.objects.exists()


def test_it_refuses_a_file_over_the_size_limit(client, org, settings):
    settings.QS_STANDARDS_MAX_FILE_MB = 1
    client.force_login(org.head_wuye)
    big = PDF + b"0" * (1024 * 1024)
    body = client.post(reverse("standards:new"), {**_new(org), "upload": upload("大文件.pdf", big)}).content.decode()
    assert "“大文件.pdf”过大（1.0 MB），上限为 1 MB" in body
    assert not ProcedureVersion.objects.exists()


def test_the_supervisor_sees_the_departments_without_a_version_since_a_date(client, org):
    make_procedure(org)  # wuye: recorded today
    old = make_procedure(org, department=org.yinshi, number="YS-CZ-001", by=org.head_yinshi)
    ProcedureVersion.objects.filter(procedure=old).update(recorded_at=timezone.now() - dt.timedelta(days=800))
    client.force_login(org.supervisor)
    body = client.get(reverse("standards:not_updated")).content.decode()
    since = timezone.localdate().replace(month=1, day=1).isoformat()
    assert f"2 个部门自 {since} 起未登记任何规程版本" in body
    rows = body.split('data-testid="not-updated-row"')[1:]
    assert len(rows) == 2 and "饮食服务中心" in rows[0] and "最近登记" in rows[0] and "集团办公室" in rows[1] and "从未登记" in rows[1]
    assert "物业管理中心" not in body.split('data-testid="not-updated"')[1]
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    body = client.get(reverse("standards:not_updated") + f"?since={tomorrow}").content.decode()
    assert "3 个部门" in body and "物业管理中心" in body.split('data-testid="not-updated"')[1]


def test_the_not_updated_list_costs_two_queries_for_any_number_of_departments(org, django_assert_num_queries):
    for i in range(6):
        centre = DepartmentFactory(code=f"c{i}", parent=org.group)
        make_procedure(org, department=centre, number=f"N-{i}", by=org.supervisor)
    from qualityservice.org.models import Department

    departments = list(Department.objects.centres())
    with django_assert_num_queries(2):
        rows = services.not_updated_since(departments, timezone.localdate() + dt.timedelta(days=1))
    assert len(rows) == len(departments)


def test_the_departments_staff_with_accounts_hear_of_a_version_in_force(org):
    procedure = make_procedure(org, by=org.head_wuye)
    new_version(org, procedure, by=org.supervisor)
    payloads = [n.payload for n in Notification.objects.order_by("pk")]
    assert len(payloads) == 2
    assert sorted(payloads[0]["user_ids"]) == [org.staff_wuye.pk]  # not the head who recorded it
    assert sorted(payloads[1]["user_ids"]) == sorted([org.staff_wuye.pk, org.head_wuye.pk])
    assert payloads[1]["subject"] == "操作规程已生效：WY-CZ-001 公共区域保洁操作规程"


def test_the_export_lists_the_procedures_with_their_current_version(client, org):
    procedure = make_procedure(org, file=upload("规程.pdf"))
    new_version(org, procedure, effective=days_ago(2))
    make_procedure(org, department=org.yinshi, number="YS-CZ-001", title="食品留样操作规程", by=org.head_yinshi)
    client.force_login(org.head_wuye)
    rows = xlsx_rows(client.get(reverse("standards:export")))
    assert rows[0] == ("部门", "编号", "标题", "现行版本", "生效日期", "登记", "版本数", "形式")
    assert [r[:4] + (r[6],) for r in rows[1:]] == [("物业管理中心", "WY-CZ-001", "公共区域保洁操作规程", "V2.0", 2)]
    assert rows[1][4].date() == days_ago(2)


def test_it_shows_english_readers_the_english_title(client, org):
    procedure = make_procedure(org, title_en="Cleaning procedure for public areas")
    client.force_login(org.staff_wuye)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("standards:list")).content.decode()
    assert "Cleaning procedure for public areas" in body and "Operating procedures" in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    body = client.get(procedure.get_absolute_url()).content.decode()
    assert "公共区域保洁操作规程" in body and "Cleaning procedure" not in body


def test_the_campaign_evidence_of_a_new_version_names_its_department_and_page(org):
    procedure = make_procedure(org, title_en="Cleaning procedure")
    first = procedure.current_version
    second = new_version(org, procedure)
    today = timezone.localdate()
    assert services.campaign_evidence_kwargs(second) == {
        "department_id": org.wuye.pk,
        "carrier": "standards",
        "source": second,
        "title": "操作规程修订：WY-CZ-001 公共区域保洁操作规程 V2.0（物业管理中心）",
        "title_en": "Revised operating procedure: WY-CZ-001 Cleaning procedure V2.0 (Property Centre)",
        "url": second.get_absolute_url(),
        "occurred_on": today,
        "public": False,
    }
    assert services.campaign_evidence_kwargs(first)["title"].startswith("操作规程新制定：")
