"""Browser journey on a phone (390×844): the supervisor goes through the evaluation's main pages — the schemes,
a scheme with its ranking, the what-if view, a department's report, the public notice page with an objection,
the group and a department's dashboard — and no page scrolls sideways."""

from decimal import Decimal
from pathlib import Path

import pytest

from qualityservice.core import indicators
from qualityservice.evaluation import services
from qualityservice.evaluation.models import Objection
from qualityservice.evaluation.tests.conftest import LIVE, TEST_INDICATORS
from qualityservice.evaluation.workflows import SCHEME

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"


def _fits(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"evaluation-phone-{name}.png"), full_page=True)
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], (name, width)


def test_the_supervisor_goes_through_the_evaluation_pages_on_a_phone(live_server, phone, org, monkeypatch):
    monkeypatch.setattr(indicators, "_registry", dict(indicators._registry))
    indicators.register(*TEST_INDICATORS)
    LIVE.clear()
    LIVE["evaluation.test_rate"] = {org.wuye.pk: Decimal(92), org.yinshi.pk: Decimal(75), org.office.pk: Decimal(60)}
    LIVE["evaluation.test_late"] = {org.wuye.pk: Decimal(1), org.yinshi.pk: Decimal(3), org.office.pk: None}
    LIVE["evaluation.test_gate"] = {org.wuye.pk: Decimal(100), org.yinshi.pk: Decimal(50), org.office.pk: Decimal(100)}
    published, _ = services.create_scheme(key=None, by=org.supervisor, year=2026, title="2026年度优质服务考核")
    draft, _ = services.create_scheme(key=None, by=org.supervisor, year=2027, title="2027年度优质服务考核")
    for scheme in (published, draft):
        services.set_component(scheme, indicator="evaluation.test_rate", weight=50, floor=60, target=100)
        services.set_component(scheme, indicator="evaluation.test_late", weight=30, floor=10, target=0)
        services.set_component(scheme, indicator="evaluation.test_gate", weight=20, rule="rank")
        services.set_gate(scheme, indicator="evaluation.test_gate", minimum=100)
    services.add_veto(draft, key=None, by=org.supervisor, department=org.office, reason="发生安全责任事故")
    published = SCHEME.apply(SCHEME.apply(published, "freeze", by=org.supervisor), "notice", by=org.supervisor, publication="full")
    page, base = phone, live_server.url

    login(page, live_server, org.supervisor.username, org.password)
    page.goto(f"{base}/staff/evaluation/schemes/")
    assert "2026年度优质服务考核" in page.locator("[data-testid=schemes]").inner_text()
    _fits(page, "schemes")
    page.goto(f"{base}{published.get_absolute_url()}")
    ranking = page.locator("[data-testid=ranking]").inner_text()
    assert "物业管理中心" in ranking and "不参与评优" in ranking
    _fits(page, "ranking")
    page.goto(f"{base}{draft.get_absolute_url()}")
    assert "发生安全责任事故" in page.locator("[data-testid=vetoes]").inner_text()
    _fits(page, "draft")
    page.click("[data-testid=whatif]")
    page.locator("[data-testid=whatif-ranking]").wait_for()
    _fits(page, "what-if")
    page.goto(f"{base}{published.get_absolute_url()}")
    page.click("[data-testid=report-yinshi]")
    assert "未达否决项" in page.locator("[data-testid=report-not-eligible]").inner_text()
    _fits(page, "report")
    page.goto(f"{base}/staff/evaluation/dashboard/?year=2026")
    _fits(page, "dashboard")
    page.goto(f"{base}/staff/evaluation/dashboard/{org.wuye.pk}/?year=2026")
    _fits(page, "department-dashboard")

    page.goto(f"{base}{published.get_public_url()}")
    page.fill("textarea[name=text]", "饮食服务中心的满意度调查样本偏少，请复核。")
    page.click("[data-testid=objection-submit]")
    page.locator("[data-testid=objection-sent]").wait_for()
    _fits(page, "public")
    assert Objection.objects.get().feedback_code in page.locator("[data-testid=objection-sent]").inner_text()
    LIVE.clear()
