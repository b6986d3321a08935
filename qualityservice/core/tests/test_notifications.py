"""Notifications: e-mail and group-robot webhook, sent after the transaction commits; failures never
break the caller."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.db import transaction

from qualityservice.core.notifications import notify


@pytest.fixture
def robot(settings):
    """A local group-robot webhook that records what it receives."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append((self.headers["Content-Type"], json.loads(self.rfile.read(int(self.headers["Content-Length"])))))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"errcode":0}')

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.QS_NOTIFY_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/robot"
    yield received
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_it_mails_the_users_and_posts_to_the_group_robot_after_commit(org, robot, django_capture_on_commit_callbacks):
    org.head_wuye.email = "head@example.edu.cn"
    org.head_wuye.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[org.head_wuye, None], emails=["duty@example.edu.cn"], subject="新投诉", body="第一餐厅：饭菜偏咸",
               url="/staff/feedback/1/")
        assert mail.outbox == []  # nothing before the commit
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["duty@example.edu.cn", "head@example.edu.cn"]
    assert message.subject == "新投诉" and "http://testserver/staff/feedback/1/" in message.body
    assert robot == [("application/json; charset=utf-8",
                      {"msgtype": "text", "text": {"content": "新投诉\n第一餐厅：饭菜偏咸\nhttp://testserver/staff/feedback/1/"}})]


def test_it_sends_nothing_when_the_transaction_rolls_back(org, robot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify(emails=["duty@example.edu.cn"], subject="x", body="y")
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert mail.outbox == [] and robot == []


def test_it_survives_a_dead_webhook_and_a_dead_mail_server(db, settings, django_capture_on_commit_callbacks):
    settings.QS_NOTIFY_WEBHOOK_URL = f"http://127.0.0.1:{closed_port()}/robot"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    with django_capture_on_commit_callbacks(execute=True):
        notify(emails=["duty@example.edu.cn"], subject="x", body="y")  # must not raise


def test_it_can_skip_the_webhook(db, robot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(emails=["a@example.edu.cn"], subject="x", body="y", webhook=False)
    assert len(mail.outbox) == 1 and robot == []


def test_it_finds_the_heads_of_a_department_in_the_worker(org, django_capture_on_commit_callbacks, django_assert_max_num_queries):
    for user, email in ((org.head_wuye, "wuye@example.edu.cn"), (org.head_yinshi, "yinshi@example.edu.cn"),
                        (org.staff_wuye, "staff@example.edu.cn")):
        user.email = email
        user.save()
    with django_assert_max_num_queries(0):  # the caller's request does no look-up
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            notify(heads_of=[org.wuye.pk], subject="新投诉", body="楼道灯坏了")
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["wuye@example.edu.cn"]]
