"""The workbench lists the inspection to-dos (inspections/todos.py through core.todos): a head's self-checks
due and findings awaiting the department's rectification; the supervisor's rectifications to verify — each
count what its link lists, the department's only, in a constant number of queries."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qualityservice.inspections.models import Finding, Inspection, Kind

from .helpers import make_inspection

pytestmark = pytest.mark.django_db

TODO = re.compile(r'href="([^"]+)" data-testid="todo" data-todo="([^"]+)">\s*<span[^>]*>(\d+)</span>')


def todos_of(client) -> dict[str, tuple[int, str]]:
    html = client.get("/staff/").content.decode()
    return {key: (int(count), url.replace("&amp;", "&")) for url, key, count in TODO.findall(html)}


def finding(inspection, status, deadline=None):
    return Finding.objects.create(inspection=inspection, department=inspection.department, source=Finding.Source.OPINION,
                                  problem=f"问题 {status}", status=status, deadline=deadline)


@pytest.fixture
def data(org):
    today = timezone.localdate()
    done = make_inspection(org.wuye, status=Inspection.Status.SUBMITTED)
    make_inspection(org.wuye, due_date=today + dt.timedelta(days=2))
    make_inspection(org.wuye, status=Inspection.Status.DRAFT)
    make_inspection(org.wuye, kind=Kind.SPOT, inspector=org.supervisor)  # the supervisor's, not the head's
    make_inspection(org.yinshi)  # another department
    finding(done, Finding.Status.OPEN)
    finding(done, Finding.Status.OPEN, deadline=today - dt.timedelta(days=1))  # late
    finding(done, Finding.Status.RETURNED)
    finding(done, Finding.Status.SUBMITTED)
    other = make_inspection(org.yinshi, status=Inspection.Status.SUBMITTED)
    finding(other, Finding.Status.OPEN)
    finding(other, Finding.Status.SUBMITTED)


def rows(client, url, testid) -> int:
    return client.get(url).content.decode().count(f'data-testid="{testid}"')


def test_it_lists_the_heads_self_checks_and_rectifications_to_answer(client, org, data):
    client.force_login(org.head_wuye)
    todos = todos_of(client)
    assert {k: v[0] for k, v in todos.items() if k.startswith("inspections.")} == {
        "inspections.due": 1, "inspections.draft": 1, "inspections.late": 1, "inspections.open": 2, "inspections.returned": 1,
    }
    assert "inspections.verify" not in todos
    for key in ("inspections.due", "inspections.draft"):
        assert rows(client, todos[key][1], "inspection-row") == todos[key][0], key
    for key in ("inspections.late", "inspections.open", "inspections.returned"):
        assert rows(client, todos[key][1], "ledger-row") == todos[key][0], key


def test_it_lists_the_supervisors_verifications_in_every_department(client, org, data):
    client.force_login(org.supervisor)
    todos = todos_of(client)
    assert todos["inspections.verify"][0] == 2 and rows(client, todos["inspections.verify"][1], "ledger-row") == 2
    assert todos["inspections.due"][0] == 3  # every department, every kind
    assert "inspections.open" not in todos


@pytest.mark.parametrize("who", ["staff_wuye", "operator", "judge"])
def test_it_lists_nothing_of_inspections_for_roles_that_do_not_inspect(client, org, data, who):
    client.force_login(getattr(org, who))
    assert not [k for k in todos_of(client) if k.startswith("inspections.")]


def test_it_counts_in_a_constant_number_of_queries(client, org):
    client.force_login(org.head_wuye)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            client.get("/staff/")
        return len(ctx.captured_queries)

    done = make_inspection(org.wuye, status=Inspection.Status.SUBMITTED)
    finding(done, Finding.Status.OPEN)
    queries()
    few = queries()
    for i in range(8):
        make_inspection(org.wuye, due_date=timezone.localdate() + dt.timedelta(days=i))
        finding(done, Finding.Status.RETURNED if i % 2 else Finding.Status.OPEN)
    assert queries() == few
