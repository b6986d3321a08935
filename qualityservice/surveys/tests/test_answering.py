"""Answering a survey: drafts saved as one goes, validation, one response per person, anonymity."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from qualityservice.surveys.models import Answer, Participation, Response, Survey, Token

from .factories import make_survey, valid_post


def start_url(ns):
    return reverse("surveys:start", args=[ns.survey.public_code])


def save_url(ns):
    return reverse("surveys:save", args=[ns.survey.public_code])


def submit_url(ns):
    return reverse("surveys:submit", args=[ns.survey.public_code])


@pytest.fixture
def ns(org):
    return make_survey(org)


def test_it_shows_every_question_type_and_the_anonymity_note(client, ns):
    response = client.get(start_url(ns))
    html = response.content.decode()
    assert response.status_code == 200
    for q in (ns.rating, ns.single, ns.matrix, ns.multiple, ns.nps, ns.text):
        assert q.text in html
    assert 'data-testid="anonymity"' in html and "匿名" in html


def test_it_says_on_the_first_page_when_a_survey_is_not_anonymous(client, org):
    ns = make_survey(org, audience=Survey.Audience.SIGNED_IN, anonymous=False)
    client.force_login(org.staff_wuye)
    html = client.get(start_url(ns)).content.decode()
    assert "不是匿名" in html or "NOT anonymous" in html


def test_it_saves_answers_as_she_goes_and_restores_them_on_reload(client, ns):
    client.get(start_url(ns))
    r = client.post(save_url(ns), {ns.rating.field_name: "4"})
    assert r.json()["ok"] is True
    client.post(save_url(ns), {f"{ns.matrix.field_name}_2": "3"})
    client.post(save_url(ns), {ns.text.field_name: "排队太久"})
    draft = Response.objects.get(survey=ns.survey)
    assert draft.status == Response.Status.DRAFT
    html = client.get(start_url(ns)).content.decode()
    assert f'id="{ns.rating.field_name}-4" value="4" checked' in html
    assert f'id="{ns.matrix.field_name}_2-3" value="3" checked' in html
    assert "排队太久" in html
    assert Response.objects.submitted().count() == 0


def test_it_rejects_an_out_of_range_answer_with_a_clear_message(client, ns):
    client.get(start_url(ns))
    r = client.post(save_url(ns), {ns.rating.field_name: "6"})
    assert r.status_code == 400 and "1 到 5" in r.json()["error"]
    r = client.post(save_url(ns), {ns.nps.field_name: "11"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "0" in r.json()["error"] and "10" in r.json()["error"]
    assert not Answer.objects.exists()


def test_it_answers_in_english_when_the_respondent_reads_english(client, ns):
    client.get(start_url(ns))
    client.cookies["django_language"] = "en"
    r = client.post(save_url(ns), {ns.rating.field_name: "9"})
    assert "between 1 and 5" in r.json()["error"]


def test_it_refuses_a_forged_question_id(client, org, ns):
    other = make_survey(org)
    client.get(start_url(ns))
    r = client.post(save_url(ns), {other.rating.field_name: "4"})
    assert r.status_code == 400 and r.json()["ok"] is False
    r = client.post(submit_url(ns), valid_post(ns, **{other.rating.field_name: "4"}))
    assert r.status_code == 400
    assert not Response.objects.submitted().exists()


def test_it_refuses_oversized_text(client, ns):
    client.get(start_url(ns))
    r = client.post(submit_url(ns), valid_post(ns, **{ns.text.field_name: "长" * 2001}))
    assert r.status_code == 400
    assert "太长" in r.content.decode()
    assert not Response.objects.submitted().exists()


def test_it_lists_missing_required_answers_and_submits_nothing(client, ns):
    client.get(start_url(ns))
    r = client.post(submit_url(ns), valid_post(ns, **{ns.rating.field_name: None, ns.nps.field_name: None}))
    html = r.content.decode()
    assert r.status_code == 400
    assert f"“{ns.rating.text}”" in html and f"“{ns.nps.text}”" in html
    assert not Response.objects.submitted().exists()
    # The valid answers were kept in the draft so nothing is lost.
    assert Answer.objects.filter(question=ns.single, response__status="draft").exists()


def test_it_submits_a_valid_response_and_thanks(client, ns):
    client.get(start_url(ns))
    client.post(save_url(ns), {ns.rating.field_name: "2"})
    r = client.post(submit_url(ns), valid_post(ns))
    assert r.status_code == 302 and r["Location"].endswith("/thanks/")
    response = Response.objects.get()
    assert response.status == Response.Status.SUBMITTED and response.draft_key is None
    assert response.respondent_type == "student"
    assert response.answers.get(question=ns.rating).number == 4  # the submitted form wins over the draft
    assert sorted(response.answers.filter(question=ns.multiple).values_list("item", flat=True)) == [1, 3]
    assert "谢谢" in client.get(r["Location"]).content.decode()


def test_it_drops_answers_to_questions_hidden_by_skip_logic(client, ns):
    client.get(start_url(ns))
    client.post(submit_url(ns), valid_post(ns, **{ns.single.field_name: "2"}))
    response = Response.objects.submitted().get()
    assert not response.answers.filter(question=ns.matrix).exists()


def test_it_shows_a_conditional_question_hidden_until_the_answer_matches(client, ns):
    html = client.get(start_url(ns)).content.decode()
    assert f'data-show-if="{ns.single.pk}" data-show-values="1"' in html
    assert f'qs-question d-none" data-question="{ns.matrix.pk}"' in html


def test_it_accepts_nothing_when_the_survey_is_closed(client, org):
    ns = make_survey(org, status=Survey.Status.CLOSED)
    assert client.get(start_url(ns)).status_code == 410
    assert client.post(save_url(ns), {ns.rating.field_name: "4"}).status_code == 409
    assert client.post(submit_url(ns), valid_post(ns)).status_code == 410
    assert not Response.objects.exists()


def test_it_accepts_nothing_after_the_close_date_or_before_the_open_date(client, org):
    late = make_survey(org, closes_at=timezone.now() - timedelta(minutes=1), opens_at=timezone.now() - timedelta(days=2))
    early = make_survey(org, opens_at=timezone.now() + timedelta(days=1))
    for ns in (late, early):
        assert client.post(submit_url(ns), valid_post(ns)).status_code == 410
    assert not Response.objects.exists()


def test_it_does_not_serve_a_draft_survey_publicly(client, org):
    ns = make_survey(org, status=Survey.Status.DRAFT)
    assert client.get(start_url(ns)).status_code == 404


def test_it_asks_signed_in_surveys_to_sign_in_and_takes_one_response_per_account(client, org):
    ns = make_survey(org, audience=Survey.Audience.SIGNED_IN)
    r = client.get(start_url(ns))
    assert r.status_code == 302 and "/members/signin/" in r["Location"]  # members: teachers and students sign in there
    client.force_login(org.staff_wuye)
    assert client.post(submit_url(ns), valid_post(ns)).status_code == 302
    # A new session (other browser, cleared cookies) is still the same person.
    client.logout()
    client.force_login(org.staff_wuye)
    assert client.get(start_url(ns)).status_code == 409
    assert client.post(submit_url(ns), valid_post(ns)).status_code == 409
    assert Response.objects.submitted().count() == 1


def test_it_stores_no_identity_with_answers_of_an_anonymous_survey(client, org):
    ns = make_survey(org, audience=Survey.Audience.SIGNED_IN, anonymous=True)
    client.force_login(org.staff_wuye)
    client.post(submit_url(ns), valid_post(ns))
    response = Response.objects.submitted().get()
    assert response.user_id is None and response.token_id is None and response.draft_key is None
    assert Participation.objects.filter(survey=ns.survey, person=f"u:{org.staff_wuye.pk}").exists()


def test_it_records_the_account_on_a_non_anonymous_survey(client, org):
    ns = make_survey(org, audience=Survey.Audience.SIGNED_IN, anonymous=False)
    client.force_login(org.staff_wuye)
    client.post(submit_url(ns), valid_post(ns))
    assert Response.objects.submitted().get().user == org.staff_wuye


def test_it_uses_a_token_once(client, org):
    ns = make_survey(org, audience=Survey.Audience.TOKEN)
    token = Token.objects.create(survey=ns.survey)
    assert client.get(start_url(ns)).status_code == 403
    assert client.get(start_url(ns) + "?t=forged").status_code == 403
    assert client.get(start_url(ns) + f"?t={token.code}").status_code == 200
    assert client.post(submit_url(ns), valid_post(ns, t=token.code)).status_code == 302
    token.refresh_from_db()
    assert token.used_at is not None
    other = client_class_fresh()
    assert other.post(submit_url(ns), valid_post(ns, t=token.code)).status_code == 409
    assert Response.objects.submitted().count() == 1


def test_it_restores_a_token_draft_on_another_device(client, org):
    ns = make_survey(org, audience=Survey.Audience.TOKEN)
    token = Token.objects.create(survey=ns.survey)
    client.post(save_url(ns), {"t": token.code, ns.rating.field_name: "5"})
    html = client_class_fresh().get(start_url(ns) + f"?t={token.code}").content.decode()
    assert f'id="{ns.rating.field_name}-5" value="5" checked' in html


def client_class_fresh():
    from django.test import Client

    return Client()


def test_it_keeps_query_counts_of_the_survey_page_constant(client, org, django_assert_max_num_queries):
    from .factories import add_responses

    ns = make_survey(org)
    add_responses(ns, 1)
    with django_assert_max_num_queries(12):
        assert client.get(start_url(ns)).status_code == 200
    add_responses(ns, 50)
    with django_assert_max_num_queries(12):
        assert client.get(start_url(ns)).status_code == 200


def test_it_lists_open_public_surveys_but_not_token_or_closed_ones(client, org):
    open_ns = make_survey(org)
    token_ns = make_survey(org, audience=Survey.Audience.TOKEN)
    token_ns.survey.title = "令牌问卷"
    token_ns.survey.save()
    closed = make_survey(org, status=Survey.Status.CLOSED)
    closed.survey.title = "已结束问卷"
    closed.survey.save()
    html = client.get(reverse("surveys:public_list")).content.decode()
    assert open_ns.survey.get_public_url() in html
    assert "令牌问卷" not in html and "已结束问卷" not in html
    assert reverse("surveys:public_list") in client.get("/").content.decode()


def test_it_makes_one_response_of_a_double_submitted_answer_form(client, ns):
    import uuid

    key = str(uuid.uuid4())
    client.get(start_url(ns))
    first = client.post(submit_url(ns), valid_post(ns, submission_key=key))
    second = client.post(submit_url(ns), valid_post(ns, submission_key=key))
    assert first.status_code == second.status_code == 302
    assert second["Location"].endswith("/thanks/")
    assert Response.objects.submitted().count() == 1
    assert 'name="submission_key"' in client.get(start_url(ns)).content.decode()


def test_it_validates_any_posted_rating_to_a_value_in_range_or_a_message(org):
    from django.http import QueryDict
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from qualityservice.surveys import answering

    ns = make_survey(org)
    loaded = answering.SurveyForm.load(ns.survey)
    rating = loaded.questions[ns.rating.pk]
    nps = loaded.questions[ns.nps.pk]

    @settings(max_examples=200, deadline=None)
    @given(st.one_of(st.text(max_size=12), st.integers(min_value=-10**6, max_value=10**6).map(str)))
    def check(raw):
        for question, scale in ((rating, range(1, 6)), (nps, range(0, 11))):
            data = QueryDict(mutable=True)
            data[question.field_name] = raw
            try:
                cells = answering.parse_answer(question, data)
            except answering.AnswerError as exc:
                assert question.text in str(exc)
            else:
                assert all(c.number in scale for c in cells)

    check()


def test_it_ignores_an_autosave_that_arrives_after_its_draft_was_submitted(org):
    """The answer page's last save may still be in flight when Submit is pressed: it must not rewrite the response."""
    from django.http import QueryDict

    from qualityservice.surveys import answering

    ns = make_survey(org)
    respondent = answering.Respondent(draft_key="browser-draft")
    first = QueryDict(mutable=True)
    first[ns.nps.field_name] = "3"
    draft = answering.store_draft_change(ns.survey, respondent, answering.parse_draft_change(ns.survey, first))
    posted = QueryDict(mutable=True)
    for name, value in valid_post(ns).items():
        posted.setlist(name, value if isinstance(value, list) else [value])
    response, errors = answering.submit(ns.survey, respondent, posted)
    assert errors == [] and response.pk == draft.pk and response.status == Response.Status.SUBMITTED
    late = QueryDict(mutable=True)
    late[ns.nps.field_name] = "0"
    assert answering.store_draft_change(ns.survey, respondent, answering.parse_draft_change(ns.survey, late), draft) is None
    assert response.answers.get(question=ns.nps).number == 9  # what was submitted
