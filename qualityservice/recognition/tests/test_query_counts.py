"""The list and the nomination page make the same number of queries with one row as with many (no query per row)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qualityservice.recognition import services

pytestmark = pytest.mark.django_db

LIST_QUERIES = 5  # session, user, staff profile, the page's rows with their departments, the capped count
DETAIL_QUERIES = 5  # session, user, staff profile, the nomination with its department, the timeline with its actors


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _nominations(org, n, *, moved=True):
    made = []
    for i in range(n):
        department = org.wuye if i % 2 else org.yinshi
        nomination, _created = services.create_nomination(key=None, by=org.supervisor, department=department, title=f"推荐{i}")
        if moved and i % 3:
            services.move(nomination, "submit", by=org.supervisor)
            if i % 3 == 2:
                services.move(nomination, "close", by=org.supervisor)
        made.append(nomination)
    return made


def test_it_lists_one_nomination_or_many_with_the_same_queries(client, org):
    client.force_login(org.supervisor)
    url = reverse("recognition:list")
    _nominations(org, 1)
    client.get(url)  # the first request fills the process's caches (the site settings)
    one, body = _queries(client, url)
    assert "推荐0" in body
    _nominations(org, 40)
    many, body = _queries(client, url)
    assert one == many <= LIST_QUERIES
    assert body.count('data-testid="nomination-row"') == 30 and 'rel="next"' in body


def test_it_shows_an_nomination_without_moves_or_with_every_move_with_the_same_queries(client, org):
    client.force_login(org.supervisor)
    draft, = _nominations(org, 1, moved=False)
    client.get(draft.get_absolute_url())
    one, body = _queries(client, draft.get_absolute_url())
    assert "推荐0" in body
    closed = _nominations(org, 30)[2]
    assert closed.status == "closed"
    many, body = _queries(client, closed.get_absolute_url())
    assert one == many <= DETAIL_QUERIES
    assert body.count("<li>") >= 2  # both moves are on the page
