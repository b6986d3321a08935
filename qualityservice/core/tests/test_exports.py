"""Excel helpers: streamed write-only exports and safe reading of uploads."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from qualityservice.core.exports import SpreadsheetError, read_xlsx_rows, write_xlsx, xlsx_response


def test_it_streams_rows_from_a_generator_into_a_workbook():
    rows = ((i, f"名字{i}", None) for i in range(2500))
    response = xlsx_response("名单.xlsx", ["序号", "姓名", "备注"], rows, title="名单")
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''%E5%90%8D%E5%8D%95.xlsx"
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    ws = wb["名单"]
    values = list(ws.iter_rows(values_only=True))
    assert values[0] == ("序号", "姓名", "备注") and len(values) == 2501 and values[-1][:2] == (2499, "名字2499")


@pytest.mark.parametrize("cell", ["=1+1", "+86 138", "-2+3", "@SUM(A1)"])
def test_it_neutralises_formula_like_cells(cell):
    tmp = write_xlsx(["x"], [[cell], ["-"], [-5]])
    ws = load_workbook(tmp).active
    assert ws["A2"].value == "'" + cell and ws["A2"].data_type == "s"
    assert ws["A3"].value == "-" and ws["A4"].value == -5  # a lone dash and numbers stay as they are


def test_it_reads_the_rows_of_the_first_sheet():
    wb = Workbook()
    wb.active.append(["a", "b"])
    wb.active.append([1, None])
    wb.create_sheet("second").append(["ignored"])
    buf = io.BytesIO()
    wb.save(buf)
    assert read_xlsx_rows(buf) == [("a", "b"), (1, None)]


@pytest.mark.parametrize("content", [b"", b"a,b\n1,2\n", b"PK\x03\x04broken zip", b"\x89PNG\r\n\x1a\n"])
def test_it_refuses_what_is_not_a_workbook(content):
    with pytest.raises(SpreadsheetError, match="Excel"):
        read_xlsx_rows(io.BytesIO(content))


def test_it_refuses_workbooks_over_the_row_limit():
    wb = Workbook()
    for i in range(30):
        wb.active.append([i])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(SpreadsheetError, match="10"):
        read_xlsx_rows(buf, max_rows=10)
