"""The outage page (a database or Redis that cannot be reached) on a phone: translated, styled, no console
errors (CSP), no sideways scrolling."""

import pytest

from e2e.foundation import ConsoleWatch, no_horizontal_overflow, shot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("qualityservice.core.tests.outage_urls")]


def test_it_shows_the_translated_outage_page_on_a_phone(phone, live_server):
    console = ConsoleWatch(phone)
    response = phone.goto(live_server.url + "/outage/db/")
    assert response.status == 503
    assert phone.locator("h1").inner_text() == "服务暂时不可用"
    assert "再次提交同一张表单不会重复保存" in phone.locator("main").inner_text()
    assert phone.locator("a[href='/']").inner_text() == "首页"
    assert no_horizontal_overflow(phone, 390)
    shot(phone, "core-outage")
    assert console.csp_violations() == []
    assert [f for f in console.failed if "/static/" in f] == []  # its styles load (only the page itself is a 503)
