"""The list and the item page make the same number of queries with one row as with many (no query per row)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qualityservice.recognition import services

pytestmark = pytest.mark.django_db

LIST_QUERIES = 5  # session, user, staff profile, the page's rows with their departments, the capped count
DETAIL_QUERIES = 5  # session, user, staff profile, the item with its department, the timeline with its actors


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _items(org, n, *, moved=True):
    made = []
    for i in range(n):
        department = org.wuye if i % 2 else org.yinshi
        item, _created = services.create_item(key=None, by=org.supervisor, department=department, title=f"事项{i}")
        if moved and i % 3:
            services.move(item, "submit", by=org.supervisor)
            if i % 3 == 2:
                services.move(item, "close", by=org.supervisor)
        made.append(item)
    return made


def test_it_lists_one_item_or_many_with_the_same_queries(client, org):
    client.force_login(org.supervisor)
    url = reverse("recognition:list")
    _items(org, 1)
    client.get(url)  # the first request fills the process's caches (the site settings)
    one, body = _queries(client, url)
    assert "事项0" in body
    _items(org, 40)
    many, body = _queries(client, url)
    assert one == many <= LIST_QUERIES
    assert body.count('data-testid="item-row"') == 30 and 'rel="next"' in body


def test_it_shows_an_item_without_moves_or_with_every_move_with_the_same_queries(client, org):
    client.force_login(org.supervisor)
    draft, = _items(org, 1, moved=False)
    client.get(draft.get_absolute_url())
    one, body = _queries(client, draft.get_absolute_url())
    assert "事项0" in body
    closed = _items(org, 30)[2]
    assert closed.status == "closed"
    many, body = _queries(client, closed.get_absolute_url())
    assert one == many <= DETAIL_QUERIES
    assert body.count("<li>") >= 2  # both moves are on the page
