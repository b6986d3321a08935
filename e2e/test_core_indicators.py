"""Browser: the indicators page — a table on a desktop, cards on a phone, a period chosen in the form,
a head's own department only, no CSP violation."""

import datetime

import pytest
from playwright.sync_api import expect

from e2e.conftest import login
from e2e.foundation import ConsoleWatch, no_horizontal_overflow
from qualityservice.feedback.models import Feedback, Status

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_shows_the_indicators_on_a_desktop_and_on_a_phone(page, phone, live_server, org):
    from django.utils import timezone

    when = datetime.datetime(2025, 3, 10, 10, tzinfo=timezone.get_current_timezone())
    Feedback.objects.bulk_create([
        Feedback(department=org.wuye, kind="complaint", title="楼道灯坏了", body="三楼", created_at=when, status=Status.CLOSED,
                 resolved_at=when, resolved_on_time=i != 0, satisfaction=4)
        for i in range(3)
    ])
    watch = ConsoleWatch(page)
    login(page, live_server, org.supervisor.username, org.password)
    page.click("#qs-nav >> text=质量指标")
    page.select_option("#id_year", "2025")
    page.select_option("#id_month", "3")
    page.click("[data-testid=period-form] button[type=submit]")
    expect(page.locator("[data-testid=period]")).to_contain_text("2025年3月")
    table = page.locator("[data-testid=indicator-table]")
    expect(table).to_be_visible()
    expect(table.locator("[data-key='feedback.on_time_rate']")).to_contain_text("66.7")
    expect(table.locator("[data-key='feedback.received']")).to_contain_text("统计期内从各渠道收到的意见反馈件数")
    expect(page.locator("[data-testid=indicator-cards]")).to_be_hidden()
    page.screenshot(path="/tmp/core-indicators.png", full_page=True)
    assert watch.csp_violations() == [] and watch.errors() == []

    login(phone, live_server, org.head_wuye.username, org.password)
    phone.goto(f"{live_server.url}/staff/indicators/?year=2025&month=3")
    cards = phone.locator("[data-testid=indicator-cards]")
    expect(cards).to_be_visible()
    expect(cards.locator("[data-key='feedback.on_time_rate']")).to_contain_text("物业管理中心")
    expect(cards.locator("[data-key='feedback.on_time_rate']")).to_contain_text("66.7")
    expect(cards).not_to_contain_text("饮食服务中心")
    assert no_horizontal_overflow(phone, 390)
    phone.screenshot(path="/tmp/core-indicators-phone.png", full_page=True)
