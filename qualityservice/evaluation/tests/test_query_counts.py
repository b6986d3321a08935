"""The ranking page (the scheme with its results), the what-if view and a department's report cost the same number
of queries for 10 and for 60 departments."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qualityservice.evaluation import services
from qualityservice.evaluation.workflows import SCHEME
from qualityservice.org.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def _centres(org, live, n):
    have = len(services.departments())
    for i in range(have, n):
        DepartmentFactory(code=f"qc{i}", name=f"中心{i:02d}", parent=org.group)
    ids = [d.pk for d in services.departments()]
    live["evaluation.test_rate"] = {d: Decimal(40 + (d * 7) % 60) for d in ids}
    live["evaluation.test_late"] = {d: Decimal(d % 9) for d in ids}
    live["evaluation.test_gate"] = {d: Decimal(100 if d % 4 else 50) for d in ids}
    return ids


def _schemes(org, year):
    scheme, _ = services.create_scheme(key=None, by=org.supervisor, year=year, title=f"{year}年度考核")
    services.set_component(scheme, indicator="evaluation.test_rate", weight=50, floor=0, target=100)
    services.set_component(scheme, indicator="evaluation.test_late", weight=30, floor=10, target=0)
    services.set_component(scheme, indicator="evaluation.test_gate", weight=20, rule="rank")
    services.set_gate(scheme, indicator="evaluation.test_gate", minimum=100)
    services.add_adjustment(scheme, key=None, by=org.supervisor, department=org.wuye, points=2, reason="表彰")
    services.add_veto(scheme, key=None, by=org.supervisor, department=org.yinshi, reason="安全事故")
    draft, _ = services.create_scheme(key=None, by=org.supervisor, year=year + 1, title=f"{year + 1}年度考核")
    for c in scheme.components.all():
        services.set_component(draft, indicator=c.indicator, weight=c.weight, rule=c.rule, floor=c.floor, target=c.target)
    frozen = SCHEME.apply(scheme, "freeze", by=org.supervisor)
    return SCHEME.apply(frozen, "notice", by=org.supervisor, publication="full"), draft


def _count(client, url, params=None) -> tuple[int, str]:
    client.get(url, params or {})  # warm the per-process memos
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def _pages(scheme, draft, org):
    weights = {f"weight-{c.indicator}": str(c.weight) for c in draft.components.all()}
    return {"ranking": (scheme.get_absolute_url(), None),
            "what-if": (reverse("evaluation:scheme_whatif", args=[draft.pk]), weights | {"weight-evaluation.test_rate": "40",
                                                                                          "weight-evaluation.test_gate": "30"}),
            "report": (reverse("evaluation:report", args=[scheme.pk, org.wuye.pk]), None),
            "public": (scheme.get_public_url(), None)}


def test_the_ranking_what_if_report_and_public_pages_do_not_grow_with_the_departments(client, org, live):
    client.force_login(org.supervisor)
    _centres(org, live, 10)
    few_scheme, few_draft = _schemes(org, 2024)
    few = {name: _count(client, url, params) for name, (url, params) in _pages(few_scheme, few_draft, org).items()}
    _centres(org, live, 60)
    many_scheme, many_draft = _schemes(org, 2026)
    many = {name: _count(client, url, params) for name, (url, params) in _pages(many_scheme, many_draft, org).items()}
    assert {k: v[0] for k, v in many.items()} == {k: v[0] for k, v in few.items()}
    ranking = many["ranking"][1]
    assert ranking.count('data-testid="result-') == 60 and "中心57" in ranking
    assert "不参与评优" in ranking
    assert many["what-if"][1].count('data-testid="whatif-') >= 60
    assert "中心57" in many["public"][1]
