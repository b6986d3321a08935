"""Every list, detail, scoring and standings page makes the same number of queries with 5 contestants as with 50
(× 7 judges): no query per contestant, judge, sheet or score."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qualityservice.competitions.models import Criterion, Round, Score, Sheet
from qualityservice.competitions.workflows import ROUND
from qualityservice.core import pagecache

from .factories import build

pytestmark = pytest.mark.django_db

JUDGES = 7  # the chief and six panel members
# Measured: session, user and staff profile for the signed-in pages, then a fixed set per page (the rows of each
# kind in one query: entries with their contestants, sheets, scores, criteria, flags, objections, the timeline,
# the objection form's contestants on the public page;
# the judge's pages of a published round add their comparison with the panel).
PAGE_QUERIES = {"list": 5, "detail": 16, "round": 17, "standings": 9, "chief's round page": 19, "judge's sheets": 10,
                "scoring page": 8, "chief's sheet page": 12, "my competitions": 6, "private link": 7, "public results": 7,
                "judge analysis": 11}


def _scored(org, contestants: int, *, publish: bool, normalisation: str = ""):
    """A round with every sheet scored and confirmed (written in bulk: the pages are measured, not the scoring),
    verified and, with ``publish``, published."""
    setup = build(org, contestants=contestants, panel=JUDGES - 1, reserves=0, open_round=not normalisation)
    if normalisation:
        from qualityservice.competitions import services

        services.update_competition(setup.competition, normalisation=normalisation)
        setup.round = ROUND.apply(setup.round, "open", by=setup.by)
    rnd = setup.round
    criteria = list(Criterion.objects.filter(rubric=rnd.rubric))
    sheets = list(Sheet.objects.filter(round=rnd))
    Score.objects.bulk_create([Score(sheet=s, criterion=c, value=Decimal(5 + (s.pk + c.pk) % 5)) for s in sheets for c in criteria])
    if normalisation:  # the last judge scores 3 points under the others throughout: flagged, so adjusted
        from django.db.models import F

        Score.objects.filter(sheet__appointment=setup.appointments[-1]).update(value=F("value") - 3)
    Sheet.objects.filter(round=rnd).update(status=Sheet.Status.CONFIRMED, version=1, total=Decimal(20))
    rnd = ROUND.apply(rnd, "close", by=setup.by)
    Sheet.objects.filter(round=rnd).update(status=Sheet.Status.CONFIRMED)
    from qualityservice.competitions.models import Flag

    Flag.objects.filter(round=rnd).update(status=Flag.Status.ACCEPTED)
    rnd = ROUND.apply(rnd, "verify", by=setup.chief)
    if publish:
        rnd = ROUND.apply(rnd, "publish", by=setup.by)
    setup.round = rnd
    return setup


def _count(client, url) -> tuple[int, str]:
    client.get(url)  # the first request fills the process's caches (site settings, content version)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.content.decode()


def _pages(setup) -> dict[str, tuple[str, str]]:
    """page -> (who, URL)."""
    sheet = Sheet.objects.filter(round=setup.round, appointment=setup.appointments[1]).order_by("pk").first()
    return {
        "list": ("supervisor", reverse("competitions:list")),
        "detail": ("supervisor", setup.competition.get_absolute_url()),
        "round": ("supervisor", setup.round.get_absolute_url()),
        "standings": ("supervisor", reverse("competitions:standings", args=[setup.round.pk])),
        "chief's round page": ("chief", setup.round.get_absolute_url()),
        "judge's sheets": ("judge", reverse("competitions:judging", args=[setup.appointments[1].pk])),
        "scoring page": ("judge", reverse("competitions:sheet", args=[sheet.pk])),
        "chief's sheet page": ("chief", reverse("competitions:sheet", args=[sheet.pk])),
        "my competitions": ("judge", reverse("competitions:mine")),
        "private link": (None, reverse("competitions:link", args=[setup.appointments[1].code])),
        "public results": (None, setup.competition.get_public_url()),
        "judge analysis": ("supervisor", reverse("competitions:judge_analysis", args=[setup.round.pk])),
    }


def _measure(org, setup) -> dict[str, int]:
    counts = {}
    for name, (who, url) in _pages(setup).items():
        client = Client()
        if who == "supervisor":
            client.force_login(org.supervisor)
        elif who == "chief":
            client.force_login(setup.chief)
        elif who == "judge":
            client.force_login(setup.appointments[1].staff.user)
        pagecache.clear()
        counts[name], _body = _count(client, url) if who else _public(client, url)
    return counts


def _public(client, url):
    """An anonymous visitor's page, built (not served from the page cache)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.content.decode()


def test_every_page_costs_the_same_with_5_or_50_contestants_scored_by_7_judges(org):
    few = _measure(org, _scored(org, 5, publish=True))
    many_setup = _scored(org, 50, publish=True)
    many = _measure(org, many_setup)
    assert many == few == PAGE_QUERIES


NORMALISED = ("standings", "judge analysis", "public results")


def test_the_normalised_pages_cost_the_same_with_5_or_50_contestants(org):
    """With the normalisation on (one judge scoring 3 points under the panel throughout, so adjusted), the pages
    that show it cost a fixed number of queries: the adjusted judges are read in one query."""

    def measured(n):
        setup = _scored(org, n, publish=True, normalisation="offset")
        return {name: count for name, count in _measure(org, setup).items() if name in NORMALISED}, setup

    few, _setup = measured(5)
    many, setup = measured(50)
    assert list(Round.objects.get(pk=setup.round.pk).adjustments) == [str(setup.appointments[-1].pk)]
    assert many == few
    assert few == {"standings": PAGE_QUERIES["standings"] + 1, "judge analysis": PAGE_QUERIES["judge analysis"],
                   "public results": PAGE_QUERIES["public results"] + 1}


def test_the_pages_show_every_contestant_and_the_breakdown_with_50(client, org):
    setup = _scored(org, 50, publish=True)
    body = client.get(setup.competition.get_public_url()).content.decode()
    assert body.count('data-testid="standing-row"') == 50
    assert "操作规范" in body and "成品质量" in body
    client.force_login(org.supervisor)
    body = client.get(setup.round.get_absolute_url()).content.decode()
    assert body.count('data-testid="cell"') == 50 * JUDGES
