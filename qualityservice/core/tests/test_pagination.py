"""Keyset pagination walks every row exactly once in both directions, at constant cost."""

import datetime as dt

import pytest
from django.http import QueryDict
from django.utils import timezone

from qualityservice.core.pagination import KeysetPaginator
from qualityservice.org.models import Staff
from qualityservice.org.tests.factories import DepartmentFactory, StaffFactory


@pytest.fixture
def rows(db):
    dept = DepartmentFactory()
    base = timezone.now()
    staff = [StaffFactory(department=dept) for _ in range(47)]
    # Ties on the first key (several rows share a timestamp) must not lose or repeat rows.
    for i, s in enumerate(staff):
        Staff.objects.filter(pk=s.pk).update(created_at=base - dt.timedelta(seconds=i // 3, microseconds=7))
    return Staff.objects.all()


def walk(qs, direction_key, start_params, per_page=10):
    seen, params = [], QueryDict(start_params, mutable=True)
    while True:
        page = KeysetPaginator(qs, ordering=("-created_at", "-pk"), per_page=per_page).page(params)
        seen.append([s.pk for s in page])
        cursor = page.next_cursor if direction_key == "after" else page.previous_cursor
        if not cursor:
            return seen, page
        params = QueryDict(mutable=True)
        params[direction_key] = cursor


def test_it_walks_every_row_once_newest_first(rows):
    pages, last = walk(rows, "after", "")
    flat = [pk for page in pages for pk in page]
    expected = list(rows.order_by("-created_at", "-pk").values_list("pk", flat=True))
    assert flat == expected
    assert [len(p) for p in pages] == [10, 10, 10, 10, 7]
    assert last.has_previous and not last.has_next


def test_it_walks_back_to_the_newest_page(rows):
    pages, _ = walk(rows, "after", "")
    page = KeysetPaginator(rows, per_page=10).page(QueryDict(f"after={_cursor_of(rows, pages[2][-1])}"))
    back = KeysetPaginator(rows, per_page=10).page(QueryDict(f"before={page.previous_cursor}"))
    assert [s.pk for s in back] == pages[2]


def _cursor_of(qs, pk):
    obj = qs.get(pk=pk)
    return KeysetPaginator(qs)._cursor(obj)


def test_it_counts_up_to_a_cap(rows):
    page = KeysetPaginator(rows, per_page=10, count_cap=20).page(QueryDict(""))
    assert page.count == 20 and page.count_capped
    page = KeysetPaginator(rows, per_page=10, count_cap=100).page(QueryDict(""))
    assert page.count == 47 and not page.count_capped


def test_it_treats_a_forged_cursor_as_the_first_page(rows):
    page = KeysetPaginator(rows, per_page=10).page(QueryDict("after=garbage"))
    assert [s.pk for s in page] == list(rows.order_by("-created_at", "-pk").values_list("pk", flat=True)[:10])
    page = KeysetPaginator(rows, per_page=10).page(QueryDict("after=t99999999999999999999999_i1"))
    assert len(page) == 10


def test_it_uses_the_same_number_of_queries_at_any_depth(rows, django_assert_num_queries):
    pages, _ = walk(rows, "after", "")
    with django_assert_num_queries(2):
        KeysetPaginator(rows, per_page=10).page(QueryDict(""))
    deep = QueryDict(f"after={_cursor_of(rows, pages[3][-1])}")
    with django_assert_num_queries(2):
        KeysetPaginator(rows, per_page=10).page(deep)
