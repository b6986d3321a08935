"""Every staff view: anonymous → sign-in, staff/operator/judge and heads → 404 on supervisor pages;
heads of another department → 404 on results; supervisors get the page."""

import pytest
from django.urls import reverse

from qualityservice.surveys.models import Answer, Question, Survey

from .factories import add_responses, make_survey

SUPERVISOR_GET = ["builder", "edit", "preview", "distribute", "tokens_export", "poster"]
SUPERVISOR_POST = ["copy", "status", "section_add", "tokens_issue"]


@pytest.fixture
def ns(org):
    ns = make_survey(org)
    add_responses(ns, 1, text="意见")
    return ns


def urls(ns):
    pk = ns.survey.pk
    get = {name: reverse(f"surveys:{name}", args=[pk]) for name in SUPERVISOR_GET}
    get["qr"] = reverse("surveys:qr", args=[pk, "png"])
    get["question_edit"] = reverse("surveys:question_edit", args=[pk, ns.rating.pk])
    get["question_new"] = reverse("surveys:question_new", args=[pk])
    get["section_edit"] = reverse("surveys:section_edit", args=[pk, ns.section.pk])
    get["new"] = reverse("surveys:new")
    post = {name: reverse(f"surveys:{name}", args=[pk]) for name in SUPERVISOR_POST}
    post["question_delete"] = reverse("surveys:question_delete", args=[pk, ns.text.pk])
    post["section_delete"] = reverse("surveys:section_delete", args=[pk, ns.section.pk])
    return get, post


def test_it_sends_anonymous_visitors_to_sign_in(client, ns):
    get, post = urls(ns)
    for url in list(get.values()) + list(post.values()):
        r = client.post(url) if url in post.values() else client.get(url)
        assert r.status_code == 302 and "/accounts/login/" in r["Location"], url


@pytest.mark.parametrize("who", ["staff_wuye", "operator", "judge", "head_wuye", "head_yinshi"])
def test_it_hides_supervisor_pages_from_everyone_else(client, org, ns, who):
    client.force_login(getattr(org, who))
    get, post = urls(ns)
    for url in get.values():
        assert client.get(url).status_code == 404, url
    for url in post.values():
        assert client.post(url, {"to": "closed", "title": "x"}).status_code == 404, url
    ns.survey.refresh_from_db()
    assert ns.survey.status == Survey.Status.OPEN and Question.objects.filter(pk=ns.text.pk).exists()


def test_it_serves_supervisor_pages_to_the_supervisor(client, org, ns):
    client.force_login(org.supervisor)
    get, _post = urls(ns)
    for name, url in get.items():
        r = client.get(url)
        assert r.status_code == 200, name
    html = client.get(get["question_edit"]).content.decode()
    assert ns.rating.text in html


def test_it_shows_existing_options_when_editing_a_question(client, org, ns):
    client.force_login(org.supervisor)
    html = client.get(reverse("surveys:question_edit", args=[ns.survey.pk, ns.multiple.pk])).content.decode()
    assert "价格\n卫生\n态度" in html


def test_it_does_not_change_the_type_of_an_answered_question(client, org, ns):
    client.force_login(org.supervisor)
    r = client.post(reverse("surveys:question_edit", args=[ns.survey.pk, ns.rating.pk]),
                    {"section": ns.section.pk, "kind": "text", "text": "改成填空", "order": 1})
    assert "已有答案的题目不能更改题型" in r.content.decode()
    ns.rating.refresh_from_db()
    assert ns.rating.kind == "rating"


def test_it_keeps_answered_questions_of_an_opened_survey(client, org, ns):
    client.force_login(org.supervisor)
    client.post(reverse("surveys:question_delete", args=[ns.survey.pk, ns.text.pk]))
    assert Question.objects.filter(pk=ns.text.pk).exists() and Answer.objects.filter(question=ns.text).exists()


def test_it_refuses_a_survey_open_to_anyone_that_is_not_anonymous(client, org):
    client.force_login(org.supervisor)
    r = client.post(reverse("surveys:new"), {"title": "实名", "kind": "custom", "audience": "anyone", "period": "2026"})
    assert "面向所有人的问卷无法记录答卷人" in r.content.decode()
    assert not Survey.objects.surveys().exists()


def test_it_scopes_surveys_by_the_departments_of_their_questions_as_core_scopes_them(org, ns):
    from django.contrib.auth.models import AnonymousUser

    from qualityservice.org.tests.factories import UserFactory

    empty = Survey.objects.create(title="还没有题目的问卷", period="2026")
    office_only = make_survey(org).survey
    Question.objects.filter(survey=office_only).update(department=org.office)

    def visible(user):
        return set(Survey.objects.visible_to(user).surveys())

    assert visible(org.supervisor) == visible(org.admin) == {ns.survey, empty, office_only}  # also without questions
    assert visible(org.head_yinshi) == visible(org.head_wuye) == visible(org.staff_wuye) == {ns.survey}
    assert visible(AnonymousUser()) == visible(UserFactory()) == set()  # no profile: no department
