"""What the app generates: the demo scheme (idempotent)."""

import io

import pytest

from qualityservice.evaluation import demo, services

pytestmark = pytest.mark.django_db


def test_it_seeds_the_current_years_scheme_once_and_scores_it_when_every_centre_has_a_figure(org):
    from qualityservice.evaluation.models import Scheme

    out = io.StringIO()
    demo.seed_scheme(out, org.supervisor)
    demo.seed_scheme(out, org.supervisor)
    scheme = Scheme.objects.get()
    assert sum(c.weight for c in scheme.components.all()) == 100
    assert [g.indicator for g in scheme.gates.all()] == ["campaigns.required_completion_rate"]
    assert scheme.adjustments.get().reason == "获评省级文明窗口"
    if scheme.status == Scheme.Status.FROZEN:
        assert scheme.results.count() == services.departments().__len__()
    else:
        assert "left as a draft" in out.getvalue()
