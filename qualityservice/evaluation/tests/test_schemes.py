"""Schemes: components bound to registered indicators, weights summing to 100, freezing through the workflow,
the stored snapshot that later data does not move, gates read through the registry, new versions."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from qualityservice.core.workflow import TransitionError
from qualityservice.evaluation import services
from qualityservice.evaluation.models import Result, Scheme
from qualityservice.evaluation.workflows import SCHEME

pytestmark = pytest.mark.django_db
D = Decimal


def _scheme(org, **weights):
    scheme, _ = services.create_scheme(key=None, by=org.supervisor, year=2026, title="2026年度考核")
    services.set_component(scheme, indicator="evaluation.test_rate", weight=weights.get("rate", 60), floor=0, target=100)
    services.set_component(scheme, indicator="evaluation.test_late", weight=weights.get("late", 40), floor=10, target=0)
    return scheme


def test_it_refuses_to_freeze_a_scheme_whose_weights_do_not_add_up_to_100(org, live):
    scheme = _scheme(org, rate=60, late=30)
    with pytest.raises(TransitionError) as exc:
        SCHEME.apply(scheme, "freeze", by=org.supervisor)
    assert "90.00" in " ".join(exc.value.messages) and "100" in " ".join(exc.value.messages)
    assert Scheme.objects.get(pk=scheme.pk).status == "draft" and not Result.objects.exists()


def test_it_refuses_a_component_whose_bounds_go_against_the_indicators_direction(org, live):
    scheme, _ = services.create_scheme(key=None, by=org.supervisor, year=2026, title="考核")
    with pytest.raises(ValidationError) as exc:
        services.set_component(scheme, indicator="evaluation.test_late", weight=50, floor=0, target=10)
    assert "lower value" in " ".join(exc.value.messages) or "满分值必须低于零分值" in " ".join(exc.value.messages)
    with pytest.raises(ValidationError):
        services.set_component(scheme, indicator="nothing.registered", weight=50, rule="rank")
    assert not scheme.components.exists()


def test_it_stores_the_figures_at_freeze_so_later_data_does_not_move_a_final_result(org, live):
    live["evaluation.test_rate"] = {org.wuye.pk: D(90), org.yinshi.pk: D(50), org.office.pk: D(70)}
    live["evaluation.test_late"] = {org.wuye.pk: D(0), org.yinshi.pk: D(5), org.office.pk: None}
    scheme = _scheme(org)
    for action in ("freeze", "notice", "finalize"):
        scheme = SCHEME.apply(scheme, action, by=org.supervisor)
    result = Result.objects.get(scheme=scheme, department=org.wuye)
    assert (result.total, result.rank) == (D("94.00"), 1)
    office = Result.objects.get(scheme=scheme, department=org.office)  # not applicable: re-distributed, not zero
    assert office.total == D("70.00")
    line = office.inputs["lines"][0]
    assert (line["value"], line["period"], line["definition"], line["target"]) == ("70", "2026", "A test rate, in per cent", "100.00")

    live["evaluation.test_rate"][org.wuye.pk] = D(10)  # the live data changes after the result is final
    assert Result.objects.get(scheme=scheme, department=org.wuye).total == D("94.00")
    with pytest.raises(ValidationError):
        services.set_component(scheme, indicator="evaluation.test_rate", weight=50, floor=0, target=100)
    recomputed = {o.department_id: o.total for o in services.recompute(list(Result.objects.filter(scheme=scheme)))}
    assert recomputed == {r.department_id: r.total for r in Result.objects.filter(scheme=scheme)}


def test_it_gates_a_department_whose_required_activities_are_not_done(org, live):
    live["evaluation.test_rate"] = {org.wuye.pk: D(100), org.yinshi.pk: D(60), org.office.pk: D(40)}
    live["evaluation.test_late"] = {org.wuye.pk: D(0), org.yinshi.pk: D(2), org.office.pk: D(2)}
    live["evaluation.test_gate"] = {org.wuye.pk: D(50), org.yinshi.pk: D(100), org.office.pk: None}
    scheme = _scheme(org)
    services.set_gate(scheme, indicator="evaluation.test_gate", minimum=100)
    scheme = SCHEME.apply(scheme, "freeze", by=org.supervisor)
    wuye = Result.objects.get(scheme=scheme, department=org.wuye)
    assert (wuye.rank, wuye.gated, wuye.grade) == (1, True, "pass")
    assert wuye.inputs["gates"][0] | {"label": ""} == {"key": "evaluation.test_gate", "label": "", "minimum": "100.00",
                                                       "value": "50", "vetoed": True}


def test_it_needs_a_reason_for_a_bonus_and_applies_the_capped_points(org, live):
    live["evaluation.test_rate"] = {d.pk: D(50) for d in (org.wuye, org.yinshi, org.office)}
    live["evaluation.test_late"] = {d.pk: D(5) for d in (org.wuye, org.yinshi, org.office)}
    scheme = _scheme(org)
    with pytest.raises(ValidationError):
        services.add_adjustment(scheme, key=None, by=org.supervisor, department=org.wuye, points=3, reason="  ")
    services.add_adjustment(scheme, key=None, by=org.supervisor, department=org.wuye, points=8, reason="省级表彰")
    scheme = SCHEME.apply(scheme, "freeze", by=org.supervisor)
    wuye = Result.objects.get(scheme=scheme, department=org.wuye)
    assert (wuye.base, wuye.bonus, wuye.total) == (D("50.00"), D("5.00"), D("55.00"))
    assert wuye.inputs["adjustments"] == [{"points": "8.00", "reason": "省级表彰"}]


def test_it_makes_a_new_version_with_a_reason_after_freezing(org, live):
    live["evaluation.test_rate"] = {d.pk: D(50) for d in (org.wuye, org.yinshi, org.office)}
    scheme = SCHEME.apply(_scheme(org), "freeze", by=org.supervisor)
    with pytest.raises(ValidationError):
        services.new_version(scheme, by=org.supervisor, reason="")
    copy = services.new_version(scheme, by=org.supervisor, reason="权重调整")
    assert (copy.version, copy.status, copy.previous_id, copy.change_reason) == (2, "draft", scheme.pk, "权重调整")
    assert [c.indicator for c in copy.components.all()] == ["evaluation.test_rate", "evaluation.test_late"]


def test_it_refuses_to_freeze_when_no_component_applies_to_a_department(org, live):
    live["evaluation.test_rate"] = {org.wuye.pk: D(50)}
    scheme = _scheme(org)
    with pytest.raises(TransitionError):
        SCHEME.apply(scheme, "freeze", by=org.supervisor)
    assert Scheme.objects.get(pk=scheme.pk).status == "draft"


def test_it_lets_only_the_supervisor_freeze(org, live):
    live["evaluation.test_rate"] = {d.pk: D(50) for d in (org.wuye, org.yinshi, org.office)}
    scheme = _scheme(org)
    with pytest.raises(TransitionError):
        SCHEME.apply(scheme, "freeze", by=org.head_wuye)
    assert Scheme.objects.get(pk=scheme.pk).status == "draft"
