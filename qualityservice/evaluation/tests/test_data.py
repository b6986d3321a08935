"""The demo data: a completed 2010 evaluation (frozen, public notice with an objection, final) and the current
year's scheme, on the registry's indicators (events, competitions, ideas; recognition's winners when the registry
has them); idempotent."""

import io

import pytest

from qualityservice.core import indicators
from qualityservice.core.indicators import HIGHER_BETTER, Indicator
from qualityservice.evaluation import demo, services
from qualityservice.evaluation.models import Objection, Scheme

pytestmark = pytest.mark.django_db

WINNERS = Indicator(key="recognition.winners", label="Winners", definition="Winners of the year", unit="people",
                    direction=HIGHER_BETTER, source="recognition", compute=lambda ids, period: {d: 0 for d in ids})


def test_it_seeds_a_completed_2010_evaluation_and_the_current_years_scheme_once(org):
    out = io.StringIO()
    demo.seed(out, None)
    demo.seed(out, None)
    old = Scheme.objects.get(year=2010)
    assert old.status == Scheme.Status.FINAL and old.publication == Scheme.Publication.FULL, out.getvalue()
    assert old.results.count() == len(services.departments())
    assert Objection.objects.filter(scheme=old).count() == 1 and Objection.objects.get().feedback_code
    keys = [c.indicator for c in old.components.all()]
    for key in ("events.events_held", "events.participants", "competitions.awards", "ideas.adopted", "ideas.verified_saving_yuan"):
        assert key in keys
    assert sum(c.weight for c in old.components.all()) == 100
    assert [g.indicator for g in old.gates.all()] == ["campaigns.required_completion_rate"]
    current = Scheme.objects.exclude(year=2010).get()
    assert current.adjustments.get().reason == "获评省级文明窗口"
    assert Scheme.objects.count() == 2
    if current.status == Scheme.Status.FROZEN:
        assert current.results.count() == len(services.departments())
    else:
        assert "left as a draft" in out.getvalue()


def test_it_includes_recognitions_winners_only_when_the_registry_has_them(monkeypatch):
    monkeypatch.setattr(indicators, "_registry", {k: v for k, v in indicators._registry.items() if k != "recognition.winners"})
    without = dict((k, w) for k, w, *_ in demo.demo_components())
    assert "recognition.winners" not in without and sum(without.values()) == 100
    indicators.register(WINNERS)
    with_winners = dict((k, w) for k, w, *_ in demo.demo_components())
    assert with_winners["recognition.winners"] == 5 and sum(with_winners.values()) == 100
    assert with_winners["feedback.on_time_rate"] == without["feedback.on_time_rate"] - 5


def test_the_scale_data_publishes_earlier_years_once_with_weights_adding_up_to_100(org):
    from django.utils import timezone

    from qualityservice.evaluation import scale

    assert "evaluation" in scale.COUNTS
    assert sum(scale.weights(7)) == 100 and sum(scale.weights(3)) == 100
    scale.generate(io.StringIO(), None, {"evaluation": 2})
    scale.generate(io.StringIO(), None, {"evaluation": 2})
    year = timezone.localdate().year
    schemes = Scheme.objects.filter(title__contains="规模数据").order_by("year")
    assert [(s.year, s.status) for s in schemes] == [(year - 2, "final"), (year - 1, "final")]
    assert all(s.results.count() == len(services.departments()) for s in schemes)
    assert sum(c.weight for c in schemes[0].components.all()) == 100
