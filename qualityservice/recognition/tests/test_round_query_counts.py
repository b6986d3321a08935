"""The round list, the round page, the eligibility check and the nomination page with its facts make the same
number of queries with one row as with many (no query per row)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qualityservice.org.tests.factories import StaffFactory
from qualityservice.recognition import services
from qualityservice.recognition.models import Round

from .rounds import complaint_about, nominate, nominating_round

pytestmark = pytest.mark.django_db

LIST_QUERIES = 5  # session, user, staff profile, the page's rows, the capped count
DETAIL_QUERIES = 9  # session, user, staff profile, the round, counts per department, the centres, timeline, nominations,
# the jury's anomaly flags
# Session, user, staff profile, the round, the nominations with nominee and round, the nominees' names, feedback
# (complaints), badge ratings, inspections (critical failures): 9, and one more for the year-end evaluation's list.
CHECK_QUERIES = 10


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_it_lists_one_round_or_many_with_the_same_queries(client, org):
    client.force_login(org.supervisor)
    url = reverse("recognition:round_list")
    nominating_round(org, title="评选0")
    client.get(url)
    one, body = _queries(client, url)
    for i in range(1, 36):
        services.create_round(key=None, by=org.supervisor, title=f"评选{i}", period_start="2026-01-01", period_end="2026-12-31")
    many, body = _queries(client, url)
    assert one == many <= LIST_QUERIES
    assert body.count('data-testid="round-row"') == 30 and 'rel="next"' in body


def _nominations(org, rnd, n):
    quotas = {str(org.wuye.pk): 50, str(org.yinshi.pk): 50}
    services.update_round(rnd, quotas=quotas)
    made = []
    for i in range(n):
        department = org.wuye if i % 2 else org.yinshi
        staff = StaffFactory(department=department, name=f"候选{i}")
        complaint_about(org, staff, title=f"投诉{i}")
        made.append(nominate(org, rnd, staff=staff, title=f"推荐{i}"))
    return made


def test_the_round_page_and_the_check_page_do_not_grow_with_the_nominations(client, org):
    client.force_login(org.supervisor)
    small, large = nominating_round(org, title="小评选"), nominating_round(org, title="大评选", kind=Round.Kind.INDIVIDUAL)
    _nominations(org, small, 1)
    _nominations(org, large, 12)
    for rnd in (small, large):
        services.move_round(rnd, "review", by=org.supervisor)
    counts = {}
    for rnd in (small, large):
        client.get(rnd.get_staff_url())
        detail, body = _queries(client, rnd.get_staff_url())
        check, check_body = _queries(client, rnd.get_check_url())
        counts[rnd.title] = (detail, check)
        assert check_body.count('data-testid="vetoes"') == rnd.nominations.count()
    assert counts["小评选"] == counts["大评选"]
    detail, check = counts["大评选"]
    assert detail <= DETAIL_QUERIES and check <= CHECK_QUERIES


def test_the_nomination_page_with_its_facts_and_eligibility_keeps_its_queries(client, org):
    client.force_login(org.supervisor)
    rnd = nominating_round(org)
    first, = _nominations(org, rnd, 1)
    client.get(first.get_absolute_url())
    one, _body = _queries(client, first.get_absolute_url())
    services.move_round(rnd, "review", by=org.supervisor)
    services.check_eligibility(first, "confirm", by=org.supervisor)
    services.check_eligibility(first, "override", by=org.supervisor, reason="复核")
    many, body = _queries(client, first.get_absolute_url())
    assert one == many <= 5 and "复核" in body  # session, user, staff profile, the nomination with its relations, timeline
