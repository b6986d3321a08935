"""The dashboards read only the indicator registry and cost the same number of queries for 3 and for 9 centres."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qualityservice.org.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def _count(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"year": "2026"})
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_it_costs_the_same_queries_for_the_group_dashboard_with_more_departments(client, org):
    client.force_login(org.supervisor)
    url = reverse("evaluation:dashboard")
    _count(client, url)  # the first request of a session warms per-process memos
    few, _ = _count(client, url)
    for n in range(6):
        DepartmentFactory(code=f"extra{n}", name=f"新增中心{n}", parent=org.group)
    many, body = _count(client, url)
    assert many == few
    assert "新增中心5" in body and "<svg" in body


def test_it_shows_a_head_their_departments_figures_beside_last_year(client, org):
    client.force_login(org.head_wuye)
    body = client.get(reverse("evaluation:department_dashboard", args=[org.wuye.pk]), {"year": "2026"}).content.decode()
    assert org.wuye.name in body and "2026" in body and "上一年" in body
    assert client.get(reverse("evaluation:department_dashboard", args=[org.yinshi.pk])).status_code == 404
    assert client.get(reverse("evaluation:department_dashboard", args=[org.wuye.pk]), {"year": "abc"}).status_code == 200
