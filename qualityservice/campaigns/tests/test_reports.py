"""Progress reports: a note, photos (core.images: re-encoded, EXIF gone), documents (PDF/Office only, checked by
their bytes, size-limited), participants and milestones reached; once per form; files served only through the
scoped view, or by code once the supervisor makes them public."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from qualityservice.campaigns import services
from qualityservice.campaigns.models import ProgressReport, ReportFile

from .helpers import activity, docx, jpeg, make_campaign, pdf, today

pytestmark = pytest.mark.django_db

KEY = "0123456789abcdef0123456789abcdef"


def _data(**extra):
    return {"reported_on": today().isoformat(), "note": "召开第一次座谈会，征集意见15条", "submission_key": KEY, **extra}


@pytest.fixture
def target(org):
    campaign = make_campaign(org)
    return activity(campaign, org.wuye, "三(二)")


def test_a_head_reports_once_with_a_photo_a_document_participants_and_a_milestone(client, org, target):
    services.save_plan(target, milestones=[(today(), "第一次座谈会")])
    milestone = target.milestones.get()
    client.force_login(org.head_wuye)
    data = _data(participants=[org.head_wuye.staff.pk, org.staff_wuye.staff.pk], reached=[milestone.pk])
    first = client.post(target.get_report_url(), {**data, "photos": [jpeg(exif=True)], "documents": [pdf()]})
    second = client.post(target.get_report_url(), {**data, "photos": [jpeg()]})
    assert first["Location"] == second["Location"] == target.get_absolute_url()
    report = ProgressReport.objects.get()
    assert set(report.participants.values_list("name", flat=True)) == {"物业员工", "物业主任"}
    photo, document = report.files.order_by("-is_image")
    with Image.open(photo.file.path) as img:
        assert img.format == "JPEG" and not img.getexif()  # EXIF (GPS) gone
    assert (document.name, document.is_image, photo.is_public) == ("summary.pdf", False, False)
    milestone.refresh_from_db()
    target.refresh_from_db()
    assert (milestone.done_on, target.status) == (today(), "in_progress")  # the first report starts the activity
    body = client.get(target.get_absolute_url()).content.decode()
    assert "召开第一次座谈会" in body and "参与人员 (2)" in body and body.count('data-testid="report-file"') == 2


@pytest.mark.parametrize("upload, message", [
    (SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf"), "不是有效的 PDF 文件"),
    (SimpleUploadedFile("plan.docx", b"PK\x03\x04 broken zip"), "不是有效的 DOCX 文件"),
    (SimpleUploadedFile("tool.exe", b"MZ\x90\x00"), "只接受 PDF、Word、Excel、PowerPoint 和图片"),
    (SimpleUploadedFile("photo.jpg", b"<svg onload=alert(1)>"), "不是图片文件"),
])
def test_it_refuses_a_file_that_is_not_what_it_claims_and_saves_nothing(client, org, target, upload, message):
    client.force_login(org.head_wuye)
    response = client.post(target.get_report_url(), _data(documents=[upload]))
    assert response.status_code == 400 and message in response.content.decode()
    assert not ProgressReport.objects.exists() and not ReportFile.objects.exists()


def test_it_accepts_an_office_document_and_refuses_one_over_the_limit(client, org, target, settings):
    client.force_login(org.head_wuye)
    client.post(target.get_report_url(), _data(documents=[docx()]))
    assert ReportFile.objects.get().name == "plan.docx"
    settings.QS_CAMPAIGNS_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
    response = client.post(target.get_report_url(), _data(documents=[big], submission_key="b" * 32))
    assert "“big.pdf”超过 1 MB" in response.content.decode() and ProgressReport.objects.count() == 1


def test_it_refuses_more_files_than_allowed(client, org, target, settings):
    settings.QS_CAMPAIGNS_MAX_FILES = 2
    client.force_login(org.head_wuye)
    response = client.post(target.get_report_url(), _data(photos=[jpeg("a.jpg"), jpeg("b.jpg"), jpeg("c.jpg")]))
    assert "每份报告最多2个文件" in response.content.decode() and not ProgressReport.objects.exists()


@pytest.mark.parametrize("changes, message", [
    ({"reported_on": "2999-01-01"}, "日期不能晚于今天"),
    ({"reported_on": "2001-01-01"}, "日期应在活动期间内"),
    ({"note": "  "}, "这个字段是必填项"),
    ({"submission_key": "<script>"}, "表单已过期"),
])
def test_it_refuses_a_bad_report_with_a_message(client, org, target, changes, message):
    client.force_login(org.head_wuye)
    response = client.post(target.get_report_url(), _data(**changes, photos=[jpeg()]))
    assert response.status_code == 400 and message in response.content.decode()
    assert not ProgressReport.objects.exists() and not ReportFile.objects.exists()


def test_participants_come_from_the_department(client, org, target):
    client.force_login(org.head_wuye)
    response = client.post(target.get_report_url(), _data(participants=[org.staff_yinshi.staff.pk]))
    assert "选择一个有效的选项" in response.content.decode() and not ProgressReport.objects.exists()


def test_files_are_served_to_the_department_and_the_supervisor_only(client, org, target):
    client.force_login(org.head_wuye)
    client.post(target.get_report_url(), _data(photos=[jpeg()]))
    photo = ReportFile.objects.get()
    response = client.get(photo.get_absolute_url())
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    for user in (org.head_yinshi, org.staff_wuye, org.operator, org.judge):
        client.force_login(user)
        assert client.get(photo.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(photo.get_absolute_url()).status_code == 302
    assert client.get(photo.get_public_url()).status_code == 404  # not public yet
    assert client.get(f"/media/{photo.file.name}").status_code == 404  # never by its path


def test_the_supervisor_makes_a_photo_public_and_withdraws_it(client, org, target):
    client.force_login(org.head_wuye)
    client.post(target.get_report_url(), _data(photos=[jpeg()]))
    photo = ReportFile.objects.get()
    assert client.post(reverse("campaigns:file_public", args=[photo.pk]), {"public": "1"}).status_code == 404  # heads may not
    client.force_login(org.supervisor)
    client.post(reverse("campaigns:file_public", args=[photo.pk]), {"public": "1"})
    client.logout()
    response = client.get(photo.get_public_url())
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert photo.get_public_url() in client.get(target.campaign.get_public_url()).content.decode()
    client.force_login(org.supervisor)
    client.post(reverse("campaigns:file_public", args=[photo.pk]), {"public": "0"})
    client.logout()
    assert client.get(photo.get_public_url()).status_code == 404


def test_a_document_is_downloaded_not_displayed(client, org, target):
    client.force_login(org.head_wuye)
    client.post(target.get_report_url(), _data(documents=[pdf()]))
    response = client.get(ReportFile.objects.get().get_absolute_url())
    assert response["Content-Type"] == "application/pdf" and response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_no_report_on_a_cancelled_activity(client, org, target):
    from qualityservice.campaigns.workflows import ACTIVITY

    ACTIVITY.apply(target, "cancel", by=org.supervisor, note="并入集团活动")
    client.force_login(org.head_wuye)
    response = client.post(target.get_report_url(), _data())
    assert "该活动项目已取消" in response.content.decode() and not ProgressReport.objects.exists()


def test_a_photo_too_large_to_decode_is_refused(client, org, target, settings):
    settings.QS_IMAGE_DECODE_MB = 1
    buf = io.BytesIO()
    Image.new("RGB", (1200, 1200), (10, 20, 30)).save(buf, format="PNG")
    client.force_login(org.head_wuye)
    response = client.post(target.get_report_url(), _data(photos=[SimpleUploadedFile("big.png", buf.getvalue())]))
    assert "像素过大" in response.content.decode() and not ProgressReport.objects.exists()
