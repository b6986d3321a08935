"""Sending and changing ideas (one idea per form however often it is sent; bad input answered with a message and
nothing stored), co-authors by badge number, photos checked by content, supporting, the discussion, rounds with
their criteria, the public pages (adopted ideas and their verified savings, no person named), the home page's
board, the certificate and its check, the Excel export, English for English readers, no inline code (CSP)."""

import io
import re
from decimal import Decimal
from pathlib import Path

import pypdfium2
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from qualityservice.ideas.models import Comment, Criterion, Idea, IdeaAuthor, IdeaFile, Round, Support
from qualityservice.ideas.tests.factories import jpeg, judge, make_idea, make_round, measure_kwh, to_implemented
from qualityservice.ideas.workflows import IDEA
from qualityservice.org.models import Staff

pytestmark = pytest.mark.django_db

KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def round_(org):
    return make_round(None, title="2026年度金点子征集")


def _form(round_, **changes):
    data = {"round": round_.pk, "category": "energy", "title": "食堂后厨照明改用LED灯", "problem": "灯管老化耗电多",
            "proposal": "分区更换LED灯具", "benefit_unit": "kwh", "expected_amount": "30000", "expected_note": "", "coauthors": "",
            "title_en": "", "submission_key": KEY}
    data.update(changes)
    return data


def test_it_makes_one_idea_from_a_form_sent_twice_and_tells_the_coordinators(client, org, round_, django_capture_on_commit_callbacks):
    from django.core import mail

    org.supervisor.email = "sup@example.edu.cn"
    org.supervisor.save()
    client.force_login(org.staff_wuye)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("ideas:new"), _form(round_))
        second = client.post(reverse("ideas:new"), _form(round_))
    idea = Idea.objects.get()
    assert first["Location"] == second["Location"] == idea.get_absolute_url()
    assert (idea.title, idea.department, idea.status, idea.expected_amount) == ("食堂后厨照明改用LED灯", org.wuye, "submitted", Decimal(30000))
    assert IdeaAuthor.objects.get(idea=idea).staff.user == org.staff_wuye
    assert [m.subject for m in mail.outbox if m.to == ["sup@example.edu.cn"]] == ["新的金点子：食堂后厨照明改用LED灯"]
    body = client.get(idea.get_absolute_url()).content.decode()
    assert "谢谢！您的金点子已提交" in body


@pytest.mark.parametrize("changes, message", [
    ({"expected_amount": "-300"}, "预期效益必须大于零"),
    ({"expected_amount": "0"}, "预期效益必须大于零"),
    ({"expected_amount": "99999999"}, "超出上限"),
    ({"expected_amount": ""}, "请填写预期每年数量"),
    ({"benefit_unit": "qualitative", "expected_amount": "", "expected_note": ""}, "请简要说明效益"),
    ({"benefit_unit": "qualitative", "expected_amount": "50", "expected_note": "更方便"}, "定性效益不填数量"),
    ({"title": "  灯 "}, "标题至少四个字"),
    ({"category": "other"}, "选择一个有效的选项"),
    ({"coauthors": "HQ9999, T00001x"}, "没有工号为 HQ9999、T00001x 的员工"),
    ({"submission_key": "<script>"}, "表单已过期"),
])
def test_it_refuses_bad_input_with_a_message_and_stores_nothing(client, org, round_, changes, message):
    client.force_login(org.staff_wuye)
    response = client.post(reverse("ideas:new"), _form(round_, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Idea.objects.exists()


def test_it_refuses_a_round_that_is_closed_or_of_another_department(client, org):
    import datetime as dt

    closed = make_round(None, title="去年")
    Round.objects.filter(pk=closed.pk).update(opens_on=dt.date(2020, 1, 1), closes_on=dt.date(2020, 12, 31))
    theirs = make_round(org.yinshi, title="饮食中心的轮次")
    client.force_login(org.staff_wuye)
    body = client.get(reverse("ideas:new"), follow=True).content.decode()
    assert "目前没有正在征集金点子的轮次" in body
    make_round(org.wuye, title="物业中心的轮次")
    for round_ in (closed, theirs):
        assert "选择一个有效的选项" in client.post(reverse("ideas:new"), _form(round_)).content.decode()
    assert not Idea.objects.exists()


def test_it_takes_co_authors_by_badge_number_and_photos_checked_by_content(client, org, round_):
    colleague = Staff.objects.get(user=org.staff_yinshi)
    client.force_login(org.staff_wuye)
    me = Staff.objects.get(user=org.staff_wuye)
    client.post(reverse("ideas:new"), _form(round_, coauthors=f"{colleague.badge_number}，{me.badge_number}", files=jpeg("现场.jpg")))
    idea = Idea.objects.get()
    assert sorted(IdeaAuthor.objects.filter(idea=idea).values_list("staff__name", "is_lead")) == [("物业员工", True), ("饮食员工", False)]
    photo = IdeaFile.objects.get(idea=idea)
    assert photo.is_image and photo.name == "现场.jpg"
    response = client.get(photo.get_absolute_url())
    assert response["Content-Type"] == "image/jpeg" and b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    assert not photo.file.name.startswith(tuple(settings.QS_PUBLIC_MEDIA_DIRS))


def test_it_refuses_a_file_that_is_not_what_its_name_says(client, org, round_):
    client.force_login(org.staff_wuye)
    fake = SimpleUploadedFile("方案.jpg", b"this is not a photo")
    body = client.post(reverse("ideas:new"), _form(round_, files=fake)).content.decode()
    assert "不是图片文件" in body
    body = client.post(reverse("ideas:new"), _form(round_, files=SimpleUploadedFile("run.sh", b"#!/bin/sh"))).content.decode()
    assert "只接受照片、PDF、Word 和 Excel 文件" in body
    assert not Idea.objects.exists() and not IdeaFile.objects.exists()


def test_the_author_changes_a_submitted_idea_but_not_a_screened_one(client, org, round_):
    idea = make_idea(round_, org.staff_wuye, title="旧的标题写法")
    client.force_login(org.staff_wuye)
    response = client.post(idea.get_edit_url(), _form(round_, title="新的标题写法", coauthors=""))
    assert response["Location"] == idea.get_absolute_url()
    assert Idea.objects.get(pk=idea.pk).title == "新的标题写法"
    IDEA.apply(idea, "accept", by=org.supervisor)
    body = client.get(idea.get_edit_url(), follow=True).content.decode()
    assert "正在处理中，不能再修改" in body
    client.post(idea.get_edit_url(), _form(round_, title="再改一次标题"))
    assert Idea.objects.get(pk=idea.pk).title == "新的标题写法"


def test_a_colleague_supports_once_and_withdraws_and_the_author_cannot(client, org, round_):
    idea = make_idea(round_, org.staff_wuye)
    url = reverse("ideas:support", args=[idea.pk])
    client.force_login(org.staff_yinshi)
    for _ in range(2):
        client.post(url, {"support": "1"})
    assert Support.objects.count() == 1 and Idea.objects.get(pk=idea.pk).support_count == 1
    response = client.post(url, {"support": "1"}, HTTP_HX_REQUEST="true")
    assert 'data-testid="support-button"' in response.content.decode() and "已支持" in response.content.decode()
    client.post(url, {"support": "0"})
    assert Idea.objects.get(pk=idea.pk).support_count == 0
    client.force_login(org.staff_wuye)
    body = client.post(url, {"support": "1"}, follow=True).content.decode()
    assert "您不能支持这个金点子" in body and not Support.objects.exists()


def test_the_discussion_keeps_one_comment_per_form(client, org, round_):
    idea = make_idea(round_, org.staff_wuye)
    client.force_login(org.staff_wuye)
    for _ in range(2):
        client.post(reverse("ideas:comment", args=[idea.pk]), {"text": "补充：可以先在第一餐厅试点", "submission_key": KEY})
    assert Comment.objects.count() == 1
    body = client.post(reverse("ideas:comment", args=[idea.pk]), {"text": "   ", "submission_key": "x" * 32}, follow=True).content.decode()
    assert "这个字段是必填项" in body or "请先填写内容" in body
    assert Comment.objects.count() == 1


def test_a_head_creates_a_round_of_their_department_with_criteria(client, org):
    client.force_login(org.head_wuye)
    body = client.get(reverse("ideas:round_new")).content.decode()
    assert "创新性" in body and org.yinshi.name not in body
    data = {"title": "物业中心金点子", "title_en": "", "department": org.wuye.pk, "opens_on": "2026-01-01", "closes_on": "2026-12-31",
            "review_days": "7", "first_min_score": 85, "first_min_yuan": 20000, "second_min_score": 75, "second_min_yuan": 5000,
            "third_min_score": 65, "third_min_yuan": 1000, "submission_key": KEY, "criteria-TOTAL_FORMS": "2",
            "criteria-INITIAL_FORMS": "0", "criteria-0-name": "创新性", "criteria-0-weight": "60", "criteria-0-max_score": "10",
            "criteria-0-order": "0", "criteria-1-name": "可行性", "criteria-1-weight": "40", "criteria-1-max_score": "5", "criteria-1-order": "1"}
    client.post(reverse("ideas:round_new"), data)
    client.post(reverse("ideas:round_new"), data)
    round_ = Round.objects.get()
    assert (round_.department, round_.review_days) == (org.wuye, 7)
    assert list(Criterion.objects.filter(round=round_).values_list("name", "weight", "max_score")) == [("创新性", 60, 10), ("可行性", 40, 5)]
    body = client.post(reverse("ideas:round_new"), {**data, "submission_key": "y" * 32, "closes_on": "2025-01-01",
                                                    "criteria-1-name": "创新性"}).content.decode()
    assert "截止日期早于开始日期" in body
    body = client.post(reverse("ideas:round_new"), {**data, "submission_key": "z" * 32, "department": org.yinshi.pk}).content.decode()
    assert "选择一个有效的选项" in body
    assert Round.objects.count() == 1


# --- public pages ---------------------------------------------------------------------------------------


@pytest.fixture
def adopted(org, round_):
    """One idea adopted, implemented, measured and verified (by the property centre's staff member); one only submitted."""
    idea = to_implemented(make_idea(round_, org.staff_wuye, title="走廊灯改声控"), org.supervisor, judge(org), org.head_wuye)
    measure_kwh(idea, org.head_wuye, before=(1000, 1900), after=(2000, 2600))  # 30 vs 20 kWh a day: 3,650 kWh a year
    IDEA.apply(idea, "verify", by=org.supervisor)
    make_idea(round_, org.staff_yinshi, title="尚未处理的建议")
    return Idea.objects.get(pk=idea.pk)


def test_the_public_list_shows_adopted_ideas_with_their_verified_saving_and_names_nobody(client, org, adopted):
    body = client.get(reverse("ideas:public")).content.decode()
    assert "走廊灯改声控" in body and "尚未处理的建议" not in body
    assert "3650 kWh" in body and "2190 元" in body  # 3,650 kWh × 0.6
    assert "物业员工" not in body and "物业主任" not in body and "督查员" not in body  # no person is named
    assert 'data-testid="by-category"' in body and "节能降耗" in body and org.wuye.name in body
    assert client.get(reverse("ideas:public")).content.decode().count("走廊灯改声控") == body.count("走廊灯改声控")  # cached copy


def test_the_public_page_of_an_adopted_idea_and_nothing_for_others(client, org, adopted):
    body = client.get(adopted.get_public_url()).content.decode()
    assert "走廊灯改声控" in body and "3650 kWh" in body and "按日均 × 365 折算" in body and "物业员工" not in body
    pending = Idea.objects.get(title="尚未处理的建议")
    assert client.get(pending.get_public_url()).status_code == 404
    assert client.get(f"/ideas/{adopted.pk}/").status_code == 404  # never by its id


def test_the_home_page_shows_the_golden_ideas_board(client, adopted):
    body = client.get(reverse("org:home")).content.decode()
    assert 'data-testid="ideas-home-board"' in body and "走廊灯改声控" in body and "每年节约 2190 元" in body


def test_the_certificate_carries_its_number_and_a_qr_code_of_the_page_that_verifies_it(client, org, adopted):
    """The certificate comes from the platform's certificate service: its PDF names the author, the idea and the tier
    with the serial, and its QR code opens /c/<serial>/, which says it is genuine."""
    from qualityservice.core import certificates

    IDEA.apply(adopted, "award", by=org.supervisor, tier="third")
    adopted.refresh_from_db()
    assert re.fullmatch(r"JDZ-\d{4}-[0-9A-Z]{10}", adopted.certificate_serial) and certificates.looks_like_serial(adopted.certificate_serial)
    client.force_login(org.staff_wuye)
    response = client.get(reverse("ideas:certificate", args=[adopted.pk]))
    assert response["Content-Type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.content)
    assert len(pdf) == 1
    text = pdf[0].get_textpage().get_text_range().replace(" ", "")
    assert adopted.certificate_serial in text and "三等奖" in text and "物业员工" in text and "《走廊灯改声控》" in text
    check = certificates.verification_path(adopted.certificate_serial)
    import zxingcpp

    image = pdf[0].render(scale=3).to_pil()
    assert any(r.text.endswith(check) for r in zxingcpp.read_barcodes(image))
    client.logout()
    body = client.get(check).content.decode()
    assert "真实有效" in body and adopted.certificate_serial in body and "物业员工" in body and "走廊灯改声控" in body
    assert client.get(certificates.verification_path("JDZ-2026-FORGED0000")).status_code == 404
    assert client.get(reverse("ideas:certificate_check", args=["forged-code"])).status_code == 404


def test_a_certificate_issued_before_the_certificate_service_keeps_verifying(client, org, adopted):
    """An idea awarded with the former numbering (JDZ2026-03-0001, a QR link by code) is given a service serial by the
    data migration; its printed QR link leads to /c/<serial>/, which names the former number; going back restores it."""
    import importlib

    from django.apps import apps

    from qualityservice.core import certificates

    migration = importlib.import_module("qualityservice.ideas.migrations.0003_certificate_serials_data")
    IDEA.apply(adopted, "award", by=org.supervisor, tier="third")
    Idea.objects.filter(pk=adopted.pk).update(certificate_serial="JDZ2026-03-0001", certificate_code="old-printed-qr-code")
    assert client.get(certificates.verification_path("JDZ2026-03-0001")).status_code == 404  # not the service's format
    migration.forwards(apps, None)
    adopted.refresh_from_db()
    assert adopted.legacy_serial == "JDZ2026-03-0001"
    assert adopted.certificate_serial.startswith(f"JDZ-{adopted.awarded_at.year}-") and certificates.looks_like_serial(adopted.certificate_serial)
    response = client.get(reverse("ideas:certificate_check", args=["old-printed-qr-code"]))
    assert response.status_code == 301 and response.url == certificates.verification_path(adopted.certificate_serial)
    body = client.get(response.url).content.decode()
    assert "真实有效" in body and "JDZ2026-03-0001" in body and "物业员工" in body
    migration.forwards(apps, None)  # again: nothing changes
    assert Idea.objects.get(pk=adopted.pk).certificate_serial == adopted.certificate_serial
    migration.backwards(apps, None)
    assert Idea.objects.filter(pk=adopted.pk).values_list("certificate_serial", "legacy_serial").get() == ("JDZ2026-03-0001", "")


def test_the_export_lists_the_queue_with_clean_cells_and_an_invalid_filter_exports_nothing(client, org, adopted):
    Idea.objects.filter(title="尚未处理的建议").update(title="=HYPERLINK(\x01\"x\")")
    client.force_login(org.supervisor)
    response = client.get(reverse("ideas:export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("编号", "征集轮次", "部门", "类别", "标题")
    titles = {r[4] for r in rows[1:]}
    assert titles == {"走廊灯改声控", "'=HYPERLINK(\"x\")"}
    verified = next(r for r in rows if r[4] == "走廊灯改声控")
    assert verified[5] == "物业员工" and verified[11] == 3650
    response = client.get(reverse("ideas:export"), {"status": "nonsense"})
    assert response.status_code == 302
    assert "未导出任何内容" in client.get(response["Location"]).content.decode()


def test_it_shows_english_readers_the_english_texts(client, org, round_):
    idea = make_idea(round_, org.staff_wuye, title="食堂后厨照明改用LED灯")
    Idea.objects.filter(pk=idea.pk).update(title_en="LED lighting in the kitchen")
    client.force_login(org.staff_wuye)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(idea.get_absolute_url()).content.decode()
    assert "LED lighting in the kitchen" in body and "Energy saving" in body and "Submitted" in body
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    body = client.get(idea.get_absolute_url()).content.decode()
    assert "食堂后厨照明改用LED灯" in body and "节能降耗" in body


TEMPLATES = sorted((Path(settings.BASE_DIR) / "qualityservice" / "ideas" / "templates").rglob("*.html"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_the_templates_keep_scripts_and_styles_out_for_the_content_security_policy(path):
    html = path.read_text(encoding="utf-8")
    assert "style=" not in html and "<style" not in html
    assert not re.search(r"\son[a-z]+\s*=", html)
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag


def test_the_participation_page_counts_ideas_per_department_and_month_and_the_review_backlog(client, org, round_):
    import datetime as dt

    from django.utils import timezone

    from qualityservice.ideas.tests.factories import to_review

    year = timezone.localdate().year
    for month, author in ((3, org.staff_wuye), (3, org.staff_wuye), (5, org.staff_wuye), (5, org.staff_yinshi)):
        make_idea(round_, author, title=f"{month}月的金点子建议", at=timezone.make_aware(dt.datetime(year, month, 10, 9)))
    reviewed = make_idea(round_, org.staff_wuye, title="评审中的金点子",
                         at=timezone.make_aware(dt.datetime(year, 5, 20, 9)))
    to_review(reviewed, org.supervisor, [judge(org)])
    Idea.objects.filter(pk=reviewed.pk).update(submitted_at=timezone.make_aware(dt.datetime(year, 5, 20, 9)))
    from qualityservice.ideas.models import Assignment

    Assignment.objects.update(due_at=timezone.now() - dt.timedelta(days=1))
    client.force_login(org.supervisor)
    body = client.get(reverse("ideas:participation"), {"year": year}).content.decode()
    row = re.search(r'<tr data-testid="participation-row"><td class="text-nowrap">物业管理中心</td>(.*?)</tr>', body).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    # staff 2 (head and staff member); March 2, May 2; the year 4 = 200 per 100 staff; 1 review pending, overdue
    assert cells[0] == "2" and cells[1 + 2] == "2" and cells[1 + 4] == "2" and cells[13:] == ["4", "200.0", "1", "1"]
    client.force_login(org.head_yinshi)
    body = client.get(reverse("ideas:participation")).content.decode()
    assert "饮食服务中心" in body and "物业管理中心" not in body


def test_my_page_lists_the_measurements_i_verify_but_not_those_of_my_own_ideas(client, org, round_):
    reviewer = judge(org)
    mine = to_implemented(make_idea(round_, org.head_yinshi, title="我自己的节能建议"), org.supervisor, reviewer, org.supervisor)
    theirs = to_implemented(make_idea(round_, org.staff_wuye, title="同事的节能建议"), org.supervisor, reviewer, org.supervisor)
    for idea in (mine, theirs):
        measure_kwh(idea, org.supervisor)
    round_.verifiers.add(org.head_yinshi)
    client.force_login(org.head_yinshi)
    body = client.get(reverse("ideas:mine")).content.decode()
    section = body.split('data-testid="my-verifications"')[1].split("</section>")[0]
    assert "同事的节能建议" in section and "我自己的节能建议" not in section
