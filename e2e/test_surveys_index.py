"""Browser: the satisfaction index pages draw their trend chart; a head sees only her department;
a closed survey tells a phone user it accepts nothing."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import login
from qualityservice.surveys import index
from qualityservice.surveys.models import Survey
from qualityservice.surveys.tests.factories import add_responses, make_survey

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_shows_the_index_trend_and_scopes_heads(page, phone, live_server, org):
    ns = make_survey(org, status=Survey.Status.CLOSED)
    add_responses(ns, 10, rating=4)  # 饮食 4 → 75.0; 物业 3 → 50.0
    index.refresh_satisfaction_index(surveys=[ns.survey])

    login(page, live_server, org.supervisor.username, org.password)
    page.goto(f"{live_server.url}/staff/surveys/index/")
    expect(page.locator("[data-chart=index-trend] canvas")).to_be_visible()
    table = page.locator("[data-testid=index-table]")
    expect(table).to_contain_text("饮食服务中心")
    expect(table).to_contain_text("75.0")
    expect(table).to_contain_text("50.0")
    page.screenshot(path="/tmp/surveys-index.png", full_page=True)

    page.goto(f"{live_server.url}/staff/org/departments/{org.yinshi.pk}/")
    expect(page.locator("[data-testid=department-satisfaction]")).to_contain_text("75.0")

    page.context.clear_cookies()
    login(page, live_server, org.head_wuye.username, org.password)
    page.goto(f"{live_server.url}/staff/surveys/index/{org.wuye.pk}/")
    expect(page.locator("[data-chart=index-trend] canvas")).to_be_visible()
    expect(page.locator("[data-testid=period-table]")).to_contain_text("50.0")
    response = page.goto(f"{live_server.url}/staff/surveys/index/{org.yinshi.pk}/")
    assert response.status == 404

    phone.goto(f"{live_server.url}{ns.survey.get_public_url()}")
    expect(phone.locator("[data-testid=closed]")).to_contain_text("已结束")
    phone.screenshot(path="/tmp/surveys-closed-phone.png")
