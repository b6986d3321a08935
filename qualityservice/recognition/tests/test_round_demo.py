"""The demo rounds: an open service-star round with nominations from several departments (stories, facts read
from live data), an open advanced-collective round with a team nominated, and the 2010 service-star round's
nominations found eligible; a second run adds nothing."""

import io
import random

import pytest

from qualityservice.recognition import demo
from qualityservice.recognition.models import Nomination, Round

pytestmark = pytest.mark.django_db


def test_the_demo_opens_rounds_with_staff_and_collective_nominations_and_the_2010_round(org):
    demo.seed(io.StringIO(), random.Random(2026))
    rounds = {r.submission_key.split(":")[-1]: r for r in Round.objects.all()}
    star = Round.objects.get(title__endswith="年度服务明星评选", period_start__year__gt=2010)
    assert star.status == "nominating"
    staff_nominations = list(star.nominations.select_related("staff"))
    assert len({n.department_id for n in staff_nominations}) >= 2 and all(n.staff_id for n in staff_nominations)
    assert all("<p>" in n.story for n in staff_nominations) and any(n.photo for n in staff_nominations)
    assert all("praise" in n.facts for n in staff_nominations if n.status == "submitted")
    collective = Round.objects.get(kind=Round.Kind.COLLECTIVE)
    assert [(n.collective, n.status) for n in collective.nominations.all()] == [(org.wuye_team, "submitted")]
    old = Round.objects.get(period_start__year=2010)
    assert old.status == "final" and old.nominations.count() >= 2  # carried to the end by demo_results
    assert set(old.nominations.values_list("eligibility", flat=True)) == {"eligible"}
    first = sorted(Nomination.objects.values_list("submission_key", "status", "eligibility"))
    demo.seed(io.StringIO(), random.Random(7))
    assert sorted(Nomination.objects.values_list("submission_key", "status", "eligibility")) == first
    assert Round.objects.count() == len(rounds) == 3
