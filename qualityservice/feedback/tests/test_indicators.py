"""The feedback figures published in the indicator registry: exact values on hand-made items, the
same figures as the public figures page, the states the workflow leaves, constant query counts."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qualityservice.core import indicators
from qualityservice.core.indicators import Period
from qualityservice.feedback import services
from qualityservice.feedback.models import Feedback, Kind, PublishedFigure, Status
from qualityservice.feedback.tests.factories import make_feedback
from qualityservice.feedback.workflows import FEEDBACK
from qualityservice.org.models import Staff
from qualityservice.org.tests.factories import DepartmentFactory, StaffFactory

KEYS = ["feedback.received", "feedback.complaints_per_100_staff", "feedback.on_time_rate", "feedback.callback_satisfaction",
        "feedback.reopened_rate"]


def at(year, month, day, hour=10, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


def item(department, created_at, *, kind=Kind.COMPLAINT, status=Status.RECEIVED, **fields):
    return Feedback.objects.create(department=department, kind=kind, title="楼道灯坏了", body="三楼楼道灯坏了", created_at=created_at,
                                   status=status, **fields)


@pytest.fixture
def items(org):
    """March 2025 in wuye (five items counted, one merged, one in February) and one item in yinshi."""
    resolved = {"resolved_at": at(2025, 3, 12)}
    # closed after a reopen, answered on time, satisfied (5)
    item(org.wuye, at(2025, 3, 1, 0, 5), status=Status.CLOSED, resolved_on_time=True, satisfaction=5, reopen_count=1,
         closed_at=at(2025, 3, 20), **resolved)
    # answered late, unhappy (2) but not reopened
    item(org.wuye, at(2025, 3, 5), status=Status.RESOLVED, resolved_on_time=False, satisfaction=2, **resolved)
    item(org.wuye, at(2025, 3, 6), kind=Kind.SUGGESTION)  # still waiting: not resolved
    item(org.wuye, at(2025, 3, 7), kind=Kind.PRAISE, status=Status.RESOLVED, resolved_on_time=True, **resolved)  # no deadline
    item(org.wuye, at(2025, 3, 31, 23, 50), status=Status.REOPENED, reopen_count=1)  # reopened, not answered again yet
    kept = item(org.wuye, at(2025, 3, 8))
    item(org.wuye, at(2025, 3, 8), status=Status.MERGED, merged_into=kept)  # a merged duplicate: never counted
    # ``kept`` is the sixth counted item of March; the one below is in February.
    item(org.wuye, at(2025, 2, 28, 23, 59))
    item(org.yinshi, at(2025, 3, 15), status=Status.CLOSED, resolved_on_time=True, satisfaction=4, **resolved)
    # wuye: head + staff member of the fixture, two more active, one who left → 4 active staff
    StaffFactory.create_batch(2, department=org.wuye)
    StaffFactory(department=org.wuye, is_active=False)
    return org


def values(org, period, keys=KEYS):
    departments = [org.group.pk, org.wuye.pk, org.yinshi.pk, org.office.pk]
    return indicators.values(keys, departments, period)


def test_it_counts_the_items_received_in_the_period_without_merged_duplicates(items):
    org = items
    table = values(org, Period.month(2025, 3))
    assert [table.value("feedback.received", d.pk) for d in (org.group, org.wuye, org.yinshi, org.office)] == [0, 6, 1, 0]
    assert table.value("feedback.received", org.wuye.pk) == 6  # 1 April 00:00 local is April: the 23:50 item is March
    assert values(org, Period.month(2025, 2)).value("feedback.received", org.wuye.pk) == 1
    assert values(org, Period.year(2025)).value("feedback.received", org.wuye.pk) == 7
    assert values(org, Period.quarter(2025, 2)).value("feedback.received", org.wuye.pk) == 0


def test_it_counts_complaints_per_100_active_staff(items):
    org = items
    table = values(org, Period.month(2025, 3))
    # wuye: 4 complaints (the closed, the late, the reopened, the kept one) × 100 / 4 active staff
    assert table.value("feedback.complaints_per_100_staff", org.wuye.pk) == 100.0
    # yinshi: 1 complaint, 3 active staff (head, staff member, judge)
    assert table.value("feedback.complaints_per_100_staff", org.yinshi.pk) == 33.33
    assert table.value("feedback.complaints_per_100_staff", org.office.pk) == 0.0  # staff, no complaint
    assert table.value("feedback.complaints_per_100_staff", org.group.pk) is None  # no staff
    assert values(org, Period.year(2025)).value("feedback.complaints_per_100_staff", org.wuye.pk) == 125.0


def test_it_rates_on_time_handling_among_the_resolved_items(items):
    org = items
    table = values(org, Period.month(2025, 3))
    # resolved: the closed (on time), the late, the praise (no deadline: on time) → 2 / 3
    assert table.value("feedback.on_time_rate", org.wuye.pk) == 66.7
    assert table.value("feedback.on_time_rate", org.yinshi.pk) == 100.0
    assert table.value("feedback.on_time_rate", org.office.pk) is None  # nothing resolved


def test_it_averages_the_satisfaction_scores_given(items):
    org = items
    table = values(org, Period.month(2025, 3))
    assert table.value("feedback.callback_satisfaction", org.wuye.pk) == 3.5  # (5 + 2) / 2
    assert table.value("feedback.callback_satisfaction", org.yinshi.pk) == 4.0
    assert table.value("feedback.callback_satisfaction", org.group.pk) is None


def test_it_rates_reopened_items_among_those_resolved_at_least_once(items):
    org = items
    table = values(org, Period.month(2025, 3))
    # resolved at least once: closed, late, praise, and the reopened one (reopened after a resolution) → 2 / 4
    assert table.value("feedback.reopened_rate", org.wuye.pk) == 50.0
    assert table.value("feedback.reopened_rate", org.yinshi.pk) == 0.0
    assert table.value("feedback.reopened_rate", org.office.pk) is None


def test_each_rate_declares_the_items_it_is_computed_from_as_its_basis(items):
    org = items
    table = indicators.values(KEYS, [org.group.pk, org.wuye.pk, org.yinshi.pk, org.office.pk], Period.month(2025, 3), basis=True)
    basis = {k: [table.basis(k, d.pk) for d in (org.wuye, org.yinshi, org.office)] for k in KEYS}
    assert basis["feedback.on_time_rate"] == [3, 1, None]  # resolved: the closed, the late, the praise; office: no value
    assert basis["feedback.callback_satisfaction"] == [2, 1, None]  # the two items with a score
    assert basis["feedback.reopened_rate"] == [4, 1, None]  # resolved at least once, the reopened one among them
    assert basis["feedback.received"] == [None, None, None]  # a count declares none: it is its own basis
    assert [indicators.get(k).basis is None for k in KEYS] == [True, True, False, False, False]


def test_it_gives_a_months_figures_the_public_figures_page_shows(items):
    org = items
    now = timezone.localdate()
    services.refresh_public_figures(months=(now.year - 2025) * 12 + now.month - 3 + 1)
    figure = PublishedFigure.objects.get(department=org.wuye, month=datetime.date(2025, 3, 1))
    table = values(org, Period.month(2025, 3))
    assert table.value("feedback.received", org.wuye.pk) == figure.received == 6
    assert table.value("feedback.on_time_rate", org.wuye.pk) == figure.on_time_rate
    assert table.value("feedback.callback_satisfaction", org.wuye.pk) == figure.satisfaction


def test_it_reads_the_states_the_workflow_leaves(org):
    fb = make_feedback(org, submitter_contact="13800000000")
    FEEDBACK.apply(fb, "resolve", by=org.head_wuye, note="已更换灯泡。")
    services.record_callback(fb, by=org.operator, reached=True, satisfied=2, comment="还是不亮")  # reopens
    table = values(org, Period.this_year())
    assert table.value("feedback.reopened_rate", org.wuye.pk) == 100.0
    assert table.value("feedback.on_time_rate", org.wuye.pk) is None  # reopened: owes an answer again
    FEEDBACK.apply(fb, "resolve", by=org.head_wuye, note="已更换线路。")
    services.record_callback(fb, by=org.operator, reached=True, satisfied=5)
    table = values(org, Period.this_year())
    assert table.value("feedback.received", org.wuye.pk) == 1
    assert table.value("feedback.on_time_rate", org.wuye.pk) == 100.0
    assert table.value("feedback.callback_satisfaction", org.wuye.pk) == 5.0
    assert table.value("feedback.reopened_rate", org.wuye.pk) == 100.0
    assert table.value("feedback.complaints_per_100_staff", org.wuye.pk) == 50.0  # 1 complaint, 2 staff


def _grow(departments, n):
    Feedback.objects.bulk_create([
        Feedback(department=d, kind=Kind.COMPLAINT if i % 2 else Kind.PRAISE, title="t", body="b", created_at=at(2025, 3, 1 + i % 28),
                 status=Status.CLOSED, resolved_at=at(2025, 3, 28), resolved_on_time=i % 3 != 0, satisfaction=1 + i % 5,
                 reopen_count=i % 2)
        for d in departments for i in range(n)
    ])
    Staff.objects.bulk_create([Staff(department=d, name="员工", badge_number=f"G{d.pk}-{i}-{uuid.uuid4().hex[:8]}", post="保洁员")
                               for d in departments for i in range(3)])


@pytest.mark.parametrize("key", KEYS)
def test_it_costs_the_same_queries_for_2_or_6_departments_and_few_or_many_items(org, key):
    departments = [org.wuye, org.yinshi] + DepartmentFactory.create_batch(4, parent=org.group)
    counts = []
    for ids, n in (([d.pk for d in departments[:2]], 1), ([d.pk for d in departments], 1), ([d.pk for d in departments], 40)):
        _grow(departments, n)
        with CaptureQueriesContext(connection) as queries:
            result = indicators.get(key).compute(ids, Period.month(2025, 3))
        assert set(result) <= set(ids) and result
        counts.append(len(queries))
    # the last refresh's window, the counts (no refresh here: from the items) and, for the rate per staff, the roster
    assert counts[0] == counts[1] == counts[2] <= 3, counts


@pytest.mark.parametrize("key", ["feedback.on_time_rate", "feedback.callback_satisfaction", "feedback.reopened_rate"])
def test_a_basis_costs_the_same_few_queries_for_2_or_6_departments_and_few_or_many_items(org, key):
    departments = [org.wuye, org.yinshi] + DepartmentFactory.create_batch(4, parent=org.group)
    counts = []
    for ids, n in (([d.pk for d in departments[:2]], 1), ([d.pk for d in departments], 1), ([d.pk for d in departments], 40)):
        _grow(departments, n)
        with CaptureQueriesContext(connection) as queries:
            result = indicators.get(key).basis(ids, Period.month(2025, 3))
        assert set(result) <= set(ids) and result
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2] <= 2, counts  # the last refresh's window and the counts
