"""Skip logic on several answers: a follow-up shown for a score of 0–6 (or options 1 and 3) appears exactly then;
a condition the answers can never meet is refused by the builder with a message, and one that became impossible
later (a question moved, an option removed) is pointed out next to the question — never a question that silently
never appears."""

import pytest
from django.urls import reverse

from qualityservice.surveys import answering
from qualityservice.surveys.models import Answer, Question, Response, Survey, format_answer_values, parse_answer_values

from .factories import make_survey, valid_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def ns(org):
    return make_survey(org)


def _follow_up(ns, value="0-6", parent=None, order=7):
    return Question.objects.create(survey=ns.survey, section=ns.section, order=order, kind="text", text="您不推荐的原因是什么？",
                                   text_en="Why would you not recommend us?", required=False,
                                   show_if_question=parent or ns.nps, show_if_value=value)


@pytest.mark.parametrize(("text", "values"), [
    ("3", {3}), ("0-6", set(range(7))), ("0–6", set(range(7))), (" 0 - 6 ", set(range(7))), ("0～6", set(range(7))),
    ("０－６", set(range(7))), ("0至6", set(range(7))), ("1,3", {1, 3}), ("1，3、5", {1, 3, 5}), ("0-6, 9", {0, 1, 2, 3, 4, 5, 6, 9}),
    ("", set()),
])
def test_it_reads_one_answer_several_answers_and_ranges(text, values):
    assert parse_answer_values(text) == values


@pytest.mark.parametrize("text", ["yes", "是", "6-0", "-1", "3-", "1.5", "1000"])
def test_it_cannot_read_words_backward_ranges_or_fractions(text):
    assert parse_answer_values(text) is None


def test_it_writes_the_answers_back_in_a_short_form():
    assert [format_answer_values(v) for v in ({0, 1, 2, 3, 4, 5, 6}, {1, 3}, {9, 10}, {1, 3, 4, 5, 6, 9})] == [
        "0-6", "1,3", "9,10", "1,3-6,9"]


def test_it_shows_the_follow_up_to_a_score_of_0_to_6_and_not_to_7_to_10(ns):
    follow = _follow_up(ns)
    form = answering.SurveyForm.cached(ns.survey)
    shown = {score: follow.pk in {q.pk for q in answering.visible_questions(
        form, {ns.nps.pk: [answering.Cell(number=score)], ns.single.pk: [answering.Cell(number=1)]})} for score in range(11)}
    assert shown == {score: score <= 6 for score in range(11)}


def test_it_keeps_the_follow_up_answer_of_a_detractor_and_drops_that_of_a_promoter(client, ns):
    follow = _follow_up(ns, "0–6")
    url = reverse("surveys:submit", args=[ns.survey.public_code])
    html = client.get(reverse("surveys:start", args=[ns.survey.public_code])).content.decode()
    assert f'data-show-if="{ns.nps.pk}" data-show-values="0 1 2 3 4 5 6"' in html
    client.post(url, valid_post(ns, **{ns.nps.field_name: "3", follow.field_name: "排队太久"}))
    client.cookies.clear()
    client.post(url, valid_post(ns, **{ns.nps.field_name: "9", follow.field_name: "不会出现"}))
    assert Response.objects.submitted().count() == 2
    assert list(Answer.objects.filter(question=follow).values_list("text", flat=True)) == ["排队太久"]


def _new_question(client, ns, **fields):
    client.cookies["django_language"] = "en"
    data = {"section": ns.section.pk, "kind": "text", "text": "为什么？", "order": 8, "show_if_question": ns.nps.pk, **fields}
    return client.post(reverse("surveys:question_new", args=[ns.survey.pk]), data, follow=True).content.decode()


def test_it_saves_a_condition_on_several_answers_in_its_short_form(client, org):
    ns = make_survey(org, status=Survey.Status.DRAFT)
    client.force_login(org.supervisor)
    _new_question(client, ns, show_if_value="0–6")
    _new_question(client, ns, text="选1或3之后", show_if_question=ns.multiple.pk, show_if_value="1，3")
    assert Question.objects.get(text="为什么？").show_if_value == "0-6"
    assert Question.objects.get(text="选1或3之后").show_if_value == "1,3"
    html = client.get(reverse("surveys:builder", args=[ns.survey.pk])).content.decode()
    assert "is 0-6" in html and 'data-testid="skip-problem"' not in html


@pytest.mark.parametrize(("fields", "message"), [
    ({"show_if_value": "yes"}, "Write the answers as numbers: 3, several as 1,3, or a range such as 0-6."),
    ({"show_if_value": "0-12"}, "has no answer 11,12; its answers are 0-10."),
    ({"show_if_question": "single", "show_if_value": "3"}, "has no answer 3; its answers are 1,2."),
    ({"show_if_question": "rating", "show_if_value": "0"}, "has no answer 0; its answers are 1-5."),
    ({"show_if_value": "0-6", "order": 1, "section": "first"}, "Choose a question that comes before this one."),
    ({"show_if_question": "", "show_if_value": "3"}, "Choose the question whose answer makes this one appear."),
    ({"show_if_value": "0,2,4,6,8,10"}, None),
    ({"show_if_question": "multiple", "show_if_value": "1,3"}, None),
])
def test_it_refuses_a_condition_no_answer_can_meet_with_a_message_and_saves_nothing(client, org, fields, message):
    ns = make_survey(org, status=Survey.Status.DRAFT)
    client.force_login(org.supervisor)
    fields = dict(fields)
    if fields.get("show_if_question") in ("single", "rating", "multiple"):
        fields["show_if_question"] = getattr(ns, fields["show_if_question"]).pk
    if fields.get("section") == "first":
        fields["section"] = ns.section.pk
        ns.nps.order = 2
        ns.nps.save()
    html = _new_question(client, ns, **fields)
    if message is None:
        assert Question.objects.filter(text="为什么？").exists()
    else:
        assert message in html.replace("&quot;", '"').replace("&#x27;", "'")
        assert not Question.objects.filter(text="为什么？").exists()


def test_it_refuses_a_list_of_single_answers_too_long_to_keep_and_says_to_write_ranges(client, org):
    ns = make_survey(org, status=Survey.Status.DRAFT)
    client.force_login(org.supervisor)
    _new_question(client, ns, show_if_value="0 2 4 6 8 10 1 5")  # kept as 0-2,4-6,8,10
    assert Question.objects.get(text="为什么？").show_if_value == "0-2,4-6,8,10"
    Question.objects.filter(text="为什么？").delete()
    ns.single.options.create(value=3, text="有时")
    for value in range(4, 31):
        ns.single.options.create(value=value, text=f"选项{value}")
    html = _new_question(client, ns, show_if_question=ns.single.pk, show_if_value=",".join(str(v) for v in range(1, 31, 2)))
    assert "Too many separate answers: write them as ranges, such as 0-6." in html
    assert not Question.objects.filter(text="为什么？").exists()


def test_it_points_out_a_condition_that_became_impossible_next_to_the_question(client, org):
    ns = make_survey(org, status=Survey.Status.DRAFT)
    client.force_login(org.supervisor)
    client.cookies["django_language"] = "en"
    impossible = _follow_up(ns, "3", parent=ns.single)  # the yes/no question has options 1 and 2 only
    moved = _follow_up(ns, "0-6", order=1)  # now before the score it depends on
    Question.objects.filter(pk=moved.pk).update(text="先于推荐度")
    html = client.get(reverse("surveys:builder", args=[ns.survey.pk])).content.decode().replace("&quot;", '"')
    assert html.count('data-testid="skip-problem"') == 2
    assert f"No answer to “EN {ns.single.text}” is 3, so this question never appears: change the condition." in html
    assert f"It depends on a question that comes after it: move it below “EN {ns.nps.text}” or change the condition." in html
    assert {q.show_if_problem != "" for q in answering.SurveyForm.load(ns.survey).ordered() if q.pk in (impossible.pk, moved.pk)} == {True}
