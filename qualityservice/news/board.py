"""The public figures board (公开看板): published figures by department from the indicator registry
(``core.indicators``; the app reads no other app's tables), each with its definition (口径) and period.

The rule of the product (J): a figure based on fewer than ``QS_NEWS_BOARD_MIN_BASIS`` (5) people or records is not
shown; the board says so instead of the number. The board therefore shows only figures whose basis it knows: the
``BOARD`` figures below are counts of records or people, so the value is its own basis. A rate or mean (on-time rate,
satisfaction index) is added here once the registry offers the number it is computed from (``BoardFigure.basis``:
the key of that count), never before."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import pgettext

from qualityservice.core import indicators
from qualityservice.org.models import Department

SELF = "self"  # the value is the number of records or people it is computed from


@dataclass(frozen=True)
class BoardFigure:
    key: str
    basis: str = SELF  # SELF, or the key of the indicator counting what the value is computed from


BOARD = (
    BoardFigure("feedback.received"),
    BoardFigure("events.events_held"),
    BoardFigure("events.participants"),
    BoardFigure("ideas.adopted"),
    BoardFigure("ideas.implemented"),
    BoardFigure("training.sessions"),
    BoardFigure("news.articles_published"),
)


@dataclass(frozen=True)
class Cell:
    department: Department
    text: str  # the value with its unit, or "" when hidden
    hidden: bool  # based on fewer than the minimum: not shown


@dataclass(frozen=True)
class Row:
    label: str
    definition: str
    unit: str
    period: str
    cells: list[Cell]


def installed() -> list[BoardFigure]:
    """The board's figures whose indicator (and basis) is registered: an app that is not installed is left out."""
    known = {i.key for i in indicators.all()}
    return [f for f in BOARD if f.key in known and (f.basis == SELF or f.basis in known)]


def rows(period: indicators.Period) -> tuple[list[Row], list[Department]]:
    """One row per figure, one cell per centre; one GROUP BY query per figure (and per basis), whatever the data."""
    departments = list(Department.objects.centres())
    figures = installed()
    keys = list(dict.fromkeys([f.key for f in figures] + [f.basis for f in figures if f.basis != SELF]))
    table = indicators.values(keys, [d.pk for d in departments], period)
    minimum = settings.QS_NEWS_BOARD_MIN_BASIS
    out = []
    for figure in figures:
        indicator = indicators.get(figure.key)
        cells = []
        for department in departments:
            value = table.value(figure.key, department.pk)
            basis = value if figure.basis == SELF else table.value(figure.basis, department.pk)
            hidden = value is None or basis is None or basis < minimum
            cells.append(Cell(department, "" if hidden else f"{indicator.display(value)} {indicator.unit}", hidden))
        out.append(Row(str(indicator.label), str(indicator.definition), str(indicator.unit), str(period.label), cells))
    return out, departments


def note() -> str:
    return pgettext("board", "A figure based on fewer than %(n)s people or records is not shown, so that nobody can "
                             "be recognised behind it.") % {"n": settings.QS_NEWS_BOARD_MIN_BASIS}


def public_figures(frozen: list[dict]) -> list[dict]:
    """A bulletin issue's frozen figures as the public archive shows them, under the board's rule: only the figures
    of ``BOARD`` whose basis is the value itself (a count), and a department's value under the minimum replaced by
    the note "fewer than 5, not shown". The rates and means the issue carries for its readers (报送/抄送) are left out:
    the frozen issue does not keep the number each was computed from."""
    minimum = settings.QS_NEWS_BOARD_MIN_BASIS
    counts = {f.key for f in BOARD if f.basis == SELF}
    hidden = pgettext("board", "fewer than %(n)s, not shown") % {"n": minimum}
    out = []
    for row in frozen:
        if row.get("key") not in counts:
            continue
        values = []
        for name, value in row["values"]:
            try:
                shown = int(str(value)) >= minimum
            except ValueError:
                shown = False
            values.append([name, f"{value} {row['unit']}" if shown else hidden])
        out.append({**row, "values": values, "unit": ""})  # the unit is in each shown value
    return out
