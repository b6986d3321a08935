"""The survey builder: settings, sections, questions of every type, skip logic, preview, copy, status."""

import uuid

import pytest
from django.urls import reverse

from qualityservice.surveys.models import Option, Question, Survey, SurveyStatusLog
from qualityservice.surveys.templates_data import install_templates
from qualityservice.surveys.tests.factories import shipped_template

from .factories import make_survey


@pytest.fixture
def ns(org):
    return make_survey(org, status=Survey.Status.DRAFT)


def test_it_ships_the_three_templates_with_every_install(db):
    templates = {s.template_key: s for s in Survey.objects.templates()}
    assert set(templates) == {"logistics-annual", "servqual", "nps"}
    servqual = templates["servqual"]
    items = Option.objects.filter(question__survey=servqual)
    # 22 items × expectation and perception, five dimensions
    assert items.count() == 44
    assert set(servqual.questions.values_list("servqual_dimension", flat=True)) == {
        "tangibles", "reliability", "responsiveness", "assurance", "empathy"}
    assert items.filter(question__servqual_part="perception").count() == 22
    annual = templates["logistics-annual"]
    assert {"yinshi", "gongyu", "weixiu", "wuye", "jiaotong"} <= set(annual.questions.values_list("department_code", flat=True))
    assert annual.questions.filter(show_if_question__isnull=False).exists()
    assert install_templates() == 0  # idempotent


def test_it_lets_only_supervisors_build(client, org, ns):
    url = reverse("surveys:builder", args=[ns.survey.pk])
    assert client.get(url).status_code == 302
    for user in (org.staff_wuye, org.head_yinshi, org.head_wuye, org.operator):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(org.supervisor)
    html = client.get(url).content.decode()
    assert ns.rating.text in html and "矩阵题" in html


def test_it_creates_a_survey_once_even_when_the_form_is_submitted_twice(client, org):
    client.force_login(org.supervisor)
    key = str(uuid.uuid4())
    data = {"title": "宿舍满意度", "kind": "custom", "audience": "anyone", "anonymous": "on", "ask_respondent_type": "on",
            "period": "2026", "submission_key": key}
    first = client.post(reverse("surveys:new"), data)
    second = client.post(reverse("surveys:new"), data)
    assert Survey.objects.surveys().count() == 1
    assert first["Location"] == second["Location"]
    survey = Survey.objects.surveys().get()
    assert survey.sections.count() == 1 and survey.created_by == org.supervisor


def test_it_refuses_a_survey_that_closes_before_it_opens(client, org):
    client.force_login(org.supervisor)
    r = client.post(reverse("surveys:new"), {"title": "x", "kind": "custom", "audience": "anyone", "anonymous": "on", "period": "2026",
                                             "opens_at": "2026-05-02T10:00", "closes_at": "2026-05-01T10:00"})
    assert r.status_code == 200 and "截止时间必须晚于开始时间" in r.content.decode()
    assert not Survey.objects.surveys().exists()


@pytest.mark.parametrize("kind,options", [
    ("rating", ""), ("single", "是 | Yes\n否 | No"), ("multiple", "价格\n卫生\n态度"), ("text", ""), ("nps", ""), ("matrix", "口味\n价格"),
])
def test_it_adds_a_question_of_each_type(client, org, ns, kind, options):
    client.force_login(org.supervisor)
    r = client.post(reverse("surveys:question_new", args=[ns.survey.pk]), {
        "section": ns.section.pk, "kind": kind, "text": f"新题目 {kind}", "text_en": f"New {kind}", "required": "on",
        "options_text": options, "order": 9, "department": org.wuye.pk,
    })
    assert r.status_code == 302
    q = Question.objects.get(text=f"新题目 {kind}")
    assert q.kind == kind and q.required and q.department == org.wuye
    if options:
        assert q.options.count() == len(options.splitlines())
    if kind == "single":
        assert q.options.get(value=1).text_en == "Yes"


def test_it_refuses_a_choice_question_without_options(client, org, ns):
    client.force_login(org.supervisor)
    r = client.post(reverse("surveys:question_new", args=[ns.survey.pk]),
                    {"section": ns.section.pk, "kind": "single", "text": "没有选项", "order": 1}, follow=True)
    assert "请至少填写两个选项" in r.content.decode()
    assert not Question.objects.filter(text="没有选项").exists()


def test_it_adds_skip_logic_to_a_question(client, org, ns):
    client.force_login(org.supervisor)
    client.post(reverse("surveys:question_new", args=[ns.survey.pk]), {
        "section": ns.section.pk, "kind": "text", "text": "为什么不在食堂吃？", "order": 3,
        "show_if_question": ns.single.pk, "show_if_value": "2",
    })
    q = Question.objects.get(text="为什么不在食堂吃？")
    assert q.show_if_question == ns.single and q.show_if_value == "2"


def test_it_previews_a_survey_without_saving(client, org, ns):
    client.force_login(org.supervisor)
    html = client.get(reverse("surveys:preview", args=[ns.survey.pk])).content.decode()
    assert "预览模式" in html and ns.matrix.text in html and "data-save-url" not in html


def test_it_copies_a_survey_with_options_and_skip_logic(client, org, ns):
    client.force_login(org.supervisor)
    r = client.post(reverse("surveys:copy", args=[ns.survey.pk]))
    copy = Survey.objects.exclude(pk=ns.survey.pk).surveys().get()
    assert r["Location"] == copy.get_absolute_url()
    assert copy.title.endswith("（副本）") and copy.status == Survey.Status.DRAFT and copy.copied_from == ns.survey
    assert copy.questions.count() == ns.survey.questions.count()
    matrix = copy.questions.get(kind="matrix")
    assert matrix.show_if_question.survey == copy and matrix.show_if_question.kind == "single"
    assert list(matrix.options.values_list("text", flat=True)) == ["口味", "价格"]


def test_it_resolves_template_department_codes_when_copying(client, org):
    from qualityservice.org.tests.factories import DepartmentFactory

    weixiu = DepartmentFactory(code="weixiu", name="维修服务中心")
    client.force_login(org.supervisor)
    template = Survey.objects.get(template_key="logistics-annual")
    client.post(reverse("surveys:copy", args=[template.pk]))
    copy = Survey.objects.surveys().get(copied_from=template)
    assert copy.title == template.title
    assert copy.questions.filter(department=weixiu).count() == 2
    assert copy.questions.filter(department=org.yinshi).count() == 2


def test_it_opens_and_closes_through_one_transition_that_records_who(client, org, ns):
    client.force_login(org.supervisor)
    url = reverse("surveys:status", args=[ns.survey.pk])
    client.post(url, {"to": "open"})
    client.post(url, {"to": "closed"})
    ns.survey.refresh_from_db()
    assert ns.survey.status == "closed"
    log = list(SurveyStatusLog.objects.filter(survey=ns.survey).order_by("at", "pk").values_list("from_status", "to_status", "by"))
    assert log == [("draft", "open", org.supervisor.pk), ("open", "closed", org.supervisor.pk)]
    r = client.post(url, {"to": "draft"}, follow=True)
    assert "问卷不能从" in r.content.decode()
    assert client.get(url).status_code == 405


def test_it_does_not_open_a_template(client, org):
    client.force_login(org.supervisor)
    template = shipped_template("nps")
    r = client.post(reverse("surveys:status", args=[template.pk]), {"to": "open"}, follow=True)
    assert "模板不能直接发布" in r.content.decode()


def test_it_lists_surveys_for_heads_only_when_they_ask_about_their_department(client, org, ns):
    other = Survey.objects.create(title="幼儿园家长问卷", period="2026")
    client.force_login(org.head_wuye)
    html = client.get(reverse("surveys:list")).content.decode()
    assert ns.survey.title in html and other.title not in html and "使用此模板" not in html
    client.force_login(org.supervisor)
    html = client.get(reverse("surveys:list")).content.decode()
    assert ns.survey.title in html and other.title in html and "使用此模板" in html
    client.force_login(org.staff_wuye)
    assert client.get(reverse("surveys:list")).status_code == 404


def test_it_keeps_the_list_and_builder_queries_constant(client, org, django_assert_max_num_queries):
    from .factories import add_responses

    ns = make_survey(org)
    client.force_login(org.supervisor)
    add_responses(ns, 1)
    with django_assert_max_num_queries(14):
        client.get(reverse("surveys:list"))
    with django_assert_max_num_queries(14):
        client.get(reverse("surveys:builder", args=[ns.survey.pk]))
    add_responses(ns, 50)
    with django_assert_max_num_queries(14):
        client.get(reverse("surveys:list"))
    with django_assert_max_num_queries(14):
        client.get(reverse("surveys:builder", args=[ns.survey.pk]))


def test_it_acts_once_on_double_submitted_builder_forms(client, org, ns):
    from qualityservice.surveys.models import Token

    client.force_login(org.supervisor)
    key = str(uuid.uuid4())
    data = {"section": ns.section.pk, "kind": "text", "text": "重复提交的题目", "order": 9, "submission_key": key}
    client.post(reverse("surveys:question_new", args=[ns.survey.pk]), data)
    client.post(reverse("surveys:question_new", args=[ns.survey.pk]), data)
    assert Question.objects.filter(text="重复提交的题目").count() == 1
    key = str(uuid.uuid4())
    first = client.post(reverse("surveys:copy", args=[ns.survey.pk]), {"submission_key": key})
    second = client.post(reverse("surveys:copy", args=[ns.survey.pk]), {"submission_key": key})
    assert Survey.objects.filter(copied_from=ns.survey).count() == 1 and first["Location"] == second["Location"]
    key = str(uuid.uuid4())
    for _ in range(2):
        client.post(reverse("surveys:tokens_issue", args=[ns.survey.pk]), {"count": 5, "submission_key": key})
    assert Token.objects.filter(survey=ns.survey).count() == 5
    key = str(uuid.uuid4())
    for _ in range(2):
        client.post(reverse("surveys:section_add", args=[ns.survey.pk]), {"title": "第二部分", "order": 2, "submission_key": key})
    assert ns.survey.sections.filter(title="第二部分").count() == 1


def test_it_moves_a_question_up_and_down_within_its_section(client, org, ns):
    client.force_login(org.supervisor)
    url = reverse("surveys:question_move", args=[ns.survey.pk, ns.nps.pk])
    client.post(url, {"direction": "up"})
    order = list(ns.section.questions.order_by("order", "pk").values_list("pk", flat=True))
    assert order.index(ns.nps.pk) == order.index(ns.multiple.pk) - 1
    client.post(url, {"direction": "down"})
    client.post(url, {"direction": "down"})
    order = list(ns.section.questions.order_by("order", "pk").values_list("pk", flat=True))
    assert order.index(ns.nps.pk) == order.index(ns.text.pk) + 1
    assert client.get(url).status_code == 405
    client.force_login(org.head_yinshi)
    assert client.post(url, {"direction": "up"}).status_code == 404
