"""The same browser rates the same staff member from the badge at most once a day (QS_BADGE_RATING_PER_BROWSER),
counted on a keyed hash of the public forms' browser id and the person — never the address, and nothing that
identifies the browser is stored with the rating."""

import pytest
from django.test import Client
from django.urls import reverse

from qualityservice.core import ratelimit
from qualityservice.feedback.models import Feedback, Rating
from qualityservice.org.models import Staff

DIMENSIONS = ("skill", "attitude", "environment", "process", "appearance", "language")


@pytest.fixture
def cook(org):
    return Staff.objects.create(department=org.yinshi, name="王师傅", badge_number="Y001", post="厨师")


def browser() -> Client:
    """A browser that opened the rating page first (it gets its random id there), as people do."""
    return Client(REMOTE_ADDR="10.1.2.3")


def rate(client, staff, key, **extra):
    url = reverse("feedback:badge_rate", args=[staff.public_code])
    if ratelimit.VISITOR_COOKIE not in client.cookies:
        client.get(url)
    data = {d: 4 for d in DIMENSIONS}
    data.update({"text_kind": "", "body": "", "anonymous": "on", "website": "", "submission_key": key, **extra})
    return client.post(url, data)


def test_it_takes_one_rating_of_a_person_per_browser_per_day(org, cook):
    phone = browser()
    assert rate(phone, cook, "r1-key-0001").status_code == 302
    again = rate(phone, cook, "r2-key-0001", skill=1, text_kind="complaint", body="再评一次")
    html = again.content.decode()
    assert again.status_code == 429 and "今天已经评价过王师傅" in html
    assert f'href="/feedback/new/?staff={cook.public_code}"' in html  # more to say: the feedback form
    assert "再评一次</textarea>" in html  # what was typed is still there
    assert Rating.objects.count() == 1 and Feedback.objects.count() == 0


def test_it_answers_a_double_submitted_form_with_the_rating_already_saved(org, cook):
    phone = browser()
    first = rate(phone, cook, "r1-key-0001")
    second = rate(phone, cook, "r1-key-0001")
    assert second.status_code == 302 and second["Location"] == first["Location"] and Rating.objects.count() == 1


def test_it_lets_the_same_browser_rate_someone_else_and_another_browser_the_same_person(org, cook):
    colleague = Staff.objects.create(department=org.yinshi, name="李师傅", badge_number="Y002", post="厨师")
    phone = browser()
    assert rate(phone, cook, "r1-key-0001").status_code == 302
    assert rate(phone, colleague, "r2-key-0001").status_code == 302
    assert rate(browser(), cook, "r3-key-0001").status_code == 302  # same address (a campus NAT), other browser
    assert Rating.objects.count() == 3


def test_it_reads_the_allowance_from_the_setting(org, cook, settings):
    settings.QS_BADGE_RATING_PER_BROWSER = "2/d"
    phone = browser()
    assert [rate(phone, cook, f"r{i}-key-0001").status_code for i in range(3)] == [302, 302, 429]


def test_it_stores_nothing_that_identifies_the_browser(org, cook):
    phone = browser()
    rate(phone, cook, "r1-key-0001")
    browser_id = phone.cookies[ratelimit.VISITOR_COOKIE].value.split(":")[0]  # the signed cookie's random id
    assert len(browser_id) == 32
    stored = " ".join(str(v) for v in Rating.objects.values().get().values())
    assert browser_id not in stored and "10.1.2.3" not in stored
