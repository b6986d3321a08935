"""Charts of scores over time per department and per dimension of the six checks."""

import json

import pytest
from django.urls import reverse

from qualityservice.inspections import services
from qualityservice.inspections.models import Kind

from .helpers import answer_all, items_of, make_inspection

pytestmark = pytest.mark.django_db


def _inspect(org, department, fails=0):
    inspection = make_inspection(department, kind=Kind.SPOT, inspector=org.supervisor)
    failing = [i for i in items_of(inspection.template) if i.photo_on_fail][:fails]
    answer_all(inspection, org.supervisor, fail={i.pk for i in failing})
    return services.submit_inspection(inspection, org.supervisor)


def _chart(response):
    body = response.content.decode()
    start = body.index('id="qs-insp-chart-data"')
    payload = body[body.index(">", start) + 1: body.index("</script>", start)]
    return json.loads(payload)


def test_it_aggregates_monthly_scores_per_department_and_dimension(org):
    _inspect(org, org.wuye, fails=0)
    _inspect(org, org.wuye, fails=4)  # all four environment items fail
    data = services.chart_data()
    assert len(data["months"]) == 1
    wuye = next(d for d in data["departments"] if d["name"] == "物业管理中心")
    # (100 + 5/6·100) / 2 = 91.7
    assert wuye["data"] == [91.7]
    environment = next(d for d in data["dimensions"] if d["name"] == "服务环境")
    assert environment["data"] == [50.0]


def test_it_shows_the_group_charts_to_the_supervisor_and_sends_heads_to_their_department(client, org):
    _inspect(org, org.wuye)
    client.force_login(org.head_wuye)
    response = client.get(reverse("inspections:dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("inspections:department", args=[org.wuye.pk])
    assert client.get(reverse("inspections:department", args=[org.yinshi.pk])).status_code == 404
    body = client.get(reverse("inspections:department", args=[org.wuye.pk])).content.decode()
    assert "qs-chart" in body and "inspections/js/charts.js" in body
    client.force_login(org.supervisor)
    response = client.get(reverse("inspections:dashboard"))
    assert [d["name"] for d in _chart(response)["departments"]] == ["物业管理中心"]


def test_it_renders_chart_pages_with_a_constant_number_of_queries(client, org, django_assert_max_num_queries):
    client.force_login(org.supervisor)
    _inspect(org, org.wuye)
    pages = [reverse("inspections:dashboard"), reverse("inspections:department", args=[org.wuye.pk])]
    for url in pages:
        with django_assert_max_num_queries(12):
            client.get(url)
    for department in (org.wuye, org.yinshi, org.wuye, org.yinshi):
        _inspect(org, department, fails=2)
    for url in pages:
        with django_assert_max_num_queries(12):
            response = client.get(url)
        assert _chart(response)["dimensions"]


def test_it_links_the_department_page_from_the_org_department_page(client, org):
    client.force_login(org.head_wuye)
    body = client.get(reverse("org:department_detail", args=[org.wuye.pk])).content.decode()
    assert reverse("inspections:department", args=[org.wuye.pk]) in body
