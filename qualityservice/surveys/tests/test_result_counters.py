"""Stored result aggregates: the counters written when a response is submitted give exactly the figures
of the full aggregation over the answers (``compute_results_from_answers``), on the page, in the summary
export and for heads; reading them costs the same queries at 1 and at 200 responses."""

import io
import json
import threading
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from openpyxl import load_workbook

from qualityservice.surveys import answering, counters, exports, results, tasks
from qualityservice.surveys.models import Answer, CrossCell, Response, ResponseDay, ResultCell, ResultQuestion, Survey

from .factories import add_responses, make_survey, valid_post


def charts_of(response):
    html = response.content.decode()
    start = html.index(">", html.index('id="survey-charts"')) + 1
    return {c["id"]: c for c in json.loads(html[start:html.index("</script>", start)])}


def plain(data: dict) -> dict:
    """Results with questions replaced by their ids, comparable with ==."""
    return {**data, "blocks": [{**b, "question": b["question"].pk} for b in data["blocks"]]}


def plain_tabs(tabs: dict) -> dict:
    """Cross-tabs as {name: cells}: the stored version orders rows by department/place, the full one as the database returns them."""
    return {"departments": {r["name"]: r["cells"] for r in tabs["departments"]}, "places": {r["name"]: r["cells"] for r in tabs["places"]}}


def questions_of(survey, department=None):
    questions = answering.SurveyForm.load(survey).ordered()
    return [q for q in questions if department is None or q.department_id == department.pk]


def assert_counters_match_answers(survey, org):
    for department, scope in ((None, None), (org.yinshi, frozenset({org.yinshi.pk})), (org.wuye, frozenset({org.wuye.pk}))):
        questions = questions_of(survey, department)
        assert plain(results.results(survey, questions)) == plain(results.compute_results_from_answers(survey, questions))
        assert plain_tabs(results.crosstabs(survey, questions, scope)) == plain_tabs(
            results.compute_crosstabs_from_answers(survey, questions)
        )


def stored(survey) -> dict:
    return {
        "cells": sorted(ResultCell.objects.filter(survey=survey).values_list("question_id", "item", "value", "count")),
        "questions": sorted(ResultQuestion.objects.filter(survey=survey).values_list("question_id", "responses", "texts")),
        "days": sorted(ResponseDay.objects.filter(survey=survey).values_list("day", "count")),
        "cross": sorted(CrossCell.objects.filter(survey=survey).values_list(
            "department", "place", "respondent_type", "total", "answers", "respondents")),
    }


RESPONSES = [
    # respondent type, place, rating, single (1 shows the matrix), matrix items, multiple, nps, text, wuye rating
    ("student", "canteen", "5", "1", ("5", "4"), ["1", "3"], "10", "窗口太少", "2"),
    ("student", "canteen", "4", "1", ("3", None), ["2"], "9", "", None),
    ("teacher", "dorm", "2", "2", (None, None), [], "3", "宿舍太吵", "4"),
    ("staff", None, "3", "1", ("1", "2"), ["1", "2", "3"], "7", "", "5"),
    ("other", "dorm", "1", "2", (None, None), ["3"], "0", "没有热水", None),
    ("teacher", None, "5", "1", ("5", "5"), [], "8", "", "1"),
]


def submit_through_the_endpoint(ns, org, row):
    rtype, place, rating, single, (m1, m2), multiple, nps, text, wuye = row
    data = valid_post(
        ns, respondent_type=rtype, place=str(getattr(org, place).pk) if place else None, **{
            ns.rating.field_name: rating, ns.single.field_name: single, f"{ns.matrix.field_name}_1": m1,
            f"{ns.matrix.field_name}_2": m2, ns.multiple.field_name: multiple, ns.nps.field_name: nps,
            ns.text.field_name: text or None, ns.wuye_rating.field_name: wuye,
        }
    )
    data["submission_key"] = str(uuid.uuid4())
    r = Client().post(reverse("surveys:submit", args=[ns.survey.public_code]), data)
    assert r.status_code == 302, r.content.decode()[:2000]


@pytest.fixture
def submitted(org):
    ns = make_survey(org, ask_place=True)
    for row in RESPONSES:
        submit_through_the_endpoint(ns, org, row)
    return ns


def test_it_shows_on_the_page_the_figures_of_the_full_aggregation(client, org, submitted):
    ns = submitted
    client.force_login(org.supervisor)
    r = client.get(reverse("surveys:results", args=[ns.survey.pk]))
    html = r.content.decode()
    full = results.compute_results_from_answers(ns.survey, questions_of(ns.survey))
    assert full["total"] == len(RESPONSES) and f'data-testid="total">{full["total"]}<' in html
    charts = charts_of(r)
    assert charts["per-day"]["values"] == [d["n"] for d in full["per_day"]]
    for block in full["blocks"]:
        if block["chart"]:
            assert charts[f"q{block['question'].pk}"]["values"] == block["chart"]["values"]
        if block.get("average") is not None:
            assert f">{block['average']}<" in html
    assert charts[f"q{ns.rating.pk}"]["values"] == [1, 1, 1, 1, 2]
    assert charts[f"q{ns.multiple.pk}"]["values"] == [2, 2, 3]
    # NPS 10, 9 promoters; 7, 8 passives; 3, 0 detractors → 0.0
    assert f'data-testid="nps">{full["nps"].score}<' in html and full["nps"].score == 0.0
    tabs = results.compute_crosstabs_from_answers(ns.survey, questions_of(ns.survey))
    table = html[html.index('data-testid="crosstab-department"'):]
    table = table[:table.index("</table>")]
    for row in tabs["departments"]:
        assert row["name"] in table
        for cell in filter(None, row["cells"]):
            assert f"{cell[0]} <span" in table and f"({cell[1]})" in table
    assert "窗口太少" in html and "宿舍太吵" in html and "没有热水" in html
    assert_counters_match_answers(ns.survey, org)


def test_it_exports_the_summary_from_the_counters(client, org, submitted):
    client.force_login(org.supervisor)
    r = client.get(reverse("surveys:export_summary", args=[submitted.survey.pk]))
    rows = list(load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True).worksheets[0].iter_rows(values_only=True))
    full = results.compute_results_from_answers(submitted.survey, questions_of(submitted.survey))
    assert rows[1:] == [tuple(None if v == "" else v for v in row) for row in exports.summary_rows(full)]


def test_it_shows_a_head_the_counters_of_her_department_only(client, org, submitted):
    client.force_login(org.head_wuye)
    r = client.get(reverse("surveys:results", args=[submitted.survey.pk]))
    html = r.content.decode()
    assert set(charts_of(r)) == {"per-day", f"q{submitted.wuye_rating.pk}"}
    assert submitted.rating.text not in html and "窗口太少" not in html
    table = html[html.index('data-testid="crosstab-department"'):]
    assert "饮食服务中心" not in table[:table.index("</table>")]
    assert_counters_match_answers(submitted.survey, org)


def test_it_rebuilds_exactly_the_counters_the_submits_wrote(org, submitted):
    incremental = stored(submitted.survey)
    counters.rebuild_results(submitted.survey)
    assert stored(submitted.survey) == incremental
    assert incremental["cells"] and incremental["cross"]


def test_it_pages_the_free_text_answers_with_the_stored_count(client, org):
    ns = make_survey(org)
    add_responses(ns, 45, text="意见")
    client.force_login(org.supervisor)
    url = reverse("surveys:results", args=[ns.survey.pk])
    first = client.get(url)
    last = client.get(url + "?page=3")
    assert first.content.decode().count('data-testid="text-answer"') == 20
    assert last.content.decode().count('data-testid="text-answer"') == 5
    assert first.context["texts"].paginator.count == 45
    newest_first = list(Answer.objects.filter(question=ns.text).order_by("-pk").values_list("pk", flat=True))
    assert [a.pk for a in first.context["texts"]] == newest_first[:20]
    assert [a.pk for a in last.context["texts"]] == newest_first[40:]


def test_it_keeps_the_same_queries_at_1_and_at_200_responses(client, org, django_assert_max_num_queries):
    ns = make_survey(org, ask_place=True)
    url = reverse("surveys:results", args=[ns.survey.pk])
    client.force_login(org.supervisor)
    add_responses(ns, 1, text="一条意见", place=org.canteen)
    client.get(url)  # warm-up: the first request of a session does one-off work (caches, session)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    add_responses(ns, 199, text="更多意见", place=org.dorm)
    with django_assert_max_num_queries(20), CaptureQueriesContext(connection) as many:
        r = client.get(url)
    assert 'data-testid="total">200<' in r.content.decode()
    assert len(one.captured_queries) == len(many.captured_queries)
    # No query reads the answers except the one page of free text.
    answer_table = Answer._meta.db_table
    reading_answers = [q["sql"] for q in many.captured_queries if f'FROM "{answer_table}"' in q["sql"]]
    assert len(reading_answers) == 1 and "LIMIT" in reading_answers[0] and "COUNT(" not in reading_answers[0].upper()


def test_it_rebuilds_counters_that_disagree_with_the_responses_in_the_periodic_job(org):
    ns = make_survey(org)
    add_responses(ns, 3)
    response = Response.objects.create(survey=ns.survey, status=Response.Status.SUBMITTED)
    Answer.objects.create(response=response, question=ns.rating, number=1)  # written behind the counters' back
    assert [s.pk for s in counters.stale_result_surveys()] == [ns.survey.pk]
    tasks.refresh_satisfaction_index()
    assert counters.stale_result_surveys() == []
    assert results.results(ns.survey, questions_of(ns.survey))["total"] == 4
    assert_counters_match_answers(ns.survey, org)


def test_it_rebuilds_from_the_management_command(org):
    ns = make_survey(org)
    add_responses(ns, 2)
    ResultCell.objects.filter(survey=ns.survey).delete()
    out = io.StringIO()
    call_command("rebuild_survey_results", survey=[ns.survey.pk], stdout=out)
    assert f"survey #{ns.survey.pk}: rebuilt" in out.getvalue()
    assert_counters_match_answers(ns.survey, org)


def test_it_recounts_the_cross_tabs_in_the_background_when_a_question_changes_department(
        client, org, submitted, django_capture_on_commit_callbacks):
    client.force_login(org.supervisor)
    url = reverse("surveys:question_edit", args=[submitted.survey.pk, submitted.wuye_rating.pk])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # the task is queued at commit (eager here)
        r = client.post(url, {"section": submitted.section.pk, "kind": "rating", "text": "公寓满意度", "order": 7,
                              "department": org.yinshi.pk})
    assert r.status_code == 302 and len(callbacks) >= 1
    submitted.wuye_rating.refresh_from_db()
    assert submitted.wuye_rating.department == org.yinshi
    assert_counters_match_answers(submitted.survey, org)
    submitted.survey.refresh_from_db()
    assert submitted.survey.results_rebuilding is None  # the task cleared the notice


VALUE = st.one_of(st.none(), st.sampled_from(["1", "2", "3", "4", "5"]))
RESPONSE = st.tuples(
    st.sampled_from(["student", "teacher", "staff", "other"]), st.sampled_from([None, "canteen", "dorm"]),
    st.sampled_from(["1", "2", "3", "4", "5"]), st.sampled_from(["1", "2"]), st.tuples(VALUE, VALUE),
    st.lists(st.sampled_from(["1", "2", "3"]), unique=True, max_size=3), st.integers(0, 10).map(str),
    st.sampled_from(["", "好", "差"]), VALUE,
)


@hsettings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(RESPONSE, min_size=1, max_size=6))
def test_it_keeps_the_counters_equal_to_a_full_recount_for_any_responses(org, rows):
    ns = make_survey(org, ask_place=True)
    respondent_data = []
    for row in rows:
        rtype, place, rating, single, (m1, m2), multiple, nps, text, wuye = row
        data = valid_post(ns, respondent_type=rtype, place=str(getattr(org, place).pk) if place else None, **{
            ns.rating.field_name: rating, ns.single.field_name: single, f"{ns.matrix.field_name}_1": m1,
            f"{ns.matrix.field_name}_2": m2, ns.multiple.field_name: multiple, ns.nps.field_name: nps,
            ns.text.field_name: text or None, ns.wuye_rating.field_name: wuye})
        respondent_data.append(data)
    from django.http import QueryDict

    for data in respondent_data:
        query = QueryDict(mutable=True)
        for key, value in data.items():
            query.setlist(key, value if isinstance(value, list) else [value])
        response, errors = answering.submit(ns.survey, answering.Respondent(draft_key=uuid.uuid4().hex), query)
        assert errors == [] and response is not None
    assert_counters_match_answers(ns.survey, org)
    incremental = stored(ns.survey)
    counters.rebuild_results(ns.survey)
    assert stored(ns.survey) == incremental


@pytest.mark.django_db(transaction=True)
def test_it_counts_every_one_of_concurrent_submits(org):
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL race: runs in the PostgreSQL pass of make test (SQLite serialises writers)")
    ns = make_survey(org, ask_place=True)
    url = reverse("surveys:submit", args=[ns.survey.public_code])
    threads_n = 8
    barrier = threading.Barrier(threads_n)
    statuses, errors = [], []

    def worker(i):
        try:
            client = Client()
            data = valid_post(ns, respondent_type=["student", "teacher"][i % 2], place=str(org.canteen.pk),
                              **{ns.rating.field_name: str(1 + i % 5)})
            barrier.wait(timeout=10)
            statuses.append(client.post(url, data).status_code)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == [] and statuses == [302] * threads_n
    assert results.results(ns.survey, questions_of(ns.survey))["total"] == threads_n
    assert_counters_match_answers(ns.survey, org)
    Survey.objects.filter(pk=ns.survey.pk).delete()


def test_it_counts_days_in_local_time_and_an_unasked_respondent_type_as_other(org, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    ns = make_survey(org, ask_place=True, ask_respondent_type=False)
    # 23:59 and 00:01 in Asia/Shanghai: two local days, as TruncDate counts them.
    for at in (dt.datetime(2026, 11, 20, 15, 59, tzinfo=dt.UTC), dt.datetime(2026, 11, 20, 16, 1, tzinfo=dt.UTC),
               dt.datetime(2026, 11, 21, 3, 0, tzinfo=dt.UTC)):
        monkeypatch.setattr(timezone, "now", lambda at=at: at)
        submit_through_the_endpoint(ns, org, ("", "canteen", "4", "1", ("5", "4"), ["1"], "9", "", "2"))
    data = results.results(ns.survey, questions_of(ns.survey))
    assert data["per_day"] == [{"day": "2026-11-20", "n": 1}, {"day": "2026-11-21", "n": 2}]
    assert set(CrossCell.objects.filter(survey=ns.survey).values_list("respondent_type", flat=True)) == {"other"}
    assert_counters_match_answers(ns.survey, org)
