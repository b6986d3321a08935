"""The inbox pages by keyset ("Older"/"Newer") and counts up to a cap, so deep pages and large
departments cost the same as the first page."""

import re

import pytest
from django.urls import reverse

from qualityservice.core import pagination

from .factories import make_feedback


@pytest.mark.django_db
def test_it_walks_the_inbox_with_older_and_newer_links(client, org):
    items = [make_feedback(org, title=f"事项{i:02d}") for i in range(35)]
    client.force_login(org.head_wuye)
    first = client.get(reverse("feedback:inbox")).content.decode()
    assert "35 条" in first or "35 items" in first
    shown = set(re.findall(r"事项\d\d", first))
    assert len(shown) == 30 and "事项34" in shown  # newest first
    older = re.search(r'href="(\?[^"]*after=[^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = client.get(reverse("feedback:inbox") + older).content.decode()
    rest = set(re.findall(r"事项\d\d", second))
    assert rest == {f"事项{i:02d}" for i in range(5)}
    assert shown | rest == {fb.title for fb in items}
    assert 'rel="prev"' in second and 'rel="next"' not in second


@pytest.mark.django_db
def test_it_says_more_than_the_cap_instead_of_counting_everything(client, org, monkeypatch):
    for i in range(5):
        make_feedback(org, title=f"事项{i}")
    client.force_login(org.head_wuye)
    monkeypatch.setattr(pagination.KeysetPaginator, "__init__", _capped_init(pagination.KeysetPaginator.__init__, 3))
    html = client.get(reverse("feedback:inbox")).content.decode()
    assert "超过 3 条" in html


def _capped_init(original, cap):
    def init(self, queryset, **kwargs):
        kwargs["count_cap"] = cap
        original(self, queryset, **kwargs)

    return init
