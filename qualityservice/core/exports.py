"""Excel helpers: streamed write-only exports and safe reading of uploaded workbooks."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import FileResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SpreadsheetError(Exception):
    """The uploaded file is not a readable .xlsx workbook."""


def _safe_cell(value):
    # Cells starting with = + - @ are formulas to Excel: neutralise user data (CSV/formula injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and len(value) > 1:
        return "'" + value
    return value


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence], *, title: str = "Sheet1"):
    """Write rows into a temporary .xlsx in write-only mode (bounded memory). Returns the open file."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    ws.append(list(headers))
    for row in rows:
        ws.append([_safe_cell(v) for v in row])
    tmp = tempfile.TemporaryFile(suffix=".xlsx")
    wb.save(tmp)
    tmp.seek(0)
    return tmp


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence], *, title: str = "Sheet1"):
    tmp = write_xlsx(headers, rows, title=title)
    response = FileResponse(tmp, content_type=XLSX_MIME, as_attachment=True, filename=filename)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def read_xlsx_rows(fileobj, *, max_rows: int = 20000) -> list[tuple]:
    """All rows of the first sheet as tuples of cell values. Raises SpreadsheetError."""
    try:
        fileobj.seek(0)
        if not zipfile.is_zipfile(fileobj):
            raise SpreadsheetError(_("The file is not an Excel workbook (.xlsx)."))
        fileobj.seek(0)
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except SpreadsheetError:
        raise
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise SpreadsheetError(_("The file is not an Excel workbook (.xlsx).")) from None
    try:
        ws = wb.worksheets[0]
        rows = []
        for row in ws.iter_rows(values_only=True):
            rows.append(tuple(row))
            if len(rows) > max_rows + 1:
                raise SpreadsheetError(_("The file has more than %(n)d rows.") % {"n": max_rows})
        return rows
    except IndexError:
        raise SpreadsheetError(_("The workbook has no sheet.")) from None
    finally:
        wb.close()
