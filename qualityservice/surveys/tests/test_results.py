"""Results: charts data, cross-tabs, NPS, SERVQUAL gaps, free text to feedback, Excel exports, scoping."""

import io
import json
import sys
import types

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qualityservice.surveys import counters, views
from qualityservice.surveys.models import Answer, Option, Question, Response, Section, Survey

from .factories import add_responses, make_survey


@pytest.fixture
def ns(org):
    ns = make_survey(org, ask_place=True)
    add_responses(ns, 3, rating=5, nps=10, respondent_type="student", text="窗口太少", place=org.canteen)
    add_responses(ns, 1, rating=1, nps=3, respondent_type="teacher")
    return ns


def charts_of(response):
    html = response.content.decode()
    start = html.index(">", html.index('id="survey-charts"')) + 1
    return {c["id"]: c for c in json.loads(html[start:html.index("</script>", start)])}


def test_it_shows_counts_distributions_averages_and_nps(client, org, ns):
    client.force_login(org.supervisor)
    r = client.get(reverse("surveys:results", args=[ns.survey.pk]))
    html = r.content.decode()
    assert 'data-testid="total">4<' in html
    charts = charts_of(r)
    assert charts[f"q{ns.rating.pk}"]["values"] == [1, 0, 0, 0, 3]
    assert charts[f"q{ns.multiple.pk}"]["values"] == [0, 4, 0]
    assert charts["per-day"]["values"] == [4]
    # rating average (5+5+5+1)/4 = 4.0; NPS: 3 promoters, 1 detractor of 4 → 50
    assert ">4.0<" in html
    assert 'data-testid="nps">50.0<' in html
    assert charts["nps"]["values"] == [3, 0, 1]
    assert "窗口太少" in html


def test_it_cross_tabulates_by_respondent_type_department_and_place(client, org, ns):
    client.force_login(org.supervisor)
    html = client.get(reverse("surveys:results", args=[ns.survey.pk])).content.decode()
    table = html[html.index('data-testid="crosstab-department"'):]
    table = table[:table.index("</table>")]
    # 饮食服务中心: students 5.0 (rating + 2 matrix cells, 3 respondents), teacher 1.0
    assert "饮食服务中心" in table and "5.0" in table and "1.0" in table
    place = html[html.index('data-testid="crosstab-place"'):]
    assert "第一餐厅" in place[:place.index("</table>")]


def test_it_shows_a_head_only_the_questions_of_her_department(client, org, ns):
    client.force_login(org.head_wuye)
    r = client.get(reverse("surveys:results", args=[ns.survey.pk]))
    html = r.content.decode()
    assert ns.wuye_rating.text in html and ns.rating.text not in html and "窗口太少" not in html
    assert set(charts_of(r)) == {"per-day", f"q{ns.wuye_rating.pk}"}


def test_it_hides_results_from_outsiders(client, org):
    ns = make_survey(org)
    Question.objects.filter(department=org.wuye).delete()
    url = reverse("surveys:results", args=[ns.survey.pk])
    assert client.get(url).status_code == 302
    client.force_login(org.head_wuye)
    assert client.get(url).status_code == 404
    assert client.get(reverse("surveys:export_raw", args=[ns.survey.pk])).status_code == 404
    client.force_login(org.staff_yinshi)
    assert client.get(url).status_code == 404
    client.force_login(org.head_yinshi)
    assert client.get(url).status_code == 200


def test_it_computes_servqual_gaps_per_dimension(client, org):
    survey = Survey.objects.create(title="SERVQUAL", status="open", period="2026")
    sec = Section.objects.create(survey=survey, order=1, title="s")
    questions = {}
    for part in ("expectation", "perception"):
        q = Question.objects.create(survey=survey, section=sec, kind="matrix", text=f"有形性 {part}", servqual_dimension="tangibles", servqual_part=part)
        Option.objects.bulk_create([Option(question=q, value=1, text="设备"), Option(question=q, value=2, text="外观")])
        questions[part] = q
    r1 = Response.objects.create(survey=survey, status="submitted")
    r2 = Response.objects.create(survey=survey, status="submitted")
    cells = [(r1, "expectation", 1, 5), (r1, "expectation", 2, 5), (r1, "perception", 1, 4), (r1, "perception", 2, 3),
             (r2, "expectation", 1, 4), (r2, "expectation", 2, 4), (r2, "perception", 1, 4), (r2, "perception", 2, 3)]
    Answer.objects.bulk_create([Answer(response=r, question=questions[p], item=i, number=n) for r, p, i, n in cells])
    counters.rebuild_results(survey)  # answers written directly: recompute the stored counters
    client.force_login(org.supervisor)
    r = client.get(reverse("surveys:results", args=[survey.pk]))
    # expectation mean 4.5, perception mean 3.5 → gap −1.0
    assert charts_of(r)["servqual"]["values"] == [-1.0]
    assert 'data-testid="servqual-overall">-1.0<' in r.content.decode()


def test_it_exports_one_row_per_response_in_a_stable_column_order(client, org, ns):
    client.force_login(org.supervisor)
    r = client.get(reverse("surveys:export_raw", args=[ns.survey.pk]))
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1 + 4
    header = rows[0]
    assert header[:4] == ("答卷编号", "提交时间", "答卷人身份", "场所")
    assert header[4] == ns.rating.text and header[6] == f"{ns.matrix.text} — 口味"
    first = rows[1]
    assert first[4] == 5 and first[5] == "是" and first[6] == 5 and first[2] == "学生" and first[3] == "第一餐厅"
    multiple_col = header.index(f"{ns.multiple.text} — 卫生")
    assert first[multiple_col] == 1
    assert first[header.index(ns.text.text)] == "窗口太少"
    assert rows[4][header.index(ns.text.text)] is None


def test_it_exports_the_summary(client, org, ns):
    client.force_login(org.supervisor)
    r = client.get(reverse("surveys:export_summary", args=[ns.survey.pk]))
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    rating = next(row for row in rows if row[0] == ns.rating.text)
    assert rating[3] == 4 and rating[4] == 4.0


def test_it_hides_the_feedback_button_when_the_feedback_app_offers_no_service(client, org, ns, monkeypatch):
    monkeypatch.setattr(views, "feedback_available", lambda: False)
    client.force_login(org.supervisor)
    html = client.get(reverse("surveys:results", args=[ns.survey.pk])).content.decode()
    assert "转为意见记录" not in html
    answer = Answer.objects.filter(question=ns.text).first()
    client.post(reverse("surveys:answer_to_feedback", args=[ns.survey.pk, answer.pk]), {"department": org.yinshi.pk})
    answer.refresh_from_db()
    assert answer.feedback_ref == ""


def test_it_keeps_results_queries_constant_with_the_number_of_responses(client, org, django_assert_max_num_queries):
    ns = make_survey(org, ask_place=True)
    client.force_login(org.supervisor)
    add_responses(ns, 1, text="一条意见", place=org.canteen)
    with django_assert_max_num_queries(24):
        client.get(reverse("surveys:results", args=[ns.survey.pk]))
    add_responses(ns, 50, text="更多意见", place=org.dorm)
    with django_assert_max_num_queries(24):
        r = client.get(reverse("surveys:results", args=[ns.survey.pk]))
    assert 'data-testid="total">51<' in r.content.decode()


def test_it_does_not_let_a_head_route_an_answer_outside_her_department(client, org, ns):
    ns.text.department = org.wuye
    ns.text.save()
    client.force_login(org.head_wuye)
    answer = Answer.objects.filter(question=ns.text).first()
    r = client.post(reverse("surveys:answer_to_feedback", args=[ns.survey.pk, answer.pk]), {"department": org.yinshi.pk})
    assert r.status_code == 404
    answer.refresh_from_db()
    assert answer.feedback_ref == ""


def test_it_exports_to_a_head_only_the_columns_of_her_department(client, org, ns):
    client.force_login(org.head_wuye)
    r = client.get(reverse("surveys:export_raw", args=[ns.survey.pk]))
    rows = list(load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[0][4:] == (ns.wuye_rating.text,)
    assert len(rows) == 5 and rows[1][4] == 3


def fake_feedback(monkeypatch, create_feedback):
    fake = types.ModuleType("qualityservice.feedback.services")
    fake.create_feedback = create_feedback
    monkeypatch.setitem(sys.modules, "qualityservice.feedback.services", fake)


def test_it_logs_an_unexpected_error_of_the_feedback_app_and_shows_a_translated_message_without_its_text(
        client, org, ns, monkeypatch, caplog):
    def create_feedback(**kwargs):
        raise RuntimeError("connection to mail-db refused (password=hunter2)")

    fake_feedback(monkeypatch, create_feedback)
    client.force_login(org.supervisor)
    answer = Answer.objects.filter(question=ns.text).first()
    with caplog.at_level("ERROR", logger="qualityservice.surveys.views"):
        r = client.post(reverse("surveys:answer_to_feedback", args=[ns.survey.pk, answer.pk]), {"department": org.yinshi.pk},
                        follow=True)
    html = r.content.decode()
    assert r.status_code == 200 and "无法创建意见记录。错误已记录，请稍后再试。" in html
    assert "hunter2" not in html and "mail-db" not in html
    assert "creating the feedback record failed" in caplog.text and "hunter2" in caplog.text  # the traceback is logged
    answer.refresh_from_db()
    assert answer.feedback_ref == ""


def test_it_shows_the_reason_when_the_feedback_app_refuses_the_record(client, org, ns, monkeypatch):
    from django.core.exceptions import ValidationError

    def create_feedback(**kwargs):
        raise ValidationError("该部门暂不受理意见。")

    fake_feedback(monkeypatch, create_feedback)
    client.force_login(org.supervisor)
    answer = Answer.objects.filter(question=ns.text).first()
    r = client.post(reverse("surveys:answer_to_feedback", args=[ns.survey.pk, answer.pk]), {"department": org.yinshi.pk},
                    follow=True)
    assert "无法创建意见记录：该部门暂不受理意见。" in r.content.decode()
    answer.refresh_from_db()
    assert answer.feedback_ref == ""
