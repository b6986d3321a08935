"""Lost work: a public form refused by the CSRF check (WeChat's browser drops cookies) or by the rate limit
comes back with what was typed and a fresh token; sending it again creates one record (core.csrf)."""

import re

import pytest
from django.test import Client

from qualityservice.feedback.models import Feedback, Rating

pytestmark = pytest.mark.django_db

NEW = "/feedback/new/"
BODY = "二食堂的米饭夹生，希望改进。"


def typed(**overrides):
    data = {"kind": "complaint", "title": "米饭夹生", "body": BODY, "anonymous": "on", "submission_key": "csrf-retry-key-0001",
            "website": ""}
    data.update(overrides)
    return data


def token_of(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_it_gives_the_form_back_as_typed_when_the_csrf_cookie_is_missing(org):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(NEW, typed())
    html = response.content.decode()
    assert response.status_code == 403
    assert BODY in html and 'value="米饭夹生"' in html  # what was typed
    assert "您的表单没有发送成功" in html  # why it came back
    assert 'value="csrf-retry-key-0001"' in html  # the same submission key
    assert Feedback.objects.count() == 0
    assert "csrftoken" in response.cookies  # a fresh token, and its cookie

    again = browser.post(NEW, {**typed(), "csrfmiddlewaretoken": token_of(html)})
    assert again.status_code == 302 and again["Location"].startswith("/feedback/t/")
    assert Feedback.objects.get().body == BODY


def test_it_saves_nothing_while_giving_the_form_back(org):
    Client(enforce_csrf_checks=True).post(NEW, typed())
    Client(enforce_csrf_checks=True).post(NEW, typed(submission_key="another-key-0002"))
    assert Feedback.objects.count() == 0


def test_it_gives_the_badge_rating_back_as_filled_in(org):
    staff = org.staff_wuye.staff
    url = f"/b/{staff.public_code}/rate/"
    scores = {d: "4" for d in ("skill", "attitude", "environment", "process", "appearance", "language")}
    response = Client(enforce_csrf_checks=True).post(url, {**scores, "text_kind": "praise", "body": "服务很热情", "anonymous": "on",
                                                           "submission_key": "badge-retry-key-1", "website": ""})
    html = response.content.decode()
    assert response.status_code == 403 and "服务很热情" in html and "您的表单没有发送成功" in html
    assert Rating.objects.count() == 0


def test_it_keeps_what_was_typed_on_the_429_page(client, org, settings):
    settings.QS_FEEDBACK_RATE_PER_SESSION = "1/h"
    client.get(NEW)
    assert client.post(NEW, typed(submission_key="first-key-00001")).status_code == 302
    response = client.post(NEW, typed(submission_key="second-key-0002", body="第二条：食堂排队太久。"))
    html = response.content.decode()
    assert response.status_code == 429
    assert "第二条：食堂排队太久。" in html and "请稍后再发送" in html
    assert Feedback.objects.count() == 1
