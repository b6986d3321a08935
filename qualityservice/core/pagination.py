"""Keyset pagination for large, newest-first lists (inboxes, ledgers).

OFFSET pagination and a full COUNT(*) cost time in proportion to the rows: at a million records the
inbox would slow down page after page. A keyset page instead asks for "the 30 rows older than the last
one shown" — served by an index on (…, created_at DESC) in constant time at any depth — and the total is
counted only up to a cap ("more than 1,000").

Usage::

    page = KeysetPaginator(qs, ordering=("-created_at", "-pk"), per_page=30).page(request.GET)
    page.object_list, page.next_query, page.previous_query, page.count, page.count_capped
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

COUNT_CAP = 1_000


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICRO = dt.timedelta(microseconds=1)


def _encode(value) -> str:
    if isinstance(value, dt.datetime):
        return "t" + str((value - EPOCH) // MICRO)  # exact: integer microseconds
    return "i" + str(value)


def _decode(raw: str):
    kind, body = raw[:1], raw[1:]
    if kind == "t":
        return EPOCH + int(body) * MICRO
    if kind == "i":
        return int(body)
    raise ValueError(raw)


@dataclass
class KeysetPage:
    object_list: list
    count: int
    count_capped: bool
    has_next: bool
    has_previous: bool
    next_cursor: str = ""
    previous_cursor: str = ""
    is_first: bool = True
    params: dict = field(default_factory=dict)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def _query(self, **changes) -> str:
        from urllib.parse import urlencode

        params = {k: v for k, v in self.params.items() if k not in ("after", "before", "page")}
        params.update({k: v for k, v in changes.items() if v})
        return "?" + urlencode(params, doseq=True)

    @property
    def next_query(self) -> str:
        return self._query(after=self.next_cursor)

    @property
    def previous_query(self) -> str:
        return self._query(before=self.previous_cursor)

    @property
    def first_query(self) -> str:
        return self._query()


class KeysetPaginator:
    """Pages over ``queryset`` ordered by two descending keys (a timestamp or integer, then pk)."""

    def __init__(self, queryset, *, ordering=("-created_at", "-pk"), per_page: int = 30, count_cap: int = COUNT_CAP):
        if len(ordering) != 2 or not all(o.startswith("-") for o in ordering):
            raise ValueError("KeysetPaginator expects two descending keys, e.g. ('-created_at', '-pk')")
        self.queryset = queryset
        self.keys = [o[1:] for o in ordering]
        self.per_page = per_page
        self.count_cap = count_cap

    def _cursor(self, obj) -> str:
        return "_".join(_encode(getattr(obj, k)) for k in self.keys)

    def _parse(self, raw: str):
        try:
            first, second = raw.split("_", 1)
            return _decode(first), _decode(second)
        except (ValueError, OverflowError, OSError):
            return None

    def page(self, params) -> KeysetPage:
        k1, k2 = self.keys
        desc = self.queryset.order_by(f"-{k1}", f"-{k2}")
        after = self._parse(params.get("after", "")) if params.get("after") else None
        before = self._parse(params.get("before", "")) if params.get("before") else None
        if after is not None:
            rows = list(desc.filter(Q(**{f"{k1}__lt": after[0]}) | Q(**{k1: after[0], f"{k2}__lt": after[1]}))[: self.per_page + 1])
            has_next, has_previous = len(rows) > self.per_page, True
            rows = rows[: self.per_page]
        elif before is not None:
            asc = self.queryset.order_by(k1, k2).filter(Q(**{f"{k1}__gt": before[0]}) | Q(**{k1: before[0], f"{k2}__gt": before[1]}))
            rows = list(asc[: self.per_page + 1])
            has_previous = len(rows) > self.per_page
            rows = list(reversed(rows[: self.per_page]))
            has_next = True
        else:
            rows = list(desc[: self.per_page + 1])
            has_next, has_previous = len(rows) > self.per_page, False
            rows = rows[: self.per_page]
        # A bounded count over at most count_cap + 1 rows. It keeps the ORDER BY so the database walks
        # the (…, created_at DESC) index and stops early instead of reading every matching row.
        n = desc.values("pk")[: self.count_cap + 1].count()
        return KeysetPage(
            object_list=rows,
            count=min(n, self.count_cap),
            count_capped=n > self.count_cap,
            has_next=has_next,
            has_previous=has_previous,
            next_cursor=self._cursor(rows[-1]) if rows and has_next else "",
            previous_cursor=self._cursor(rows[0]) if rows and has_previous else "",
            is_first=not has_previous,
            params={k: params.getlist(k) if hasattr(params, "getlist") else params[k] for k in params},
        )

