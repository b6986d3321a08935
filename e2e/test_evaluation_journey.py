"""Browser journey: the supervisor tries other weights on a draft scheme, freezes it, puts it on public notice,
reads the ranking and opens a department's report (with its radar chart)."""

from decimal import Decimal

import pytest

from qualityservice.core import indicators
from qualityservice.evaluation import services
from qualityservice.evaluation.tests.conftest import LIVE, TEST_INDICATORS

from .conftest import confirm, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_supervisor_tries_weights_freezes_ranks_and_opens_a_departments_report(live_server, page, org, monkeypatch):
    monkeypatch.setattr(indicators, "_registry", dict(indicators._registry))
    indicators.register(*TEST_INDICATORS)
    LIVE.clear()
    LIVE["evaluation.test_rate"] = {org.wuye.pk: Decimal(80), org.yinshi.pk: Decimal(60), org.office.pk: Decimal(40)}
    LIVE["evaluation.test_late"] = {org.wuye.pk: Decimal(6), org.yinshi.pk: Decimal(0), org.office.pk: None}
    scheme, _ = services.create_scheme(key=None, by=org.supervisor, year=2026, title="2026年度考核")
    services.set_component(scheme, indicator="evaluation.test_rate", weight=50, floor=0, target=100)
    services.set_component(scheme, indicator="evaluation.test_late", weight=50, floor=10, target=0)

    login(page, live_server, org.supervisor.username, org.password)
    page.goto(f"{live_server.url}{scheme.get_absolute_url()}")
    page.click("[data-testid=whatif]")
    page.fill("input[name='weight-evaluation.test_rate']", "80")
    page.fill("input[name='weight-evaluation.test_late']", "20")
    page.click("[data-testid=whatif-try]")
    # Property: 80 × 0.8 + 40 × 0.2 = 72.00 with the trial weights; 40 + 20 = 60.00 with the scheme's.
    row = page.locator("[data-testid=whatif-wuye]")
    assert "72.00" in row.inner_text() and "60.00" in row.inner_text()

    page.goto(f"{live_server.url}{scheme.get_absolute_url()}")
    page.click("[data-testid=move-freeze]")
    confirm(page)
    page.wait_for_selector("[data-testid=ranking]")
    page.click("[data-testid=move-notice]")
    page.wait_for_load_state()
    assert "公示中" in page.locator("[data-testid=scheme-status]").inner_text()
    ranking = page.locator("[data-testid=ranking]").inner_text()
    assert "饮食服务中心" in ranking and "物业管理中心" in ranking

    page.click("[data-testid=report-wuye]")
    summary = page.locator("[data-testid=report-summary]").inner_text()
    assert "60.00" in summary
    assert page.locator("svg.qs-bars").count() == 1  # two components: the radar needs three axes, drawn as bars
    assert page.locator("[data-testid=report-lines]").inner_text().count("A test rate, in per cent") == 1
    LIVE.clear()
