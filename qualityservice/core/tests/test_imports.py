"""core.imports: the shared parts of the all-or-nothing Excel imports (columns by header in either language,
cleaned cells, blank lines skipped, a translated reason for a file that cannot be read)."""

import io

from django.utils import translation
from openpyxl import Workbook

from qualityservice.core.imports import ImportResult, RowError, clean, read_table

COLUMNS = {"name": ("姓名", "name"), "hours": ("学时", "hours")}


def workbook(*rows) -> io.BytesIO:
    wb = Workbook()
    for row in rows:
        wb.active.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_it_finds_columns_by_either_spelling_and_yields_cleaned_rows_skipping_blank_lines():
    table = read_table(workbook(["Hours", " 姓名 "], [2.0, " 王师傅 "], [None, None], [1.5, "李师傅"]), COLUMNS,
                       required=("name",))
    assert (table.error, table.missing) == ("", [])
    assert list(table.rows()) == [(2, {"hours": "2", "name": "王师傅"}), (4, {"hours": "1.5", "name": "李师傅"})]


def test_it_names_the_missing_required_columns_and_refuses_a_file_that_is_no_workbook():
    assert read_table(workbook(["学时"], [2]), COLUMNS, required=("name", "hours")).missing == ["name"]
    with translation.override("zh-hans"):
        assert read_table(io.BytesIO(b"%PDF-1.4"), COLUMNS).error == "该文件不是 Excel 工作簿（.xlsx）。"
        assert read_table(workbook(), COLUMNS).error == "工作簿是空的。"


def test_it_is_ok_only_without_row_errors_and_shows_at_most_its_limit():
    result = ImportResult(max_errors_shown=2)
    assert result.ok
    result.errors += [RowError(n, "姓名", "必填。") for n in range(2, 6)]
    assert not result.ok and [e.row for e in result.shown_errors] == [2, 3]
    assert clean(12.0) == "12" and clean(None) == ""
