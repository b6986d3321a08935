"""Every list and detail page makes the same number of queries with few rows as with many (no query per row):
sessions, a session with its attendees, the form with the department's staff, the hours per staff member and
per department, a staff member's record, and org's staff record with this app's fragment."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qualityservice.org.tests.factories import DepartmentFactory, StaffFactory

from .helpers import make_session

pytestmark = pytest.mark.django_db


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.content.decode()


def _grow(org, n_sessions=35, n_staff=30, n_departments=6):
    """Many more staff, sessions (each with many attendees) and centres."""
    people = [StaffFactory(department=org.wuye, name=f"新员工{i}") for i in range(n_staff)]
    for i in range(n_sessions):
        make_session(org, topic=f"培训{i}", attendees=people[: 5 + i % 20] + [org.staff_wuye.staff], hours=str(1 + i % 3))
    for i in range(n_departments):
        centre = DepartmentFactory(code=f"more{i}", name=f"新中心{i}", parent=org.group)
        staff = [StaffFactory(department=centre) for _ in range(3)]
        make_session(org, department=centre, attendees=staff, topic=f"新中心培训{i}")
    return people


def _pages(org):
    session = org.first_session
    return {
        "list": reverse("training:list"),
        "detail": session.get_absolute_url(),
        "edit": session.get_edit_url(),
        "new": reverse("training:new"),
        "staff_hours": reverse("training:staff_hours"),
        "staff_record": reverse("training:staff_record", args=[org.staff_wuye.staff.pk]),
        "department_hours": reverse("training:department_hours"),
        "mine": reverse("training:mine"),
        "org_staff_detail": org.staff_wuye.staff.get_absolute_url(),
    }


@pytest.mark.parametrize("who", ["supervisor", "head_wuye"])
def test_every_page_costs_the_same_queries_with_few_and_many_rows(client, org, who):
    org.first_session = make_session(org, topic="第一次培训", attendees=[org.staff_wuye.staff, org.head_wuye.staff])
    client.force_login(getattr(org, who))
    pages = _pages(org)
    for url in pages.values():
        client.get(url)  # the first request fills the process's caches (the site settings)
    few = {name: _queries(client, url)[0] for name, url in pages.items()}
    _grow(org)
    many = {}
    for name, url in pages.items():
        many[name], body = _queries(client, url)
    assert many == few
    assert max(few.values()) <= 12
    # The pages did show the many rows.
    _n, body = _queries(client, pages["list"])
    assert body.count('data-testid="session-row"') == 30
    _n, body = _queries(client, pages["detail"])
    assert body.count("物业员工") >= 1
