"""One submission-key scheme (core.submissions): every create of the app acts once per form key — also
under a real race — and the migration keeps the keys surveys and responses already had."""

import threading
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from qualityservice.core.submissions import new_key, scoped
from qualityservice.surveys.models import Question, Section, Survey, Token

from .factories import make_survey

THREADS = 6


def survey_form(key: str, title: str = "宿舍满意度") -> dict:
    return {"title": title, "kind": "custom", "audience": "anyone", "anonymous": "on", "ask_respondent_type": "on",
            "period": "2026", "submission_key": key}


@pytest.mark.django_db(transaction=True)
def test_it_creates_one_survey_when_the_same_new_survey_form_arrives_several_times_at_once(org):
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL race: runs in the PostgreSQL pass of make test (SQLite serialises writers)")
    url, data = reverse("surveys:new"), survey_form(new_key())
    barrier = threading.Barrier(THREADS)
    outcomes, errors = [], []

    def worker():
        try:
            client = Client()  # each thread: its own client and database connection
            client.force_login(org.supervisor)
            barrier.wait(timeout=10)
            r = client.post(url, data)
            outcomes.append((r.status_code, r["Location"]))
        except Exception as exc:  # a 500 is raised by the test client
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    survey = Survey.objects.surveys().get(title="宿舍满意度")
    assert outcomes == [(302, survey.get_absolute_url())] * THREADS
    assert survey.sections.count() == 1 and survey.submission_key == scoped("survey", data["submission_key"])


def test_it_keeps_the_form_keys_of_every_create_in_the_created_rows(client, org):
    ns = make_survey(org)
    client.force_login(org.supervisor)
    keys = {name: new_key() for name in ("copy", "section", "question", "tokens")}
    client.post(reverse("surveys:copy", args=[ns.survey.pk]), {"submission_key": keys["copy"]})
    client.post(reverse("surveys:section_add", args=[ns.survey.pk]), {"title": "第二部分", "order": 2, "submission_key": keys["section"]})
    client.post(reverse("surveys:question_new", args=[ns.survey.pk]),
                {"section": ns.section.pk, "kind": "text", "text": "补充", "order": 9, "submission_key": keys["question"]})
    client.post(reverse("surveys:tokens_issue", args=[ns.survey.pk]), {"count": 3, "submission_key": keys["tokens"]})
    assert Survey.objects.get(copied_from=ns.survey).submission_key == scoped("survey-copy", keys["copy"])
    assert Section.objects.get(title="第二部分").submission_key == scoped("section", keys["section"])
    assert Question.objects.get(text="补充").submission_key == scoped("question", keys["question"])
    tokens = list(Token.objects.filter(survey=ns.survey).order_by("pk").values_list("submission_key", flat=True))
    assert tokens == [scoped("tokens", keys["tokens"]), None, None]  # the batch's first token holds the key


def test_it_says_a_stale_copy_form_is_out_of_date_and_copies_nothing(client, org):
    ns = make_survey(org)
    client.force_login(org.supervisor)
    r = client.post(reverse("surveys:copy", args=[ns.survey.pk]), {"submission_key": "<script>"}, follow=True)
    assert "表单已过期" in r.content.decode()
    assert not Survey.objects.filter(copied_from=ns.survey).exists()


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_keys_that_surveys_and_responses_had_through_the_migration():
    before, after = [("surveys", "0005_member_audience")], [("surveys", "0006_core_submission_keys_and_rebuild_flag")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    survey_key, response_key = uuid.uuid4(), uuid.uuid4()
    survey = old.get_model("surveys", "Survey").objects.create(title="旧问卷", period="2026", submission_key=survey_key)
    old.get_model("surveys", "Response").objects.create(survey_id=survey.pk, submission_key=response_key)
    old.get_model("surveys", "Response").objects.create(survey_id=survey.pk)
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after).apps
        assert new.get_model("surveys", "Survey").objects.get(pk=survey.pk).submission_key == f"survey:{survey_key.hex}"
        keys = set(new.get_model("surveys", "Response").objects.filter(survey_id=survey.pk).values_list("submission_key", flat=True))
        assert keys == {f"response:{response_key.hex}", None}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
