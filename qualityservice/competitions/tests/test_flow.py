"""A competition from sign-up to certificates through the services: the first round is opened, scored by the
panel, closed, verified and published, made final; certificates are issued and verified at /c/<serial>/."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from qualityservice.competitions import services
from qualityservice.competitions.models import Certificate, Competition, Entry, Round, Sheet
from qualityservice.competitions.workflows import ROUND

from .factories import build, confirm_all, score_all, values

pytestmark = pytest.mark.django_db


def test_it_runs_a_competition_from_opening_to_certificates(org, client):
    setup = build(org, contestants=3, panel=3, reserves=0)
    rnd = setup.round
    assert rnd.status == Round.Status.SCORING and rnd.rubric.is_frozen
    assert Sheet.objects.filter(round=rnd).count() == 3 * 4
    score_all(setup, {1: [values(9, 9, 9)] * 4, 2: [values(7, 7, 7)] * 4, 3: [values(8, 8, 8, 1)] * 4})
    rnd = ROUND.apply(rnd, "close", by=setup.by)
    assert rnd.status == Round.Status.REVIEW
    confirm_all(setup)
    rnd = ROUND.apply(rnd, "verify", by=setup.chief)
    ranks = dict(Entry.objects.filter(round=rnd).values_list("contestant__number", "rank"))
    assert ranks == {1: 1, 2: 3, 3: 2}
    first = Entry.objects.get(round=rnd, contestant__number=1)
    assert first.total == Decimal("27.0000") and first.percent == Decimal("90.00")
    rnd = ROUND.apply(rnd, "publish", by=setup.by)
    Round.objects.filter(pk=rnd.pk).update(notice_until=timezone.now() - dt.timedelta(minutes=1))
    rnd = ROUND.apply(rnd, "finalise", by=setup.by)
    assert Competition.objects.get(pk=setup.competition.pk).status == Competition.Status.FINISHED
    made = services.issue_certificates(setup.competition, by=setup.by)
    assert [(c.rank, c.award) for c in made] == [(1, "一等奖"), (2, "二等奖")]
    body = client.get(f"/c/{made[0].serial}/").content.decode()
    assert "真实有效" in body or "Genuine" in body
    assert Certificate.objects.count() == 2
