"""The indicator registry: named, documented figures per department and period.

Every app publishes the figures it owns here (architecture.md, "Which way imports run"); the year-end
evaluation, the dashboards and the public boards read them here and never another app's tables.
An indicator carries its key (``"<app label>.<name>"``), a label and a definition (口径) — lazy
translations, English source with the Chinese in the app's catalogue —, a unit, a direction and a
``compute(department_ids, period)`` function that returns the values of MANY departments at once in a
constant number of aggregate queries (GROUP BY department), never one query per department.

Apps register in ``AppConfig.ready()`` from their module ``<app>/indicators.py``::

    from qualityservice.core import indicators
    from . import indicators as published
    indicators.register(*published.INDICATORS)

A rate or mean may also declare its **basis**: ``basis(department_ids, period)`` returns, with the same contract
as ``compute``, the number of people or records each department's value is computed from (the denominator: the
items resolved behind an on-time rate, the respondents behind a satisfaction index). Readers that must not show a
figure computed from too few people (the public board) ask for it with ``values(…, basis=True)`` and read
``table.basis(key, department_id)``. An indicator that declares none has an unknown basis (None); a reader that
knows a figure is a count of people or records may take the value as its own basis.

``core`` imports no app: the list of departments indicators are reported for is registered too
(``register_departments``, by ``org``). See core/README.md for the contract.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .permissions import DepartmentScopedQuerySet

Value = Decimal | float | int | None
Compute = Callable[[Sequence[int], "Period"], Mapping[int, Value]]

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


class Direction(models.TextChoices):
    HIGHER_BETTER = "higher", _("Higher is better")
    LOWER_BETTER = "lower", _("Lower is better")
    # A volume (e.g. items received): an evaluation must not rank on it without a rule of its own.
    NEUTRAL = "neutral", _("Neither higher nor lower is better")


HIGHER_BETTER = Direction.HIGHER_BETTER
LOWER_BETTER = Direction.LOWER_BETTER
NEUTRAL = Direction.NEUTRAL


class DuplicateIndicator(ImproperlyConfigured):
    """Two indicators with one key: a configuration error, raised at start."""


class UnknownIndicator(LookupError):
    """No indicator has this key."""


# --- Periods ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A range of calendar days, both ends included, in the site's time zone (settings.TIME_ZONE)."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("a period ends on or after its start")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1]))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if quarter not in (1, 2, 3, 4):
            raise ValueError("a quarter is 1, 2, 3 or 4")
        first = 3 * quarter - 2
        return cls(datetime.date(year, first, 1), cls.month(year, first + 2).end)

    @classmethod
    def this_year(cls, today: datetime.date | None = None) -> Period:
        return cls.year((today or timezone.localdate()).year)

    @classmethod
    def parse(cls, key: str) -> Period:
        """The inverse of ``key``: ``2026``, ``2026-03``, ``2026-Q1`` or ``2026-01-05..2026-02-03``.
        Raises ValueError."""
        key = (key or "").strip()
        if m := re.fullmatch(r"(\d{4})", key):
            return cls.year(int(m[1]))
        if m := re.fullmatch(r"(\d{4})-(\d{2})", key):
            return cls.month(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{4})-[Qq]([1-4])", key):
            return cls.quarter(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", key):
            return cls(datetime.date.fromisoformat(m[1]), datetime.date.fromisoformat(m[2]))
        raise ValueError(f"not a period: {key!r}")

    def _shape(self) -> tuple[str, int]:
        """("year"|"quarter"|"month"|"range", number of the month or quarter)."""
        s, e = self.start, self.end
        if s.day == 1 and s.year == e.year and e == Period.month(e.year, e.month).end:
            if s.month == 1 and e.month == 12:
                return "year", 0
            if s.month == e.month:
                return "month", s.month
            if s.month % 3 == 1 and e.month == s.month + 2:
                return "quarter", (s.month + 2) // 3
        return "range", 0

    @property
    def key(self) -> str:
        shape, n = self._shape()
        if shape == "year":
            return f"{self.start.year}"
        if shape == "month":
            return f"{self.start.year}-{n:02d}"
        if shape == "quarter":
            return f"{self.start.year}-Q{n}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        shape, n = self._shape()
        if shape == "year":
            return gettext("Year %(year)d") % {"year": self.start.year}
        if shape == "month":
            return gettext("%(year)d-%(month)02d") % {"year": self.start.year, "month": n}
        if shape == "quarter":
            return gettext("Q%(quarter)d %(year)d") % {"year": self.start.year, "quarter": n}
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[start, end) as aware datetimes: midnight of the first day and of the day after the last,
        in the current time zone. Filter timestamps with ``__gte=start, __lt=end`` (uses indexes)."""
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        end = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        return start, end

    def __contains__(self, day: datetime.date) -> bool:
        if isinstance(day, datetime.datetime):
            day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return self.label


# --- Indicators -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    key: str  # "<source app label>.<name>", e.g. "feedback.received"
    label: str  # lazy translation
    definition: str  # 口径: exactly what is counted and how, lazy translation
    unit: str  # lazy translation, e.g. "%", "items"
    direction: Direction
    source: str  # the app label of the app that owns the data
    compute: Compute  # (department ids, period) -> {department id: value}; a constant number of queries
    decimals: int = 1  # shown with this many decimals
    # Optional drill-down: (department id, period) -> the staff URL of the records behind the figure (a list
    # filtered to them; the list's own scoping decides who sees what). None: the figure has no such list.
    records_url: Callable[[int, Period], str | None] | None = None
    # Optional basis of a rate or mean: (department ids, period) -> {department id: the number of people or
    # records the value is computed from}, same contract as compute (a constant number of queries). None: unknown.
    basis: Compute | None = None

    def __post_init__(self):
        if not KEY_PATTERN.match(self.key):
            raise ImproperlyConfigured(f"indicator key {self.key!r} is not '<app label>.<name>' in lower case")
        if not self.key.startswith(f"{self.source}."):
            raise ImproperlyConfigured(f"indicator key {self.key!r} must start with its source app label {self.source!r}")
        if self.direction not in Direction.values:
            raise ImproperlyConfigured(f"indicator {self.key!r}: unknown direction {self.direction!r}")

    @property
    def direction_label(self) -> str:
        return Direction(self.direction).label

    @property
    def source_name(self) -> str:
        """The source app's verbose name (read from Django's app registry; core imports no app)."""
        from django.apps import apps

        try:
            return str(apps.get_app_config(self.source).verbose_name)
        except LookupError:
            return self.source

    def records_link(self, department_id: int, period: Period) -> str | None:
        """The URL of the records behind the figure of ``department_id`` in ``period``, or None."""
        if self.records_url is None:
            return None
        try:
            return self.records_url(department_id, period) or None
        except NoReverseMatch:  # the list's app is not wired (e.g. a test configuration)
            return None

    def display(self, value: Value) -> str:
        if value is None:
            return "—"
        return f"{value:.{self.decimals}f}" if self.decimals else f"{round(value):d}"


_registry: dict[str, Indicator] = {}


def register(*indicators: Indicator) -> None:
    """Publish indicators. A second indicator with a key already taken raises DuplicateIndicator
    (registering the very same object again is a no-op)."""
    for indicator in indicators:
        if not isinstance(indicator, Indicator):
            raise ImproperlyConfigured(f"not an Indicator: {indicator!r}")
        existing = _registry.get(indicator.key)
        if existing is not None and existing is not indicator:
            raise DuplicateIndicator(f"indicator {indicator.key!r} is already registered (by {existing.source!r})")
        _registry[indicator.key] = indicator


def all() -> list[Indicator]:  # the registry's name for "every indicator" (shadows the builtin here)
    """Every indicator, in registration order (INSTALLED_APPS order, then each app's order)."""
    return list(_registry.values())


def get(key: str) -> Indicator:
    try:
        return _registry[key]
    except KeyError:
        raise UnknownIndicator(key) from None


@dataclass(frozen=True)
class Table:
    """Values of some indicators for some departments in one period. ``data[key][department_id]``."""

    period: Period
    indicators: tuple[Indicator, ...]
    department_ids: tuple[int, ...]
    data: Mapping[str, Mapping[int, Value]]
    # ``bases[key][department_id]``: the basis of each value, for the indicators that have one, when asked for
    # (``values(…, basis=True)``); empty otherwise.
    bases: Mapping[str, Mapping[int, Value]] = field(default_factory=dict)

    def value(self, key: str, department_id: int) -> Value:
        if key not in self.data:
            raise UnknownIndicator(key)
        return self.data[key].get(department_id)

    def basis(self, key: str, department_id: int) -> Value:
        """The number of people or records behind ``value(key, department_id)``; None when the indicator has no
        basis, the table was computed without them, or the department has no value."""
        if key not in self.data:
            raise UnknownIndicator(key)
        return self.bases.get(key, {}).get(department_id)

    def rows(self):
        """(indicator, [value per department, in ``department_ids`` order]) per indicator."""
        for indicator in self.indicators:
            values = self.data[indicator.key]
            yield indicator, [values.get(d) for d in self.department_ids]


def values(keys: Iterable[str] | None, department_ids: Iterable[int], period: Period, *, basis: bool = False) -> Table:
    """Compute the indicators ``keys`` (None: every indicator) for ``department_ids`` in ``period``.
    An unknown key raises UnknownIndicator before anything is computed. Only the departments asked for
    are in the table (a compute function that returns more is cut down to them); a department without
    data has the value None. ``basis=True`` also computes the basis of each value (``Table.basis``) of the
    indicators that declare one, with their ``basis`` function (its own constant number of queries); a
    department without a value has no basis."""
    chosen = all() if keys is None else [get(k) for k in keys]
    ids = tuple(dict.fromkeys(int(d) for d in department_ids))
    data: dict[str, dict[int, Value]] = {}
    bases: dict[str, dict[int, Value]] = {}
    for indicator in chosen:
        result = indicator.compute(ids, period) if ids else {}
        data[indicator.key] = {d: result.get(d) for d in ids}
        if basis and indicator.basis is not None:
            counted = indicator.basis(ids, period) if ids else {}
            bases[indicator.key] = {d: counted.get(d) if data[indicator.key][d] is not None else None for d in ids}
    return Table(period=period, indicators=tuple(chosen), department_ids=ids, data=data, bases=bases)


# --- The departments indicators are reported for --------------------------------------------------

_department_source: Callable[[], DepartmentScopedQuerySet] | None = None


def register_departments(source: Callable[[], DepartmentScopedQuerySet]) -> None:
    """``source()`` returns the departments indicators are reported for, in display order, as a
    DepartmentScopedQuerySet (``org`` registers it; core imports no app)."""
    global _department_source
    _department_source = source


def departments_for(user) -> list:
    """The reported departments ``user`` may read (core.permissions scoping: heads their own)."""
    if _department_source is None:
        return []
    queryset = _department_source()
    if not isinstance(queryset, DepartmentScopedQuerySet):
        raise ImproperlyConfigured("the department source must return a DepartmentScopedQuerySet")
    return list(queryset.visible_to(user))
