"""A survey submit refused by the CSRF check (an in-app browser dropped the cookie) comes back with the answers
given and a fresh token, stores nothing, and the second submit is counted once (core.csrf)."""

import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from qualityservice.surveys.models import Response

from .factories import make_survey, valid_post

pytestmark = pytest.mark.django_db


def test_it_gives_the_answers_back_when_the_csrf_cookie_is_missing(org):
    ns = make_survey(org)
    url = reverse("surveys:submit", args=[ns.survey.public_code])
    data = valid_post(ns, submission_key=str(uuid.uuid4()), **{ns.text.field_name: "希望增加夜宵窗口"})
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(url, data)
    html = response.content.decode()
    assert response.status_code == 403
    assert "希望增加夜宵窗口" in html
    assert "您的表单没有发送成功" in html
    assert not Response.objects.exists()

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    again = browser.post(url, {**data, "csrfmiddlewaretoken": token})
    assert again.status_code == 302
    assert Response.objects.submitted().count() == 1
