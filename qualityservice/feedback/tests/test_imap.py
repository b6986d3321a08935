"""The IMAP poller against a real dovecot on loopback (started here, stopped after)."""

import base64
import imaplib
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

from qualityservice.core.testing import require_service
from qualityservice.feedback.mailbox import poll_mailbox
from qualityservice.feedback.models import Feedback, MailMessage

MAIL = pathlib.Path(__file__).parent / "mail"
DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
pytestmark = pytest.mark.services


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dovecot():
    require_service(os.path.exists(DOVECOT) and os.geteuid() == 0, "dovecot (run as root)")
    # Not under pytest's tmp_path: its parents are private to root, and dovecot's auth and
    # mail processes run as unprivileged users that must read the passwd file and maildir.
    base = pathlib.Path(tempfile.mkdtemp(prefix="qs-dovecot-"))
    base.chmod(0o755)
    run, mail = base / "run", base / "mail"
    for d in (run, mail):
        d.mkdir(parents=True)
    shutil.chown(mail, "mail", "mail")
    port = _free_port()
    (base / "passwd").write_text("complaints:{PLAIN}secret\n")
    (base / "passwd").chmod(0o644)
    conf = base / "dovecot.conf"
    conf.write_text(f"""
protocols = imap
listen = 127.0.0.1
base_dir = {run}
state_dir = {base}/state
log_path = {base}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 8
mail_location = maildir:{mail}/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {base}/passwd
}}
userdb {{
  driver = static
  args = uid=mail gid=mail home={mail}/%u
}}
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
""")
    (base / "state").mkdir()
    # The master daemonises: its output goes to a file (a pipe would stay open and block run()).
    with open(base / "start.log", "wb") as log:
        proc = subprocess.run([DOVECOT, "-c", str(conf)], stdout=log, stderr=subprocess.STDOUT, timeout=30)
    require_service(proc.returncode == 0, f"dovecot start: {(base / 'start.log').read_text(errors='replace').strip()}")
    try:
        for _ in range(50):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        yield {"port": port, "user": "complaints", "password": "secret"}
    finally:
        pid_file = run / "master.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().strip())
            os.kill(pid, 15)
            for _ in range(50):
                try:
                    os.kill(pid, 0)
                    time.sleep(0.1)
                except ProcessLookupError:
                    break
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def mailbox_server(dovecot, settings):
    settings.QS_IMAP_HOST = "127.0.0.1"
    settings.QS_IMAP_PORT = dovecot["port"]
    settings.QS_IMAP_USER = dovecot["user"]
    settings.QS_IMAP_PASSWORD = dovecot["password"]
    settings.QS_IMAP_FOLDER = "INBOX"
    settings.QS_IMAP_SSL = False
    return dovecot


def client_for(server) -> imaplib.IMAP4:
    client = imaplib.IMAP4("127.0.0.1", server["port"])
    client.login(server["user"], server["password"])
    return client


def deliver(server, *messages: bytes) -> None:
    client = client_for(server)
    for raw in messages:
        typ, _ = client.append("INBOX", None, None, raw)
        assert typ == "OK"
    client.logout()


def flags(server) -> dict[bytes, bytes]:
    """Flags of every message in INBOX, by Message-ID."""
    client = client_for(server)
    client.select("INBOX")
    typ, data = client.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
    client.logout()
    out = {}
    for item in data:
        if isinstance(item, tuple):
            out[item[1].split(b":", 1)[1].strip()] = item[0]
    return out


def counts(**kw) -> dict:
    return {"imported": 0, "reply": 0, "skipped": 0, "duplicate": 0, "rejected": 0, "failed": 0, **kw}


def test_it_imports_each_new_message_once_when_polling(mailbox_server, org):
    deliver(mailbox_server, *((MAIL / name).read_bytes() for name in (
        "utf8_plain.eml", "gb2312_qp.eml", "autoreply_auto_submitted.eml", "gb18030_multipart_photo.eml")))

    assert poll_mailbox() == counts(imported=3, skipped=1)
    assert set(Feedback.objects.values_list("title", flat=True)) == {"投诉：二餐厅米饭夹生", "楼道灯坏了", "卫生间漏水（附照片）"}
    assert Feedback.objects.get(title="卫生间漏水（附照片）").attachments.count() == 1

    # Seen messages are not fetched again; a re-delivered copy (same Message-ID) is not imported twice.
    assert poll_mailbox() == counts()
    deliver(mailbox_server, (MAIL / "utf8_plain.eml").read_bytes())
    assert poll_mailbox() == counts(duplicate=1)
    assert Feedback.objects.count() == 3 and MailMessage.objects.count() == 4

    # A reply goes on the thread of the item it answers.
    deliver(mailbox_server, (MAIL / "reply_in_reply_to.eml").read_bytes())
    assert poll_mailbox() == counts(reply=1)
    assert Feedback.objects.get(title="投诉：二餐厅米饭夹生").events.filter(action="mail_reply").count() == 1


def test_it_marks_a_rejected_message_when_polling_and_does_not_fetch_it_again(mailbox_server, org, monkeypatch):
    deliver(mailbox_server, (MAIL / "unknown_charset_unreadable.eml").read_bytes(), (MAIL / "nul_charset.eml").read_bytes(),
            (MAIL / "raw_gbk_from.eml").read_bytes())
    assert poll_mailbox() == counts(imported=2, rejected=1)
    rejected = MailMessage.objects.get(outcome=MailMessage.Outcome.REJECTED)
    assert "x-klingon" in rejected.reason and rejected.subject == "ticket"
    marks = flags(mailbox_server)
    assert b"\\Seen" in marks[b"<unknown-charset-015@example.com>"] and b"$QSRejected" in marks[b"<unknown-charset-015@example.com>"]
    assert b"\\Seen" in marks[b"<raw-gbk-013@ouc.edu.cn>"] and b"$QSRejected" not in marks[b"<raw-gbk-013@ouc.edu.cn>"]

    # Someone reads it in a mail client and marks it unread again: still not fetched.
    client = client_for(mailbox_server)
    client.select("INBOX")
    client.uid("STORE", "1:*", "-FLAGS", "(\\Seen)")
    client.logout()
    fetched = []
    real = imaplib.IMAP4.uid

    def spy(self, command, *args):
        if command.upper() == "FETCH" and "BODY.PEEK[]" in args[-1]:
            fetched.append(args[0])
        return real(self, command, *args)

    monkeypatch.setattr(imaplib.IMAP4, "uid", spy)
    assert poll_mailbox() == counts(duplicate=2)  # the two imported ones, known by their Message-ID hash
    assert fetched == []  # and nothing was downloaded

    # A second copy of the rejected message is recognised by its hash and marked without a download.
    deliver(mailbox_server, (MAIL / "unknown_charset_unreadable.eml").read_bytes())
    assert poll_mailbox() == counts(duplicate=1) and fetched == []
    assert all(b"$QSRejected" in f for mid, f in flags(mailbox_server).items() if mid == b"<unknown-charset-015@example.com>")
    assert MailMessage.objects.count() == 3 and Feedback.objects.count() == 2


def test_it_downloads_only_header_and_text_of_an_oversized_message_when_polling(mailbox_server, org, settings, monkeypatch):
    settings.QS_MAIL_MAX_BYTES = 64 * 1024
    attachment = base64.b64encode(bytes(range(256)) * 2000).decode()  # ~680 KB encoded
    b = "big-boundary"
    raw = (
        "From: =?gb2312?B?" + base64.b64encode("孙老师".encode("gbk")).decode() + "?= <sun@ouc.edu.cn>\r\n"
        "Subject: =?utf-8?B?" + base64.b64encode("录像附件".encode()).decode() + "?=\r\n"
        "Message-ID: <big-imap@ouc.edu.cn>\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: multipart/mixed; boundary=\"{b}\"\r\n\r\n"
        f"--{b}\r\nContent-Type: text/plain; charset=gb2312\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.b64encode("监控录像在附件里，请查看。".encode("gbk")).decode() + "\r\n"
        f"--{b}\r\nContent-Type: video/mp4; name=\"=?gb2312?B?" + base64.b64encode("录像.mp4".encode("gbk")).decode()
        + "?=\"\r\nContent-Disposition: attachment\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + "\r\n".join(attachment[i:i + 76] for i in range(0, len(attachment), 76)) + f"\r\n--{b}--\r\n"
    ).encode()
    assert len(raw) > 10 * settings.QS_MAIL_MAX_BYTES
    deliver(mailbox_server, raw)
    received = []
    real_read = imaplib.IMAP4.read

    def counting_read(self, size):
        data = real_read(self, size)
        received.append(len(data))
        return data

    monkeypatch.setattr(imaplib.IMAP4, "read", counting_read)
    assert poll_mailbox() == counts(imported=1)
    assert sum(received) < 16 * 1024  # header and text only, not the ~700 KB message
    fb = Feedback.objects.get()
    assert (fb.title, fb.body, fb.submitter_name) == ("录像附件", "监控录像在附件里，请查看。", "孙老师")
    assert "录像.mp4" in fb.events.get(action="note").note
    assert MailMessage.objects.get().size == len(raw)
