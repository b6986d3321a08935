"""The lists and pages make the same number of queries with 10 registrations as with 1,000 (no query per row): the
event list, the registration list, the check-in list, the session and event pages, the public event page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qualityservice.events.models import Registration, RegistrationStatus, Session, new_ticket_code

from .helpers import make_event

pytestmark = pytest.mark.django_db
R = RegistrationStatus


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _fill(session, n: int) -> None:
    """n registrations in the session (bulk: the counters set to match), a tenth of them waiting."""
    start = session.next_seq
    seated = n - n // 10
    rows = [Registration(session=session, name=f"报名者{start + i}", phone=f"139{start + i:08d}", code=new_ticket_code(),
                         status=R.CONFIRMED if i < seated else R.WAITING, seq=start + i, rank=start + i) for i in range(n)]
    Registration.objects.bulk_create(rows)
    Session.objects.filter(pk=session.pk).update(capacity=session.capacity + seated, general_taken=session.general_taken + seated,
                                                 next_seq=start + n)
    session.refresh_from_db()


@pytest.fixture
def busy(org):
    event = make_event(org, capacity=1)
    for n in range(12):  # other events on the list
        make_event(org, title=f"其他活动{n}", capacity=1)
    return event, event.sessions.get()


PAGES = {
    "event list": lambda e, s: reverse("events:list"),
    "event page": lambda e, s: e.get_absolute_url(),
    "session page": lambda e, s: s.get_absolute_url(),
    "registration list": lambda e, s: reverse("events:registrations", args=[s.pk]),
    "waiting list": lambda e, s: reverse("events:registrations", args=[s.pk]) + "?status=waiting",
    "check-in list": lambda e, s: reverse("events:checkin_list", args=[s.pk]),
    "scan log": lambda e, s: reverse("events:checkin_log", args=[s.pk]),
    "public event page": lambda e, s: e.get_public_url(),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_the_page_makes_as_many_queries_with_ten_registrations_as_with_a_thousand(client, org, busy, page):
    event, session = busy
    client.force_login(org.head_wuye)
    url = PAGES[page](event, session)
    _fill(session, 10)
    client.get(url)  # the first request fills the process's caches (the site settings)
    few, _body = _queries(client, url)
    _fill(session, 990)
    many, body = _queries(client, url)
    assert few == many, page
    if page == "check-in list":
        assert body.count('"t":') == 900 and '"p": "0011"' in body  # every ticket with a seat, none of the waiting list
    if page in ("registration list", "waiting list"):
        assert body.count('data-testid="registration-row"') == 50 and "page=2" in body
