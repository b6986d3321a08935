"""The department report: the trend against the earlier years' published evaluations, and each figure linked to
the records behind it (the indicator's drill-down list, where the owning app offers one)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from qualityservice.core import indicators
from qualityservice.core.indicators import HIGHER_BETTER, Indicator, Period
from qualityservice.evaluation import services
from qualityservice.evaluation.workflows import SCHEME

from .conftest import LIVE

pytestmark = pytest.mark.django_db
D = Decimal

LINKED = Indicator(key="evaluation.test_linked", label="Test linked", definition="A figure with its records", unit="%",
                   direction=HIGHER_BETTER, source="evaluation",
                   compute=lambda ids, period: {d: LIVE.get("evaluation.test_linked", {}).get(d) for d in ids},
                   records_url=lambda d, p: f"/staff/records/?department={d}&year={p.start.year}")


def _year(org, year, rate, *, actions=("freeze", "notice")):
    LIVE["evaluation.test_rate"] = {org.wuye.pk: D(rate), org.yinshi.pk: D(50), org.office.pk: D(40)}
    LIVE["evaluation.test_linked"] = {org.wuye.pk: D(70), org.yinshi.pk: D(70), org.office.pk: D(70)}
    scheme, _ = services.create_scheme(key=None, by=org.supervisor, year=year, title=f"{year}年度考核")
    services.set_component(scheme, indicator="evaluation.test_rate", weight=60, floor=0, target=100)
    services.set_component(scheme, indicator="evaluation.test_linked", weight=40, floor=0, target=100)
    for action in actions:
        scheme = SCHEME.apply(scheme, action, by=org.supervisor)
    return scheme


def test_it_shows_the_trend_of_the_earlier_published_years_in_the_report_and_the_pdf(client, org, live):
    indicators.register(LINKED)
    _year(org, 2024, 60)
    _year(org, 2025, 100, actions=("freeze",))  # never published: not in the trend
    current = _year(org, 2026, 90)
    client.force_login(org.head_wuye)
    page = client.get(reverse("evaluation:report", args=[current.pk, org.wuye.pk])).content.decode()
    trend = page[page.index('data-testid="report-trend"'):]
    # 2024: 60 × 0.6 + 70 × 0.4 = 64.00; 2026: 90 × 0.6 + 70 × 0.4 = 82.00.
    assert "2024" in trend and "64.00" in trend and "2026" in trend and "82.00" in trend
    assert "2025" not in trend and "88.00" not in trend
    assert 'class="qs-bars"' in page
    from qualityservice.org.tests.pdfs import page_texts, response_bytes

    pdf = client.get(reverse("evaluation:report_pdf", args=[current.pk, org.wuye.pk]))
    text = " ".join(page_texts(response_bytes(pdf)))
    assert "64.00" in text and "82.00" in text


def test_it_links_each_figure_to_the_records_behind_it_where_the_indicator_has_a_list(client, org, live):
    indicators.register(LINKED)
    current = _year(org, 2026, 90)
    client.force_login(org.supervisor)
    page = client.get(reverse("evaluation:report", args=[current.pk, org.yinshi.pk])).content.decode()
    assert f'href="/staff/records/?department={org.yinshi.pk}&amp;year=2026" data-testid="records-evaluation.test_linked"' in page
    assert 'data-testid="records-evaluation.test_rate"' not in page  # no drill-down offered: plain figure


def test_the_feedback_inspection_and_survey_figures_link_to_their_filtered_lists(org):
    period = Period.year(2026)
    d = org.wuye.pk
    assert indicators.get("feedback.on_time_rate").records_link(d, period) == (
        f"/staff/feedback/?department={d}&date_from=2026-01-01&date_to=2026-12-31")
    assert "kind=complaint" in indicators.get("feedback.complaints_per_100_staff").records_link(d, period)
    assert indicators.get("inspections.mean_score").records_link(d, period) == f"/staff/inspections/?department={d}"
    assert indicators.get("inspections.overdue_rectifications").records_link(d, period).endswith("&status=overdue")
    assert indicators.get("surveys.satisfaction_index").records_link(d, period) == "/staff/surveys/"
