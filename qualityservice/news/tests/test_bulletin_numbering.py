"""Bulletin numbering per year (第N期): issues published at the same moment get consecutive numbers of their year,
no gap and no duplicate, and nobody sees an error page. Publishing locks the year's row (``BulletinYear``) before it
reads the highest number; a number the unique constraint still refuses is taken again, and in the end the user reads
a message, never a 500. The real race needs concurrent writers: it runs in the PostgreSQL pass (SQLite serialises
writers with its IMMEDIATE transactions)."""

import threading

import pytest
from django.db import IntegrityError, connection
from django.test import Client
from django.urls import reverse

from qualityservice.core.workflow import TransitionError
from qualityservice.news import bulletins, workflows
from qualityservice.news.models import Bulletin

pytestmark = pytest.mark.django_db(transaction=True)


def _bulletin(org, year=2026, month=3):
    return bulletins.create_bulletin(key=None, by=org.supervisor, title="后勤集团工作简报", year=year, month=month,
                                     unit="集团办公室", report_to="", copy_to="", sections="")[0]


def race(calls) -> tuple[list, list]:
    """Run every callable in its own thread (its own database connection), all released together."""
    barrier = threading.Barrier(len(calls))
    results, errors, lock = [], [], threading.Lock()

    def worker(call):
        from django.db import connection as conn

        try:
            barrier.wait()
            value = call()
            with lock:
                results.append(value)
        except Exception as exc:
            with lock:
                errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_it_gives_issues_published_at_once_consecutive_numbers_of_their_year_and_no_error_page(org):
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs concurrent writers (SQLite serialises them): runs in the PostgreSQL pass")
    this_year = [_bulletin(org) for _ in range(8)]
    other_year = [_bulletin(org, year=2025, month=12) for _ in range(3)]

    def publish(bulletin):
        client = Client()  # a request of its own: a 500 raises here, a refused move would come back as a message
        client.force_login(org.supervisor)
        response = client.post(reverse("news:bulletin_move", args=[bulletin.pk]), {"action": "publish"})
        return response.status_code

    results, errors = race([lambda b=b: publish(b) for b in this_year + other_year])
    assert errors == [] and results == [302] * 11
    numbers = dict(Bulletin.objects.filter(status="published").values_list("pk", "number"))
    assert sorted(numbers[b.pk] for b in this_year) == list(range(1, 9))
    assert sorted(numbers[b.pk] for b in other_year) == [1, 2, 3]


def test_the_same_issue_published_twice_at_once_is_published_once_with_one_number(org):
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs concurrent writers: runs in the PostgreSQL pass")
    bulletin = _bulletin(org)
    results, errors = race([lambda: bulletins.publish_bulletin(bulletin, by=org.supervisor).number for _ in range(4)])
    assert len(results) == 1 and len(errors) == 3 and all(isinstance(e, TransitionError) for e in errors)
    assert Bulletin.objects.get().number == 1


def test_a_refused_number_is_taken_again_and_the_user_reads_a_message_if_it_keeps_failing(org, monkeypatch, client):
    first, second = _bulletin(org), _bulletin(org)
    bulletins.publish_bulletin(first, by=org.supervisor)
    real = workflows.next_number
    calls = []

    def stale_then_right(year):  # the first attempt reads a number someone else took meanwhile
        calls.append(year)
        return 1 if len(calls) == 1 else real(year)

    monkeypatch.setattr(workflows, "next_number", stale_then_right)
    assert bulletins.publish_bulletin(second, by=org.supervisor).number == 2 and len(calls) == 2

    third = _bulletin(org)
    monkeypatch.setattr(workflows, "next_number", lambda year: 1)  # always taken
    client.force_login(org.supervisor)
    response = client.post(reverse("news:bulletin_move", args=[third.pk]), {"action": "publish"}, follow=True)
    assert response.status_code == 200 and "请重新发布" in response.content.decode()
    third.refresh_from_db()
    assert third.status == Bulletin.Status.DRAFT and third.number is None and third.figures == []
    with pytest.raises(IntegrityError):  # the constraint is still the last guarantee
        Bulletin.objects.filter(pk=third.pk).update(number=1)
