"""The jury, sheet, results, notice and honours pages make the same number of queries with few rows as with many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qualityservice.recognition import jury, results, services

from .factories_results import judge, round_with_jury, score

pytestmark = pytest.mark.django_db


def _queries(client, url) -> tuple[int, str]:
    client.get(url)  # the first request fills the process's caches (site settings)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _world(org, *, nominees, judges):
    rnd, nominations, members = round_with_jury(org, nominees=nominees, judges=judges,
                                                votes=[[i % nominees] for i in range(nominees * 2)], winners=2)
    conflicted = jury.appoint(rnd, judge(org.wuye), by=org.supervisor)  # scores nobody: every nominee is of 物业
    services.move_round(rnd, "close_vote", by=org.supervisor)
    jury.confirm(conflicted.sheet, by=conflicted.user)
    for member in members:
        score(member, nominations, {i: (5 + i % 5, 6) for i in range(nominees)})
    return rnd, nominations, members


def _counts(client, org, nominees, judges, pages):
    rnd, _nominations, members = _world(org, nominees=nominees, judges=judges)
    counts = {}
    client.force_login(org.supervisor)
    counts["jury"] = _queries(client, reverse("recognition:round_jury", args=[rnd.pk]))[0]
    counts["results_preview"] = _queries(client, reverse("recognition:round_results", args=[rnd.pk]))[0]
    services.move_round(rnd, "publish", by=org.supervisor)
    counts["results"] = _queries(client, reverse("recognition:round_results", args=[rnd.pk]))[0]
    client.force_login(members[0].user)
    counts["sheet"] = _queries(client, members[0].sheet.get_absolute_url())[0]
    counts["mine"] = _queries(client, reverse("recognition:jury_mine"))[0]
    client.logout()
    counts["winners"] = _queries(client, reverse("recognition:winners", args=[rnd.code]))[0]
    client.force_login(org.staff_wuye)  # signed in: not from the page cache
    counts["stars"] = _queries(client, reverse("recognition:stars", args=["service-stars"]))[0]
    services.move_round(rnd, "finalise", by=org.supervisor)
    rnd.refresh_from_db()
    results.issue_certificates(rnd, by=org.supervisor)
    client.force_login(org.supervisor)
    counts["results_final"] = _queries(client, reverse("recognition:round_results", args=[rnd.pk]))[0]
    return counts


def test_every_new_page_costs_the_same_queries_for_3_nominees_and_2_judges_as_for_12_and_6(client, org):
    few = _counts(client, org, 3, 2, None)
    many = _counts(client, org, 12, 6, None)
    assert few == many
    assert max(few.values()) <= 20, few
