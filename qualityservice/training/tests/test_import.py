"""The Excel import, with real .xlsx files built in the test: a good file creates every session with its
attendees in one go; a file with any bad row creates nothing and lists each problem by row (unknown staff,
staff of another department, bad hours, bad or future dates, unknown levels, missing columns, duplicates); a
resent upload imports nothing twice; a file that is no workbook is refused with a message."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qualityservice.core.models import Notification
from qualityservice.training import services
from qualityservice.training.models import Attendance, ImportBatch, TrainingSession

from .helpers import days_ago, make_session, workbook, xlsx_rows

pytestmark = pytest.mark.django_db

KEY = "feedfacefeedfacefeedfacefeedface"


def _badges(*users) -> str:
    return ", ".join(u.staff.badge_number for u in users)


def _good_rows(org):
    return [
        ("物业管理中心", days_ago(10), "消防安全知识培训", "Fire safety", 2, "张教官", "一线", _badges(org.staff_wuye, org.head_wuye), ""),
        ("wuye", days_ago(5).isoformat(), "保洁机械操作", "", "1.5", "技术员", "技术", _badges(org.staff_wuye), "上午"),
        ("饮食服务中心", dt.datetime.combine(days_ago(4), dt.time()), "食品安全", "", 3, "王科长", "management",
         f"{org.staff_yinshi.staff.badge_number}、{org.judge.staff.badge_number}", ""),
    ]


def _post(client, upload, key=KEY):
    return client.post(reverse("training:import"), {"file": upload, "submission_key": key})


def test_it_imports_every_session_with_its_attendees(client, org):
    client.force_login(org.supervisor)
    response = _post(client, workbook(_good_rows(org)))
    assert response.status_code == 302 and response["Location"] == reverse("training:list")
    sessions = {s.topic: s for s in TrainingSession.objects.all()}
    assert sorted(sessions) == ["保洁机械操作", "消防安全知识培训", "食品安全"]
    fire = sessions["消防安全知识培训"]
    assert (fire.department, fire.hours, fire.level, fire.topic_en, fire.date) == (org.wuye, Decimal("2"), "frontline",
                                                                                   "Fire safety", days_ago(10))
    assert sorted(fire.attendances.values_list("staff__name", flat=True)) == ["物业主任", "物业员工"]
    assert sessions["食品安全"].level == "management" and sessions["保洁机械操作"].note == "上午"
    assert sorted(sessions["食品安全"].attendances.values_list("staff__name", flat=True)) == ["评委", "饮食员工"]
    assert ImportBatch.objects.get().sessions.count() == 3
    body = client.get(response["Location"]).content.decode()
    assert "已导入 3 条培训记录" in body
    # The supervisor imported for two departments: both heads hear of it, in one notification.
    assert [n.payload["heads_of"] for n in Notification.objects.all()] == [sorted([org.wuye.pk, org.yinshi.pk])]


def test_it_imports_nothing_from_a_file_with_any_bad_row_and_names_each_problem(client, org):
    rows = _good_rows(org) + [
        ("物业管理中心", days_ago(3), "未知员工", "", 2, "某人", "一线", "HQ9999, " + _badges(org.staff_wuye), ""),
        ("物业管理中心", days_ago(3), "别的部门员工", "", 2, "某人", "一线", _badges(org.staff_yinshi), ""),
        ("物业管理中心", days_ago(3), "学时为零", "", 0, "某人", "一线", _badges(org.staff_wuye), ""),
        ("物业管理中心", days_ago(3), "学时太多", "", 25, "某人", "一线", _badges(org.staff_wuye), ""),
        ("物业管理中心", days_ago(3), "学时不是数字", "", "两小时", "某人", "一线", _badges(org.staff_wuye), ""),
        ("物业管理中心", "下周三", "日期不对", "", 2, "某人", "一线", _badges(org.staff_wuye), ""),
        ("物业管理中心", days_ago(-3), "未来的培训", "", 2, "某人", "一线", _badges(org.staff_wuye), ""),
        ("物业管理中心", days_ago(3), "层级不对", "", 2, "某人", "高级", _badges(org.staff_wuye), ""),
        ("物业管理中心", days_ago(3), "", "", 2, "", "一线", "", ""),
    ]
    client.force_login(org.supervisor)
    response = _post(client, workbook(rows))
    body = response.content.decode()
    assert response.status_code == 200 and "发现 9 个问题，未导入任何记录" in body
    problems = {e.row: e.message for e in services.import_sessions(workbook(rows), by=org.supervisor, key=None).errors}
    assert sorted(problems) == list(range(5, 14))  # the header is row 1, the three good rows are 2–4
    assert problems[5] == "工号不存在：HQ9999"
    assert problems[6] == f"不是物业管理中心的员工：饮食员工 ({org.staff_yinshi.staff.badge_number})"
    assert "学时须大于0且不超过24" in problems[7] and "学时须大于0且不超过24" in problems[8]
    assert problems[9] == "“两小时”不是有效的学时数"
    assert problems[10] == "“下周三”不是有效日期（例如2026-03-05）"
    assert "尚未到来" in problems[11]
    assert problems[12] == "层级“高级”无效：请填写管理、技术或一线"
    assert problems[13] == "缺少培训主题；缺少培训人；没有参训人员"
    for row, message in problems.items():  # the page lists each problem beside its row
        assert f"<td>{row}</td><td>{message}</td>" in body
    assert not TrainingSession.objects.exists() and not Attendance.objects.exists() and not ImportBatch.objects.exists()
    assert not Notification.objects.exists()


def test_a_head_imports_only_for_their_own_department(client, org):
    rows = [
        ("", days_ago(3), "班前会", "", 1, "物业主任", "一线", _badges(org.staff_wuye), ""),  # empty: the head's own
        ("饮食服务中心", days_ago(3), "别人的培训", "", 1, "某人", "一线", _badges(org.staff_yinshi), ""),
    ]
    client.force_login(org.head_wuye)
    body = _post(client, workbook(rows)).content.decode()
    assert "<td>3</td><td>部门“饮食服务中心”不存在或不属于您的管理范围</td>" in body
    assert not TrainingSession.objects.exists()
    _post(client, workbook(rows[:1]), key="c" * 32)
    assert list(TrainingSession.objects.values_list("department__code", "topic")) == [("wuye", "班前会")]


def test_it_refuses_a_session_already_recorded_or_twice_in_the_file(client, org):
    make_session(org, topic="消防安全知识培训", day=days_ago(10))
    rows = _good_rows(org)
    rows.append(rows[1])
    problems = services.import_sessions(workbook(rows), by=org.supervisor, key=None).errors
    assert [(e.row, e.message) for e in problems] == [
        (2, f"已登记过：{days_ago(10).isoformat()} 的“消防安全知识培训”"), (5, "与第 3 行是同一次培训")]
    assert TrainingSession.objects.count() == 1


def test_a_resent_upload_imports_nothing_twice(client, org):
    client.force_login(org.supervisor)
    _post(client, workbook(_good_rows(org)))
    response = _post(client, workbook(_good_rows(org)))
    assert response.status_code == 302
    assert TrainingSession.objects.count() == 3 and ImportBatch.objects.count() == 1
    assert "该文件已导入过（3 条培训记录）" in client.get(response["Location"]).content.decode()


def test_it_refuses_files_that_are_no_workbook_or_name_no_columns(client, org):
    client.force_login(org.supervisor)
    fake = SimpleUploadedFile("培训.xlsx", b"%PDF-1.4 not a workbook", content_type="application/pdf")
    body = _post(client, fake).content.decode()
    assert "发现 1 个问题，未导入任何记录" in body and "<td>—</td><td>该文件不是 Excel 工作簿（.xlsx）。</td>" in body
    body = _post(client, workbook([("x",)], headers=["姓名", "学时"]), key="d" * 32).content.decode()
    assert "第一行须为列名；缺少：日期、主题、培训人、层级、参训人员工号" in body
    body = _post(client, workbook([]), key="e" * 32).content.decode()
    assert "文件中没有培训记录" in body
    assert not TrainingSession.objects.exists()


def test_it_refuses_a_file_over_the_size_limit(client, org, settings):
    settings.QS_TRAINING_IMPORT_MAX_MB = 1
    client.force_login(org.supervisor)
    big = SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"0" * (1024 * 1024 + 1))
    body = _post(client, big).content.decode()
    assert "文件超过 1 MB" in body and not TrainingSession.objects.exists()


def test_it_refuses_a_file_with_more_rows_than_allowed(client, org, settings):
    settings.QS_TRAINING_IMPORT_MAX_ROWS = 2
    client.force_login(org.supervisor)
    body = _post(client, workbook(_good_rows(org))).content.decode()
    assert "文件超过 2 行" in body and not TrainingSession.objects.exists()


def test_the_template_and_an_export_have_the_imports_columns_and_import_back(client, org):
    client.force_login(org.supervisor)
    template = xlsx_rows(client.get(reverse("training:import_template")))
    assert list(template[0]) == list(services.TEMPLATE_HEADERS)
    make_session(org, topic="消防安全知识培训", day=days_ago(10), topic_en="Fire safety")
    exported = xlsx_rows(client.get(reverse("training:export")))
    assert list(exported[0][:9]) == list(services.TEMPLATE_HEADERS)
    assert exported[1][2:8] == ("消防安全知识培训", "Fire safety", 2, "张教官", "一线", org.staff_wuye.staff.badge_number)
    TrainingSession.objects.all().delete()
    result = services.import_sessions(workbook([r[:9] for r in exported[1:]], headers=exported[0][:9]), by=org.supervisor, key=None)
    assert result.ok and result.created == 1
    assert TrainingSession.objects.get().attendances.get().staff == org.staff_wuye.staff


def test_an_imported_session_records_campaign_evidence_like_one_entered_by_hand(client, org):
    """Each imported session is evidence on its department's activity carried by training, with the same title, link,
    date and publicity as a session entered by hand — the import would record none without its own call."""
    from django.utils import timezone

    from qualityservice.campaigns.models import Evidence
    from qualityservice.campaigns.services import add_menu_item, adopt
    from qualityservice.campaigns.tests.helpers import make_campaign

    campaign = make_campaign(org, starts_on=days_ago(60), ends_on=timezone.localdate() + dt.timedelta(days=30), milestones=[])
    item, _created = add_menu_item(campaign, key=None, by=org.supervisor, code="三(四)", title="岗位练兵", title_en="Skills training",
                                   description="开展岗位培训。", kind="optional", carriers=["training"], sort_order=40)
    for department in (org.wuye, org.yinshi):
        adopt(campaign, item, department, key=None, by=org.supervisor)
    by_hand = make_session(org, topic="手工录入的培训", day=days_ago(3))
    client.force_login(org.supervisor)
    assert _post(client, workbook(_good_rows(org))).status_code == 302
    imported = list(TrainingSession.objects.filter(batch__isnull=False).select_related("department"))
    assert len(imported) == 3
    rows = {row.object_id: row for row in Evidence.objects.filter(carrier="training").select_related("activity")}
    assert sorted(rows) == sorted([by_hand.pk, *(s.pk for s in imported)])
    for session in [by_hand, *imported]:
        row, expected = rows[session.pk], services.campaign_evidence_kwargs(session)
        assert (row.activity.department_id, row.activity.menu_item_id, row.content_type.model) == (
            session.department_id, item.pk, "trainingsession")
        assert (row.title, row.title_en, row.url, row.occurred_on, row.is_public) == (
            expected["title"], expected["title_en"], expected["url"], expected["occurred_on"], expected["public"])
