"""Browser test: a judge scoring on a phone loses nothing to a lost connection — the values typed offline stay on
the phone (and in the inputs after a reload) and are sent as soon as the connection returns."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_judge_keeps_scoring_offline_and_the_values_are_sent_when_the_connection_returns(live_server, phone, org):
    from decimal import Decimal

    from qualityservice.competitions.models import Score
    from qualityservice.competitions.tests.factories import build, sheets_of

    setup = build(org, contestants=1, panel=1, reserves=0)
    judge = setup.appointments[1]
    sheet = sheets_of(setup.round, judge)[0]
    phone.goto(f"{live_server.url}/competitions/j/{judge.code}/{sheet.code}/")
    form = phone.locator("form[data-sheet]")
    expect(form).to_have_attribute("data-ready", "1")
    phone.fill("input[name=c-caozuo]", "8.5")
    expect(form).to_have_attribute("data-state", "saved")
    phone.context.set_offline(True)
    phone.fill("input[name=c-chengpin]", "9")
    expect(form).to_have_attribute("data-state", "offline")
    assert '"c-chengpin":"9"' in phone.evaluate(f"window.localStorage.getItem('qs-sheet-{sheet.code}')")
    assert not Score.objects.filter(sheet=sheet, criterion__code="chengpin").exists()
    phone.screenshot(path="/tmp/competitions-offline.png", full_page=False)
    phone.context.set_offline(False)
    expect(form).to_have_attribute("data-state", "saved", timeout=15000)
    assert Score.objects.get(sheet=sheet, criterion__code="chengpin").value == Decimal("9")
    phone.reload()
    expect(phone.locator("input[name=c-chengpin]")).to_have_value("9")
    assert phone.evaluate(f"window.localStorage.getItem('qs-sheet-{sheet.code}')") is None
