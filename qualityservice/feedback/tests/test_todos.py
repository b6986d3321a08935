"""The workbench lists each role's feedback to-dos (feedback/todos.py through core.todos): late and due-today
items, new items to accept, callbacks waiting — the department's only, each count what its link lists, in a
constant number of queries."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qualityservice.feedback.models import Feedback, Status

from .factories import make_feedback

pytestmark = pytest.mark.django_db

TODO = re.compile(r'href="([^"]+)" data-testid="todo" data-todo="([^"]+)">\s*<span[^>]*>(\d+)</span>')


def todos_of(client) -> dict[str, tuple[int, str]]:
    html = client.get("/staff/").content.decode()
    return {key: (int(count), url.replace("&amp;", "&")) for url, key, count in TODO.findall(html)}


def make(org, department, *, status=Status.ASSIGNED, deadline=None, contact="13800000000", **fields):
    fb = make_feedback(org, department=department, submitter_contact=contact, **fields)
    Feedback.objects.filter(pk=fb.pk).update(status=status, deadline=deadline)
    return fb


def later_today(hours=1):
    """A moment later today (local time), at least a minute from now."""
    now = timezone.localtime()
    end = now.replace(hour=23, minute=59, second=0, microsecond=0)
    return min(now + dt.timedelta(hours=hours), end) if end - now > dt.timedelta(minutes=2) else None


@pytest.fixture
def items(org):
    now = timezone.now()
    today = later_today()
    made = {
        "late": make(org, org.wuye, deadline=now - dt.timedelta(hours=3)),
        "late2": make(org, org.wuye, status=Status.IN_PROGRESS, deadline=now - dt.timedelta(days=2)),
        "tomorrow": make(org, org.wuye, deadline=now + dt.timedelta(days=2)),
        "new": make(org, org.wuye, status=Status.RECEIVED, deadline=now + dt.timedelta(days=2)),
        "callback": make(org, org.wuye, status=Status.RESOLVED),
        "callback_no_contact": make(org, org.wuye, status=Status.RESOLVED, contact="", anonymous=True),
        # Another department: never counted for the head of 物业.
        "other_late": make(org, org.yinshi, deadline=now - dt.timedelta(hours=1)),
        "other_callback": make(org, org.yinshi, status=Status.RESOLVED),
    }
    if today is not None:
        made["today"] = make(org, org.wuye, deadline=today)
    return made


def test_it_lists_the_heads_to_dos_of_the_own_department_with_counts_and_links(client, org, items):
    client.force_login(org.head_wuye)
    todos = todos_of(client)
    assert todos["feedback.overdue"][0] == 2
    assert todos["feedback.new"][0] == 1
    assert todos["feedback.callbacks"][0] == 1  # resolved with a contact; another department's is not counted
    if "today" in items:
        assert todos["feedback.today"][0] == 1
    # Each link lists exactly the rows counted.
    for key in ("feedback.overdue", "feedback.new") + (("feedback.today",) if "today" in items else ()):
        count, url = todos[key]
        assert client.get(url).content.decode().count('data-testid="inbox-row"') == count, key
    count, url = todos["feedback.callbacks"]
    assert client.get(url).content.decode().count('data-testid="callback-row"') == count


def test_it_shows_the_supervisor_and_the_operator_every_department(client, org, items):
    for user in (org.supervisor, org.operator):
        client.force_login(user)
        todos = todos_of(client)
        assert todos["feedback.overdue"][0] == 3 and todos["feedback.callbacks"][0] == 2


def test_it_shows_front_line_staff_their_late_items_and_no_queue_of_others(client, org, items):
    Feedback.objects.filter(pk=items["late"].pk).update(assigned_to=org.staff_wuye.staff)
    client.force_login(org.staff_wuye)
    todos = todos_of(client)
    assert "feedback.new" not in todos and "feedback.callbacks" not in todos
    count, url = todos["feedback.overdue"]
    assert client.get(url).content.decode().count('data-testid="inbox-row"') == count


def test_it_leaves_out_what_has_a_count_of_zero(client, org):
    make(org, org.wuye, deadline=timezone.now() + dt.timedelta(days=3))
    client.force_login(org.head_wuye)
    html = client.get("/staff/").content.decode()
    assert 'data-todo="feedback.' not in html and 'data-testid="todos-empty"' in html and "暂无待办" in html


def test_it_counts_with_one_query_whatever_the_amount_of_feedback(client, org):
    client.force_login(org.supervisor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/staff/").status_code == 200
        return len(ctx.captured_queries)

    make(org, org.wuye, deadline=timezone.now() - dt.timedelta(hours=1))
    queries()  # the first request fills the per-process memos (site settings)
    few = queries()
    for i in range(12):
        make(org, org.wuye if i % 2 else org.yinshi, status=Status.RESOLVED if i % 3 else Status.RECEIVED,
             deadline=timezone.now() - dt.timedelta(hours=i))
    assert queries() == few
