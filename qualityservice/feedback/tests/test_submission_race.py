"""One submitted form, one record — also when the same form reaches the server several times at once
(a double click on a slow line, a browser resending): the unique submission key decides (core.submissions)."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from qualityservice.feedback.models import Feedback, Reply
from qualityservice.feedback.workflows import FEEDBACK

from .factories import make_feedback

THREADS = 6


def race(post) -> list:
    """``post(client)`` from THREADS threads released together; returns the responses."""
    barrier = threading.Barrier(THREADS)
    responses, errors = [], []

    def worker():
        from django.db import connection as conn

        try:
            client = Client()
            barrier.wait()
            responses.append(post(client))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return responses


def needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs concurrent writers (SQLite serialises them): runs in the PostgreSQL pass")


@pytest.mark.django_db(transaction=True)
def test_it_logs_one_call_when_the_hotline_form_is_posted_from_several_threads_at_once(org):
    needs_postgresql()
    data = {"caller_name": "赵老师", "caller_phone": "0532-1234", "kind": "complaint", "department": org.wuye.pk,
            "body": "宿舍楼热水不热", "submission_key": "race-hotline-0001"}

    def post(client):
        client.force_login(org.operator)
        return client.post(reverse("feedback:hotline"), data)

    responses = race(post)
    record = Feedback.objects.get()
    assert record.submission_key == "hotline:race-hotline-0001" and record.body == "宿舍楼热水不热"
    assert [r.status_code for r in responses] == [302] * THREADS
    assert {r["Location"] for r in responses} == {record.get_absolute_url()}
    assert record.events.count() == 1 and record.history.count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_adds_one_reply_when_the_reply_form_is_posted_from_several_threads_at_once(org):
    needs_postgresql()
    item = make_feedback(org)
    data = {"body": "已安排维修", "visibility": "public", "resolve": "on", "submission_key": "race-reply-0001"}

    def post(client):
        client.force_login(org.head_wuye)
        return client.post(reverse("feedback:reply", args=[item.pk]), data)

    responses = race(post)
    assert [r.status_code for r in responses] == [302] * THREADS
    reply = Reply.objects.get()
    assert (reply.feedback_id, reply.body, reply.submission_key) == (item.pk, "已安排维修", "reply:race-reply-0001")
    item.refresh_from_db()
    assert item.events.filter(action="resolve").count() == 1 and FEEDBACK.status_of(item) == "resolved"


@pytest.mark.django_db(transaction=True)
def test_it_records_one_callback_attempt_when_the_callback_form_is_posted_from_several_threads_at_once(org):
    needs_postgresql()
    item = make_feedback(org)
    FEEDBACK.apply(item, "resolve", by=org.head_wuye, note="已处理。")
    data = {"reached": "0", "comment": "无人接听", "submission_key": "race-callback-0001"}

    def post(client):
        client.force_login(org.operator)
        return client.post(reverse("feedback:callback", args=[item.pk]), data)

    responses = race(post)
    assert [r.status_code for r in responses] == [302] * THREADS  # before: the losers' insert failed (500)
    [attempt] = item.callbacks.all()
    assert (attempt.attempt_no, attempt.result, attempt.submission_key) == (1, "unreachable", "callback:race-callback-0001")
    assert item.events.filter(action="callback_unreached").count() == 1
