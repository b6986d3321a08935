"""The public figures board (公开看板): published figures by department from the indicator registry
(``core.indicators``; the app reads no other app's tables), each with its definition (口径) and period.

The rule of the product (J): a figure based on fewer than ``QS_NEWS_BOARD_MIN_BASIS`` (5) people or records is not
shown; the board says so instead of the number. The board therefore shows only figures whose basis it knows: a count
of records or people is its own basis (``SELF``); a rate or mean (on-time rate, satisfaction index) is shown with the
basis its indicator declares (``DECLARED``: ``core.indicators`` ``Indicator.basis``, the number of items or
respondents it is computed from), and only where that basis reaches the minimum. A rate whose indicator declares no
basis is left off the board."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import pgettext

from qualityservice.core import indicators
from qualityservice.org.models import Department

SELF = "self"  # the value is the number of records or people it is computed from
DECLARED = "declared"  # a rate or mean: its indicator declares the number it is computed from (Indicator.basis)


@dataclass(frozen=True)
class BoardFigure:
    key: str
    basis: str = SELF  # SELF or DECLARED


BOARD = (
    BoardFigure("feedback.received"),
    BoardFigure("feedback.on_time_rate", basis=DECLARED),
    BoardFigure("feedback.callback_satisfaction", basis=DECLARED),
    BoardFigure("feedback.reopened_rate", basis=DECLARED),
    BoardFigure("surveys.satisfaction_index", basis=DECLARED),
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
    basis: int | None = None  # a rate's or mean's basis (shown beside it); None for a count


@dataclass(frozen=True)
class Row:
    label: str
    definition: str
    unit: str
    period: str
    cells: list[Cell]
    is_rate: bool = False  # a rate or mean, shown with its basis


def installed() -> list[BoardFigure]:
    """The board's figures whose indicator is registered (an app that is not installed is left out) and whose basis
    is known: a rate or mean whose indicator declares no basis is left out too."""
    known = {i.key: i for i in indicators.all()}
    return [f for f in BOARD if f.key in known and (f.basis == SELF or known[f.key].basis is not None)]


def rows(period: indicators.Period) -> tuple[list[Row], list[Department]]:
    """One row per figure, one cell per centre; one GROUP BY query per figure (and per declared basis), whatever
    the data."""
    departments = list(Department.objects.centres())
    figures = installed()
    table = indicators.values([f.key for f in figures], [d.pk for d in departments], period, basis=True)
    minimum = settings.QS_NEWS_BOARD_MIN_BASIS
    out = []
    for figure in figures:
        indicator = indicators.get(figure.key)
        rate = figure.basis != SELF
        cells = []
        for department in departments:
            value = table.value(figure.key, department.pk)
            basis = table.basis(figure.key, department.pk) if rate else value
            hidden = value is None or basis is None or basis < minimum
            cells.append(Cell(department, "" if hidden else f"{indicator.display(value)} {indicator.unit}", hidden,
                              int(basis) if rate and not hidden else None))
        out.append(Row(str(indicator.label), str(indicator.definition), str(indicator.unit), str(period.label), cells, rate))
    return out, departments


def note() -> str:
    return pgettext("board", "A figure based on fewer than %(n)s people or records is not shown, so that nobody can "
                             "be recognised behind it.") % {"n": settings.QS_NEWS_BOARD_MIN_BASIS}


def rate_note() -> str:
    """Under a rate or mean: what its basis is and why a centre's value may be withheld."""
    return pgettext("board", "A rate or mean is shown with its basis (n: the items or respondents it is computed from); "
                             "where the basis is under %(n)s it is withheld.") % {"n": settings.QS_NEWS_BOARD_MIN_BASIS}


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


@dataclass(frozen=True)
class Highlights:
    """The board's lists beside the figures: the year's service stars, its adopted ideas (with the verified savings),
    and the events still to come — each read from its app's typed ``highlights`` function (through
    ``core.registry.optional_function``; ``None`` where that app is not installed)."""

    stars: list | None
    ideas: list | None
    savings: Decimal | None  # the sum of the verified yearly savings of the year's adopted ideas
    events: list | None


UPCOMING_LIMIT = 8
IDEAS_LIMIT = 10


def highlights(period: indicators.Period) -> Highlights:
    """One query per list, whatever the number of records behind it."""
    from qualityservice.core.registry import optional_function

    stars_named = optional_function("qualityservice.recognition", "highlights", "stars_named")
    ideas_adopted = optional_function("qualityservice.ideas", "highlights", "ideas_adopted")
    upcoming = optional_function("qualityservice.events", "highlights", "upcoming_events")
    ideas = ideas_adopted(period.start, period.end) if ideas_adopted else None
    savings = sum((i.verified_yuan for i in ideas if i.verified_yuan), Decimal(0)) if ideas else None
    if ideas:  # the verified savings first, largest first; then the latest adopted
        ideas = sorted(ideas, key=lambda i: (i.verified_yuan is None, -(i.verified_yuan or 0), -i.adopted_on.toordinal()))
    return Highlights(
        stars=stars_named(period.start, period.end) if stars_named else None,
        ideas=ideas[:IDEAS_LIMIT] if ideas is not None else None,
        savings=savings or None,
        events=upcoming(limit=UPCOMING_LIMIT) if upcoming else None,
    )
