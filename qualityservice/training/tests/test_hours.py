"""Hours: per staff member and per department, by level, in a period (this year by default); a staff member's
own record; the exports; the indicators (exact values, the same few queries for 2 and 6 departments); the
fragment on org's staff record."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qualityservice.core import indicators
from qualityservice.core.indicators import Period
from qualityservice.org.tests.factories import DepartmentFactory, StaffFactory
from qualityservice.training.models import Level

from .helpers import make_session, xlsx_rows

pytestmark = pytest.mark.django_db


def _start_of_year() -> dt.date:
    return timezone.localdate().replace(month=1, day=1)


@pytest.fixture
def sessions(org):
    """This year: wuye 2 h front-line (staff + head) and 3 h management (head); yinshi 1.5 h technical (staff).
    Last year: wuye 4 h technical (staff) — outside the default period."""
    this_year = max(_start_of_year(), timezone.localdate() - dt.timedelta(days=2))
    staff, head = org.staff_wuye.staff, org.head_wuye.staff
    make_session(org, topic="文明用语培训", hours="2", level=Level.FRONTLINE, attendees=[staff, head], day=this_year)
    make_session(org, topic="班组长管理培训", hours="3", level=Level.MANAGEMENT, attendees=[head], day=this_year)
    make_session(org, department=org.yinshi, topic="食品安全", hours="1.5", level=Level.TECHNICAL, day=this_year)
    make_session(org, topic="去年的技术培训", hours="4", level=Level.TECHNICAL, attendees=[staff],
                 day=_start_of_year() - dt.timedelta(days=30))


def test_it_lists_each_staff_members_hours_by_level_this_year(client, org, sessions):
    client.force_login(org.head_wuye)
    body = client.get(reverse("training:staff_hours")).content.decode()
    rows = {r[1]: r for r in xlsx_rows(client.get(reverse("training:staff_hours_export")))[1:]}
    assert set(rows) == {"物业主任", "物业员工"}  # the head's department, every active member
    # badge, name, department, post, sessions, hours, management, technical, front-line
    assert rows["物业主任"][4:] == (2, 5, 3, 0, 2)
    assert rows["物业员工"][4:] == (1, 2, 0, 0, 2)
    assert "物业主任" in body and ">5<" in body


def test_a_period_chosen_counts_the_sessions_dated_in_it(client, org, sessions):
    client.force_login(org.supervisor)
    last_year = _start_of_year().year - 1
    query = f"?start={last_year}-01-01&end={last_year}-12-31"
    rows = {r[1]: r for r in xlsx_rows(client.get(reverse("training:staff_hours_export") + query))[1:]}
    assert rows["物业员工"][4:6] == (1, 4)
    assert rows["物业主任"][4:6] == (0, 0)
    body = client.get(reverse("training:staff_hours") + f"?start={last_year}-12-31&end={last_year}-01-01").content.decode()
    assert "截止日期早于起始日期" in body


def test_it_totals_each_department_by_level_with_hours_per_staff_member(client, org, sessions):
    client.force_login(org.supervisor)
    rows = {r[0]: r for r in xlsx_rows(client.get(reverse("training:department_hours_export")))[1:]}
    # department, staff, sessions, (sessions, hours) × management/technical/front-line, attendee-hours, trained, per staff
    assert rows["物业管理中心"] == ("物业管理中心", 2, 2, 1, 3, 0, 0, 1, 4, 7, 2, 3.5)
    assert rows["饮食服务中心"] == ("饮食服务中心", 3, 1, 0, 0, 1, 1.5, 0, 0, 1.5, 1, 0.5)  # head, staff, judge
    assert rows["集团办公室"][1:3] == (3, 0) and rows["集团办公室"][-1] == 0
    body = client.get(reverse("training:department_hours")).content.decode()
    assert 'data-testid="department-hours-total"' in body  # the supervisor sees the sum of every centre


def test_a_staff_member_sees_their_own_record_and_nobody_elses(client, org, sessions):
    client.force_login(org.staff_wuye)
    body = client.get(reverse("training:mine")).content.decode()
    assert "文明用语培训" in body and "班组长管理培训" not in body and "去年的技术培训" not in body
    assert 'data-testid="record-total">2<' in body
    last_year = _start_of_year().year - 1
    body = client.get(reverse("training:mine") + f"?start={last_year}-01-01&end={last_year}-12-31").content.decode()
    assert "去年的技术培训" in body and "文明用语培训" not in body
    assert client.get(reverse("training:staff_record", args=[org.head_wuye.staff.pk])).status_code == 404


def test_the_heads_see_a_staff_members_record(client, org, sessions):
    client.force_login(org.head_wuye)
    body = client.get(reverse("training:staff_record", args=[org.head_wuye.staff.pk])).content.decode()
    assert "物业主任的培训档案" in body and "班组长管理培训" in body and 'data-testid="record-total">5<' in body


def test_the_staff_record_in_org_shows_the_training_this_year(client, org, sessions):
    client.force_login(org.head_wuye)
    body = client.get(org.staff_wuye.staff.get_absolute_url()).content.decode()
    assert 'data-testid="staff-training"' in body and "1 次培训，共 2 学时" in body
    assert reverse("training:staff_record", args=[org.staff_wuye.staff.pk]) in body


def test_the_indicators_give_hours_per_staff_member_and_sessions_per_department(org, sessions, django_assert_num_queries):
    ids = [org.wuye.pk, org.yinshi.pk, org.office.pk]
    with django_assert_num_queries(3):  # attendee-hours, headcount, sessions
        table = indicators.values(["training.hours_per_staff", "training.sessions"], ids, Period.this_year())
    assert [table.value("training.hours_per_staff", d) for d in ids] == [Decimal("3.5"), Decimal("0.5"), Decimal("0.0")]
    assert [table.value("training.sessions", d) for d in ids] == [2, 1, 0]
    empty = DepartmentFactory(code="empty", parent=org.group)
    table = indicators.values(["training.hours_per_staff"], [empty.pk], Period.this_year())
    assert table.value("training.hours_per_staff", empty.pk) is None  # no staff: no value
    last = Period.year(_start_of_year().year - 1)
    assert indicators.values(["training.hours_per_staff"], ids, last).value("training.hours_per_staff", org.wuye.pk) == Decimal("2.0")


def test_the_indicators_cost_the_same_queries_for_2_and_6_departments(org, sessions):
    def count(ids):
        with CaptureQueriesContext(connection) as queries:
            indicators.values(["training.hours_per_staff", "training.sessions"], ids, Period.this_year())
        return len(queries)

    few = count([org.wuye.pk, org.yinshi.pk])
    more = []
    for i in range(4):
        centre = DepartmentFactory(code=f"more{i}", parent=org.group)
        people = [StaffFactory(department=centre) for _ in range(3)]
        make_session(org, department=centre, attendees=people, topic=f"培训{i}")
        more.append(centre.pk)
    assert count([org.wuye.pk, org.yinshi.pk, *more]) == few == 3
