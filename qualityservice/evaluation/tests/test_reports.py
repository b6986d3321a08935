"""The department report (page and PDF) explains every point down to the source figure; the what-if view tries
weights on a draft without saving anything."""

from decimal import Decimal

import pytest
from django.urls import reverse

from qualityservice.evaluation import services
from qualityservice.evaluation.models import Result
from qualityservice.evaluation.workflows import SCHEME
from qualityservice.org.tests.pdfs import page_texts, response_bytes

pytestmark = pytest.mark.django_db
D = Decimal


def _scheme(org, live, year=2026):
    live["evaluation.test_rate"] = {org.wuye.pk: D(80), org.yinshi.pk: D(60), org.office.pk: D(40)}
    live["evaluation.test_late"] = {org.wuye.pk: D(6), org.yinshi.pk: D(0), org.office.pk: None}
    live["evaluation.test_gate"] = {org.wuye.pk: D(100), org.yinshi.pk: D(100), org.office.pk: D(100)}
    scheme, _ = services.create_scheme(key=None, by=org.supervisor, year=year, title="年度考核")
    services.set_component(scheme, indicator="evaluation.test_rate", weight=50, floor=0, target=100)
    services.set_component(scheme, indicator="evaluation.test_late", weight=30, floor=10, target=0)
    services.set_component(scheme, indicator="evaluation.test_gate", weight=20, rule="rank")
    return scheme


def test_it_explains_every_point_in_the_pdf_with_value_period_definition_bounds_and_radar(client, org, live):
    scheme = SCHEME.apply(_scheme(org, live), "freeze", by=org.supervisor)
    client.force_login(org.supervisor)
    response = client.get(reverse("evaluation:report_pdf", args=[scheme.pk, org.wuye.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page_texts(response_bytes(response))).replace("\r", "").replace("\n", " ")
    # 80 → 80 points × 50 %, 6 late → 40 points × 30 %, rank (all tied) → 50 points × 20 %: 40 + 12 + 10 = 62.
    assert Result.objects.get(scheme=scheme, department=org.wuye).total == D("62.00")
    for expected in ("物业管理中心", "62.00", "A test rate, in per cent", "Late items of the test", "2026", "80.00", "40.00",
                     "12.00", "100.00", "10.00"):
        assert expected in text, expected
    page = client.get(reverse("evaluation:report", args=[scheme.pk, org.wuye.pk])).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="qs-radar"' in page and "<polygon" in page


def test_it_shows_a_not_applicable_component_as_such_and_redistributes_its_weight(client, org, live):
    scheme = SCHEME.apply(_scheme(org, live), "freeze", by=org.supervisor)
    office = Result.objects.get(scheme=scheme, department=org.office)
    # 40 points × 50/70 + 50 points × 20/70 = 28.57 + 14.29 = 42.86 (the late items do not apply: not zero).
    assert office.total == D("42.86")
    client.force_login(org.supervisor)
    page = client.get(reverse("evaluation:report", args=[scheme.pk, org.office.pk])).content.decode()
    assert "不适用" in page and "71.43" in page


def test_it_tries_weights_without_saving_them_and_shows_both_rankings(client, org, live):
    scheme = _scheme(org, live)
    client.force_login(org.supervisor)
    url = reverse("evaluation:scheme_whatif", args=[scheme.pk])
    page = client.get(url, {"weight-evaluation.test_rate": "20", "weight-evaluation.test_late": "60",
                            "weight-evaluation.test_gate": "20"}).content.decode()
    # Yinshi: 60 × 0.2 + 100 × 0.6 + 50 × 0.2 = 82.00 with the trial weights; 30 + 30 + 10 = 70.00 with the scheme's.
    assert "82.00" in page and "70.00" in page
    assert [c.weight for c in scheme.components.all()] == [D(50), D(30), D(20)]
    assert not Result.objects.exists()
    bad = client.get(url, {"weight-evaluation.test_rate": "abc"}).content.decode()
    assert "大于0" in bad or "above 0" in bad
    short = client.get(url, {"weight-evaluation.test_rate": "10"}).content.decode()
    assert "60.00" in short and ("100" in short)
