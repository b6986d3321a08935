"""The inbox export: a control character in a submitter's text no longer breaks the workbook, and an
invalid filter exports nothing instead of everything."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from .factories import make_feedback

pytestmark = pytest.mark.django_db


def read(response):
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in wb.worksheets[0].iter_rows(values_only=True)]


def test_it_exports_an_anonymous_title_with_a_control_character_cleaned(client, org):
    make_feedback(org, anonymous=True, title="楼道\x01灯坏了", body="三楼\x0b楼道\x1f很黑", submitter_name="", submitter_contact="")
    client.force_login(org.supervisor)
    rows = read(client.get(reverse("feedback:export")))
    assert len(rows) == 2
    assert "楼道灯坏了" in rows[1] and "三楼楼道很黑" in rows[1]


@pytest.mark.parametrize("query", [{"status": "bogus"}, {"date_from": "2026-02-30"}, {"department": "wuye"}, {"kind": "x", "q": "灯"}])
def test_it_exports_nothing_when_the_filter_is_invalid(client, org, query):
    make_feedback(org)
    client.force_login(org.supervisor)
    response = client.get(reverse("feedback:export"), query)
    assert response.status_code == 302 and not response.has_header("Content-Disposition")
    assert response["Location"].startswith(reverse("feedback:inbox") + "?")  # back to the list, filter kept
    page = client.get(response["Location"]).content.decode()
    assert "未导出任何内容：请先修正筛选条件" in page


def test_it_still_exports_with_a_valid_filter(client, org):
    make_feedback(org, title="楼道灯坏了")
    client.force_login(org.supervisor)
    rows = read(client.get(reverse("feedback:export"), {"status": "open", "date_from": "2000-01-01"}))
    assert len(rows) == 2 and "楼道灯坏了" in rows[1]
