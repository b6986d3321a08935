"""The IMAP poller against a real dovecot on loopback (started here, stopped after)."""

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


def test_the_poller_imports_each_new_message_once(dovecot, settings, org):
    client = imaplib.IMAP4("127.0.0.1", dovecot["port"])
    client.login(dovecot["user"], dovecot["password"])
    for name in ("utf8_plain.eml", "gb2312_qp.eml", "autoreply_auto_submitted.eml", "gb18030_multipart_photo.eml"):
        typ, _ = client.append("INBOX", None, None, (MAIL / name).read_bytes())
        assert typ == "OK"
    client.logout()
    settings.QS_IMAP_HOST = "127.0.0.1"
    settings.QS_IMAP_PORT = dovecot["port"]
    settings.QS_IMAP_USER = dovecot["user"]
    settings.QS_IMAP_PASSWORD = dovecot["password"]
    settings.QS_IMAP_FOLDER = "INBOX"
    settings.QS_IMAP_SSL = False

    counts = poll_mailbox()
    assert counts == {"imported": 3, "skipped": 1, "duplicate": 0, "failed": 0}
    assert set(Feedback.objects.values_list("title", flat=True)) == {"投诉：二餐厅米饭夹生", "楼道灯坏了", "卫生间漏水（附照片）"}
    assert Feedback.objects.get(title="卫生间漏水（附照片）").attachments.count() == 1

    # Seen messages are not fetched again; a re-delivered copy (same Message-ID) is not imported twice.
    assert poll_mailbox() == {"imported": 0, "skipped": 0, "duplicate": 0, "failed": 0}
    client = imaplib.IMAP4("127.0.0.1", dovecot["port"])
    client.login(dovecot["user"], dovecot["password"])
    client.append("INBOX", None, None, (MAIL / "utf8_plain.eml").read_bytes())
    client.logout()
    assert poll_mailbox()["duplicate"] == 1
    assert Feedback.objects.count() == 3 and MailMessage.objects.count() == 4
