"""A token is used once even when the same token is submitted from several threads at once.
Runs on PostgreSQL (DATABASE_URL); SQLite serialises writers, so the race cannot happen there."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from qualityservice.surveys.models import Participation, Response, Survey, Token

from .factories import make_survey, valid_post

THREADS = 8


@pytest.mark.django_db(transaction=True)
def test_it_uses_a_token_once_under_concurrent_submits(org):
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL race: runs in the PostgreSQL pass of make test (SQLite serialises writers)")
    ns = make_survey(org, audience=Survey.Audience.TOKEN)
    token = Token.objects.create(survey=ns.survey)
    url = reverse("surveys:submit", args=[ns.survey.public_code])
    data = valid_post(ns, t=token.code)
    barrier = threading.Barrier(THREADS)
    statuses = []
    errors = []

    def worker():
        try:
            client = Client()  # each thread: its own client, session and database connection
            barrier.wait(timeout=10)
            statuses.append(client.post(url, data).status_code)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(statuses) == [302] + [409] * (THREADS - 1)
    assert Response.objects.filter(survey=ns.survey, status=Response.Status.SUBMITTED).count() == 1
    assert Participation.objects.filter(survey=ns.survey).count() == 1
    token.refresh_from_db()
    assert token.used_at is not None


@pytest.mark.django_db(transaction=True)
def test_it_takes_one_response_per_account_under_concurrent_submits(org):
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL race: runs in the PostgreSQL pass of make test (SQLite serialises writers)")
    ns = make_survey(org, audience=Survey.Audience.SIGNED_IN)
    url = reverse("surveys:submit", args=[ns.survey.public_code])
    barrier = threading.Barrier(4)
    statuses = []

    def worker():
        try:
            client = Client()
            client.force_login(org.staff_wuye)
            barrier.wait(timeout=10)
            statuses.append(client.post(url, valid_post(ns)).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(statuses) == [302, 409, 409, 409]
    assert Response.objects.filter(survey=ns.survey, status=Response.Status.SUBMITTED).count() == 1
