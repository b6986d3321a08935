"""The same create form posted from several threads at once makes one record (core.submissions.create_once
behind the unique submission key). Runs on PostgreSQL (DATABASE_URL); SQLite serialises writers, so the
race cannot happen there."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qualityservice.core.submissions import new_key
from qualityservice.inspections.models import DiscussionRecord, Inspection, Kind

from .helpers import six_checks

THREADS = 6


def _race(user, url, data):
    barrier = threading.Barrier(THREADS)
    locations, errors = [], []

    def worker():
        try:
            client = Client()  # each thread: its own client, session and database connection
            client.force_login(user)
            barrier.wait(timeout=10)
            response = client.post(url, data)
            locations.append((response.status_code, response.get("Location")))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    return locations


@pytest.mark.django_db(transaction=True)
def test_it_creates_one_inspection_when_the_same_form_arrives_from_several_threads(org):
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL race: runs in the PostgreSQL pass of make test (SQLite serialises writers)")
    data = {"kind": Kind.SPOT, "template": six_checks().pk, "department": org.wuye.pk, "title": "并发抽查",
            "due_date": timezone.localdate().isoformat(), "submission_key": new_key()}
    locations = _race(org.supervisor, reverse("inspections:new"), data)
    inspection = Inspection.objects.get(title="并发抽查")
    assert locations == [(302, reverse("inspections:fill", args=[inspection.pk]))] * THREADS
    assert inspection.submission_key == f"inspection:{data['submission_key']}"


@pytest.mark.django_db(transaction=True)
def test_it_records_one_discussion_when_the_same_form_arrives_from_several_threads(org):
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL race: runs in the PostgreSQL pass of make test (SQLite serialises writers)")
    data = {"department": org.wuye.pk, "topic": "优质服务我应该做什么", "held_on": timezone.localdate().isoformat(),
            "participants": "全体班组长", "summary": "并发提交的讨论记录", "submission_key": new_key()}
    locations = _race(org.head_wuye, reverse("inspections:discussion_new"), data)
    record = DiscussionRecord.objects.get()
    assert locations == [(302, record.get_absolute_url())] * THREADS
