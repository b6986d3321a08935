"""The cheap public answering flow: the blank answer page comes from the rendered-page cache, opening a
survey writes nothing, and a form answered in one go is stored by a direct insert (on PostgreSQL in one
statement) with its answers and result counters."""

import re
import uuid

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qualityservice.core import pagecache
from qualityservice.core.submissions import scoped
from qualityservice.surveys import answering, building, counters, results
from qualityservice.surveys.models import Answer, CrossCell, Response, ResponseDay, ResultCell, ResultQuestion, Survey, Token
from qualityservice.surveys.workflows import SURVEY

from .factories import make_survey, valid_post


@pytest.fixture
def ns(org):
    return make_survey(org)


def start_url(ns):
    return reverse("surveys:start", args=[ns.survey.public_code])


def submit_url(ns):
    return reverse("surveys:submit", args=[ns.survey.public_code])


def save_url(ns):
    return reverse("surveys:save", args=[ns.survey.public_code])


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def submission_key(html: str) -> str:
    return re.search(r'name="submission_key" value="([^"]+)"', html).group(1)


def test_it_serves_the_blank_page_from_the_cache_with_a_working_csrf_token_and_a_fresh_key(ns):
    first_visitor, second_visitor = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first = first_visitor.get(start_url(ns)).content.decode()
    hits = pagecache.stats["hits"]
    second = second_visitor.get(start_url(ns)).content.decode()
    assert pagecache.stats["hits"] == hits + 1
    assert ns.rating.text in second and ns.survey.title in second
    for html in (first, second):
        assert pagecache.CSRF_PLACEHOLDER not in html and pagecache.KEY_PLACEHOLDER not in html
        uuid.UUID(submission_key(html))
    assert submission_key(first) != submission_key(second)
    r = second_visitor.post(submit_url(ns), valid_post(ns, csrfmiddlewaretoken=csrf_token(second), submission_key=submission_key(second)))
    assert r.status_code == 302 and r["Location"].endswith("/thanks/")
    assert Response.objects.submitted().get().submission_key == scoped("response", submission_key(second))


def test_it_shows_a_question_edit_on_the_cached_page(client, org, ns, django_capture_on_commit_callbacks):
    assert "总体满意度" in client.get(start_url(ns)).content.decode()
    ns.rating.text = "您对食堂的总体评价"
    ns.rating.save()
    with django_capture_on_commit_callbacks(execute=True):
        building.set_options(ns.single, [("经常", "Often"), ("偶尔", "Sometimes")])
    html = client.get(start_url(ns)).content.decode()
    assert "您对食堂的总体评价" in html and "总体满意度" not in html
    assert "偶尔" in html
    # The submit validates against the edited options too (its structure memo was rebuilt).
    assert client.post(submit_url(ns), valid_post(ns, **{ns.single.field_name: "3"})).status_code == 400
    assert client.post(submit_url(ns), valid_post(ns, **{ns.single.field_name: "2"})).status_code == 302


def test_it_stops_serving_the_cached_page_once_the_survey_closes(client, org, ns, django_capture_on_commit_callbacks):
    assert client.get(start_url(ns)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        SURVEY.apply(ns.survey, "close", by=org.supervisor)
    assert client.get(start_url(ns)).status_code == 410
    assert client.post(submit_url(ns), valid_post(ns)).status_code == 410
    assert not Response.objects.exists()


def test_it_writes_no_session_and_no_draft_when_a_survey_is_opened(client, ns):
    for _ in range(2):
        r = client.get(start_url(ns))
        assert r.status_code == 200 and ns.rating.text in r.content.decode()
        assert "sessionid" not in r.cookies
    assert not Session.objects.exists()
    assert not Response.objects.exists()


def test_it_starts_the_draft_with_the_first_saved_answer_and_shows_it_on_reload(client, ns):
    client.get(start_url(ns))
    r = client.post(save_url(ns), {ns.rating.field_name: "2"})
    assert r.json()["ok"] is True and "sessionid" not in r.cookies  # the draft follows the browser id: no session
    assert not Session.objects.exists()
    draft = Response.objects.get()
    assert draft.status == Response.Status.DRAFT and draft.draft_key
    html = client.get(start_url(ns)).content.decode()  # a page with a draft is rendered, not cached
    assert f'id="{ns.rating.field_name}-2" value="2" checked' in html
    # Another visitor still gets the blank page.
    assert f'id="{ns.rating.field_name}-2" value="2" checked' not in Client().get(start_url(ns)).content.decode()
    client.post(submit_url(ns), valid_post(ns))
    response = Response.objects.get()  # the draft became the response: one record
    assert response.status == Response.Status.SUBMITTED and response.draft_key is None
    assert response.answers.get(question=ns.rating).number == 4


def test_it_keeps_the_answers_of_a_failed_submit_without_an_earlier_draft(client, ns):
    client.get(start_url(ns))
    r = client.post(submit_url(ns), valid_post(ns, **{ns.nps.field_name: None}))
    assert r.status_code == 400 and f"“{ns.nps.text}”" in r.content.decode()
    draft = Response.objects.get()
    assert draft.status == Response.Status.DRAFT
    assert draft.answers.get(question=ns.rating).number == 4
    html = client.get(start_url(ns)).content.decode()
    assert f'id="{ns.rating.field_name}-4" value="4" checked' in html


def test_it_inserts_a_submit_in_one_go_with_its_answers_and_counters(client, org, ns):
    client.get(start_url(ns))
    r = client.post(submit_url(ns), valid_post(ns, lang="zh-hans"))
    assert r.status_code == 302
    response = Response.objects.get()
    assert response.status == Response.Status.SUBMITTED and response.submitted_at is not None
    assert response.respondent_type == "student" and response.language == "zh-hans"
    assert response.draft_key is None and response.user_id is None and response.token_id is None
    cells = set(response.answers.values_list("question_id", "item", "number", "text"))
    assert cells == {
        (ns.rating.pk, 0, 4, ""), (ns.single.pk, 0, 1, ""), (ns.matrix.pk, 1, 5, ""), (ns.matrix.pk, 2, 3, ""),
        (ns.multiple.pk, 1, 1, ""), (ns.multiple.pk, 3, 3, ""), (ns.nps.pk, 0, 9, ""), (ns.text.pk, 0, None, "饭菜很好吃"),
        (ns.wuye_rating.pk, 0, 2, ""),
    }
    loaded = answering.SurveyForm.load(ns.survey)
    stored = results.results(ns.survey, loaded.ordered())
    full = results.compute_results_from_answers(ns.survey, loaded.ordered())
    assert stored["total"] == full["total"] == 1
    assert [b["chart"] for b in stored["blocks"]] == [b["chart"] for b in full["blocks"]]
    assert results.crosstabs(ns.survey, loaded.ordered()) == results.compute_crosstabs_from_answers(ns.survey, loaded.ordered())
    assert counters.stale_result_surveys() == []


def test_it_stores_the_place_asked_for_and_refuses_an_inactive_one(client, org):
    ns = make_survey(org, ask_place=True)
    place = org.canteen
    assert client.post(submit_url(ns), valid_post(ns, place=str(place.pk))).status_code == 302
    assert Response.objects.submitted().get().place_id == place.pk
    place.is_active = False
    place.save()  # rebuilds the memo of active places
    r = client.post(submit_url(ns), valid_post(ns, place=str(place.pk)))
    assert r.status_code == 400 and Response.objects.submitted().count() == 1


def test_it_makes_one_response_and_counts_it_once_when_the_cached_form_is_posted_twice(ns):
    visitor = Client(enforce_csrf_checks=True)
    visitor.get(start_url(ns))
    html = visitor.get(start_url(ns)).content.decode()  # from the cache
    data = valid_post(ns, csrfmiddlewaretoken=csrf_token(html), submission_key=submission_key(html))
    first, second = visitor.post(submit_url(ns), data), visitor.post(submit_url(ns), data)
    assert first.status_code == second.status_code == 302 and second["Location"].endswith("/thanks/")
    assert Response.objects.count() == 1
    assert ResponseDay.objects.get(survey=ns.survey).count == 1
    assert Answer.objects.filter(question=ns.rating).count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_makes_one_response_of_a_double_submit_outside_any_transaction(org):
    """Autocommit, as in production: the one-statement insert fails whole on the repeated key."""
    ns = make_survey(org)
    client = Client()
    data = valid_post(ns, submission_key=str(uuid.uuid4()))
    assert [client.post(submit_url(ns), data).status_code for _ in range(2)] == [302, 302]
    assert Response.objects.count() == 1 and ResponseDay.objects.get(survey=ns.survey).count == 1
    assert Answer.objects.filter(question=ns.rating).count() == 1
    assert counters.stale_result_surveys() == []


def test_it_submits_with_a_handful_of_statements(client, ns):
    client.post(submit_url(ns), valid_post(ns))  # warm-up: the survey and its structure are kept per process
    with CaptureQueriesContext(connection) as ctx:
        assert client.post(submit_url(ns), valid_post(ns, submission_key=str(uuid.uuid4()))).status_code == 302
    statements = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    if connection.vendor == "postgresql":
        assert len(statements) == 1, statements  # the response, its answers and counters in one statement
    else:
        assert len(statements) <= 6, statements  # response, answers, four counter upserts
    assert Response.objects.submitted().count() == 2


def test_it_renders_each_token_its_own_page(client, org):
    ns = make_survey(org, audience=Survey.Audience.TOKEN)
    one, two = Token.objects.create(survey=ns.survey), Token.objects.create(survey=ns.survey)
    for token in (one, two, one):
        html = client.get(start_url(ns) + f"?t={token.code}").content.decode()
        assert f'name="t" value="{token.code}"' in html


def test_it_stores_no_identity_and_one_response_per_account_on_the_direct_path(client, org):
    ns = make_survey(org, audience=Survey.Audience.SIGNED_IN, anonymous=True)
    client.force_login(org.staff_wuye)
    assert client.post(submit_url(ns), valid_post(ns)).status_code == 302
    assert client.post(submit_url(ns), valid_post(ns)).status_code == 409
    response = Response.objects.get()
    assert response.user_id is None and response.token_id is None


def test_it_writes_every_column_of_the_models_in_the_one_statement_of_the_fast_path(client, ns):
    """The fast path lists no column by hand: a field added to a model (with its Python default) is written."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: elsewhere the ORM writes the rows")
    client.post(submit_url(ns), valid_post(ns))  # warm-up: the survey and its structure are kept per process
    with CaptureQueriesContext(connection) as ctx:
        assert client.post(submit_url(ns), valid_post(ns, submission_key=str(uuid.uuid4()))).status_code == 302
    (sql,) = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    for model in (Response, Answer, ResponseDay, ResultCell, ResultQuestion, CrossCell):
        listed = re.search(rf'INSERT INTO "{model._meta.db_table}" \(([^)]*)\)', sql).group(1)
        expected = {f.column for f in model._meta.local_concrete_fields if f is not model._meta.auto_field}
        assert {c.strip('" ') for c in listed.split(",")} == expected, model._meta.label
    response = Response.objects.order_by("-pk").first()
    assert response.exclusion_id is None and response.browser_hash == ""
    assert set(response.answers.values_list("feedback_ref", flat=True)) == {""}  # the model's default, not NULL
