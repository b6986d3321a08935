"""The complaint mailbox: turn an e-mail (raw RFC 5322 bytes) into a feedback record, or into a
reply on the thread of an earlier one.

Used by ``manage.py import_mail FILE.eml…`` and the periodic IMAP poller (``feedback.poll_mailbox``).
Each message is taken once: ``MailMessage`` keeps the SHA-256 of its full Message-ID (unique).

* Automatic mail (auto-replies, bounces, list mail) is recorded as *skipped* and creates nothing.
* A reply (``In-Reply-To`` / ``References`` naming a stored Message-ID) is added to that item's
  timeline (action ``mail_reply``); a reply to a closed item is flagged for the operator.
* A message that cannot be read is recorded as *rejected* with the reason; the batch goes on.
* Headers are decoded here, not by ``email.policy.default``: that policy turns undecodable bytes into
  U+FFFD or lone surrogates in display names and raises lazily on some charsets. Everything that is
  repaired (a sender name that cannot be decoded is left empty, never stored as mojibake) is listed
  in an internal note on the item.
* Memory is bounded: a message is read line by line (``scan_message``), never parsed whole; other
  attachments than photos are only counted. A message over ``QS_MAIL_MAX_BYTES`` keeps its header and
  text (at most ``TEXT_LIMIT`` bytes); its attachments are dropped with a note, and the IMAP poller
  downloads only those parts."""

from __future__ import annotations

import base64
import binascii
import codecs
import hashlib
import html
import imaplib
import io
import logging
import re
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import Compat32
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qualityservice.core.submissions import scoped

from .images import sanitize_image
from .models import Channel, Feedback, Kind, MailMessage, Status

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
TEXT_LIMIT = 1024 * 1024  # encoded bytes of text read from a message over QS_MAIL_MAX_BYTES
HEADER_LIMIT = 256 * 1024  # bytes of a header (of the message or of a part) that are read
REFERENCE_LIMIT = 50  # Message-IDs of In-Reply-To / References looked up for the thread
REJECTED_KEYWORD = "$QSRejected"  # IMAP keyword set on rejected messages (with \Seen)

# Mail clients in China often label GBK/GB18030 text as GB2312: decode with the superset.
CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "euc-cn": "gb18030",
                   "gb_2312-80": "gb18030", "unknown-8bit": "utf-8", "us-ascii": "utf-8", "ascii": "utf-8"}
# What 8-bit text without a (usable) label is read as, in this order: strictly, never with replacements.
FALLBACK_CODECS = ("utf-8", "gb18030")
_CHARSET_NAME = re.compile(r"[a-z0-9][a-z0-9._:+\-]*")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_ENCODED_WORD = re.compile(rb"=\?([^?\s]*)\?([bBqQ])\?([^?\s]*)\?=")
_MSGID = re.compile(rb"<[^<>\s]+>")


def max_bytes() -> int:
    return int(getattr(settings, "QS_MAIL_MAX_BYTES", DEFAULT_MAX_BYTES) or DEFAULT_MAX_BYTES)


def message_id_hash(message_id: str) -> str:
    """The key of a message in ``MailMessage`` (the migration hashes existing rows the same way)."""
    return hashlib.sha256(message_id.encode("utf-8", "surrogateescape")).hexdigest()


def clean_text(text: str) -> str:
    """Without NUL, other control characters and lone surrogates (PostgreSQL refuses NUL)."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def clean_line(text: str) -> str:
    return re.sub(r"\s+", " ", _CONTROL.sub(" ", text)).strip()


def _size_label(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


# --- Charsets ----------------------------------------------------------------------------


def codec_for(charset) -> str | None:
    """The Python codec of a declared charset, or None when the name is unknown or malformed
    (a NUL or other junk in the name)."""
    if not charset or not isinstance(charset, str):
        return None
    name = charset.strip().strip("\"'").lower().split("*", 1)[0]  # RFC 2231 language suffix
    if not _CHARSET_NAME.fullmatch(name):
        return None
    name = CHARSET_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _strict(data: bytes, codecs_: list[str], truncated: bool = False) -> str | None:
    for codec in dict.fromkeys(codecs_):
        # A text cut at TEXT_LIMIT may end inside a multi-byte character: allow dropping its tail.
        for cut in range(4 if truncated else 1):
            try:
                return (data[: len(data) - cut] if cut else data).decode(codec)
            except UnicodeDecodeError:
                continue
    return None


def decode_bytes(data: bytes, charset: str | None, *, truncated: bool = False) -> str | None:
    """Text of a body part: the declared charset, else UTF-8, else GB18030, strictly. When none
    fits: replacement characters for the bad bytes if the declared charset is known, None (the
    text cannot be read) if it is unknown or malformed."""
    codec = codec_for(charset) if charset else "utf-8"
    text = _strict(data, ([codec] if codec else []) + list(FALLBACK_CODECS), truncated)
    if text is not None:
        return text
    return data.decode(codec, errors="replace") if codec else None


# --- Headers -----------------------------------------------------------------------------


class Defects(list):
    """Notes on what was repaired while decoding (translated, for the item's internal note);
    ``lost`` is set when some text had to be dropped."""

    lost = False

    def drop(self, message: str) -> None:
        self.lost = True
        self.append(message)


def _decode_plain(data: bytes, what: str, defects: Defects) -> str:
    if data.isascii():
        return data.decode("ascii")
    text = _strict(data, list(FALLBACK_CODECS))
    if text is None:
        defects.drop(_("%(what)s: 8-bit bytes that are neither UTF-8 nor GB18030 were dropped.") % {"what": what})
        return data.decode("ascii", errors="ignore")
    return text


def _decode_word(charset_raw: bytes, encoding: bytes, payload: bytes, what: str, defects: Defects) -> str:
    charset = charset_raw.decode("ascii", errors="replace")
    if encoding.lower() == b"b":
        payload = payload.rstrip(b"=")
        if not re.fullmatch(rb"[A-Za-z0-9+/]*", payload) or len(payload) % 4 == 1:
            defects.drop(_("%(what)s: a malformed encoded word was dropped.") % {"what": what})
            return ""
        data = base64.b64decode(payload + b"=" * (-len(payload) % 4))
    else:
        try:
            data = binascii.a2b_qp(payload.replace(b"_", b" "), header=True)
        except (binascii.Error, ValueError):
            defects.drop(_("%(what)s: a malformed encoded word was dropped.") % {"what": what})
            return ""
    codec = codec_for(charset)
    text = _strict(data, ([codec] if codec else []) + list(FALLBACK_CODECS))
    if text is None:
        defects.drop(_("%(what)s: text in the charset “%(charset)s” could not be decoded and was dropped.")
                       % {"what": what, "charset": clean_line(charset)})
        return ""
    if codec is None:
        defects.append(_("%(what)s: unknown charset “%(charset)s”, read as UTF-8 or GB18030.")
                       % {"what": what, "charset": clean_line(charset)})
    return text


def decode_header_bytes(raw: bytes, what: str, defects: Defects) -> str:
    """An unstructured header value (RFC 2047 encoded words and raw 8-bit text) as clean text:
    every part that cannot be decoded is dropped (and listed in ``defects``), never shown garbled."""
    out: list[str] = []
    pos, after_word = 0, False
    for match in _ENCODED_WORD.finditer(raw):
        gap = raw[pos:match.start()]
        if not (after_word and not gap.strip()):  # white space between two encoded words is not text
            out.append(_decode_plain(gap, what, defects))
        out.append(_decode_word(*match.groups(), what, defects))
        pos, after_word = match.end(), True
    out.append(_decode_plain(raw[pos:], what, defects))
    return clean_line("".join(out))


class _RawHeaders(Compat32):
    """compat32, except that a header holding 8-bit bytes is returned as it is (surrogate escapes)
    instead of a Header object whose text has the bytes replaced by U+FFFD: this module decodes them."""

    def header_fetch_parse(self, name, value):
        return value


RAW_HEADERS = _RawHeaders()


def _raw_header(msg: Message, name: str) -> bytes | None:
    """The header's bytes as received (the parser keeps 8-bit bytes as surrogate escapes)."""
    for key, value in msg.raw_items():
        if key.lower() == name.lower():
            return str(value).encode("utf-8", "surrogateescape")
    return None


def _header_ascii(msg: Message, name: str) -> str:
    """A structured header's ASCII text (8-bit junk removed): for content types, dispositions, flags."""
    raw = _raw_header(msg, name)
    return clean_line(raw.decode("ascii", "ignore")) if raw else ""


def header_text(msg: Message, name: str, what: str, defects: Defects) -> str:
    raw = _raw_header(msg, name)
    return decode_header_bytes(raw, what, defects) if raw is not None else ""


def parse_sender(msg: Message, defects: Defects) -> tuple[str, str]:
    """(display name, address) of From: the structure is parsed before the name is decoded, so
    that decoded text cannot break it; a name that cannot be decoded is left empty."""
    raw = _raw_header(msg, "From")
    if raw is None:
        return "", ""
    # Undecodable bytes stay surrogate escapes until the name is decoded (as UTF-8 or GB18030).
    value = re.sub(r"\s+", " ", raw.decode("utf-8", "surrogateescape")).strip()
    name_raw, address = parseaddr(value)
    if not address:
        pairs = [pair for pair in getaddresses([value]) if pair[1]]
        name_raw, address = pairs[0] if pairs else ("", "")
    if not address or "@" not in address:
        match = re.search(r"<([^<>\s]+@[^<>\s]+)>", value) or re.search(r"([^\s<>\"]+@[^\s<>\"]+)", value)
        address = match.group(1) if match else ""
        name_raw = value[: match.start()].strip().strip('"') if match else value
    try:
        address.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes in the address itself
        defects.append(_("Sender: the address could not be read."))
        address = ""
    name_defects = Defects()
    name = decode_header_bytes(name_raw.encode("utf-8", "surrogateescape"), pgettext("mail header", "Sender"), name_defects)
    if name_defects.lost:  # a name is shown whole or not at all
        defects.append(_("Sender: the name could not be decoded and was left empty."))
        name = ""
    else:
        defects += name_defects
    return name.strip().strip('"').strip(), clean_line(address)


def parse_message_id(msg: Message, fallback_hash: str) -> tuple[str, str]:
    """(Message-ID as far as readable, its hash). Without one: made from ``fallback_hash`` (the
    SHA-256 of the raw message; of its header for a large message read from the IMAP server)."""
    raw = _raw_header(msg, "Message-ID") or b""
    match = _MSGID.search(raw)
    token = match.group(0) if match else raw.strip()
    if not token:
        token = f"<sha256-{fallback_hash[:40]}@no-message-id>".encode()
    text = token.decode("utf-8", "surrogateescape")
    return clean_line(text)[:255], message_id_hash(text)


def parse_references(msg: Message) -> list[str]:
    """Hashes of the Message-IDs this message answers: In-Reply-To first, then References from
    the newest to the oldest."""
    ids: list[bytes] = []
    for name, newest_first in (("In-Reply-To", False), ("References", True)):
        found = _MSGID.findall(_raw_header(msg, name) or b"")
        ids += reversed(found) if newest_first else found
    hashes = [message_id_hash(i.decode("utf-8", "surrogateescape")) for i in ids]
    return list(dict.fromkeys(hashes))[:REFERENCE_LIMIT]


def part_filename(part: Message, defects: list) -> str:
    """The attachment's file name (RFC 2231 or RFC 2047, raw 8-bit too), or '' when unreadable."""
    for header, param in (("content-disposition", "filename"), ("content-type", "name")):
        try:
            value = part.get_param(param, header=header)
        except Exception:  # a malformed parameter
            value = None
        if not value:
            continue
        if isinstance(value, tuple):  # RFC 2231: (charset, language, percent-decoded text as latin-1)
            charset, _language, text = value
            try:
                data = str(text).encode("latin-1", "surrogateescape")
            except UnicodeEncodeError:  # not bytes any more: the parser replaced some
                data = b"\xff"
            codec = codec_for(charset)
            decoded = _strict(data, ([codec] if codec else []) + list(FALLBACK_CODECS))
            if decoded is None:
                defects.append(_("File name: could not be decoded."))
                return ""
            return clean_line(decoded)
        name_defects = Defects()
        decoded = decode_header_bytes(str(value).encode("utf-8", "surrogateescape"), pgettext("mail header", "File name"),
                                      name_defects)
        if name_defects.lost:
            defects.append(_("File name: could not be decoded."))
            return ""
        return decoded
    return ""


_MIME_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+\-]*/[a-z0-9][a-z0-9!#$&^_.+\-]*")


def _content_type(part: Message) -> str:
    """The part's content type; a malformed one is read as application/octet-stream (an attachment)."""
    try:
        ctype = part.get_content_type()
    except Exception:  # a malformed header
        return "application/octet-stream"
    return ctype if _MIME_TYPE.fullmatch(ctype) else "application/octet-stream"


def _content_charset(part: Message) -> str | None:
    try:
        return part.get_content_charset()
    except Exception:  # a malformed RFC 2231 charset parameter
        return "\x00invalid"


def auto_reply_reason(msg: Message, sender: str = "") -> str:
    """Why ``msg`` is an automatic message (auto-reply, bounce, list mail), or ''."""
    auto = _header_ascii(msg, "Auto-Submitted").lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"[:200]
    for header in ("X-Autoreply", "X-Autorespond"):
        if _header_ascii(msg, header):
            return header
    precedence = _header_ascii(msg, "Precedence").lower()
    if precedence in ("bulk", "auto_reply", "junk", "list"):
        return f"Precedence: {precedence}"
    if msg.get_content_type() == "multipart/report":
        return "multipart/report (delivery status)"
    sender = sender.lower()
    local = sender.split("@")[0]
    if local in ("mailer-daemon", "postmaster") or "mailer-daemon" in sender:
        return "MAILER-DAEMON"
    if _header_ascii(msg, "Return-Path") == "<>":
        return "null Return-Path (bounce)"
    return ""


# --- HTML --------------------------------------------------------------------------------


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


# Where the quoted earlier message starts in a reply (Outlook, Foxmail/QQ/163, Gmail, Apple Mail).
_QUOTE_START = re.compile(
    r"^\s*(-{2,}\s*(original message|原始邮件|回复的原邮件)\s*-{2,}"
    r"|(from|发件人)\s*[:：].+"
    r"|on .{4,200} wrote:"
    r"|在\s?.{2,200}写道[:：]?)\s*$",
    re.IGNORECASE,
)


def strip_quoted(text: str) -> str:
    """The new text of a reply: without the quoted earlier message (``>`` lines and what follows a
    reply separator). The whole text when nothing would remain."""
    kept = []
    for line in text.splitlines():
        if _QUOTE_START.match(line):
            break
        if not line.lstrip().startswith(">"):
            kept.append(line)
    result = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return result or text.strip()


# --- Parsing -----------------------------------------------------------------------------
# Messages are read line by line from a stream (never decoded whole by the email package, whose parser
# holds several copies of a message): the header, the text parts and the photos are kept, any other
# attachment is only counted. A message over QS_MAIL_MAX_BYTES keeps its header and text only.


@dataclass
class ParsedMail:
    message_id: str
    id_hash: str
    sender_name: str = ""
    sender_email: str = ""
    subject: str = ""
    text: str = ""
    images: list[tuple[str, bytes]] = field(default_factory=list)
    skipped_files: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    auto_reason: str = ""
    notes: list[str] = field(default_factory=list)  # repairs and omissions, for the item's internal note
    reject_reason: str = ""
    size: int = 0


def _from_headers(msg: Message, fallback_hash: str, size: int) -> ParsedMail:
    message_id, id_hash = parse_message_id(msg, fallback_hash)
    defects = Defects()
    name, address = parse_sender(msg, defects)
    subject = header_text(msg, "Subject", pgettext("mail header", "Subject"), defects)
    return ParsedMail(message_id=message_id, id_hash=id_hash, sender_name=name[:60], sender_email=address[:120],
                      subject=subject[:200], references=parse_references(msg), auto_reason=auto_reply_reason(msg, address),
                      notes=list(dict.fromkeys(defects)), size=size)


def _join_text(plain: list[str], markup: list[str]) -> str:
    text = "\n\n".join(p.strip() for p in plain) if plain else "\n\n".join(html_to_text(m) for m in markup)
    return clean_text(text).strip()


def _decode_part(data: bytes, charset, notes: list, truncated: bool = False) -> str | None:
    text = decode_bytes(data, charset, truncated=truncated)
    if text is not None and charset and codec_for(charset) is None:
        notes.append(_("Text: unknown charset “%(charset)s”, read as UTF-8 or GB18030.")
                     % {"charset": clean_line(str(charset))[:40]})
    return text


def _unreadable(charset) -> str:
    return _("The text cannot be read: unknown charset “%(charset)s”.") % {"charset": clean_line(str(charset or ""))[:40]}


def _decode_transfer(body: bytes, encoding: str) -> bytes:
    """The content of a part (base64, quoted-printable, or as is); a base64 part cut short loses
    only its incomplete last group."""
    encoding = encoding.lower().strip()
    if encoding == "base64":
        data = re.sub(rb"[^A-Za-z0-9+/=]", b"", body)
        data = data[: len(data) // 4 * 4]
        try:
            return base64.b64decode(data)
        except (binascii.Error, ValueError):
            return b""
    if encoding == "quoted-printable":
        return binascii.a2b_qp(body)
    return body


def _with_texts(mail: ParsedMail, texts: list[tuple[str, str | None, str, bytes, bool]]) -> ParsedMail:
    """Decode the text parts (content type, charset, transfer encoding, body, cut short?) into ``mail.text``;
    the message is rejected when text exists but none of it can be read."""
    plain, markup, unreadable = [], [], []
    for ctype, charset, encoding, body, truncated in texts:
        if truncated and encoding.lower().strip() == "quoted-printable" and b"\n" in body:
            body = body[: body.rfind(b"\n") + 1]  # no half escape
        text = _decode_part(_decode_transfer(body, encoding), charset, mail.notes, truncated)
        if text is None:
            unreadable.append(charset)
        else:
            (plain if ctype == "text/plain" else markup).append(text)
    mail.text = _join_text(plain, markup)
    mail.notes = list(dict.fromkeys(mail.notes))
    if unreadable and not mail.text:
        mail.reject_reason = _unreadable(unreadable[0])
    return mail


def _over_limit_note(size: int, dropped: list[tuple[str, str, int]]) -> str:
    names = ", ".join(f"{name or ctype} ({_size_label(n)})" for ctype, name, n in dropped) or "–"
    return (_("The message is %(size)s, over the limit of %(limit)s: only its text was kept. Not kept: %(files)s.")
            % {"size": _size_label(size), "limit": _size_label(max_bytes()), "files": names})


def _bounded_mail(header: bytes, texts: list[tuple[str, str | None, str, bytes, bool]],
                  dropped: list[tuple[str, str, int]], size: int) -> ParsedMail:
    """A message over the size limit read from the IMAP server: its header, its text parts and what
    was not downloaded (type, file name, size). Without a Message-ID it is known by its header."""
    msg = BytesHeaderParser(policy=RAW_HEADERS).parsebytes(header)
    mail = _with_texts(_from_headers(msg, hashlib.sha256(header).hexdigest(), size), texts)
    mail.notes.append(_over_limit_note(size, dropped))
    return mail


def _read_lines(fp, digest, limit: int = 64 * 1024):
    """Lines of a binary stream in pieces of at most ``limit`` bytes, with a flag telling whether
    the piece starts a line (a boundary can only be there); every byte goes through ``digest``."""
    at_start = True
    while True:
        piece = fp.readline(limit)
        if not piece:
            return
        digest.update(piece)
        yield piece, at_start
        at_start = piece.endswith(b"\n")


def _delimiters(boundary: str) -> tuple[bytes, bytes]:
    opening = b"--" + boundary.encode("utf-8", "surrogateescape")
    return opening, opening + b"--"


def _is_blank(piece: bytes, at_start: bool) -> bool:
    return at_start and piece in (b"\r\n", b"\n")


@dataclass
class _Part:
    header: Message
    ctype: str
    name: str
    mode: str  # text / image / skip
    cap: int = 0
    body: bytearray = field(default_factory=bytearray)
    count: int = 0
    over: bool = False

    def add(self, piece: bytes) -> None:
        self.count += len(piece)
        if self.mode != "skip" and not self.over:
            if len(self.body) + len(piece) <= self.cap:
                self.body += piece
            else:
                self.over = True


def scan_message(fp, size: int) -> ParsedMail:
    """Read a message from a binary stream in bounded memory. Up to QS_MAIL_MAX_BYTES: its text
    and photos (each at most what an upload may be); above: its header (≤ HEADER_LIMIT) and text
    (≤ TEXT_LIMIT), every attachment dropped with a note. Other attachments are counted, never kept."""
    whole = size <= max_bytes()
    digest = hashlib.sha256()
    lines = _read_lines(fp, digest)
    header = bytearray()
    for piece, at_start in lines:
        if _is_blank(piece, at_start):
            break
        if len(header) < HEADER_LIMIT:
            header += piece
    top = BytesHeaderParser(policy=RAW_HEADERS).parsebytes(bytes(header))
    text_cap = max_bytes() if whole else TEXT_LIMIT
    image_cap = int(getattr(settings, "QS_FEEDBACK_MAX_IMAGE_BYTES", 5 * 1024 * 1024) * 1.4) + 4096  # base64
    max_images = getattr(settings, "QS_FEEDBACK_MAX_IMAGES", 3) * 2
    texts: list[tuple[str, str | None, str, bytes, bool]] = []
    images: list[tuple[str, bytes]] = []
    skipped: list[str] = []
    dropped: list[tuple[str, str, int]] = []
    notes: list[str] = []
    kept = 0

    def open_part(part: Message) -> _Part:
        ctype = _content_type(part)
        disposition = _header_ascii(part, "Content-Disposition").split(";")[0].strip().lower()
        name = part_filename(part, notes)
        if whole and ctype.startswith("image/") and len(images) < max_images:
            return _Part(part, ctype, name, "image", cap=image_cap)
        if ctype in ("text/plain", "text/html") and disposition != "attachment" and not name and kept < text_cap:
            return _Part(part, ctype, name, "text", cap=text_cap - kept)
        return _Part(part, ctype, name, "skip")

    def close_part(part: _Part | None) -> None:
        nonlocal kept
        if part is None:
            return
        body = bytes(part.body)
        if body.endswith(b"\r\n"):  # the line break before a delimiter belongs to the delimiter
            body = body[:-2]
        elif body.endswith(b"\n"):
            body = body[:-1]
        encoding = _header_ascii(part.header, "Content-Transfer-Encoding") or "7bit"
        if part.mode == "text":
            texts.append((part.ctype, _content_charset(part.header), encoding, body, part.over))
            kept += len(body)
        elif part.mode == "image" and part.over:
            notes.append(_("Photo “%(name)s” was not kept: larger than %(limit)s.")
                         % {"name": part.name or part.ctype, "limit": _size_label(image_cap * 3 // 4)})
        elif part.mode == "image":
            images.append((part.name or f"image.{part.ctype.split('/')[1]}", _decode_transfer(body, encoding)))
        elif part.ctype.startswith("image/") and whole:
            pass  # more photos than are ever kept (as before: not listed)
        elif whole:
            skipped.append(part.name or part.ctype)
        else:
            dropped.append((part.ctype, part.name, part.count))

    if top.get_content_maintype() != "multipart" or not top.get_boundary():
        part = open_part(top) if top.get_content_maintype() != "multipart" else _Part(top, "multipart/mixed", "", "skip")
        for piece, _at_start in lines:
            part.add(piece)
        close_part(part)
    else:
        delimiters = [_delimiters(top.get_boundary())]  # of the open multiparts, outermost first
        part: _Part | None = None
        in_header, part_header = False, bytearray()
        for piece, at_start in lines:
            if at_start and piece.startswith(b"--"):
                line = piece.rstrip(b"\r\n \t")
                hit = next((i for i in range(len(delimiters) - 1, -1, -1) if line in delimiters[i]), None)
                if hit is not None:
                    close_part(part)
                    part = None
                    closing = line == delimiters[hit][1]
                    del delimiters[hit + (0 if closing else 1):]  # inner multiparts end here too
                    in_header, part_header = not closing, bytearray()
                    if not delimiters:
                        break  # the epilogue is not read
                    continue
            if in_header:
                if _is_blank(piece, at_start):
                    in_header = False
                    header_of_part = BytesHeaderParser(policy=RAW_HEADERS).parsebytes(bytes(part_header))
                    part_header = bytearray()
                    if header_of_part.get_content_maintype() == "multipart":
                        if header_of_part.get_boundary():
                            delimiters.append(_delimiters(header_of_part.get_boundary()))
                    elif header_of_part.get_content_type() == "message/rfc822":
                        in_header = True  # a forwarded message: its own header follows, read as a part's
                    else:
                        part = open_part(header_of_part)
                elif len(part_header) < HEADER_LIMIT:
                    part_header += piece
                continue
            if part is not None:
                part.add(piece)
        close_part(part)
    for _rest in lines:  # the epilogue: through the digest only
        pass
    mail = _from_headers(top, digest.hexdigest(), size)
    mail.notes += notes
    mail.images, mail.skipped_files = images, skipped
    _with_texts(mail, texts)
    if not whole:
        mail.notes.append(_over_limit_note(size, dropped))
    return mail


def parse_message(raw: bytes) -> ParsedMail:
    return scan_message(io.BytesIO(raw), len(raw))


def _rejected_mail(raw_header: bytes, fallback_hash: str, size: int, reason: str) -> ParsedMail:
    """What can still be read of a message that cannot be imported (for the rejection record)."""
    try:
        msg = BytesHeaderParser(policy=RAW_HEADERS).parsebytes(raw_header)
        mail = _from_headers(msg, fallback_hash, size)
    except Exception:  # not even the header can be read
        mail = ParsedMail(message_id="", id_hash="")
        mail.message_id, mail.id_hash = parse_message_id(Message(), fallback_hash)
        mail.size = size
    mail.reject_reason = reason
    return mail


def _error_reason(exc: Exception) -> str:
    return _("The message cannot be read (%(error)s).") % {"error": clean_line(f"{type(exc).__name__}: {exc}")[:150]}


def _header_of(raw: bytes) -> bytes:
    end = min((i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if i >= 0), default=min(len(raw), HEADER_LIMIT))
    return raw[: min(end, HEADER_LIMIT)]


# --- Import ------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    outcome: str  # imported / reply / skipped / duplicate / rejected
    message_id: str
    feedback: object = None
    reason: str = ""


def import_message(raw: bytes) -> ImportOutcome:
    """Import one message; never imports the same Message-ID twice. A message that cannot be read
    is recorded as rejected (never raises for the message's content)."""
    try:
        mail = parse_message(raw)
    except Exception as exc:  # one bad message must not stop the batch
        log.warning("mailbox: cannot parse a message of %d bytes: %r", len(raw), exc)
        mail = _rejected_mail(_header_of(raw), hashlib.sha256(raw).hexdigest(), len(raw), _error_reason(exc))
    return import_parsed(mail)


def import_file(path) -> ImportOutcome:
    """Import one .eml file, read as a stream (never loaded whole)."""
    path = Path(path)
    size = path.stat().st_size
    with path.open("rb") as fp:
        try:
            mail = scan_message(fp, size)
        except Exception as exc:
            log.warning("mailbox: cannot parse %s: %r", path, exc)
            fp.seek(0)
            header = _header_of(fp.read(HEADER_LIMIT))
            fp.seek(0)
            digest = hashlib.sha256()
            for chunk in iter(lambda: fp.read(1024 * 1024), b""):
                digest.update(chunk)
            mail = _rejected_mail(header, digest.hexdigest(), size, _error_reason(exc))
    return import_parsed(mail)


def import_parsed(mail: ParsedMail) -> ImportOutcome:
    """Record a parsed message: duplicate, rejected, skipped, reply to an item, or a new item.
    Database outages propagate (the message is tried again); any other error rejects it."""
    if MailMessage.objects.filter(message_id_hash=mail.id_hash).exists():
        return ImportOutcome("duplicate", mail.message_id)
    if not mail.reject_reason:
        try:
            return _record(mail)
        except IntegrityError:  # another worker took the same message first
            return ImportOutcome("duplicate", mail.message_id)
        except (OperationalError, InterfaceError):
            raise
        except Exception as exc:
            log.exception("mailbox: cannot import %s", mail.message_id)
            mail.reject_reason = _error_reason(exc)
    try:
        MailMessage.objects.create(
            message_id=mail.message_id, message_id_hash=mail.id_hash, sender=mail.sender_email[:255],
            subject=mail.subject[:255], outcome=MailMessage.Outcome.REJECTED, reason=mail.reject_reason[:200],
            size=mail.size or None, needs_review=True,
        )
    except IntegrityError:
        return ImportOutcome("duplicate", mail.message_id)
    return ImportOutcome("rejected", mail.message_id, reason=mail.reject_reason)


def _clean_images(mail: ParsedMail) -> tuple[list, list[str]]:
    clean, notes = [], []
    for name, data in mail.images[: getattr(settings, "QS_FEEDBACK_MAX_IMAGES", 3) * 2]:
        try:
            clean.append(sanitize_image(data, name))
        except ValidationError as exc:
            notes.append(" ".join(exc.messages))
    notes += [_("Attachment “%(name)s” was not kept (not an image).") % {"name": n} for n in mail.skipped_files]
    return clean, notes


def _thread_item(mail: ParsedMail) -> Feedback | None:
    """The item an answer belongs to (the newest message it names), following merges."""
    if not mail.references:
        return None
    found = dict(MailMessage.objects.filter(message_id_hash__in=mail.references, feedback__isnull=False)
                 .values_list("message_id_hash", "feedback_id"))
    pk = next((found[h] for h in mail.references if h in found), None)
    item = Feedback.objects.filter(pk=pk).first() if pk else None
    for _hop in range(10):
        if item is None or item.status != Status.MERGED or item.merged_into_id is None:
            break
        item = Feedback.objects.filter(pk=item.merged_into_id).first()
    return item


def _record(mail: ParsedMail) -> ImportOutcome:
    from .services import create_record
    from .workflows import log_event

    Outcome = MailMessage.Outcome
    common = {"message_id": mail.message_id, "message_id_hash": mail.id_hash, "sender": mail.sender_email[:255],
              "subject": mail.subject[:255], "size": mail.size or None}
    if mail.auto_reason:
        MailMessage.objects.create(**common, outcome=Outcome.SKIPPED, reason=mail.auto_reason[:200])
        return ImportOutcome("skipped", mail.message_id, reason=mail.auto_reason)
    item = _thread_item(mail)
    if item is not None:
        return _record_reply(mail, item, common)
    with transaction.atomic():
        record = MailMessage.objects.create(**common, outcome=Outcome.IMPORTED, reason=" ".join(mail.notes)[:200])
        clean_images, notes = _clean_images(mail)
        feedback = create_record(
            kind=Kind.COMPLAINT, channel=Channel.EMAIL, title=mail.subject, body=mail.text or mail.subject,
            submitter_name=mail.sender_name, submitter_contact=mail.sender_email, anonymous=False,
            source_ref=mail.message_id, submission_key=scoped("mail", mail.id_hash[:48]), images=clean_images,
        )
        notes = mail.notes + notes
        if notes:
            log_event(feedback, "note", who="mailbox", note="\n".join(notes))
        record.feedback = feedback
        record.save(update_fields=["feedback"])
    return ImportOutcome("imported", mail.message_id, feedback=feedback)


def mailbox_name() -> str:
    return str(_("Complaint mailbox"))


def _record_reply(mail: ParsedMail, item: Feedback, common: dict) -> ImportOutcome:
    """The answer goes on the item's timeline (public step ``mail_reply``: the status page shows
    its time, never its text). A closed item is not reopened by mail: the message is flagged for
    the operator, who reopens the item (through the usual transition) or marks it reviewed."""
    from qualityservice.core.notifications import notify
    from qualityservice.core.roles import Role
    from qualityservice.org.models import Staff

    from .models import Attachment
    from .workflows import log_event

    closed = item.status == Status.CLOSED
    with transaction.atomic():
        clean_images, notes = _clean_images(mail)
        for image in clean_images:
            Attachment.objects.create(feedback=item, file=image.content, original_name=image.name,
                                      size=image.content.size, width=image.width, height=image.height)
        lines = [strip_quoted(mail.text) or mail.subject or str(_("(no text)"))]
        if clean_images:
            lines.append(_("Photos attached: %(n)d.") % {"n": len(clean_images)})
        lines += mail.notes + notes
        if closed:
            lines.append(_("The item is closed: this reply waits for the operator (reopen the item or mark the "
                           "message reviewed on the mailbox page)."))
        log_event(item, "mail_reply", who="mailbox", note="\n".join(lines), public=True)
        MailMessage.objects.create(
            **common, outcome=MailMessage.Outcome.REPLY, feedback=item, needs_review=closed,
            reason=(str(_("Reply to a closed item.")) if closed else "")[:200],
        )
        if closed:
            operators = [s.user for s in Staff.objects.filter(role=Role.OPERATOR, is_active=True, user__isnull=False)
                         .select_related("user")]
            notify(users=operators, subject=_("E-mail reply to closed item %(code)s") % {"code": item.code},
                   body=item.title, url=item.get_absolute_url())
    return ImportOutcome("reply", mail.message_id, feedback=item)


# --- IMAP --------------------------------------------------------------------------------


def imap_enabled() -> bool:
    return bool(getattr(settings, "QS_IMAP_HOST", ""))


_TOKEN = re.compile(rb'\s*(?:(\()|(\))|"((?:[^"\\]|\\.)*)"|\{(\d+)\}\s*$|([^\s()"\[]+(?:\[[^\]]*\](?:<\d+>)?)?))')


def _imap_tokens(fetched):
    """Tokens of an imaplib FETCH answer: '(' and ')', atoms and strings (bytes), NIL as None;
    literals come from the (text, literal) tuples imaplib returns."""
    for item in fetched or []:
        text, literal = (item[0], item[1]) if isinstance(item, tuple) else (item, None)
        if not isinstance(text, bytes):
            continue
        pos = 0
        while pos < len(text):
            match = _TOKEN.match(text, pos)
            if not match or match.end() == pos:
                break
            pos = match.end()
            opened, closed, quoted, length, atom = match.groups()
            if opened:
                yield "("
            elif closed:
                yield ")"
            elif quoted is not None:
                yield re.sub(rb"\\(.)", rb"\1", quoted)
            elif length is not None:
                yield literal if literal is not None else b""
            elif atom is not None:
                yield None if atom.upper() == b"NIL" else atom


def _imap_parse(fetched) -> list:
    """The FETCH answer as nested lists."""
    stack: list[list] = [[]]
    for token in _imap_tokens(fetched):
        if token == "(":
            stack.append([])
        elif token == ")":
            if len(stack) > 1:
                done = stack.pop()
                stack[-1].append(done)
        else:
            stack[-1].append(token)
    return stack[0]


def _fetch_items(fetched) -> list[dict]:
    """One dict per message of a FETCH answer: {'UID': b'5', 'RFC822.SIZE': b'123', 'BODY[HEADER]': b'…'}."""
    out = []
    for node in _imap_parse(fetched):
        if isinstance(node, list):
            pairs = {}
            for i in range(0, len(node) - 1, 2):
                key = node[i]
                if isinstance(key, bytes):
                    pairs[key.decode("ascii", "replace").upper()] = node[i + 1]
            out.append(pairs)
    return out


def _params(node) -> dict:
    if not isinstance(node, list):
        return {}
    return {str(k.decode("ascii", "replace")).lower(): v for k, v in zip(node[::2], node[1::2], strict=False)
            if isinstance(k, bytes) and isinstance(v, bytes)}


def _structure_parts(node, prefix: str = ""):
    """Leaf parts of a BODYSTRUCTURE: (part number, content type, params, encoding, size, disposition,
    disposition params)."""
    if not isinstance(node, list) or not node:
        return
    if isinstance(node[0], list):  # multipart: children, then the subtype
        number = 0
        for child in node:
            if not isinstance(child, list):
                break
            number += 1
            yield from _structure_parts(child, f"{prefix}{number}" if not prefix else f"{prefix}.{number}")
        return

    def text(i):
        return node[i].decode("ascii", "replace").lower() if len(node) > i and isinstance(node[i], bytes) else ""

    ctype = f"{text(0)}/{text(1)}"
    size = int(node[6]) if len(node) > 6 and isinstance(node[6], bytes) and node[6].isdigit() else 0
    ext = 8 if text(0) == "text" else (10 if ctype == "message/rfc822" else 7)
    disposition = node[ext + 1] if len(node) > ext + 1 else None
    disp_type = disposition[0].decode("ascii", "replace").lower() if isinstance(disposition, list) and disposition \
        and isinstance(disposition[0], bytes) else ""
    disp_params = _params(disposition[1]) if isinstance(disposition, list) and len(disposition) > 1 else {}
    yield (prefix or "1", ctype, _params(node[2] if len(node) > 2 else None), text(5) or "7bit", size, disp_type,
           disp_params)


def _structure_name(params: dict, disp_params: dict, notes: list) -> str:
    for source in (disp_params, params):
        for key in ("filename", "name"):
            if source.get(key + "*"):  # RFC 2231, not merged by the server
                charset, _sep, rest = source[key + "*"].partition(b"'")
                _lang, _sep, value = rest.partition(b"'")
                from urllib.parse import unquote_to_bytes

                data = unquote_to_bytes(value)
                codec = codec_for(charset.decode("ascii", "replace"))
                decoded = _strict(data, ([codec] if codec else []) + list(FALLBACK_CODECS))
                return clean_line(decoded) if decoded else ""
            if source.get(key):
                defects = Defects()
                name = decode_header_bytes(source[key], pgettext("mail header", "File name"), defects)
                return "" if defects.lost else name
    return ""


def _fetch_oversized(conn, uid: bytes, size: int) -> ParsedMail:
    """A message over QS_MAIL_MAX_BYTES from the server: its header, its structure and at most
    TEXT_LIMIT bytes of its first text part (text/plain, else text/html); nothing else is downloaded."""
    typ, fetched = conn.uid("FETCH", uid, "(BODYSTRUCTURE BODY.PEEK[HEADER])")
    items = _fetch_items(fetched) if typ == "OK" else []
    if not items:
        raise imaplib.IMAP4.error(f"cannot fetch the structure of uid {uid!r}")
    header = items[0].get("BODY[HEADER]") or b""
    parts = list(_structure_parts(items[0].get("BODYSTRUCTURE")))
    notes: list[str] = []
    candidates = [p for p in parts if p[1] in ("text/plain", "text/html") and p[5] != "attachment"
                  and not _structure_name(p[2], p[6], [])]
    chosen = next((p for p in candidates if p[1] == "text/plain"), candidates[0] if candidates else None)
    texts, dropped = [], []
    for part in parts:
        if part is chosen:
            continue
        if part in candidates:  # the other alternative of the text: not needed
            continue
        dropped.append((part[1], _structure_name(part[2], part[6], notes), part[4]))
    if chosen is not None:
        number, ctype, params, encoding, part_size = chosen[:5]
        typ, fetched = conn.uid("FETCH", uid, f"(BODY.PEEK[{number}]<0.{TEXT_LIMIT}>)")
        found = _fetch_items(fetched) if typ == "OK" else []
        body = next((v for k, v in (found[0].items() if found else []) if k.startswith("BODY[")), b"") or b""
        charset = params.get("charset")
        texts.append((ctype, charset.decode("ascii", "surrogateescape") if charset else None, encoding, body,
                      part_size > len(body)))
    mail = _bounded_mail(header, texts, dropped, size)
    mail.notes[:0] = notes
    return mail


def _store(conn, uid: bytes, rejected: bool) -> None:
    if rejected:
        typ, _data = conn.uid("STORE", uid, "+FLAGS", f"(\\Seen {REJECTED_KEYWORD})")
        if typ == "OK":
            return
    conn.uid("STORE", uid, "+FLAGS", "(\\Seen)")  # a server without keywords: \Seen is enough


def poll_mailbox() -> dict:
    """Fetch the unseen messages of the IMAP folder (sizes and Message-IDs first), import each once
    and mark it seen; rejected messages also get the keyword $QSRejected and are not fetched again.
    A message already recorded (same Message-ID hash) is marked without downloading it."""
    if not imap_enabled():
        return {"disabled": True}
    host, port = settings.QS_IMAP_HOST, settings.QS_IMAP_PORT
    cls = imaplib.IMAP4_SSL if settings.QS_IMAP_SSL else imaplib.IMAP4
    counts = {"imported": 0, "reply": 0, "skipped": 0, "duplicate": 0, "rejected": 0, "failed": 0}
    limit = max_bytes()
    conn = cls(host, port, timeout=30)
    try:
        conn.login(settings.QS_IMAP_USER, settings.QS_IMAP_PASSWORD)
        typ, _data = conn.select(settings.QS_IMAP_FOLDER)
        if typ != "OK":
            raise imaplib.IMAP4.error(f"cannot select {settings.QS_IMAP_FOLDER}")
        typ, data = conn.uid("SEARCH", None, "UNSEEN", "UNKEYWORD", REJECTED_KEYWORD)
        uids = data[0].split() if typ == "OK" and data and data[0] else []
        for start in range(0, len(uids), 200):
            batch = uids[start:start + 200]
            typ, fetched = conn.uid("FETCH", b",".join(batch), "(RFC822.SIZE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
            info = {item.get("UID"): item for item in (_fetch_items(fetched) if typ == "OK" else [])}
            for uid in batch:
                item = info.get(uid, {})
                size_raw = item.get("RFC822.SIZE")
                size = int(size_raw) if isinstance(size_raw, bytes) and size_raw.isdigit() else 0
                head = next((v for k, v in item.items() if k.startswith("BODY[HEADER.FIELDS")), b"") or b""
                if _MSGID.search(head):
                    known = MailMessage.objects.filter(
                        message_id_hash=parse_message_id(BytesHeaderParser(policy=RAW_HEADERS).parsebytes(head), "")[1]
                    ).values_list("outcome", flat=True).first()
                    if known is not None:
                        counts["duplicate"] += 1
                        _store(conn, uid, known == MailMessage.Outcome.REJECTED)
                        continue
                try:
                    if size > limit:
                        outcome = import_parsed(_fetch_oversized(conn, uid, size))
                    else:
                        typ, fetched = conn.uid("FETCH", uid, "(BODY.PEEK[])")
                        raw = next((part[1] for part in fetched or [] if isinstance(part, tuple)), None)
                        if typ != "OK" or raw is None:
                            counts["failed"] += 1
                            continue
                        outcome = import_message(raw)
                except (imaplib.IMAP4.abort, OSError):
                    raise
                except Exception:  # the database is away, or the server answered nonsense: try again later
                    log.exception("mailbox: cannot import message uid %s", uid)
                    counts["failed"] += 1
                    continue
                counts[outcome.outcome] += 1
                _store(conn, uid, outcome.outcome == "rejected")
    finally:
        try:
            conn.logout()
        except Exception:
            pass
    return counts
