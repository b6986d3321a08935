"""The staff list, the article page, the public news list and the feed make the same number of queries with a few
rows as with many (no query per row)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qualityservice.news import services

pytestmark = pytest.mark.django_db


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _articles(org, n, start=0):
    made = []
    for i in range(start, start + n):
        department = org.wuye if i % 2 else org.yinshi
        article, _created = services.create_article(key=None, by=org.supervisor, department=department, title=f"稿件{i}",
                                                    body=f"<p>{i}</p>")
        services.update_article(article, by=org.supervisor, body=f"<p>{i} 修改</p>")
        services.move(article, "submit", by=org.supervisor)
        services.move(article, "approve", by=org.supervisor)
        services.move(article, "publish", by=org.supervisor)
        made.append(article)
    return made


@pytest.mark.parametrize("url_name", ["news:list", "news:index", "news:feed"])
def test_lists_make_the_same_queries_for_few_or_many_articles(client, org, url_name):
    client.force_login(org.supervisor)
    url = reverse(url_name)
    _articles(org, 2)
    client.get(url)  # fills the process's caches
    few, _body = _queries(client, url)
    _articles(org, 12, start=2)
    many, body = _queries(client, url)
    assert "稿件13" in body
    assert many == few


def test_the_article_page_makes_the_same_queries_with_a_longer_history(client, org):
    client.force_login(org.supervisor)
    short, long = _articles(org, 2)
    services.move(long, "withdraw", by=org.supervisor)  # one more event on the longer timeline
    client.get(short.get_absolute_url())
    few, _b = _queries(client, short.get_absolute_url())
    many, body = _queries(client, long.get_absolute_url())
    assert "稿件1" in body
    assert many == few
