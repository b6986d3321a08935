"""The evaluation's arithmetic (scoring.py): re-distribution, normalisations, caps, ranks."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from qualityservice.evaluation import scoring
from qualityservice.evaluation.scoring import ComponentSpec, GateSpec

D = Decimal


def specs(weights):
    return [ComponentSpec(f"app.c{i}", D(w), floor=D(0), target=D(100)) for i, w in enumerate(weights)]


weights_100 = st.lists(st.integers(min_value=1, max_value=60), min_size=1, max_size=6).filter(lambda w: sum(w) == 100) | st.just([40, 30, 30])


@settings(max_examples=60, deadline=None)
@given(weights=weights_100, missing=st.lists(st.booleans(), min_size=6, max_size=6))
def test_it_gives_a_department_with_every_applicable_component_at_the_maximum_100(weights, missing):
    comps = specs(weights)
    present = [c for c, m in zip(comps, missing, strict=False) if not m] or comps[:1]
    data = {c.key: {1: D(100) if c in present else None} for c in comps}
    outcome = scoring.score(comps, data, [1])[0]
    assert outcome.total == D(100)
    assert sum(line.effective_weight for line in outcome.lines) == D(100)


def test_it_shows_applied_weights_that_add_up_to_exactly_100_after_rounding():
    # Found by the property above: 1, 1, 1, 11, 60 of 74 rounded to two decimals added up to 99.99.
    comps = specs([1, 1, 1, 11, 26, 60])
    data = {c.key: {1: None if i == 4 else D(100)} for i, c in enumerate(comps)}
    outcome = scoring.score(comps, data, [1])[0]
    assert sum(line.effective_weight for line in outcome.lines) == D(100)
    assert [line.effective_weight for line in outcome.lines] == [D("1.35"), D("1.35"), D("1.35"), D("14.86"), D(0), D("81.09")]


def test_it_does_not_penalise_a_department_without_a_component_hrms_2023():
    comps = specs([40, 30, 30])
    data = {"app.c0": {1: D(100)}, "app.c1": {1: D(100)}, "app.c2": {1: None}}
    outcome = scoring.score(comps, data, [1])[0]
    assert outcome.total == D(100)
    assert [line.effective_weight for line in outcome.lines] == [D("57.14"), D("42.86"), D(0)]


def test_it_does_not_rank_a_department_without_any_applicable_component():
    outcome = scoring.score(specs([100]), {"app.c0": {1: None}}, [1])[0]
    assert outcome.total is None and outcome.rank is None


@given(a=st.decimals(min_value=-50, max_value=150, places=1), b=st.decimals(min_value=-50, max_value=150, places=1))
def test_it_keeps_the_linear_rule_monotone_in_the_indicators_direction(a, b):
    lo, hi = min(a, b), max(a, b)
    assert scoring.linear_points(lo, D(0), D(100)) <= scoring.linear_points(hi, D(0), D(100))
    assert scoring.linear_points(lo, D(10), D(2)) >= scoring.linear_points(hi, D(10), D(2))


def test_it_gives_rank_points_from_best_to_worst_with_ties_sharing_the_mean_rank():
    points = {d: scoring.q(p) for d, p in scoring.rank_points({1: D(5), 2: D(9), 3: D(9), 4: D(1)}, "higher").items()}
    assert points == {1: D("33.33"), 2: D("83.33"), 3: D("83.33"), 4: D(0)}
    assert scoring.rank_points({1: D(3), 2: D(1)}, "lower") == {1: D(0), 2: D(100)}


def test_it_caps_bonus_and_deduction_items():
    outcome = scoring.score(specs([100]), {"app.c0": {1: D(50)}}, [1], adjustments={1: [D(4), D(3), D(-2)]})[0]
    assert (outcome.bonus, outcome.deduction, outcome.total) == (D(5), D(2), D(53))


def test_it_rounds_the_excellent_cap_down_thirty_percent_of_seven_is_two():
    assert scoring.excellent_cap(7, D("0.3")) == 2
    assert scoring.excellent_cap(10, D("0.3")) == 3
    assert scoring.excellent_cap(3, D("0.3")) == 0


def test_it_grades_a_tied_group_that_would_cross_the_cap_good_as_a_whole():
    comps = specs([100])
    values = {1: D(99), 2: D(95), 3: D(95), 4: D(70), 5: D(50), 6: D(85), 7: D(91)}
    outcomes = scoring.score(comps, {"app.c0": values}, list(values))
    by = {o.department_id: o for o in outcomes}
    # cap: floor(0.3 × 7) = 2; 1 is excellent, the tie 2/3 would make three: both good, and 7 (91) below them too.
    assert [by[d].grade for d in (1, 2, 3, 7, 6, 4, 5)] == ["excellent", "good", "good", "good", "good", "pass", "fail"]
    assert (by[2].rank, by[3].rank, by[7].rank) == (2, 2, 4)


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=12))
def test_it_never_grades_more_than_the_cap_and_ranks_as_a_total_order(values):
    data = {"app.c0": {i + 1: D(v) for i, v in enumerate(values)}}
    outcomes = scoring.score(specs([100]), data, list(range(1, len(values) + 1)))
    assert sum(o.grade == "excellent" for o in outcomes) <= scoring.excellent_cap(len(values), D("0.3"))
    order = ["fail", "pass", "good", "excellent"]
    assert [order.index(o.grade) for o in outcomes] == sorted((order.index(o.grade) for o in outcomes), reverse=True)
    totals = [o.total for o in outcomes]
    assert totals == sorted(totals, reverse=True)
    for a, b in zip(outcomes, outcomes[1:], strict=False):
        assert (a.rank == b.rank) == (a.total == b.total)
    assert scoring.score(specs([100]), data, list(range(1, len(values) + 1))) == outcomes  # reproducible


def test_it_ranks_a_gated_department_but_grades_it_at_most_pass():
    comps = specs([100])
    data = {"app.c0": {1: D(100), 2: D(60)}, "campaigns.required_completion_rate": {1: D(50), 2: None}}
    outcomes = scoring.score(comps, data, [1, 2], gates=[GateSpec("campaigns.required_completion_rate", D(100))],
                             excellent_share=D(1))
    assert (outcomes[0].department_id, outcomes[0].rank, outcomes[0].gated, outcomes[0].grade) == (1, 1, True, "pass")
    assert outcomes[0].gate_keys == ["campaigns.required_completion_rate"]


def test_it_checks_that_weights_sum_to_100():
    assert scoring.validate_weights([D(40), D(60)])
    assert not scoring.validate_weights([D(40), D(50)])
    assert not scoring.validate_weights([])
