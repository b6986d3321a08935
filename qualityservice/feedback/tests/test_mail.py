"""The complaint mailbox on real MIME samples (tests/mail/*.eml, written by make_samples.py)."""

import io
import pathlib

import pytest
from django.core.management import call_command
from PIL import Image

from qualityservice.feedback.mailbox import html_to_text, import_message, poll_mailbox
from qualityservice.feedback.models import Feedback, MailMessage

MAIL = pathlib.Path(__file__).parent / "mail"


def sample(name: str) -> bytes:
    return (MAIL / name).read_bytes()


def test_it_makes_utf8_mail_a_complaint_with_the_sender_as_submitter(org):
    out = import_message(sample("utf8_plain.eml"))
    fb = out.feedback
    assert out.outcome == "imported"
    assert fb.title == "投诉：二餐厅米饭夹生" and "米饭夹生" in fb.body
    assert (fb.channel, fb.submitter_name, fb.submitter_contact, fb.anonymous) == ("email", "王同学", "wang@stu.ouc.edu.cn", False)
    assert fb.source_ref == "<utf8-plain-001@stu.ouc.edu.cn>"


def test_it_decodes_gbk_text_labelled_gb2312(org):
    fb = import_message(sample("gb2312_qp.eml")).feedback
    assert fb.title == "楼道灯坏了" and fb.submitter_name == "李老师"
    assert "朱镕同学" in fb.body and "\ufffd" not in fb.body


def test_it_converts_html_only_mail_to_text(org):
    fb = import_message(sample("gbk_html_only.eml")).feedback
    assert fb.title.startswith("建议：开水房")
    assert "开水房经常停水&没有通知。" in fb.body and "<" not in fb.body and "alert" not in fb.body and "color" not in fb.body
    assert fb.submitter_contact == "zhao@ouc.edu.cn"


def test_it_keeps_the_photo_of_a_gb18030_multipart_without_exif_and_notes_the_rest(org):
    fb = import_message(sample("gb18030_multipart_photo.eml")).feedback
    assert fb.title == "卫生间漏水（附照片）" and "𠀀" in fb.body
    att = fb.attachments.get()
    with Image.open(att.file.path) as img:
        assert img.size == (120, 90) and not img.getexif()
    assert att.original_name.startswith("漏水")
    assert "report.doc" in fb.events.get(action="note").note


def test_it_prefers_plain_text_in_an_alternative_and_keeps_inline_images(org):
    fb = import_message(sample("utf8_alternative_inline.eml")).feedback
    assert fb.title == "班车晚点" and fb.body == "班车今天早上7:30没有准时发车，晚了15分钟。"
    assert fb.attachments.count() == 1 and fb.submitter_name == "Bus Rider"


@pytest.mark.parametrize("name", ["autoreply_auto_submitted.eml", "autoreply_x_autoreply.eml", "bulk_precedence.eml",
                                  "bounce_report.eml"])
def test_it_creates_nothing_for_automatic_messages(org, name):
    out = import_message(sample(name))
    assert out.outcome == "skipped" and out.reason
    assert Feedback.objects.count() == 0
    assert MailMessage.objects.get().outcome == MailMessage.Outcome.SKIPPED
    assert import_message(sample(name)).outcome == "duplicate"


def test_it_takes_each_message_once(org):
    assert import_message(sample("utf8_plain.eml")).outcome == "imported"
    assert import_message(sample("utf8_plain.eml")).outcome == "duplicate"
    assert Feedback.objects.count() == 1


def test_it_lands_mail_in_the_triage_department(org, settings):
    settings.QS_FEEDBACK_TRIAGE_DEPARTMENT = "office"
    assert import_message(sample("utf8_plain.eml")).feedback.department == org.office


def test_it_takes_several_files_in_the_import_mail_command(org):
    out = io.StringIO()
    call_command("import_mail", str(MAIL / "utf8_plain.eml"), str(MAIL / "bounce_report.eml"), str(MAIL / "utf8_plain.eml"),
                 stdout=out)
    text = out.getvalue()
    assert "imported ->" in text and "skipped" in text and "duplicate" in text
    assert Feedback.objects.count() == 1


def test_it_turns_polling_off_without_a_host(settings, db):
    settings.QS_IMAP_HOST = ""
    assert poll_mailbox() == {"disabled": True}


def test_it_keeps_paragraphs_when_converting_html_to_text():
    assert html_to_text("<p>a&nbsp;b</p><p>c<br>d</p>") == "a b\n\nc\nd"
