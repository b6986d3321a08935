"""The complaint mailbox: turn an e-mail (raw RFC 5322 bytes) into a feedback record.

Used by ``manage.py import_mail FILE.eml…`` and the periodic IMAP poller
(``feedback.poll_mailbox``). Each message is taken once (Message-ID is unique in
MailMessage); auto-replies and bounces are recorded as skipped and create nothing."""

from __future__ import annotations

import email
import hashlib
import html
import imaplib
import logging
import re
from dataclasses import dataclass
from email.header import decode_header
from email.message import Message
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .images import sanitize_image
from .models import Channel, Kind, MailMessage

log = logging.getLogger(__name__)

# Mail clients in China often label GBK/GB18030 text as GB2312: decode with the superset.
CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "euc-cn": "gb18030",
                   "gb_2312-80": "gb18030", "unknown-8bit": "utf-8", "us-ascii": "utf-8", "ascii": "utf-8"}


def decode_bytes(data: bytes, charset: str | None) -> str:
    candidates = []
    if charset:
        cs = charset.strip().strip('"').lower()
        candidates.append(CHARSET_ALIASES.get(cs, cs))
    candidates += ["utf-8", "gb18030"]
    for cs in candidates:
        try:
            return data.decode(cs)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


def decode_header_value(value) -> str:
    if value is None:
        return ""
    parts = []
    for chunk, charset in decode_header(str(value)):
        parts.append(decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk)
    return re.sub(r"\s+", " ", "".join(parts)).strip()


class _TextExtractor(HTMLParser):
    BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "section"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head", "title"):
            self.skip += 1
        elif tag in self.BLOCK:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head", "title"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCK:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def html_to_text(markup: str) -> str:
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = html.unescape("".join(parser.out))
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def auto_reply_reason(msg: Message) -> str:
    """Why ``msg`` is an automatic message (auto-reply, bounce, list mail), or ''."""
    auto = (msg.get("Auto-Submitted") or "").strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    for header in ("X-Autoreply", "X-Autorespond"):
        if msg.get(header):
            return header
    precedence = (msg.get("Precedence") or "").strip().lower()
    if precedence in ("bulk", "auto_reply", "junk", "list"):
        return f"Precedence: {precedence}"
    if msg.get_content_type() == "multipart/report":
        return "multipart/report (delivery status)"
    sender = parseaddr(decode_header_value(msg.get("From")))[1].lower()
    local = sender.split("@")[0]
    if local in ("mailer-daemon", "postmaster") or "mailer-daemon" in sender:
        return "MAILER-DAEMON"
    if (msg.get("Return-Path") or "").strip() == "<>":
        return "null Return-Path (bounce)"
    return ""


@dataclass
class ParsedMail:
    message_id: str
    sender_name: str
    sender_email: str
    subject: str
    text: str
    images: list[tuple[str, bytes]]
    skipped_files: list[str]


def parse_message(raw: bytes) -> tuple[Message, ParsedMail]:
    msg = email.message_from_bytes(raw)
    message_id = (msg.get("Message-ID") or "").strip()
    if not message_id:
        message_id = f"<sha256-{hashlib.sha256(raw).hexdigest()[:40]}@no-message-id>"
    name, address = parseaddr(decode_header_value(msg.get("From")))
    if not address:
        addrs = getaddresses([decode_header_value(msg.get("From"))])
        address = addrs[0][1] if addrs else ""
    plain, markup, images, skipped = [], [], [], []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
        filename = decode_header_value(part.get_filename()) if part.get_filename() else ""
        payload = part.get_payload(decode=True) or b""
        if ctype.startswith("image/"):
            images.append((filename or f"image.{ctype.split('/')[1]}", payload))
        elif disposition == "attachment" or filename:
            skipped.append(filename or ctype)
        elif ctype == "text/plain":
            plain.append(decode_bytes(payload, part.get_content_charset()))
        elif ctype == "text/html":
            markup.append(decode_bytes(payload, part.get_content_charset()))
    if plain:
        text = "\n\n".join(p.strip() for p in plain)
    else:
        text = "\n\n".join(html_to_text(m) for m in markup)
    text = text.replace("\r\n", "\n").strip()
    return msg, ParsedMail(message_id=message_id[:255], sender_name=name.strip()[:60], sender_email=address.strip()[:120],
                           subject=decode_header_value(msg.get("Subject"))[:200], text=text, images=images,
                           skipped_files=skipped)


@dataclass
class ImportOutcome:
    outcome: str  # imported / skipped / duplicate / failed
    message_id: str
    feedback: object = None
    reason: str = ""


def import_message(raw: bytes) -> ImportOutcome:
    """Import one message; never imports the same Message-ID twice."""
    from .services import create_feedback

    msg, mail = parse_message(raw)
    if MailMessage.objects.filter(message_id=mail.message_id).exists():
        return ImportOutcome("duplicate", mail.message_id)
    reason = auto_reply_reason(msg)
    try:
        with transaction.atomic():
            record = MailMessage.objects.create(
                message_id=mail.message_id, sender=mail.sender_email[:255], subject=mail.subject[:255],
                outcome=MailMessage.Outcome.SKIPPED if reason else MailMessage.Outcome.IMPORTED, reason=reason[:200],
            )
            if reason:
                return ImportOutcome("skipped", mail.message_id, reason=reason)
            clean_images, notes = [], []
            for name, data in mail.images[: getattr(settings, "QS_FEEDBACK_MAX_IMAGES", 3) * 2]:
                try:
                    clean_images.append(sanitize_image(data, name))
                except ValidationError as exc:
                    notes.append(" ".join(exc.messages))
            notes += [_("Attachment “%(name)s” was not kept (not an image).") % {"name": n} for n in mail.skipped_files]
            feedback = create_feedback(
                kind=Kind.COMPLAINT, channel=Channel.EMAIL, title=mail.subject, body=mail.text or mail.subject,
                submitter_name=mail.sender_name, submitter_contact=mail.sender_email, anonymous=False,
                source_ref=mail.message_id, submission_key="mail:" + hashlib.sha256(mail.message_id.encode()).hexdigest()[:48],
                images=clean_images,
            )
            if notes:
                from .services import _log

                _log(feedback, "note", note="\n".join(notes))
            record.feedback = feedback
            record.save(update_fields=["feedback"])
    except IntegrityError:  # another worker took the same message first
        return ImportOutcome("duplicate", mail.message_id)
    return ImportOutcome("imported", mail.message_id, feedback=feedback)


def imap_enabled() -> bool:
    return bool(getattr(settings, "QS_IMAP_HOST", ""))


def poll_mailbox() -> dict:
    """Fetch unseen messages from the IMAP folder, import each once, mark them seen."""
    if not imap_enabled():
        return {"disabled": True}
    host, port = settings.QS_IMAP_HOST, settings.QS_IMAP_PORT
    cls = imaplib.IMAP4_SSL if settings.QS_IMAP_SSL else imaplib.IMAP4
    counts = {"imported": 0, "skipped": 0, "duplicate": 0, "failed": 0}
    conn = cls(host, port, timeout=30)
    try:
        conn.login(settings.QS_IMAP_USER, settings.QS_IMAP_PASSWORD)
        typ, _data = conn.select(settings.QS_IMAP_FOLDER)
        if typ != "OK":
            raise imaplib.IMAP4.error(f"cannot select {settings.QS_IMAP_FOLDER}")
        typ, data = conn.uid("SEARCH", None, "UNSEEN")
        uids = data[0].split() if typ == "OK" and data and data[0] else []
        for uid in uids:
            typ, fetched = conn.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((item[1] for item in fetched or [] if isinstance(item, tuple)), None)
            if typ != "OK" or raw is None:
                counts["failed"] += 1
                continue
            try:
                outcome = import_message(raw)
            except Exception:  # one bad message must not block the mailbox
                log.exception("mailbox: cannot import message uid %s", uid)
                counts["failed"] += 1
                continue
            counts[outcome.outcome] += 1
            conn.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    finally:
        try:
            conn.logout()
        except Exception:
            pass
    return counts
