"""The combined result: published weights × the normalised vote score plus the normalised jury score, stored once
when the notice is published, with its breakdown per nominee; winners are the first N, ties broken by the jury
score, then the votes, then the earlier nomination; no total anywhere before the vote closes."""

from decimal import Decimal

import pytest
from django.urls import reverse

from qualityservice.core.workflow import TransitionError
from qualityservice.recognition import results, services
from qualityservice.recognition.results_models import Result

from .factories import voter
from .factories_results import round_with_jury, score

pytestmark = pytest.mark.django_db

VOTES = [[0, 1]] * 4 + [[0]] * 2 + [[2]] * 2  # A 6, B 4, C 2 of 8 counted ballots


def _judged(org, *, votes=VOTES, sheets=((5, 5), (9, 9), (7, 7)), winners=2, **extra):
    rnd, nominations, members = round_with_jury(org, votes=votes, winners=winners, **extra)
    services.move_round(rnd, "close_vote", by=org.supervisor)
    for member in members:
        score(member, nominations, dict(enumerate(sheets)))
    rnd.refresh_from_db()
    return rnd, nominations, members


def test_the_result_combines_the_published_weights_the_vote_score_and_the_jury_score(org):
    rnd, (a, b, c), _members = _judged(org)
    services.move_round(rnd, "publish", by=org.supervisor)
    rows = {r.nomination_id: r for r in Result.objects.filter(round=rnd)}
    # vote score = 100 × votes / most votes; jury score = 100 × (total − 0) / (100 − 0); result = 0.3 × vote + 0.7 × jury
    assert (rows[a.pk].votes, rows[a.pk].vote_share, rows[a.pk].vote_score, rows[a.pk].jury_score, rows[a.pk].total) == (
        6, Decimal("0.7500"), Decimal("100.00"), Decimal("50.00"), Decimal("65.00"))
    assert (rows[b.pk].vote_score, rows[b.pk].jury_score, rows[b.pk].total) == (Decimal("66.67"), Decimal("90.00"), Decimal("83.00"))
    assert (rows[c.pk].vote_score, rows[c.pk].jury_score, rows[c.pk].total) == (Decimal("33.33"), Decimal("70.00"), Decimal("59.00"))
    assert [(r.nomination_id, r.rank, r.winner) for r in results.stored(rnd)] == [(b.pk, 1, True), (a.pk, 2, True), (c.pk, 3, False)]
    assert rows[b.pk].judges == 3 and rows[b.pk].per_criterion == {"attitude": "9.0000", "skill": "9.0000"}


def test_equal_results_are_separated_by_the_jury_score_then_the_votes(org):
    votes = [[0, 1]] * 5 + [[0]] * 5  # A 10 (vote score 100), B 5 (50)
    rnd, (a, b), _members = _judged(org, votes=votes, sheets=((5, 5), (10, 10)), nominees=2, winners=1,
                                    vote_weight=50, jury_weight=50)
    services.move_round(rnd, "publish", by=org.supervisor)
    ranked = list(results.stored(rnd))
    assert [(r.nomination_id, r.total) for r in ranked] == [(b.pk, Decimal("75.00")), (a.pk, Decimal("75.00"))]
    assert ranked[1].decided_by == "criterion:jury" and results.describe_decided_by(ranked[1].decided_by) == "评审得分较高"
    assert [r.nomination_id for r in results.winners(rnd)] == [b.pk]


def test_the_notice_waits_for_every_jury_sheet_and_changes_nothing_meanwhile(org):
    rnd, nominations, members = round_with_jury(org, votes=VOTES)
    services.move_round(rnd, "close_vote", by=org.supervisor)
    score(members[0], nominations, {0: (5, 5), 1: (5, 5), 2: (5, 5)})
    with pytest.raises(TransitionError, match="还有2份评分表未确认"):
        services.move_round(rnd, "publish", by=org.supervisor)
    rnd.refresh_from_db()
    assert rnd.status == "judging" and not Result.objects.exists()


def test_nothing_is_computed_before_the_vote_closes(org):
    rnd, _nominations, _members = round_with_jury(org, votes=VOTES)
    assert results.compute(rnd) == []


def test_nobody_sees_a_total_before_the_close_and_the_supervisor_sees_the_breakdown_after_it(client, org):
    rnd, (a, b, c), members = round_with_jury(org, votes=VOTES)
    url = reverse("recognition:round_results", args=[rnd.pk])
    client.force_login(org.supervisor)
    body = client.get(url).content.decode()
    assert "投票截止前不向任何人显示票数" in body and 'data-testid="result-row"' not in body
    for who in (org.staff_wuye, org.head_wuye, org.judge, voter()):
        client.force_login(who)
        response = client.get(url)
        assert response.status_code in (302, 404) and "候选人1" not in response.content.decode()  # a member: to their page
        assert response.status_code == 404 or response["Location"] == "/members/"
        body = client.get(rnd.get_receipt_url()).content.decode()
        assert "人投票" not in body  # the public receipt page neither
    services.move_round(rnd, "close_vote", by=org.supervisor)
    for member, sheet in zip(members, [(5, 5), (5, 5), (5, 5)], strict=True):
        score(member, [a, b, c], {0: (9, 9), 1: sheet, 2: sheet})
    client.force_login(org.supervisor)
    body = client.get(url).content.decode()
    assert "预览" in body and body.count('data-testid="result-row"') == 3
    services.move_round(rnd, "publish", by=org.supervisor)
    body = client.get(url).content.decode()
    assert "预览" not in body and "75.0%" in body and "93.00" in body  # A: 6 of 8 ballots; 0.3 × 100 + 0.7 × 90
