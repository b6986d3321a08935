"""The indicators read a closed month from the stored monthly figures (``PublishedFigure``) and the rest of the
period from the items: on constructed data, every indicator equals the live formula over the items, for a closed
year (read from the stored figures only), the current year (its month in progress from the items), a range of days
cut through months, and before any refresh."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qualityservice.core import indicators
from qualityservice.core.indicators import Period
from qualityservice.feedback import indicators as published
from qualityservice.feedback import services
from qualityservice.feedback.models import Feedback, Kind, Status
from qualityservice.org.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

KEYS = [i.key for i in published.INDICATORS]
LAST_YEAR = timezone.localdate().year - 1  # always inside the refresh's 24-month window


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


def constructed(org, months):
    """Items of every state in the given (year, month)s, in three departments, one merged duplicate each month."""
    departments = [org.wuye, org.yinshi, org.office]
    rows = []
    for m, (year, month) in enumerate(months):
        for d, department in enumerate(departments):
            for i in range(3 + (m + d) % 4):
                state = (i + m + d) % 6
                resolved = state in (0, 1, 2, 3)
                rows.append(Feedback(
                    department=department, title="t", body="b", created_at=at(year, month, 1 + (7 * i + d) % 28, hour=i % 24),
                    kind=[Kind.COMPLAINT, Kind.SUGGESTION, Kind.PRAISE][(i + d) % 3],
                    status=[Status.CLOSED, Status.RESOLVED, Status.CLOSED, Status.RESOLVED, Status.REOPENED, Status.RECEIVED][state],
                    resolved_at=at(year, month, 28) if state in (0, 1, 3) else None,
                    resolved_on_time=resolved and (i + m) % 3 != 0, satisfaction=(1 + (i + d + m) % 5) if state < 3 else None,
                    reopen_count=1 if state in (0, 4) else 0))
    Feedback.objects.bulk_create(rows)
    kept = Feedback.objects.filter(department=org.wuye).order_by("pk").first()
    Feedback.objects.bulk_create([Feedback(department=org.wuye, title="t", body="b", created_at=at(year, month, 2),
                                           status=Status.MERGED, merged_into=kept) for year, month in months])
    StaffFactory.create_batch(3, department=org.wuye)
    StaffFactory.create_batch(2, department=org.yinshi)
    return [org.group.pk, *(d.pk for d in departments)]


def live(ids, period, monkeypatch):
    """The live formula: the same indicators with every count taken from the items."""
    with monkeypatch.context() as patch:
        patch.setattr(published, "figures", published.live_figures)
        return {key: dict(indicators.values([key], ids, period).data[key]) for key in KEYS}


def stored(ids, period):
    return {key: dict(indicators.values([key], ids, period).data[key]) for key in KEYS}


def test_it_reads_a_closed_year_from_the_stored_figures_only_and_equals_the_live_formula(org, monkeypatch):
    ids = constructed(org, [(LAST_YEAR, m) for m in range(1, 13)])
    services.refresh_public_figures()
    period = Period.year(LAST_YEAR)
    expected = live(ids, period, monkeypatch)
    with CaptureQueriesContext(connection) as queries:
        got = stored(ids, period)
    assert got == expected
    assert any(v for values in got.values() for v in values.values())  # real figures, not only empties
    assert not [q["sql"] for q in queries if "feedback_feedback" in q["sql"]]  # no item read
    # Items changed after the refresh show at the next refresh (the stored figures are as of the last refresh).
    Feedback.objects.filter(created_at__year=LAST_YEAR, status=Status.RECEIVED).update(status=Status.CLOSED)
    assert stored(ids, period) == got
    services.refresh_public_figures()
    assert stored(ids, period) == live(ids, period, monkeypatch) != got


def test_it_reads_the_month_in_progress_up_to_the_refresh_and_counts_the_items_since(org, monkeypatch):
    today = timezone.localdate()
    months = sorted({(today.year, m) for m in range(1, today.month + 1)})
    ids = constructed(org, [m for m in months if m != (today.year, today.month)])
    Feedback.objects.create(department=org.wuye, kind=Kind.COMPLAINT, title="t", body="b",
                            created_at=timezone.now() - datetime.timedelta(seconds=1))  # this month, before the refresh
    services.refresh_public_figures()
    # Received after the refresh, in the month in progress: counted at once.
    Feedback.objects.create(department=org.wuye, kind=Kind.COMPLAINT, title="t", body="b", created_at=timezone.now())
    period = Period.this_year()
    refreshed_at, months_stored, days = published.split(period)
    assert months_stored[-1] == datetime.date(today.year, today.month, 1)
    assert days == [(refreshed_at, Period.month(today.year, today.month).bounds()[1])]
    got = stored(ids, period)
    assert got == live(ids, period, monkeypatch)
    this_month = Period.month(today.year, today.month)
    assert stored(ids, this_month)["feedback.received"][org.wuye.pk] == 2  # one before the refresh, one after


def test_it_cuts_a_range_of_days_through_months_exactly(org, monkeypatch):
    ids = constructed(org, [(LAST_YEAR, m) for m in (2, 3, 4, 5)])
    services.refresh_public_figures()
    period = Period(datetime.date(LAST_YEAR, 2, 10), datetime.date(LAST_YEAR, 5, 20))
    refreshed_at, months, days = published.split(period)
    assert months == [datetime.date(LAST_YEAR, 3, 1), datetime.date(LAST_YEAR, 4, 1)] and len(days) == 2
    assert stored(ids, period) == live(ids, period, monkeypatch)


def test_it_counts_from_the_items_before_any_refresh_and_for_months_older_than_the_window(org, monkeypatch):
    old = LAST_YEAR - 3
    ids = constructed(org, [(old, 6), (LAST_YEAR, 6)])
    assert stored(ids, Period.year(LAST_YEAR)) == live(ids, Period.year(LAST_YEAR), monkeypatch)
    services.refresh_public_figures()
    assert published.split(Period.year(old))[1] == []  # before the window: from the items
    assert stored(ids, Period.year(old)) == live(ids, Period.year(old), monkeypatch)
    assert any(stored(ids, Period.year(old))["feedback.received"].values())
