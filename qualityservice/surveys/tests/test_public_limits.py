"""The public endpoints are limited: submits per browser id (requests without it share one allowance per
address) and per address, autosaves per browser id; a refused submit shows the form again with what was
typed; an autosave stores nothing (no session, no draft row) until it carries a first real answer; the
periodic job purges abandoned drafts and expired sessions."""

import uuid
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qualityservice.surveys.models import Response, Survey
from qualityservice.surveys.tasks import purge_stale_drafts

from .factories import make_survey, valid_post

LIMITED = "您或您所在的网络在短时间内提交了很多份答卷"


@pytest.fixture
def ns(org):
    return make_survey(org)


@pytest.fixture
def limits(settings):
    # Daily windows, so that a run of a few seconds never straddles a window edge.
    settings.QS_SURVEY_RATE_PER_BROWSER = "5/d"
    settings.QS_SURVEY_RATE_PER_IP = "600/d"
    settings.QS_SURVEY_AUTOSAVE_RATE_PER_BROWSER = "300/d"
    return settings


def start_url(ns):
    return reverse("surveys:start", args=[ns.survey.public_code])


def submit_url(ns):
    return reverse("surveys:submit", args=[ns.survey.public_code])


def save_url(ns):
    return reverse("surveys:save", args=[ns.survey.public_code])


def submit(client, ns, **overrides):
    return client.post(submit_url(ns), valid_post(ns, submission_key=str(uuid.uuid4()), **overrides))


def test_it_stores_only_the_allowed_number_of_300_rapid_submits_from_one_browser(client, ns, limits):
    client.get(start_url(ns))  # the answer page gives the browser its id
    statuses = [submit(client, ns, **{ns.rating.field_name: "1"}).status_code for _ in range(300)]
    assert statuses.count(302) == 5 and statuses.count(429) == 295
    assert statuses[:5] == [302] * 5
    assert Response.objects.submitted().count() == 5
    assert not Response.objects.filter(status=Response.Status.DRAFT).exists()


def test_it_shows_the_refused_form_again_with_what_was_typed_and_a_translated_message(client, ns, limits):
    limits.QS_SURVEY_RATE_PER_BROWSER = "1/d"
    client.get(start_url(ns))
    assert submit(client, ns).status_code == 302
    r = submit(client, ns, **{ns.text.field_name: "排队太久了", ns.rating.field_name: "2"})
    html = r.content.decode()
    assert r.status_code == 429 and LIMITED in html and 'data-testid="limited"' in html
    assert f'id="{ns.rating.field_name}-2" value="2" checked' in html
    assert f'id="{ns.matrix.field_name}_1-5" value="5" checked' in html
    assert f'id="{ns.multiple.field_name}-3" value="3" checked' in html
    assert 'id="rt-student" value="student" checked' in html
    assert "排队太久了</textarea>" in html
    assert Response.objects.submitted().count() == 1
    client.cookies["django_language"] = "en"
    assert "press Submit again" in submit(client, ns).content.decode()


def test_it_shows_a_failed_submit_again_with_what_was_posted_even_without_a_browser_id(ns, limits):
    r = Client().post(submit_url(ns), valid_post(ns, **{ns.nps.field_name: None, ns.text.field_name: "菜太咸"}))
    html = r.content.decode()
    assert r.status_code == 400 and f"“{ns.nps.text}”" in html
    assert f'id="{ns.rating.field_name}-4" value="4" checked' in html and "菜太咸</textarea>" in html
    assert not Response.objects.exists()  # no browser id: no draft to keep them in


def test_it_counts_submits_without_a_browser_id_as_one_browser_per_address(ns, limits):
    statuses = [Client().post(submit_url(ns), valid_post(ns)).status_code for _ in range(12)]  # cookies dropped
    assert statuses.count(302) == 5 and statuses.count(429) == 7
    assert Response.objects.submitted().count() == 5
    other_address = Client(REMOTE_ADDR="10.9.8.7")
    assert other_address.post(submit_url(ns), valid_post(ns)).status_code == 302


def test_it_caps_one_address_that_sends_many_browser_ids(ns, limits):
    limits.QS_SURVEY_RATE_PER_IP = "8/d"
    statuses = []
    for _ in range(12):
        browser = Client()  # a fresh browser id each time (the id is free to get: open the page)
        browser.get(start_url(ns))
        statuses.append(submit(browser, ns).status_code)
    assert statuses.count(302) == 8 and statuses.count(429) == 4
    assert Response.objects.submitted().count() == 8


def test_it_limits_each_survey_on_its_own(client, org, ns, limits):
    limits.QS_SURVEY_RATE_PER_BROWSER = "1/d"
    other = make_survey(org)
    client.get(start_url(ns))
    assert [submit(client, ns).status_code for _ in range(2)] == [302, 429]
    assert submit(client, other).status_code == 302


def test_it_keeps_one_response_per_account_on_a_signed_in_survey(client, org, limits):
    ns = make_survey(org, audience=Survey.Audience.SIGNED_IN)
    client.force_login(org.staff_wuye)
    client.get(start_url(ns))
    assert [submit(client, ns).status_code for _ in range(3)] == [302, 409, 409]
    assert Response.objects.submitted().count() == 1


# --- Autosave ---------------------------------------------------------------------------------------


def test_it_stores_nothing_for_an_autosave_without_answers(client, ns, limits):
    client.get(start_url(ns))
    for data in ({ns.text.field_name: ""}, {ns.multiple.field_name: ""}, {"respondent_type": ""}, {}):
        r = client.post(save_url(ns), data)
        assert r.status_code == 200 and r.json()["ok"] is True
        assert "sessionid" not in r.cookies and "qs_survey_drafts" not in r.cookies
    assert not Response.objects.exists()
    assert not Session.objects.exists()


def test_it_keeps_one_draft_and_no_session_for_many_autosaves_from_one_browser(client, ns, limits):
    client.get(start_url(ns))
    for i in range(60):
        r = client.post(save_url(ns), {ns.rating.field_name: str(i % 5 + 1)})
        assert r.json()["ok"] is True
    draft = Response.objects.get()
    assert draft.status == Response.Status.DRAFT and draft.answers.get().number == 5  # the last save
    assert not Session.objects.exists()


def test_it_keeps_no_draft_for_autosaves_without_a_browser_id(ns, limits):
    for _ in range(20):
        r = Client().post(save_url(ns), {ns.rating.field_name: "3"})  # cookies dropped every time
        assert r.status_code == 200 and r.json()["ok"] is False and "cookie" in r.json()["error"].lower()
    assert not Response.objects.exists()
    assert not Session.objects.exists()


def test_it_limits_autosaves_per_browser_and_stores_nothing_over_the_limit(client, ns, limits):
    limits.QS_SURVEY_AUTOSAVE_RATE_PER_BROWSER = "5/d"
    client.get(start_url(ns))
    statuses = [client.post(save_url(ns), {ns.rating.field_name: "2"}).status_code for _ in range(5)]
    r = client.post(save_url(ns), {ns.rating.field_name: "5"})
    assert statuses == [200] * 5 and r.status_code == 429 and "提交" in r.json()["error"]
    assert Response.objects.get().answers.get().number == 2


def test_it_caps_the_new_drafts_of_one_address(ns, limits):
    limits.QS_SURVEY_RATE_PER_IP = "3/d"
    oks = []
    for _ in range(6):
        browser = Client()
        browser.get(start_url(ns))
        oks.append(browser.post(save_url(ns), {ns.rating.field_name: "4"}).json()["ok"])
    assert oks == [True] * 3 + [False] * 3
    assert Response.objects.filter(status=Response.Status.DRAFT).count() == 3


# --- Purge ----------------------------------------------------------------------------------------


def test_it_schedules_the_purge_every_hour():
    from config.celery import app

    entries = [e for e in app.conf.beat_schedule.values() if e["task"] == "surveys.purge_stale_drafts"]
    assert entries and entries[0]["schedule"] <= 3600


def test_it_purges_abandoned_drafts_and_expired_sessions_in_the_periodic_job(org, ns, settings):
    settings.QS_SURVEY_DRAFT_RETENTION_DAYS = 7
    now = timezone.now()
    old = Response.objects.create(survey=ns.survey, draft_key="old", started_at=now - timedelta(days=8))
    recent = Response.objects.create(survey=ns.survey, draft_key="recent", started_at=now - timedelta(days=6))
    submitted = Response.objects.create(survey=ns.survey, status=Response.Status.SUBMITTED, submitted_at=now,
                                        started_at=now - timedelta(days=30))
    expired, live = SessionStore(), SessionStore()
    expired.set_expiry(-60)
    expired["x"] = 1
    expired.save()
    live["x"] = 1
    live.save()
    assert purge_stale_drafts.delay().get() == {"drafts": 1}
    assert set(Response.objects.values_list("pk", flat=True)) == {recent.pk, submitted.pk}
    assert not Response.objects.filter(pk=old.pk).exists()
    assert set(Session.objects.values_list("session_key", flat=True)) == {live.session_key}
    assert purge_stale_drafts.delay().get() == {"drafts": 0}  # idempotent
