"""Races, on PostgreSQL (SQLite serialises writers, so they cannot happen there): two judges submitting at the same
moment, the same sheet submitted twice at once, a correction racing the chief judge's confirmation, and several
sign-ups at once — each leaves one consistent state (versions, events and numbers agree)."""

import threading

import pytest
from django.db import connection

from qualityservice.competitions import services
from qualityservice.competitions.models import Contestant, Sheet, SheetVersion
from qualityservice.competitions.workflows import SHEET
from qualityservice.core.models import WorkflowEvent
from qualityservice.core.workflow import TransitionError
from qualityservice.org.tests.factories import StaffFactory

from .factories import build, score, sheets_of, values

pytestmark = pytest.mark.django_db(transaction=True)


def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL race: runs in the PostgreSQL pass of make test (SQLite serialises writers)")


def _race(*calls):
    """Run the calls in threads released together; returns each call's result or exception."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # the refused side of the race
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _events(sheet, action):
    return WorkflowEvent.objects.filter(object_id=sheet.pk, action=action, content_type__model="sheet").count()


def test_two_judges_submitting_at_the_same_moment_both_lock_their_own_sheet(org):
    _postgres_only()
    setup = build(org, contestants=1, panel=1, reserves=0)
    mine, theirs = sheets_of(setup.round)
    for sheet in (mine, theirs):
        services.save_values(sheet, values(8, 8, 8), by=sheet.appointment.staff.user)
    results = _race(*(lambda s=s: services.submit_sheet(s, by=s.appointment.staff.user) for s in (mine, theirs)))
    assert [type(r) for r in results] == [Sheet, Sheet]
    for sheet in (mine, theirs):
        sheet.refresh_from_db()
        assert (sheet.status, sheet.version, SheetVersion.objects.filter(sheet=sheet).count(), _events(sheet, "submit")) == (
            Sheet.Status.SUBMITTED, 1, 1, 1)


def test_the_same_sheet_submitted_twice_at_once_is_one_version(org):
    _postgres_only()
    setup = build(org, contestants=1, panel=1, reserves=0)
    sheet = sheets_of(setup.round)[1]
    judge = sheet.appointment.staff.user
    services.save_values(sheet, values(8, 8, 8), by=judge)
    results = _race(*(lambda: services.submit_sheet(sheet, by=judge) for _ in range(4)))
    assert sum(isinstance(r, Sheet) for r in results) == 1
    assert all(isinstance(r, Sheet | TransitionError) for r in results)
    sheet.refresh_from_db()
    assert (sheet.version, SheetVersion.objects.filter(sheet=sheet).count(), _events(sheet, "submit")) == (1, 1, 1)


def test_a_correction_racing_the_confirmation_leaves_one_consistent_outcome(org):
    _postgres_only()
    for _attempt in range(3):
        setup = build(org, contestants=1, panel=1, reserves=0)
        sheet = score(sheets_of(setup.round)[1], values(8, 8, 8))
        judge = sheet.appointment.staff.user
        corrected, confirmed = _race(
            lambda sheet=sheet, judge=judge: services.correct_sheet(sheet, values(6, 8, 8), by=judge, reason="复核后更正"),
            lambda sheet=sheet, chief=setup.chief: SHEET.apply(sheet, "confirm", by=chief, version=1))
        sheet.refresh_from_db()
        versions = SheetVersion.objects.filter(sheet=sheet).count()
        if isinstance(corrected, Sheet):  # the correction won: the chief saw version 1, which is gone
            assert isinstance(confirmed, TransitionError)
            assert (sheet.status, sheet.version, versions, sheet.total) == (Sheet.Status.SUBMITTED, 2, 2, 22)
        else:  # the confirmation won: the confirmed version 1 cannot be corrected any more
            assert isinstance(corrected, TransitionError) and isinstance(confirmed, Sheet)
            assert (sheet.status, sheet.version, versions, sheet.total) == (Sheet.Status.CONFIRMED, 1, 1, 24)
        assert _events(sheet, "correct") + _events(sheet, "confirm") == 1


def test_sign_ups_at_the_same_moment_get_distinct_numbers_and_one_row_per_person(org):
    _postgres_only()
    setup = build(org, contestants=0, panel=1, reserves=0, open_round=False)
    people = [StaffFactory(department=org.yinshi) for _ in range(5)]
    results = _race(*(lambda p=p: services.sign_up(setup.competition, p, by=org.supervisor, key=None) for p in people),
                    lambda: services.sign_up(setup.competition, people[0], by=org.head_yinshi, key=None))
    numbers = sorted(Contestant.objects.values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5]
    assert Contestant.objects.filter(staff=people[0]).count() == 1
    assert sum(isinstance(r, Exception) for r in results) == 1
