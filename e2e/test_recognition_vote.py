"""A member votes on a phone (390×844): signed in, ticks two nominees, confirms, gets a receipt; after the close,
checks on the receipt page that the ballot was counted. The page never scrolls sideways."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from e2e.conftest import confirm
from e2e.foundation import no_horizontal_overflow
from qualityservice.recognition import services
from qualityservice.recognition.models import Ballot
from qualityservice.recognition.tests.factories import voter, voting_round

pytestmark = pytest.mark.django_db(transaction=True)


def _signed_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])


def test_a_member_votes_for_two_on_a_phone_and_checks_the_receipt_after_the_close(phone, live_server, org):
    rnd, (a, b, _c) = voting_round(org, k=2)
    member = voter()
    _signed_in(phone, live_server, member)
    phone.goto(f"{live_server.url}{rnd.get_vote_url()}")
    assert no_horizontal_overflow(phone, 390)
    phone.check(f"input[name=choice][value='{a.pk}']")
    phone.check(f"input[name=choice][value='{b.pk}']")
    phone.screenshot(path="/tmp/recognition-ballot-phone.png", full_page=True)
    phone.get_by_role("button", name="投票").click()
    confirm(phone, sentence="提交后不能更改")
    phone.locator("#receipt").wait_for()
    receipt = phone.locator("#receipt").inner_text().strip()
    assert receipt == Ballot.objects.get().receipt
    assert sorted(Ballot.objects.get().choices) == sorted([a.pk, b.pk])

    services.move_round(rnd, "close_vote", by=org.supervisor)
    phone.goto(f"{live_server.url}{rnd.get_receipt_url()}")
    phone.fill("#receipt-input", receipt)
    phone.get_by_role("button", name="查验").click()
    phone.locator("[data-counted]").wait_for()
    assert "已计入" in phone.locator("[data-counted]").inner_text()
    assert no_horizontal_overflow(phone, 390)
    phone.screenshot(path="/tmp/recognition-receipt-phone.png", full_page=True)
