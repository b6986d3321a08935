"""Never over capacity, whatever the concurrency: registrations of one session take the session's row lock
(SELECT … FOR UPDATE) before they count the seats, so parallel requests are served one after the other in the
order they reach the lock, and a check constraint backs the counter. Real races need concurrent writers: these
run in the PostgreSQL pass (SQLite serialises writers with its IMMEDIATE transactions)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from qualityservice.events import services
from qualityservice.events.models import Registration, Session

from .helpers import key, make_event, member, visitor

pytestmark = pytest.mark.django_db(transaction=True)


def needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs concurrent writers (SQLite serialises them): runs in the PostgreSQL pass")


def race(calls) -> tuple[list, list]:
    """Run every callable in its own thread, all released together; returns (results, errors)."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []
    lock = threading.Lock()

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


def test_fifty_parallel_registrations_for_the_last_five_seats_give_five_seats_and_a_waiting_list_in_order(org):
    needs_postgresql()
    event = make_event(org, capacity=10)
    session = event.sessions.get()
    for n in range(5):
        visitor(session, n)
    people = [member(f"抢票{n}") for n in range(50)]
    calls = [lambda p=p: services.register(session, key=key("race"), user=p.user)[0] for p in people]
    results, errors = race(calls)
    assert errors == [] and len(results) == 50
    session.refresh_from_db()
    mine = Registration.objects.filter(session=session, user__isnull=False)
    assert mine.filter(status="confirmed").count() == 5 and mine.filter(status="waiting").count() == 45
    assert session.general_taken == 10 == session.capacity
    # Seats went to the first five to reach the lock; the waiting list is the order of arrival after them.
    arrival = list(mine.order_by("seq").values_list("status", flat=True))
    assert arrival == ["confirmed"] * 5 + ["waiting"] * 45
    assert list(Registration.objects.waiting_list(session).values_list("seq", flat=True)) == list(range(11, 56))


def test_the_same_person_registering_from_six_tabs_at_once_gets_one_registration(org):
    needs_postgresql()
    event = make_event(org, capacity=3)
    session = event.sessions.get()
    person = member("手快的同学")

    def attempt():
        try:
            return services.register(session, key=key("tab"), user=person.user)[0].pk
        except services.AlreadyRegistered as exc:
            return exc.registration.pk

    results, errors = race([attempt] * 6)
    assert errors == [] and len(set(results)) == 1
    assert Registration.objects.filter(session=session).count() == 1
    assert Session.objects.get(pk=session.pk).general_taken == 1


def test_the_same_form_posted_from_several_threads_makes_one_registration(org):
    needs_postgresql()
    event = make_event(org, capacity=3)
    session = event.sessions.get()
    data = {"name": "赵老师", "phone": "13905321001", "submission_key": "race-register-00000001"}

    def post():
        return Client().post(session.get_register_url(), data)

    results, errors = race([post] * 6)
    assert errors == []
    registration = Registration.objects.get()
    assert {r.status_code for r in results} == {302}
    assert {r["Location"] for r in results} == {registration.get_ticket_url()}
    assert Session.objects.get(pk=session.pk).general_taken == 1


def test_parallel_cancellations_give_each_freed_seat_to_one_person_in_order(org):
    needs_postgresql()
    event = make_event(org, capacity=4)
    session = event.sessions.get()
    seated = [visitor(session, n) for n in range(4)]
    line = [visitor(session, n) for n in range(10, 16)]
    results, errors = race([lambda r=r: services.cancel_by_person(r) for r in seated])
    assert errors == []
    statuses = [Registration.objects.get(pk=r.pk).status for r in line]
    assert statuses == ["offered"] * 4 + ["waiting"] * 2
    assert Session.objects.get(pk=session.pk).general_taken == 4
