"""Every survey export (raw responses, summary, tokens): a control character in an answer, a question
or a recipient no longer breaks the workbook."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qualityservice.surveys.models import Question

from .factories import add_responses, make_survey

pytestmark = pytest.mark.django_db


def read(response):
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in wb.worksheets[0].iter_rows(values_only=True)]


@pytest.fixture
def ns(org):
    ns = make_survey(org)
    Question.objects.filter(pk=ns.rating.pk).update(text="总体\x01满意度")
    add_responses(ns, 2, text="窗口\x01太少\x0c")
    return ns


def test_it_exports_the_responses_with_control_characters_cleaned(client, org, ns):
    client.force_login(org.supervisor)
    rows = read(client.get(reverse("surveys:export_raw", args=[ns.survey.pk])))
    header = rows[0]
    assert "总体满意度" in header  # a question text is a header cell
    assert len(rows) == 3 and all(row[header.index(ns.text.text)] == "窗口太少" for row in rows[1:])


def test_it_exports_the_summary_with_control_characters_cleaned(client, org, ns):
    client.force_login(org.supervisor)
    rows = read(client.get(reverse("surveys:export_summary", args=[ns.survey.pk])))
    assert any(row[0] == "总体满意度" for row in rows)


def test_it_exports_the_tokens_with_control_characters_cleaned(client, org, ns):
    client.force_login(org.supervisor)
    client.post(reverse("surveys:tokens_issue", args=[ns.survey.pk]), {"count": 2, "batch": "计算机\x011班", "recipients": "张\x01三\n=李四"})
    rows = read(client.get(reverse("surveys:tokens_export", args=[ns.survey.pk])))
    assert [row[:2] for row in rows[1:]] == [["计算机1班", "张三"], ["计算机1班", "'=李四"]]
