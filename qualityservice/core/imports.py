"""Importing a table from an uploaded Excel workbook, all or nothing: the shared parts.

Every import of the platform (the staff roster, the member roster, training sessions…) reads the first sheet,
finds its columns by their header in either language, validates EVERY row and writes only when all are good,
reporting each bad cell by row and column. This module holds what they share; the app keeps its columns, its
checks and its write::

    table = read_table(fileobj, COLUMNS, required=("name", "badge_number"), max_rows=…)
    result = ImportResult(file_error=table.error)
    if table.error: return result
    for number, values in table.rows():      # values: {column key: cleaned text}
        if not values["name"]: result.errors.append(RowError(number, labels["name"], _("Required.")))
    if result.ok: … write in one transaction …
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .exports import SpreadsheetError, read_xlsx_rows


@dataclass
class RowError:
    row: int  # the sheet's row number (the header is row 1)
    column: str  # the column's label as the user reads it
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""
    max_errors_shown: int = 200

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error

    @property
    def shown_errors(self) -> list[RowError]:
        return self.errors[: self.max_errors_shown]


def clean(value) -> str:
    """A cell as text: None → "", 12.0 → "12" (Excel stores numbers as floats), stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def map_header(header_row: Sequence, columns: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """Column key → index, from the header row; ``columns`` maps each key to its accepted spellings (lower case).
    The first column with a spelling wins."""
    mapping: dict[str, int] = {}
    for index, raw in enumerate(header_row):
        title = clean(raw).lower()
        for key, spellings in columns.items():
            if title in spellings and key not in mapping:
                mapping[key] = index
    return mapping


@dataclass
class Table:
    mapping: dict[str, int] = field(default_factory=dict)
    data: list[tuple] = field(default_factory=list)
    error: str = ""
    missing: list[str] = field(default_factory=list)

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(row number, {key: cleaned text}) for every non-empty row under the header."""
        for number, raw in enumerate(self.data, start=2):
            values = {key: clean(raw[i]) if i < len(raw) else "" for key, i in self.mapping.items()}
            if any(values.values()):  # else a blank line
                yield number, values


def read_table(fileobj, columns: Mapping[str, Sequence[str]], *, required: Sequence[str] = (),
               max_rows: int = 20000) -> Table:
    """Read the first sheet: its header mapped to ``columns``. ``error`` is set (translated) when the file is no
    workbook, is empty or lacks a required column (``missing`` lists their keys: the caller names them)."""
    try:
        data = read_xlsx_rows(fileobj, max_rows=max_rows)
    except SpreadsheetError as exc:
        return Table(error=str(exc))
    if not data:
        return Table(error=_("The workbook is empty."))
    mapping = map_header(data[0], columns)
    missing = [key for key in required if key not in mapping]
    return Table(mapping=mapping, data=data[1:], missing=missing)
