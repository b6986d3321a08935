"""The demo's closed 2010 service-star round: nominations, ballots cast with codes, a confirmed jury, results,
winners and their certificates; a second run adds nothing."""

import io
import random

import pytest

from qualityservice.recognition import demo_results
from qualityservice.recognition.models import Ballot, Round
from qualityservice.recognition.results_models import Certificate, JurySheet, Result

pytestmark = pytest.mark.django_db


def test_the_demo_makes_a_closed_2010_round_with_jury_scores_winners_and_certificates_once(org):
    demo_results.seed(io.StringIO(), random.Random(2010))
    rnd = Round.objects.get(period_start__year=2010)
    assert rnd.status == "final" and rnd.kind == "service_star"
    assert Ballot.objects.filter(round=rnd).count() == 200
    assert set(JurySheet.objects.filter(round=rnd).values_list("status", flat=True)) == {"confirmed"}
    winners = list(Result.objects.filter(round=rnd, winner=True).order_by("rank").values_list("rank", flat=True))
    assert winners == [1, 2, 3]
    serials = sorted(Certificate.objects.filter(round=rnd).values_list("serial", flat=True))
    assert len(serials) == 3 and all(s.startswith("RY-2010-") for s in serials)
    before = (Ballot.objects.count(), Result.objects.count(), serials)
    demo_results.seed(io.StringIO(), random.Random(7))
    assert (Ballot.objects.count(), Result.objects.count(), sorted(Certificate.objects.values_list("serial", flat=True))) == before
