"""Notifications: e-mail and group-robot webhook, sent after the transaction commits; failures never
break the caller."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.db import transaction

from qualityservice.core import notifications
from qualityservice.core.models import Notification
from qualityservice.core.notifications import deliver_pending_notifications, notify


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
    row = Notification.objects.get()  # kept for a later run: one attempt made, the mail failure recorded
    assert row.sent_at is None and row.attempts == 1 and row.result == "mail failed"
    assert mail.outbox == []


def test_it_can_skip_the_webhook(db, robot, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(emails=["a@example.edu.cn"], subject="x", body="y", webhook=False)
    assert len(mail.outbox) == 1 and robot == []


def test_it_finds_the_heads_of_a_department_in_the_worker(org, django_capture_on_commit_callbacks, django_assert_max_num_queries):
    for user, email in ((org.head_wuye, "wuye@example.edu.cn"), (org.head_yinshi, "yinshi@example.edu.cn"),
                        (org.staff_wuye, "staff@example.edu.cn")):
        user.email = email
        user.save()
    with django_assert_max_num_queries(1):  # the caller writes the outbox row and looks nothing up
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            notify(heads_of=[org.wuye.pk], subject="新投诉", body="楼道灯坏了")
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["wuye@example.edu.cn"]]


def test_it_finds_the_supervisors_in_the_worker_only_when_asked(org, django_capture_on_commit_callbacks,
                                                              django_assert_max_num_queries):
    for user, email in ((org.supervisor, "sup@example.edu.cn"), (org.head_wuye, "wuye@example.edu.cn"),
                        (org.admin, "admin@example.edu.cn")):
        user.email = email
        user.save()
    with django_assert_max_num_queries(2):  # two outbox rows; nothing looked up by the caller
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            notify(supervisors=True, heads_of=[org.wuye.pk], subject="逾期整改", body="楼道积水")
            notify(emails=["duty@example.edu.cn"], subject="新投诉", body="x")
    for callback in callbacks[:1]:
        callback()
    assert sorted(m.to for m in mail.outbox) == [["duty@example.edu.cn"], ["sup@example.edu.cn", "wuye@example.edu.cn"]]


def test_it_writes_the_outbox_row_in_the_callers_transaction_and_marks_it_sent(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            notify(emails=["a@example.edu.cn"], subject="新投诉", body="y")
    row = Notification.objects.get()
    assert row.sent_at is None and row.payload["subject"] == "新投诉"
    for callback in callbacks:
        callback()
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 1
    assert [m.subject for m in mail.outbox] == ["新投诉"]


def test_it_leaves_no_outbox_row_after_a_rolled_back_transaction(db):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            notify(emails=["a@example.edu.cn"], subject="x", body="y")
            raise RuntimeError
    assert not Notification.objects.exists()


def test_it_delivers_a_burst_in_one_run_with_a_query_count_independent_of_its_size(
        org, settings, django_capture_on_commit_callbacks):
    org.head_wuye.email = "wuye@example.edu.cn"
    org.head_wuye.save()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from config.celery import app

    app.conf.task_always_eager = False
    kicked = []
    real = notifications.deliver_pending_notifications.apply_async
    notifications.deliver_pending_notifications.apply_async = lambda *a, **kw: kicked.append(kw)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            for i in range(30):
                notify(heads_of=[org.wuye.pk], emails=[f"duty{i % 3}@example.edu.cn"], subject=f"新投诉 {i}", body="…")
    finally:
        notifications.deliver_pending_notifications.apply_async = real
        app.conf.task_always_eager = True
    assert len(kicked) == 1 and kicked[0]["countdown"] == settings.QS_NOTIFY_BATCH_SECONDS  # one task for the burst
    assert mail.outbox == []
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert deliver_pending_notifications() == 30
    marks = [q for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "sent_at" in q["sql"]]
    # One mark per message, written as soon as the mail server accepted it (a worker that dies mid-batch
    # leaves only the rest); the claim, the recipients and the empty last claim are not per item.
    assert len(marks) == 30 and len(queries.captured_queries) - len(marks) <= 10
    assert len(mail.outbox) == 30
    assert sorted(mail.outbox[0].to) == ["duty0@example.edu.cn", "wuye@example.edu.cn"]
    assert not Notification.objects.filter(sent_at__isnull=True).exists()
    assert deliver_pending_notifications() == 0  # nothing twice


def test_it_keeps_the_notification_for_a_later_run_when_the_mail_server_is_dead(db, settings, robot):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    with transaction.atomic():
        notify(emails=["duty@example.edu.cn"], subject="x", body="y")
    assert deliver_pending_notifications() == 0
    row = Notification.objects.get()
    assert row.sent_at is None and row.attempts == 1 and row.result == "mail failed"
    assert len(robot) == 1  # the robot got it once
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_pending_notifications() == 1
    row.refresh_from_db()
    assert row.sent_at is not None and len(mail.outbox) == 1
    assert len(robot) == 1  # and not again on the retry


def test_it_loses_nothing_in_a_broker_outage(db, monkeypatch, django_capture_on_commit_callbacks):
    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(notifications.deliver_pending_notifications, "apply_async", down)
    with django_capture_on_commit_callbacks(execute=True):
        notify(emails=["duty@example.edu.cn"], subject="x", body="y")  # must not raise
    assert mail.outbox == [] and Notification.objects.filter(sent_at__isnull=True).count() == 1
    assert deliver_pending_notifications() == 1  # the periodic job
    assert len(mail.outbox) == 1


def test_it_skips_the_cache_in_a_process_that_just_scheduled_the_delivery_until_it_runs(db, settings, monkeypatch):
    from config.celery import app

    class Cache:  # records the operations; add() like Django's (False when the key exists)
        def __init__(self):
            self.keys, self.adds = set(), 0

        def add(self, key, value, timeout):
            self.adds += 1
            if key in self.keys:
                return False
            self.keys.add(key)
            return True

        def delete(self, key):
            self.keys.discard(key)

    fake, scheduled, clock = Cache(), [], [1000.0]
    monkeypatch.setattr(notifications, "cache", fake)
    monkeypatch.setattr(notifications.deliver_pending_notifications, "apply_async", lambda **kw: scheduled.append(kw))
    monkeypatch.setattr(notifications, "_last_kick", {"at": float("-inf")})
    monkeypatch.setattr(notifications.time, "monotonic", lambda: clock[0])
    app.conf.task_always_eager = False
    try:
        notifications.kick()
        notifications.kick()  # at once: this process's task (countdown 2 s) has not run yet
        assert len(scheduled) == 1 and fake.adds == 1
        clock[0] += settings.QS_NOTIFY_BATCH_SECONDS + 0.1
        fake.delete(notifications.KICK_KEY)  # the task ran and took the key
        notifications.kick()
        assert len(scheduled) == 2 and fake.adds == 2
        fake.keys.add(notifications.KICK_KEY)  # another process's task is pending
        clock[0] += settings.QS_NOTIFY_BATCH_SECONDS + 0.1
        notifications.kick()
        notifications.kick()  # a failed add is not a scheduled task: ask again
        assert len(scheduled) == 2 and fake.adds == 4
    finally:
        app.conf.task_always_eager = True


class Killed(BaseException):
    """The worker process dies (SIGKILL): nothing after this line of the task runs."""


class DiesAtTheFourthMessage:
    """A mail connection whose worker is killed while it sends the fourth message."""

    sent: list = []

    def __init__(self, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        if len(self.sent) == 3:
            raise Killed
        self.sent.extend(messages)
        return len(messages)


def test_a_worker_that_dies_mid_batch_leaves_only_what_it_had_not_sent(db, settings, monkeypatch):
    """The scale-out drill's step 3 (bench/README.md): another worker takes over the rest of the dead one's
    batch when its lease runs out — and sends nothing twice."""
    from datetime import timedelta

    from django.utils import timezone

    with transaction.atomic():
        for i in range(10):
            notify(emails=[f"duty{i}@example.edu.cn"], subject=f"新投诉 {i}", body="…")
    monkeypatch.setattr(DiesAtTheFourthMessage, "sent", [])
    settings.EMAIL_BACKEND = f"{__name__}.DiesAtTheFourthMessage"
    before = timezone.now()
    with pytest.raises(Killed):
        deliver_pending_notifications()
    rows = list(Notification.objects.order_by("pk"))
    assert [r.sent_at is not None for r in rows] == [True] * 3 + [False] * 7  # marked one by one
    assert max(r.claimed_until for r in rows[3:]) <= before + timedelta(seconds=31)  # a short lease, not minutes
    assert deliver_pending_notifications() == 0  # another worker, while the lease runs: skips the batch
    Notification.objects.filter(sent_at__isnull=True).update(claimed_until=timezone.now() - timedelta(seconds=1))
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_pending_notifications() == 7  # the lease ran out: the rest, and only the rest
    received = [m.to for m in DiesAtTheFourthMessage.sent] + [m.to for m in mail.outbox]
    assert received == [[f"duty{i}@example.edu.cn"] for i in range(10)]


def test_each_message_carries_the_message_id_of_its_outbox_row(db, settings):
    """The same Message-ID on every attempt and from every worker: the one message that can be sent twice
    (the server accepted it as the worker died) is one message to its recipients' mail systems."""
    with transaction.atomic():
        notify(emails=["duty@example.edu.cn"], subject="新投诉", body="y")
    row = Notification.objects.get()
    assert deliver_pending_notifications() == 1
    expected = f"<qs-notification.{row.pk}.{int(row.created_at.timestamp())}@testserver>"
    assert mail.outbox[0].extra_headers["Message-ID"] == expected
    assert mail.outbox[0].message()["Message-ID"] == expected
    Notification.objects.update(sent_at=None)
    assert deliver_pending_notifications() == 1
    assert mail.outbox[1].extra_headers["Message-ID"] == expected


def test_a_long_delivery_renews_its_lease(db, monkeypatch):
    from django.utils import timezone

    with transaction.atomic():
        for i in range(3):
            notify(emails=[f"duty{i}@example.edu.cn"], subject=f"x{i}", body="y")
    monkeypatch.setattr(notifications, "RENEW", 0.0)  # every message is "a while later"
    leases = []
    real = notifications.EmailMessage

    def spy(*args, **kwargs):
        leases.append(sorted(n.claimed_until for n in Notification.objects.filter(sent_at__isnull=True)))
        return real(*args, **kwargs)

    monkeypatch.setattr(notifications, "EmailMessage", spy)
    start = timezone.now()
    assert deliver_pending_notifications() == 3
    assert leases[0][0] >= start and leases[1][0] > leases[0][-1]  # the rest's lease moved on after the first


def test_a_database_outage_mid_batch_stops_the_sending_and_marks_what_was_sent_once_it_is_back(db, monkeypatch):
    """Found by the scale-out drill (step 4): a mail accepted while PostgreSQL restarted could not be marked
    sent, and was sent again when its lease ran out."""
    from datetime import timedelta

    from django.db import OperationalError
    from django.utils import timezone

    with transaction.atomic():
        for i in range(5):
            notify(emails=[f"duty{i}@example.edu.cn"], subject=f"新投诉 {i}", body="…")
    real, calls = notifications._mark_sent, []

    def flaky(pks):
        calls.append(list(pks))
        if len(calls) in (2, 3):  # the second message's mark: the database is restarting
            raise OperationalError("the database system is shutting down")
        real(pks)

    monkeypatch.setattr(notifications, "_mark_sent", flaky)
    monkeypatch.setattr(notifications.time, "sleep", lambda s: None)
    assert deliver_pending_notifications() == 2  # the first, and the second once the database answered
    assert len(mail.outbox) == 2  # nothing sent while the outbox could not be written
    assert Notification.objects.filter(sent_at__isnull=False).count() == 2
    Notification.objects.filter(sent_at__isnull=True).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert deliver_pending_notifications() == 3  # the rest, later
    assert [m.to for m in mail.outbox] == [[f"duty{i}@example.edu.cn"] for i in range(5)]  # each once
