"""Writes the .eml samples of the mailbox tests (run once; the outputs are committed).

    ../../../../.venv/bin/python make_samples.py

Each sample is built byte by byte the way real mail clients send it: GB2312/GBK/GB18030 and
UTF-8 bodies, RFC 2047 encoded headers, HTML-only mail, multipart with photos, the
automatic messages (auto-replies, bounces, bulk) that must not become feedback, replies to
earlier messages, and malformed headers (broken encoded words, raw 8-bit GBK, NUL in charset
names, unknown charsets, broken attachment names)."""

import base64
import io
import pathlib
import quopri

from PIL import Image

HERE = pathlib.Path(__file__).parent


def enc_header(text, charset):
    """An RFC 2047 encoded word (GB2312-labelled text is encoded as GBK, like real clients do)."""
    codec = "gbk" if charset == "gb2312" else charset
    return f"=?{charset.upper()}?B?{base64.b64encode(text.encode(codec)).decode()}?="


def b64(data: bytes) -> str:
    raw = base64.b64encode(data).decode()
    return "\r\n".join(raw[i:i + 76] for i in range(0, len(raw), 76))


def jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (120, 90), (30, 140, 60))
    exif = Image.Exif()
    exif[0x010F] = "PhoneCam"
    exif[0x8825] = {1: "N", 2: (36.0, 4.0, 30.0), 3: "E", 4: (120.0, 29.0, 10.0)}
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def write(name: str, headers: list[tuple[str, str]], body: str | bytes):
    head = "".join(f"{k}: {v}\r\n" for k, v in headers)
    data = head.encode("ascii") + b"\r\n" + (body if isinstance(body, bytes) else body.encode("ascii"))
    (HERE / name).write_bytes(data)


COMMON = [("MIME-Version", "1.0"), ("Date", "Mon, 16 Nov 2026 09:12:00 +0800"), ("To", "hqjt@ouc.edu.cn")]

# 1. UTF-8 plain text, base64, encoded subject and sender name.
text = "您好：\n崂山校区第二餐厅今天中午的米饭夹生，已经不是第一次了，请尽快处理。\n——化学学院 王同学"
write("utf8_plain.eml", [("From", f"{enc_header('王同学', 'utf-8')} <wang@stu.ouc.edu.cn>"),
                         ("Subject", enc_header("投诉：二餐厅米饭夹生", "utf-8")), *COMMON,
                         ("Message-ID", "<utf8-plain-001@stu.ouc.edu.cn>"),
                         ("Content-Type", 'text/plain; charset="utf-8"'), ("Content-Transfer-Encoding", "base64")],
      b64(text.encode("utf-8")) + "\r\n")

# 2. Labelled GB2312 but containing a GBK-only character (镕), quoted-printable: what old clients send.
text = "物业管理中心：\n学生公寓1号楼三楼的楼道灯坏了一周，晚上很黑。朱镕同学摔了一跤。\n请尽快修理，谢谢！"
write("gb2312_qp.eml", [("From", f"{enc_header('李老师', 'gb2312')} <li@ouc.edu.cn>"),
                        ("Subject", enc_header("楼道灯坏了", "gb2312")), *COMMON,
                        ("Message-ID", "<gb2312-qp-002@ouc.edu.cn>"),
                        ("Content-Type", "text/plain; charset=gb2312"), ("Content-Transfer-Encoding", "quoted-printable")],
      quopri.encodestring(text.replace("\n", "\r\n").encode("gbk")).decode("ascii") + "\r\n")

# 3. HTML only, GBK.
markup = ("<html><head><style>p{color:red}</style><title>t</title></head><body><p>后勤集团领导：</p>"
          "<p>图书馆旁边的<b>开水房</b>经常停水&amp;没有通知。</p><div>建议在门口贴出停水时间表。</div>"
          "<script>alert(1)</script></body></html>")
write("gbk_html_only.eml", [("From", "zhao@ouc.edu.cn"), ("Subject", enc_header("建议：开水房停水请提前通知", "gbk")), *COMMON,
                            ("Message-ID", "<gbk-html-003@ouc.edu.cn>"),
                            ("Content-Type", "text/html; charset=GBK"), ("Content-Transfer-Encoding", "base64")],
      b64(markup.encode("gbk")) + "\r\n")

# 4. GB18030 multipart/mixed with a photo (EXIF GPS) and a Word file (not kept).
text = "附件是宿舍卫生间漏水的照片，已经报修三次了。𠀀"  # includes a 4-byte GB18030 character
boundary = "----=_Part_4_GB18030"
body = (
    f"--{boundary}\r\nContent-Type: text/plain; charset=GB18030\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    f"{b64(text.encode('gb18030'))}\r\n"
    f"--{boundary}\r\nContent-Type: image/jpeg; name=\"{enc_header('漏水.jpg', 'gb18030')}\"\r\n"
    f"Content-Disposition: attachment; filename=\"{enc_header('漏水.jpg', 'gb18030')}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    f"{b64(jpeg_with_gps())}\r\n"
    f"--{boundary}\r\nContent-Type: application/msword; name=\"report.doc\"\r\n"
    f"Content-Disposition: attachment; filename=\"report.doc\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    f"{b64(b'not really a word file')}\r\n"
    f"--{boundary}--\r\n"
)
write("gb18030_multipart_photo.eml", [("From", f"{enc_header('陈同学', 'gb18030')} <chen@stu.ouc.edu.cn>"),
                                      ("Subject", enc_header("卫生间漏水（附照片）", "gb18030")), *COMMON,
                                      ("Message-ID", "<gb18030-photo-004@stu.ouc.edu.cn>"),
                                      ("Content-Type", f'multipart/mixed; boundary="{boundary}"')], body)

# 5. multipart/alternative (plain + html) inside multipart/related with an inline image, UTF-8.
alt, rel = "alt-5", "rel-5"
plain = "班车今天早上7:30没有准时发车，晚了15分钟。"
html_part = "<p>班车今天早上7:30<b>没有准时</b>发车，晚了15分钟。</p><img src=\"cid:bus1\">"
body = (
    f"--{rel}\r\nContent-Type: multipart/alternative; boundary=\"{alt}\"\r\n\r\n"
    f"--{alt}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{b64(plain.encode())}\r\n"
    f"--{alt}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{b64(html_part.encode())}\r\n"
    f"--{alt}--\r\n"
    f"--{rel}\r\nContent-Type: image/png\r\nContent-ID: <bus1>\r\nContent-Disposition: inline\r\nContent-Transfer-Encoding: base64\r\n\r\n"
)
png = io.BytesIO()
Image.new("RGB", (50, 30), (0, 0, 200)).save(png, format="PNG")
body += f"{b64(png.getvalue())}\r\n--{rel}--\r\n"
write("utf8_alternative_inline.eml", [("From", "Bus Rider <rider@ouc.edu.cn>"), ("Subject", "=?utf-8?Q?=E7=8F=AD=E8=BD=A6=E6=99=9A=E7=82=B9?="),
                                      *COMMON, ("Message-ID", "<alt-inline-005@ouc.edu.cn>"),
                                      ("Content-Type", f'multipart/related; boundary="{rel}"')], body)

# 6–9. Automatic messages: none may become feedback.
auto_text = b64("我正在休假，11月20日回来。".encode())
write("autoreply_auto_submitted.eml", [("From", "li@ouc.edu.cn"), ("Subject", enc_header("自动回复：您的来信", "utf-8")),
                                       *COMMON, ("Message-ID", "<auto-006@ouc.edu.cn>"), ("Auto-Submitted", "auto-replied"),
                                       ("Content-Type", "text/plain; charset=utf-8"), ("Content-Transfer-Encoding", "base64")],
      auto_text + "\r\n")
write("autoreply_x_autoreply.eml", [("From", "qq-user@qq.com"), ("Subject", "Re: hello"), *COMMON,
                                    ("Message-ID", "<auto-007@qq.com>"), ("X-Autoreply", "yes"),
                                    ("Content-Type", "text/plain; charset=utf-8"), ("Content-Transfer-Encoding", "base64")],
      auto_text + "\r\n")
write("bulk_precedence.eml", [("From", "news@example.com"), ("Subject", "Newsletter"), *COMMON,
                              ("Message-ID", "<bulk-008@example.com>"), ("Precedence", "bulk"),
                              ("Content-Type", "text/plain; charset=us-ascii")], "Monthly news.\r\n")
b = "report-9"
write("bounce_report.eml", [("From", "Mail Delivery System <MAILER-DAEMON@mx.ouc.edu.cn>"),
                            ("Subject", "Undelivered Mail Returned to Sender"), *COMMON, ("Message-ID", "<bounce-009@mx.ouc.edu.cn>"),
                            ("Content-Type", f'multipart/report; report-type=delivery-status; boundary="{b}"')],
      f"--{b}\r\nContent-Type: text/plain\r\n\r\nThis is the mail system at host mx.ouc.edu.cn.\r\n"
      f"--{b}\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.ouc.edu.cn\r\n\r\nFinal-Recipient: rfc822; nobody@ouc.edu.cn\r\nAction: failed\r\nStatus: 5.1.1\r\n"
      f"--{b}--\r\n")


# 10–11. Replies to earlier messages (threading): a Foxmail-style reply quoting the original, and a
# GB18030 follow-up that names the original only in References.
def write_raw(name: str, head: bytes, body: bytes):
    (HERE / name).write_bytes(head + b"\r\n" + body)


reply = ("今天中午又是夹生饭，请尽快答复。\n\n------------------ 原始邮件 ------------------\n"
         "发件人: \"王同学\" <wang@stu.ouc.edu.cn>\n> 崂山校区第二餐厅今天中午的米饭夹生，已经不是第一次了。")
write("reply_in_reply_to.eml", [("From", f"{enc_header('王同学', 'utf-8')} <wang@stu.ouc.edu.cn>"),
                                ("Subject", enc_header("回复：投诉：二餐厅米饭夹生", "utf-8")), *COMMON,
                                ("Message-ID", "<reply-010@stu.ouc.edu.cn>"),
                                ("In-Reply-To", "<utf8-plain-001@stu.ouc.edu.cn>"),
                                ("References", "<utf8-plain-001@stu.ouc.edu.cn>"),
                                ("Content-Type", 'text/plain; charset="utf-8"'), ("Content-Transfer-Encoding", "base64")],
      b64(reply.encode("utf-8")) + "\r\n")
write("reply_references_only.eml", [("From", f"{enc_header('李老师', 'gb2312')} <li@ouc.edu.cn>"),
                                    ("Subject", enc_header("Re: 楼道灯坏了", "gb2312")), *COMMON,
                                    ("Message-ID", "<reply-011@ouc.edu.cn>"),
                                    ("References", "<unrelated-1@ouc.edu.cn>\r\n <gb2312-qp-002@ouc.edu.cn>"),
                                    ("Content-Type", "text/plain; charset=GB18030"), ("Content-Transfer-Encoding", "base64")],
      b64("灯还是没修好，朱镕同学又摔了。".encode("gb18030")) + "\r\n")

# 12–16. Malformed headers.
# 12. A broken GB2312 encoded word as the sender's name (invalid base64).
write("malformed_from_encoded_word.eml", [("From", "=?gb2312?B?x*#?= <sun@ouc.edu.cn>"),
                                          ("Subject", enc_header("宿舍热水不热", "gb2312")), *COMMON,
                                          ("Message-ID", "<malformed-012@ouc.edu.cn>"),
                                          ("Content-Type", "text/plain; charset=utf-8"), ("Content-Transfer-Encoding", "base64")],
      b64("宿舍热水一直不热，已经三天了。".encode()) + "\r\n")
# 13. Raw 8-bit GBK in From and Subject, no encoded words at all (old clients, some webmail).
head = ("From: 刘老师 <liu@ouc.edu.cn>\r\nSubject: 食堂餐具没洗干净\r\n".encode("gbk")
        + b"MIME-Version: 1.0\r\nDate: Mon, 16 Nov 2026 09:12:00 +0800\r\nTo: hqjt@ouc.edu.cn\r\n"
          b"Message-ID: <raw-gbk-013@ouc.edu.cn>\r\nContent-Type: text/plain; charset=gbk\r\n"
          b"Content-Transfer-Encoding: 8bit\r\n")
write_raw("raw_gbk_from.eml", head, "第一食堂的碗筷上有油渍。\r\n".encode("gbk"))
# 14. A NUL inside the charset names (encoded-word subject and the text part); the bytes are GBK.
head = (b"From: =?gb\x002312?B?" + base64.b64encode("周同学".encode("gbk")) + b"?= <zhou@stu.ouc.edu.cn>\r\n"
        b"Subject: =?gb\x002312?B?" + base64.b64encode("洗衣机坏了".encode("gbk")) + b"?=\r\n"
        b"MIME-Version: 1.0\r\nTo: hqjt@ouc.edu.cn\r\nMessage-ID: <nul-charset-014@stu.ouc.edu.cn>\r\n"
        b"Content-Type: text/plain; charset=\"gb\x002312\"\r\nContent-Transfer-Encoding: 8bit\r\n")
write_raw("nul_charset.eml", head, "三号楼的洗衣机坏了。\r\n".encode("gbk"))
# 15. An unknown charset whose bytes are neither UTF-8 nor GB18030: the text cannot be read.
head = (b"From: =?x-klingon?Q?=FF=FE?= <who@example.com>\r\nSubject: =?x-klingon?Q?=FF=FE=FD?= ticket\r\n"
        b"MIME-Version: 1.0\r\nTo: hqjt@ouc.edu.cn\r\nMessage-ID: <unknown-charset-015@example.com>\r\n"
        b"Content-Type: text/plain; charset=x-klingon\r\nContent-Transfer-Encoding: 8bit\r\n")
write_raw("unknown_charset_unreadable.eml", head, b"\xff\xfe\xfd\xfc \xff\x80\x80\r\n")
# 16. Attachment file names: RFC 2231 with a NUL in the charset, a broken encoded word.
b = "bad-names-16"
body = (f"--{b}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        f"{b64('附件是照片和说明。'.encode())}\r\n"
        f"--{b}\r\nContent-Type: application/octet-stream\r\n"
        "Content-Disposition: attachment; filename*=gb\x00k''%C0%EE%CB%C4.doc\r\n\r\nabc\r\n"
        f"--{b}\r\nContent-Type: application/pdf; name=\"=?gb2312?B?x*#?=\"\r\n"
        "Content-Disposition: attachment; filename=\"=?gb2312?B?x*#?=\"\r\n\r\nxyz\r\n"
        f"--{b}--\r\n")
head = (b"From: Wu <wu@ouc.edu.cn>\r\nSubject: =?utf-8?B?" + base64.b64encode("教室投影仪坏了".encode()) + b"?=\r\n"
        b"MIME-Version: 1.0\r\nTo: hqjt@ouc.edu.cn\r\nMessage-ID: <bad-filenames-016@ouc.edu.cn>\r\n"
        + f'Content-Type: multipart/mixed; boundary="{b}"\r\n'.encode())
write_raw("malformed_filenames.eml", head, body.encode("latin-1"))

print("samples written to", HERE)
