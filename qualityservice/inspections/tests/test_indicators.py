"""The inspection figures published in the indicator registry: exact values on hand-made inspections
and findings, the same inspections as the charts, constant query counts."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qualityservice.core import indicators
from qualityservice.core.indicators import Period
from qualityservice.inspections import services
from qualityservice.inspections.models import Finding, Inspection, Kind
from qualityservice.org.models import Staff
from qualityservice.org.tests.factories import DepartmentFactory

KEYS = ["inspections.mean_score", "inspections.pass_rate", "inspections.rectification_on_time_rate",
        "inspections.overdue_rectifications"]
S = Finding.Status


def at(day: datetime.date, hour=10, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


def inspection(department, submitted_at, score, *, passed=True, status=Inspection.Status.SUBMITTED, kind=Kind.SPOT):
    return Inspection.objects.create(department=department, kind=kind, title="六查六看抽查", due_date=submitted_at.date(),
                                     status=status, submitted_at=submitted_at if status == Inspection.Status.SUBMITTED else None,
                                     score=None if score is None else Decimal(score), passed=passed)


def finding(source_inspection, found: datetime.date, status, *, deadline=None, rectified_at=None):
    return Finding.objects.create(inspection=source_inspection, department_id=source_inspection.department_id,
                                  source=Finding.Source.ITEM, problem="地面有积水", created_at=at(found), status=status,
                                  deadline=deadline, rectified_at=rectified_at)


def values(org, period):
    return indicators.values(KEYS, [org.group.pk, org.wuye.pk, org.yinshi.pk], period)


@pytest.fixture
def scores(org):
    march = datetime.date(2025, 3, 10)
    inspection(org.wuye, at(march), "90.00")
    inspection(org.wuye, at(march), "70.00", passed=False)
    inspection(org.wuye, at(march), "85.50", passed=False, kind=Kind.SELF)  # a critical item failed
    inspection(org.wuye, at(datetime.date(2025, 3, 31), 23, 59), "100.00")  # still March in China
    inspection(org.wuye, at(datetime.date(2025, 4, 1), 0, 1), "10.00", passed=False)  # April
    inspection(org.wuye, at(march), None, kind=Kind.VISIT, passed=None)  # a visit without a checklist: no score
    inspection(org.wuye, at(march), "0.00", status=Inspection.Status.DRAFT, passed=None)  # not submitted
    inspection(org.yinshi, at(march), "80.00")
    inspection(org.yinshi, at(march), "80.25")
    return org


def test_it_averages_the_scores_of_the_inspections_submitted_in_the_period(scores):
    org = scores
    table = values(org, Period.month(2025, 3))
    assert table.value("inspections.mean_score", org.wuye.pk) == Decimal("86.38")  # (90 + 70 + 85.5 + 100) / 4 = 86.375
    assert table.value("inspections.mean_score", org.yinshi.pk) == Decimal("80.13")  # 80.125, half up like scoring
    assert table.value("inspections.mean_score", org.group.pk) is None
    assert values(org, Period.month(2025, 4)).value("inspections.mean_score", org.wuye.pk) == Decimal("10.00")


def test_it_rates_the_inspections_passed(scores):
    org = scores
    table = values(org, Period.month(2025, 3))
    assert table.value("inspections.pass_rate", org.wuye.pk) == 50.0  # 90 and 100 passed; 70 and 85.5 (critical) did not
    assert table.value("inspections.pass_rate", org.yinshi.pk) == 100.0
    assert table.value("inspections.pass_rate", org.group.pk) is None
    assert values(org, Period.year(2025)).value("inspections.pass_rate", org.wuye.pk) == 40.0


def test_it_averages_the_inspections_the_charts_show(scores):
    org = scores
    charts = services.chart_data(department_ids=[org.wuye.pk], since=datetime.date(2025, 3, 1))
    march = charts["months"].index("2025-03")
    assert charts["departments"][0]["data"][march] == 86.4
    assert float(values(org, Period.month(2025, 3)).value("inspections.mean_score", org.wuye.pk)) == pytest.approx(86.38)


@pytest.fixture
def findings(org):
    found = datetime.date(2025, 3, 10)
    deadline = datetime.date(2025, 3, 17)
    source = inspection(org.wuye, at(found), "70.00", passed=False)
    finding(source, found, S.ACCEPTED, deadline=deadline, rectified_at=at(deadline, 23, 30))  # on the last day: on time
    finding(source, found, S.SUBMITTED, deadline=deadline, rectified_at=at(deadline + datetime.timedelta(days=1), 0, 30))  # late
    finding(source, found, S.OPEN, deadline=deadline)  # overdue, never rectified
    finding(source, found, S.RETURNED, deadline=deadline, rectified_at=at(deadline))  # sent back, overdue again
    finding(source, found, S.OPEN, deadline=timezone.localdate() + datetime.timedelta(days=3))  # not due yet
    finding(source, found, S.NOTED)  # needs no rectification
    finding(source, datetime.date(2025, 4, 2), S.OPEN, deadline=datetime.date(2025, 4, 9))  # found in April, overdue
    other = inspection(org.yinshi, at(found), "90.00")
    finding(other, found, S.ACCEPTED, deadline=deadline, rectified_at=at(deadline - datetime.timedelta(days=2)))
    return org


def test_it_rates_rectifications_done_by_their_deadline_among_those_done_or_due(findings):
    org = findings
    table = values(org, Period.month(2025, 3))
    # done or due: the on-time one, the late one, the overdue open one, the sent-back one → 1 / 4
    assert table.value("inspections.rectification_on_time_rate", org.wuye.pk) == 25.0
    assert table.value("inspections.rectification_on_time_rate", org.yinshi.pk) == 100.0
    assert table.value("inspections.rectification_on_time_rate", org.group.pk) is None
    assert values(org, Period.month(2025, 4)).value("inspections.rectification_on_time_rate", org.wuye.pk) == 0.0


def test_it_does_not_count_a_late_answer_on_time_although_the_answer_sets_a_new_deadline(org):
    found = timezone.localdate() - datetime.timedelta(days=20)
    source = inspection(org.wuye, at(found), "70.00", passed=False)
    late = finding(source, found, S.OPEN, deadline=found + datetime.timedelta(days=7))
    prompt = finding(source, found, S.OPEN, deadline=timezone.localdate() + datetime.timedelta(days=1))
    assert services.escalate_overdue_rectifications() == 1  # the late one
    owner = Staff.objects.get(user=org.staff_wuye)
    for f in (late, prompt):
        services.answer_finding(f, actor=org.head_wuye, measure="已清理积水并增设防滑垫。", owner=owner,
                                deadline=timezone.localdate() + datetime.timedelta(days=2))
    late.refresh_from_db()
    assert late.status == S.SUBMITTED and late.deadline > late.rectified_at.date()  # "on time" by its new deadline…
    period = Period(found, timezone.localdate())
    assert values(org, period).value("inspections.rectification_on_time_rate", org.wuye.pk) == 50.0  # …but it was escalated
    assert values(org, period).value("inspections.overdue_rectifications", org.wuye.pk) == 0


def test_it_counts_overdue_rectifications_as_the_ledger_does(findings, client):
    org = findings
    table = values(org, Period.month(2025, 3))
    assert table.value("inspections.overdue_rectifications", org.wuye.pk) == 2  # the open one and the sent-back one
    assert table.value("inspections.overdue_rectifications", org.yinshi.pk) == 0
    assert table.value("inspections.overdue_rectifications", org.group.pk) == 0
    assert values(org, Period.year(2025)).value("inspections.overdue_rectifications", org.wuye.pk) == 3
    ledger = services.ledger_counts(Finding.objects.filter(department=org.wuye, created_at__lt=at(datetime.date(2025, 4, 1), 0)))
    assert ledger["overdue"] == 2


def _grow(departments, n):
    day = datetime.date(2025, 3, 5)
    rows = Inspection.objects.bulk_create([
        Inspection(department=d, title="抽查", due_date=day, status=Inspection.Status.SUBMITTED, submitted_at=at(day),
                   score=Decimal(60 + i % 40), passed=i % 3 != 0)
        for d in departments for i in range(n)
    ])
    Finding.objects.bulk_create([
        Finding(inspection=r, department_id=r.department_id, source=Finding.Source.ITEM, problem="p", created_at=at(day),
                status=(S.OPEN, S.SUBMITTED, S.ACCEPTED, S.RETURNED)[i % 4], deadline=day + datetime.timedelta(days=i % 10),
                rectified_at=at(day + datetime.timedelta(days=i % 7)))
        for i, r in enumerate(rows)
    ])


@pytest.mark.parametrize("key", KEYS)
def test_it_costs_the_same_queries_for_2_or_6_departments_and_few_or_many_records(org, key):
    departments = [org.wuye, org.yinshi] + DepartmentFactory.create_batch(4, parent=org.group)
    counts = []
    for ids, n in (([d.pk for d in departments[:2]], 1), ([d.pk for d in departments], 1), ([d.pk for d in departments], 40)):
        _grow(departments, n)
        with CaptureQueriesContext(connection) as queries:
            result = indicators.get(key).compute(ids, Period.month(2025, 3))
        assert set(result) <= set(ids) and result
        counts.append(len(queries))
    assert counts == [1, 1, 1]
