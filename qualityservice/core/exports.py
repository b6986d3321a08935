"""Excel helpers: streamed write-only exports and safe reading of uploaded workbooks."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.contrib import messages
from django.http import FileResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SpreadsheetError(Exception):
    """The uploaded file is not a readable .xlsx workbook."""


# Characters XML 1.0 does not allow (C0 controls but tab/newline/carriage return, lone surrogates, U+FFFE/F):
# one of them in any cell makes openpyxl refuse the whole workbook.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Cells starting with these are formulas (or become formulas when the sheet is saved as CSV and re-opened).
_FORMULA_START = ("=", "+", "-", "@", "\t")
MAX_CELL_CHARS = 32767  # Excel's limit per cell


def clean_cell(value):
    """A value every export writes safely: text without the characters XML forbids and with Unix line
    ends, formula-like text neutralised (user data is never a formula: CSV/formula injection), at most
    MAX_CELL_CHARS; lazy translations as text; aware datetimes in local time (Excel has no time zones)."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        value = _ILLEGAL_XML.sub("", value).replace("\r\n", "\n").replace("\r", "\n")  # XML parsers read CR as LF
        if value[:1] in _FORMULA_START and (len(value) > 1 or value == "="):  # a lone "=" is a formula to openpyxl
            value = "'" + value
        return value[:MAX_CELL_CHARS]
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    return value


_BAD_TITLE = re.compile(r"[\\*?:/\[\]]")


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence], *, title: str = "Sheet1"):
    """Write rows into a temporary .xlsx in write-only mode (bounded memory). Returns the open file.
    Every cell, headers included, goes through ``clean_cell``."""
    return write_xlsx_sheets([(title, headers, rows)])


def write_xlsx_sheets(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence]]]):
    """``write_xlsx`` with several sheets: (title, headers, rows) each, in order. Titles are cut to
    Excel's rules (31 characters, no ``\\*?:/[]``) and kept distinct."""
    wb = Workbook(write_only=True)
    used: set[str] = set()
    for title, headers, rows in sheets:
        name = _ILLEGAL_XML.sub("", _BAD_TITLE.sub("", str(title)))[:31].strip("'") or "Sheet1"
        base, n = name, 2
        while name.lower() in used:
            suffix = f" ({n})"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        used.add(name.lower())
        ws = wb.create_sheet(title=name)
        ws.append([clean_cell(v) for v in headers])
        for row in rows:
            ws.append([clean_cell(v) for v in row])
    tmp = tempfile.TemporaryFile(suffix=".xlsx")
    wb.save(tmp)
    tmp.seek(0)
    return tmp


def _xlsx_file_response(tmp, filename: str):
    response = FileResponse(tmp, content_type=XLSX_MIME, as_attachment=True, filename=filename)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence], *, title: str = "Sheet1"):
    return _xlsx_file_response(write_xlsx(headers, rows, title=title), filename)


def xlsx_sheets_response(filename: str, sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence]]]):
    """A download of several sheets (``write_xlsx_sheets``)."""
    return _xlsx_file_response(write_xlsx_sheets(sheets), filename)


def refuse_invalid_filter(request, form, back: str) -> HttpResponseRedirect:
    """An export whose filter form is invalid exports nothing (not everything): back to the list, whose
    form shows the same values, with a message naming the fields to correct."""
    labels = [str(form.fields[name].label) for name in form.errors if name in form.fields]
    messages.error(request, _("Nothing was exported: correct the filter first (%(fields)s).")
                   % {"fields": pgettext("list separator", ", ").join(labels) or "—"})
    query = request.GET.urlencode()
    return HttpResponseRedirect(f"{back}?{query}" if query else back)


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
