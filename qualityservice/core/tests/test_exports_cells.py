"""Every cell of every export goes through ``core.exports.clean_cell``: no text, however odd, breaks a
workbook (a control character used to make openpyxl refuse the whole export), and no user text is
written as a formula."""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from django.utils.translation import gettext_lazy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from qualityservice.core.exports import MAX_CELL_CHARS, clean_cell, write_xlsx, xlsx_response

# Any character at all, lone surrogates and C0 controls included (Hypothesis leaves surrogates out by default).
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=()), max_size=40)


def expected(text: str):
    """What a reader sees: the text without what XML 1.0 forbids, CR as LF, formula-like text behind a quote."""
    text = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", text).replace("\r\n", "\n").replace("\r", "\n")
    if (len(text) > 1 and text[0] in "=+-@\t") or text == "=":
        text = "'" + text
    return text or None  # an empty cell reads back as None


def read(tmp):
    ws = load_workbook(tmp).active
    return [list(row) for row in ws.iter_rows(values_only=True)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=ANY_TEXT, rows=st.lists(st.lists(ANY_TEXT, min_size=1, max_size=3), min_size=1, max_size=4))
def test_it_writes_any_text_into_a_workbook_that_opens_with_the_text_cleaned(header, rows):
    width = max(len(r) for r in rows)
    sheet = read(write_xlsx([header], rows))
    assert sheet[0][0] == expected(header)
    for written, got in zip(rows, sheet[1:], strict=True):
        assert got[: len(written)] == [expected(t) for t in written]
        assert all(v is None for v in got[len(written):width])
        assert all(not (isinstance(v, str) and v.startswith("=")) for v in got)


@pytest.mark.parametrize("text, cell", [
    ("投诉\x01标题", "投诉标题"),
    ("\x00\x08\x0b\x0c\x0e\x1f", None),
    ("半个\ud83d代理对", "半个代理对"),
    ("\ufffe\uffff非字符", "非字符"),
    ("第一行\r\n第二行\r第三行", "第一行\n第二行\n第三行"),
    ("\x01=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),  # cleaned first, then neutralised
    ("\tcmd", "'\tcmd"),
    ("=", "'="),  # alone, still a formula to openpyxl (found by the property test above)
])
def test_it_cleans_the_characters_xml_forbids_from_every_cell(text, cell):
    sheet = read(write_xlsx(["标题", text], [[text, "ok"]]))
    assert sheet == [["标题", cell], [cell, "ok"]]


def test_it_writes_a_formula_like_cell_as_text_not_as_a_formula():
    ws = load_workbook(write_xlsx(["x"], [["=1+1"], ["@SUM(A1)"], ["+86 138"], ["-2+3"]])).active
    for row in range(2, 6):
        assert ws.cell(row, 1).data_type == "s" and ws.cell(row, 1).value.startswith("'")
    assert ws["A2"].value == "'=1+1"


def test_it_cuts_text_at_excels_cell_limit():
    sheet = read(write_xlsx(["x"], [["长" * (MAX_CELL_CHARS + 10)]]))
    assert len(sheet[1][0]) == MAX_CELL_CHARS


def test_it_writes_lazy_translations_and_aware_datetimes():
    moment = dt.datetime(2026, 3, 1, 2, 30, tzinfo=dt.UTC)
    assert clean_cell(gettext_lazy("Yes")) in ("Yes", "是")
    with timezone.override("Asia/Shanghai"):
        sheet = read(write_xlsx([gettext_lazy("Yes")], [[moment]]))
    assert sheet[1][0] == dt.datetime(2026, 3, 1, 10, 30)


def test_it_accepts_a_sheet_title_with_characters_excel_refuses():
    response = xlsx_response("a.xlsx", ["x"], [["y"]], title="台账[2026/03]:\x01*?")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb.sheetnames == ["台账202603"]
