"""Mailbox hardening: replies join their thread, malformed headers never stop an import (the message
is repaired or rejected with its reason), long Message-IDs, bounded memory for large messages, and
the operator's mailbox page."""

import base64
import email.parser
import io
import pathlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from qualityservice.core.models import Notification
from qualityservice.feedback import mailbox, services
from qualityservice.feedback.mailbox import import_file, import_message, mailbox_name, message_id_hash
from qualityservice.feedback.models import Feedback, FeedbackEvent, MailMessage, Status
from qualityservice.feedback.workflows import FEEDBACK, event_label
from qualityservice.org.models import Staff

from .factories import jpeg_bytes

MAIL = pathlib.Path(__file__).parent / "mail"


def sample(name: str) -> bytes:
    return (MAIL / name).read_bytes()


def b64(data: bytes) -> str:
    raw = base64.b64encode(data).decode()
    return "\r\n".join(raw[i:i + 76] for i in range(0, len(raw), 76))


def message(*, message_id="<m-1@ouc.edu.cn>", subject="=?utf-8?B?5rWL6K+V?=", sender="Tester <t@ouc.edu.cn>",
            text="测试内容。", extra=(), attachment: bytes | None = None, attachment_name="report.zip",
            image: bytes | None = None) -> bytes:
    """A message: UTF-8 text, optionally a binary attachment and a photo (multipart/mixed)."""
    head = [f"From: {sender}", f"Subject: {subject}", "To: hqjt@ouc.edu.cn", f"Message-ID: {message_id}",
            "MIME-Version: 1.0", *extra]
    if attachment is None and image is None:
        head += ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64"]
        return ("\r\n".join(head) + "\r\n\r\n" + b64(text.encode()) + "\r\n").encode()
    b = "==mixed-boundary=="
    body = (f"--{b}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            f"{b64(text.encode())}\r\n")
    if image is not None:
        body += (f"--{b}\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment; filename=\"photo.jpg\"\r\n"
                 f"Content-Transfer-Encoding: base64\r\n\r\n{b64(image)}\r\n")
    if attachment is not None:
        body += (f"--{b}\r\nContent-Type: application/zip\r\nContent-Disposition: attachment; "
                 f"filename=\"{attachment_name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{b64(attachment)}\r\n")
    body += f"--{b}--\r\n"
    head.append(f'Content-Type: multipart/mixed; boundary="{b}"')
    return ("\r\n".join(head) + "\r\n\r\n" + body).encode()


def close(item):
    FEEDBACK.apply(item, "resolve", system=True, note="已处理，米饭由专人把关。")
    FEEDBACK.apply(item, "close", system=True)
    item.refresh_from_db()
    return item


# --- 5. Replies join the thread of the item they answer -------------------------------------


def test_it_adds_a_reply_to_the_timeline_of_the_item_it_answers(client, org):
    item = import_message(sample("utf8_plain.eml")).feedback
    out = import_message(sample("reply_in_reply_to.eml"))
    assert out.outcome == "reply" and out.feedback.pk == item.pk
    assert Feedback.objects.count() == 1
    event = item.events.get(action="mail_reply")
    assert event.actor_name == mailbox_name() and event.actor is None
    assert "今天中午又是夹生饭，请尽快答复。" in event.note
    assert "原始邮件" not in event.note and "已经不是第一次了" not in event.note  # the quoted original is left out
    record = MailMessage.objects.get(message_id="<reply-010@stu.ouc.edu.cn>")
    assert (record.outcome, record.feedback_id, record.needs_review) == (MailMessage.Outcome.REPLY, item.pk, False)
    client.force_login(org.supervisor)
    html = client.get(item.get_absolute_url()).content.decode()
    assert event_label("mail_reply") in html and "今天中午又是夹生饭" in html
    public = client.get(item.get_public_url()).content.decode()  # the status page: the step, never the text
    assert event_label("mail_reply") in public and "夹生饭，请尽快答复" not in public


def test_it_finds_the_thread_through_references_alone(org):
    item = import_message(sample("gb2312_qp.eml")).feedback
    out = import_message(sample("reply_references_only.eml"))
    assert out.outcome == "reply" and out.feedback.pk == item.pk
    assert "灯还是没修好，朱镕同学又摔了。" in item.events.get(action="mail_reply").note
    # A reply to the reply is on the same thread.
    again = message(message_id="<reply-012@ouc.edu.cn>", extra=["In-Reply-To: <reply-011@ouc.edu.cn>"], text="第三封。")
    assert import_message(again).feedback.pk == item.pk
    assert item.events.filter(action="mail_reply").count() == 2 and Feedback.objects.count() == 1


def test_it_flags_a_reply_to_a_closed_item_for_the_operator_and_leaves_the_item_closed(client, org):
    item = close(import_message(sample("utf8_plain.eml")).feedback)
    before = Notification.objects.count()
    out = import_message(sample("reply_in_reply_to.eml"))
    item.refresh_from_db()
    assert out.outcome == "reply" and item.status == Status.CLOSED and item.reopen_count == 0
    record = MailMessage.objects.get(message_id="<reply-010@stu.ouc.edu.cn>")
    assert record.needs_review and record.outcome == MailMessage.Outcome.REPLY
    assert "今天中午又是夹生饭" in item.events.get(action="mail_reply").note
    operator_ids = {s.user_id for s in Staff.objects.filter(role="operator")}
    note = Notification.objects.order_by("pk")[before:].get()
    assert set(note.payload["user_ids"]) == operator_ids and item.code in note.payload["subject"]
    # The operator sees it on the mailbox page and reopens the item through the usual transition.
    client.force_login(org.operator)
    html = client.get(reverse("feedback:mailbox")).content.decode()
    assert item.code in html and "<reply-010@stu.ouc.edu.cn>" not in html and "wang@stu.ouc.edu.cn" in html
    assert "reopen" in FEEDBACK.allowed_actions(org.operator, item)
    client.post(reverse("feedback:act", args=[item.pk]), {"action": "reopen"})
    item.refresh_from_db()
    assert item.status == Status.REOPENED and item.events.filter(action="reopen").exists()


def test_it_files_a_reply_to_a_merged_duplicate_on_the_item_it_was_merged_into(org):
    kept = import_message(sample("gb2312_qp.eml")).feedback
    duplicate = import_message(sample("utf8_plain.eml")).feedback
    FEEDBACK.apply(duplicate, "merge", system=True, target=kept)
    assert import_message(sample("reply_in_reply_to.eml")).feedback.pk == kept.pk
    assert kept.events.filter(action="mail_reply").exists() and not duplicate.events.filter(action="mail_reply").exists()


def test_it_keeps_the_photos_of_a_reply_on_the_item(org):
    item = import_message(sample("utf8_plain.eml")).feedback
    reply = message(message_id="<photo-reply@ouc.edu.cn>", extra=["In-Reply-To: <utf8-plain-001@stu.ouc.edu.cn>"],
                    text="补一张照片。", image=jpeg_bytes())
    assert import_message(reply).outcome == "reply"
    assert item.attachments.count() == 1 and "补一张照片。" in item.events.get(action="mail_reply").note


def test_it_adds_nothing_for_an_automatic_answer_in_a_thread(org):
    item = import_message(sample("utf8_plain.eml")).feedback
    auto = message(message_id="<ooo@ouc.edu.cn>", extra=["In-Reply-To: <utf8-plain-001@stu.ouc.edu.cn>",
                                                         "Auto-Submitted: auto-replied"], text="我正在休假。")
    assert import_message(auto).outcome == "skipped"
    assert not item.events.filter(action="mail_reply").exists()


def test_it_makes_a_reply_to_an_unknown_message_a_new_item(org):
    out = import_message(message(extra=["In-Reply-To: <never-seen@ouc.edu.cn>"], text="新的问题。"))
    assert out.outcome == "imported" and out.feedback.body == "新的问题。"


# --- 6. Malformed headers: repaired (decoded or empty) or rejected; the batch goes on ------------


def test_it_leaves_a_sender_name_it_cannot_decode_empty(org):
    fb = import_message(sample("malformed_from_encoded_word.eml")).feedback
    assert (fb.submitter_name, fb.submitter_contact, fb.title) == ("", "sun@ouc.edu.cn", "宿舍热水不热")
    assert fb.body == "宿舍热水一直不热，已经三天了。"
    note = fb.events.get(action="note")
    assert note.actor_name == mailbox_name() and "发件人：姓名无法解码，已留空。" in note.note


def test_it_decodes_raw_gbk_bytes_in_from_and_subject(org):
    fb = import_message(sample("raw_gbk_from.eml")).feedback
    assert (fb.submitter_name, fb.submitter_contact) == ("刘老师", "liu@ouc.edu.cn")
    assert fb.title == "食堂餐具没洗干净" and fb.body == "第一食堂的碗筷上有油渍。"


def test_it_reads_charset_names_with_a_nul_as_unknown_charsets(org):
    fb = import_message(sample("nul_charset.eml")).feedback
    assert (fb.submitter_name, fb.title, fb.body) == ("周同学", "洗衣机坏了", "三号楼的洗衣机坏了。")
    assert "\x00" not in fb.events.get(action="note").note and "GB18030" in fb.events.get(action="note").note


def test_it_rejects_a_message_whose_text_cannot_be_read_and_records_why(org):
    out = import_message(sample("unknown_charset_unreadable.eml"))
    assert out.outcome == "rejected" and "x-klingon" in out.reason
    assert Feedback.objects.count() == 0
    record = MailMessage.objects.get()
    assert (record.outcome, record.subject, record.sender) == (MailMessage.Outcome.REJECTED, "ticket", "who@example.com")
    assert "x-klingon" in record.reason and record.needs_review
    assert record.message_id_hash == message_id_hash("<unknown-charset-015@example.com>")
    assert import_message(sample("unknown_charset_unreadable.eml")).outcome == "duplicate"


def test_it_keeps_a_message_whose_attachment_names_are_malformed(org):
    fb = import_message(sample("malformed_filenames.eml")).feedback
    assert fb.title == "教室投影仪坏了" and fb.body == "附件是照片和说明。"
    note = fb.events.get(action="note").note
    assert "李四.doc" in note and "application/pdf" in note


JUNK = [b"\x00", b"\xff", b"\x81\x30", b"=?", b"?=", b"=?gb2312?B?", b"=?gb\x002312?Q?", b"\r\n", b"\r\n ", b'"', b"<",
        b">", b";", b"'", b"%", b"*", b"--", b"charset=", b"filename*=", b"boundary="]
HEADERS_OF = {name: sample(name) for name in ("gb18030_multipart_photo.eml", "raw_gbk_from.eml", "utf8_plain.eml",
                                              "malformed_filenames.eml", "reply_in_reply_to.eml")}


@hsettings(max_examples=150, deadline=None)
@given(name=st.sampled_from(sorted(HEADERS_OF)), edits=st.lists(
    st.tuples(st.floats(0, 1), st.sampled_from(JUNK) | st.binary(min_size=1, max_size=4)), min_size=1, max_size=8))
def test_it_never_stores_mojibake_nul_or_surrogates_whatever_the_bytes(name, edits):
    raw = bytearray(HEADERS_OF[name])
    head = raw.find(b"\r\n\r\n") + 200  # mostly the header and the first part's header
    for where, junk in edits:
        pos = int(where * head)
        raw[pos:pos] = junk
    with override_settings(QS_MAIL_MAX_BYTES=64):  # the bounded path taken by messages over the limit
        oversized = mailbox.scan_message(io.BytesIO(bytes(raw)), len(raw))
    for mail in (mailbox.parse_message(bytes(raw)), oversized):
        for value in (mail.sender_name, mail.sender_email, mail.subject, mail.message_id, mail.text, *mail.skipped_files):
            assert "\x00" not in value and not any("\ud800" <= c <= "\udfff" for c in value)
        for value in (mail.sender_name, mail.sender_email, mail.subject, *mail.skipped_files):
            assert "\ufffd" not in value  # decoded strictly or dropped


def test_it_decodes_a_raw_gbk_attachment_name(org):
    raw = message(text="见附件。", attachment=b"PK", attachment_name="@@")
    raw = raw.replace(b'filename="@@"', b'filename="' + "维修报告.doc".encode("gbk") + b'"')
    fb = import_message(raw).feedback
    assert "维修报告.doc" in fb.events.get(action="note").note


def test_it_notes_and_does_not_keep_a_photo_larger_than_an_upload_may_be(org, settings):
    settings.QS_FEEDBACK_MAX_IMAGE_BYTES = 10_000
    fb = import_message(message(text="照片很大。", image=b"\xff\xd8" + b"x" * 60_000)).feedback
    assert fb.attachments.count() == 0 and "photo.jpg" in fb.events.get(action="note").note


def test_it_rejects_a_message_on_an_unexpected_error_and_imports_the_next_one(org, monkeypatch):
    real = services.create_record

    def fragile(**kwargs):
        if kwargs["title"] == "楼道灯坏了":
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(services, "create_record", fragile)
    assert import_message(sample("gb2312_qp.eml")).outcome == "rejected"
    assert import_message(sample("utf8_plain.eml")).outcome == "imported"
    record = MailMessage.objects.get(message_id="<gb2312-qp-002@ouc.edu.cn>")
    assert record.outcome == MailMessage.Outcome.REJECTED and "RuntimeError: disk full" in record.reason
    assert record.subject == "楼道灯坏了" and list(Feedback.objects.values_list("title", flat=True)) == ["投诉：二餐厅米饭夹生"]


def test_it_rejects_the_message_on_a_parser_failure_with_what_can_still_be_read(org, monkeypatch):
    def broken(fp, size):
        raise ValueError("embedded null character")

    monkeypatch.setattr(mailbox, "scan_message", broken)
    out = import_message(sample("utf8_plain.eml"))
    assert out.outcome == "rejected" and "embedded null character" in out.reason
    record = MailMessage.objects.get()
    assert record.subject == "投诉：二餐厅米饭夹生" and record.message_id == "<utf8-plain-001@stu.ouc.edu.cn>"


def test_it_goes_on_after_a_bad_message_in_the_import_command_and_sums_up(org):
    out = io.StringIO()
    names = ["utf8_plain.eml", "unknown_charset_unreadable.eml", "raw_gbk_from.eml", "bounce_report.eml",
             "reply_in_reply_to.eml", "nul_charset.eml", "malformed_from_encoded_word.eml", "malformed_filenames.eml"]
    call_command("import_mail", *[str(MAIL / n) for n in names], stdout=out)  # no exception: exit status 0
    lines = out.getvalue().strip().splitlines()
    assert lines[-1] == "imported 5, replies 1, skipped 1, rejected 1"
    assert any("unknown_charset_unreadable.eml: rejected (" in line and "x-klingon" in line for line in lines)
    assert Feedback.objects.count() == 5


def test_it_reports_a_missing_file_in_the_import_command_after_importing_the_others(org):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="imported 1, replies 0, skipped 0, rejected 0, failed 1"):
        call_command("import_mail", "/nonexistent/x.eml", str(MAIL / "utf8_plain.eml"), stdout=out, stderr=err)
    assert "no such file" in err.getvalue() and Feedback.objects.count() == 1


# --- Long Message-IDs ------------------------------------------------------------------------


def test_it_tells_apart_long_message_ids_that_share_their_first_255_characters(org):
    stem = "<" + "x" * 300
    first = import_message(message(message_id=stem + "-1@ouc.edu.cn>", text="第一封。"))
    second = import_message(message(message_id=stem + "-2@ouc.edu.cn>", text="第二封。"))
    assert (first.outcome, second.outcome) == ("imported", "imported")
    assert sorted(Feedback.objects.values_list("body", flat=True)) == ["第一封。", "第二封。"]
    assert MailMessage.objects.filter(message_id=(stem + "-1@ouc.edu.cn>")[:255]).count() == 2
    assert import_message(message(message_id=stem + "-2@ouc.edu.cn>", text="第二封。")).outcome == "duplicate"


def test_it_hashes_the_message_ids_already_stored_in_the_migration(transactional_db):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    old = [("feedback", "0002_history_baseline_pending")]
    new = [("feedback", "0004_mail_intake")]
    try:
        executor.migrate(old)
        apps = executor.loader.project_state(old).apps
        apps.get_model("feedback", "MailMessage").objects.create(message_id="<old-1@ouc.edu.cn>", outcome="imported")
        executor = MigrationExecutor(connection)
        executor.migrate(new)
    finally:
        MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
    assert MailMessage.objects.get().message_id_hash == message_id_hash("<old-1@ouc.edu.cn>")
    assert import_message(message(message_id="<old-1@ouc.edu.cn>")).outcome == "duplicate"


# --- 7. Bounded memory: a message over QS_MAIL_MAX_BYTES is not decoded whole --------------------


@pytest.fixture
def small_limit(settings):
    settings.QS_MAIL_MAX_BYTES = 64 * 1024
    return settings.QS_MAIL_MAX_BYTES


@pytest.fixture
def no_full_parse(monkeypatch):
    """The email package may read headers, never a whole message."""
    real = email.parser.BytesParser.parsebytes

    def headers_only(self, text, headersonly=False):
        assert headersonly, "a message was parsed whole"
        assert len(text) < 64 * 1024
        return real(self, text, headersonly=True)

    monkeypatch.setattr(email.parser.BytesParser, "parsebytes", headers_only)
    monkeypatch.setattr(email.parser.BytesParser, "parse", lambda *a, **k: pytest.fail("a message was parsed whole"))


def test_it_keeps_the_text_of_an_oversized_file_and_notes_the_attachment_it_dropped(org, small_limit, no_full_parse,
                                                                                   tmp_path):
    path = tmp_path / "big.eml"
    path.write_bytes(message(subject="=?utf-8?B?5aSn6ZmE5Lu2?=", text="视频在附件里，宿舍门锁坏了。",
                             attachment=bytes(range(256)) * 1200, attachment_name="video.mp4", image=jpeg_bytes()))
    out = import_file(path)
    fb = out.feedback
    assert out.outcome == "imported" and fb.title == "大附件" and fb.body == "视频在附件里，宿舍门锁坏了。"
    assert fb.attachments.count() == 0
    note = fb.events.get(action="note").note
    assert "video.mp4" in note and "photo.jpg" in note and "0.4 MB" in note
    record = MailMessage.objects.get()
    assert record.size == path.stat().st_size and "video.mp4" in record.reason


def test_it_reads_an_oversized_message_given_as_bytes_the_same_way(org, small_limit, no_full_parse):
    raw = message(text="附件太大。OK", attachment=b"\0" * 200_000)  # 17 bytes of text: base64 with padding
    fb = import_message(raw).feedback
    assert fb.body == "附件太大。OK" and "report.zip" in fb.events.get(action="note").note


def test_it_cuts_an_oversized_messages_text_at_the_limit_without_broken_characters(org, small_limit,
                                                                                             monkeypatch):
    monkeypatch.setattr(mailbox, "TEXT_LIMIT", 1000)
    fb = import_message(message(text="长" * 5000, attachment=b"\0" * 100_000)).feedback
    assert 200 < len(fb.body) < 1000 and set(fb.body) == {"长"}


def test_it_keeps_the_plain_text_of_an_oversized_message_with_nested_parts(org, small_limit, no_full_parse):
    alt, mixed = "alt-b", "mixed-b"
    raw = (
        "From: a@ouc.edu.cn\r\nSubject: nested\r\nMessage-ID: <nested@ouc.edu.cn>\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: multipart/mixed; boundary=\"{mixed}\"\r\n\r\npreamble\r\n"
        f"--{mixed}\r\nContent-Type: multipart/alternative; boundary=\"{alt}\"\r\n\r\n"
        f"--{alt}\r\nContent-Type: text/plain; charset=gbk\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        f"{b64('纯文本内容。'.encode('gbk'))}\r\n"
        f"--{alt}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>HTML 内容</p>\r\n--{alt}--\r\n"
        f"--{mixed}\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        f"{b64(b'1' * 100_000)}\r\n--{mixed}--\r\nepilogue\r\n"
    ).encode()
    fb = import_message(raw).feedback
    assert fb.body.startswith("纯文本内容。") and "data.bin" in fb.events.get(action="note").note


def test_it_counts_the_text_of_a_forwarded_message(org):
    inner = ("From: b@ouc.edu.cn\r\nSubject: inner\r\nContent-Type: text/plain; charset=gbk\r\n"
             "Content-Transfer-Encoding: base64\r\n\r\n" + b64("原邮件：水管漏水。".encode("gbk")) + "\r\n")
    raw = ("From: a@ouc.edu.cn\r\nSubject: Fwd\r\nMessage-ID: <fwd@ouc.edu.cn>\r\nMIME-Version: 1.0\r\n"
           "Content-Type: multipart/mixed; boundary=\"f\"\r\n\r\n--f\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
           "转发一封投诉。\r\n--f\r\nContent-Type: message/rfc822\r\n\r\n" + inner + "--f--\r\n").encode("utf-8")
    assert import_message(raw).feedback.body == "转发一封投诉。\n\n原邮件：水管漏水。"


# --- The operator's mailbox page ------------------------------------------------------------------


@pytest.mark.parametrize("who", ["head_wuye", "staff_wuye", "judge"])
def test_it_opens_the_mailbox_page_only_for_operators_and_supervisors(client, org, who):
    url = reverse("feedback:mailbox")
    assert "/accounts/login/" in client.get(url)["Location"]
    import_message(sample("unknown_charset_unreadable.eml"))
    client.force_login(getattr(org, who))
    assert client.get(url).status_code == 404
    assert client.post(reverse("feedback:mail_reviewed", args=[MailMessage.objects.get().pk])).status_code == 404
    assert MailMessage.objects.get().needs_review


def test_it_lists_what_waits_for_review_on_the_mailbox_page_in_constant_queries(client, org, django_assert_max_num_queries):
    import_message(sample("unknown_charset_unreadable.eml"))
    client.force_login(org.supervisor)
    with django_assert_max_num_queries(6):
        html = client.get(reverse("feedback:mailbox")).content.decode()
    assert "ticket" in html and "x-klingon" in html and html.count('data-testid="mail-row"') == 1
    for n in range(30):
        item = import_message(message(message_id=f"<m-{n}@ouc.edu.cn>")).feedback
        close(item)
        import_message(message(message_id=f"<r-{n}@ouc.edu.cn>", extra=[f"In-Reply-To: <m-{n}@ouc.edu.cn>"]))
    with django_assert_max_num_queries(6):
        html = client.get(reverse("feedback:mailbox")).content.decode()
    assert html.count('data-testid="mail-row"') == 31
    with django_assert_max_num_queries(6):
        html = client.get(reverse("feedback:mailbox"), {"show": "all"}).content.decode()
    assert html.count('data-testid="mail-row"') == 50  # one page


def test_it_takes_a_message_marked_reviewed_off_the_list_once(client, org):
    import_message(sample("unknown_charset_unreadable.eml"))
    record = MailMessage.objects.get()
    client.force_login(org.operator)
    url = reverse("feedback:mail_reviewed", args=[record.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"next": "https://evil.example.com/"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("feedback:mailbox")
    record.refresh_from_db()
    assert not record.needs_review and record.reviewed_by == org.operator and record.reviewed_at
    assert 'data-testid="mail-row"' not in response.content.decode()
    reviewed_at = record.reviewed_at
    client.post(url)
    record.refresh_from_db()
    assert record.reviewed_at == reviewed_at
    assert client.post(reverse("feedback:mail_reviewed", args=[999999])).status_code == 404
    html = client.get(reverse("feedback:mailbox"), {"show": "rejected"}).content.decode()
    assert "ticket" in html and "x-klingon" in html


def test_it_records_no_event_for_a_rejected_message(org):
    import_message(sample("unknown_charset_unreadable.eml"))
    assert FeedbackEvent.objects.count() == 0
