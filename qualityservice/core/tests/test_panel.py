"""Properties of the panel arithmetic (core.panel), checked by Hypothesis: the trimmed mean adapts to the panel and stays
within the scores; the anomaly rules depend on the scores, not on the order of the judges; the tie-break chain
orders any set of contestants totally."""

from decimal import Decimal
from itertools import permutations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from qualityservice.core import panel as scoring

# Scores as judges give them: 0–10 in steps of 0.5.
SCORE = st.integers(min_value=0, max_value=20).map(lambda n: Decimal(n) / 2)
PANEL = st.lists(SCORE, min_size=1, max_size=9)


@given(PANEL)
def test_it_keeps_the_trimmed_mean_between_the_lowest_and_the_highest_score(values):
    result = scoring.trimmed_mean(values)
    assert min(values) <= result <= max(values)


@given(PANEL, st.randoms(use_true_random=False))
def test_it_gives_the_same_trimmed_mean_whatever_the_order_of_the_judges(values, rng):
    shuffled = list(values)
    rng.shuffle(shuffled)
    for aggregate in (scoring.trimmed_mean, scoring.mean, scoring.median):
        assert aggregate(shuffled) == aggregate(values)


@given(st.lists(SCORE, min_size=4, max_size=9))
def test_it_ignores_exactly_one_highest_and_one_lowest_score_from_four_judges_on(values):
    ordered = sorted(values)
    assert scoring.trimmed_mean(values) == sum(ordered[1:-1]) / (len(values) - 2)
    # Moving the highest score further up, or the lowest further down, changes nothing.
    assert scoring.trimmed_mean([*ordered[:-1], ordered[-1] + 100]) == scoring.trimmed_mean(values)
    assert scoring.trimmed_mean([ordered[0] - 100, *ordered[1:]]) == scoring.trimmed_mean(values)


@given(SCORE, SCORE, SCORE)
def test_it_takes_the_mean_of_the_two_closest_scores_of_three_judges(a, b, c):
    low, mid, high = sorted([a, b, c])
    result = scoring.trimmed_mean([a, b, c])
    if mid - low < high - mid:
        assert result == (low + mid) / 2
    elif high - mid < mid - low:
        assert result == (mid + high) / 2
    else:  # equally close: both pairs count, which is the middle score
        assert result == mid


@given(SCORE, SCORE)
def test_it_takes_the_mean_of_two_judges_and_the_score_of_one(a, b):
    assert scoring.trimmed_mean([a, b]) == (a + b) / 2
    assert scoring.trimmed_mean([a]) == a
    assert scoring.trimmed_mean([]) is None


def _result(entry, number, total, caozuo, deductions, chief):
    return scoring.EntryResult(entry=entry, number=number, judges=3, per_criterion={"caozuo": caozuo}, per_deduction={},
                               deductions=deductions, total=total, chief_total=chief)


RESULTS = st.lists(
    st.tuples(st.integers(0, 4).map(Decimal), st.integers(0, 3).map(Decimal), st.integers(0, 2).map(Decimal),
              st.one_of(st.none(), st.integers(0, 3).map(Decimal))),
    min_size=1, max_size=8,
).map(lambda rows: [_result(i, i + 1, *row) for i, row in enumerate(rows)])
CHAINS = st.lists(st.sampled_from(["criterion:caozuo", "deductions", "chief"]), unique=True, max_size=3)


@given(RESULTS, CHAINS)
def test_the_tie_break_chain_orders_any_set_of_contestants_totally(results, chain):
    keys = [scoring.sort_key(r, chain) for r in results]
    # Total and antisymmetric: two different contestants never have the same place.
    for i, a in enumerate(keys):
        for j, b in enumerate(keys):
            if i != j:
                assert (a < b) != (b < a)
    # Transitive (it is a sort key), and the order does not depend on the order the contestants come in.
    ranked = [r.entry for r in scoring.rank(results, chain)]
    assert ranked == [r.entry for r in scoring.rank(list(reversed(results)), chain)]
    assert sorted(r.rank for r in results) == list(range(1, len(results) + 1))


@given(RESULTS, CHAINS)
def test_it_ranks_a_higher_total_first_whatever_the_chain(results, chain):
    ranked = scoring.rank(results, chain)
    totals = [r.total for r in ranked]
    assert totals == sorted(totals, reverse=True)


CRITERIA = [scoring.CriterionSpec("a", Decimal(1), Decimal(0), Decimal(10)), scoring.CriterionSpec("b", Decimal(2), Decimal(0), Decimal(10))]
RULES = {"outlier_distance": Decimal("0.25"), "spread_threshold": Decimal("0.40"), "bias_z": Decimal("1.5")}
PANELS = st.dictionaries(
    st.integers(1, 6),
    st.dictionaries(st.integers(101, 106), st.fixed_dictionaries({"a": SCORE, "b": SCORE}), min_size=1, max_size=6),
    min_size=1, max_size=6,
)


def _flags(panels):
    return {(f.kind, f.entry, f.judge, f.criterion) for f in scoring.find_anomalies(panels, CRITERIA, **RULES)}


@settings(max_examples=60)
@given(PANELS, st.randoms(use_true_random=False))
def test_it_flags_the_same_anomalies_whatever_the_order_of_the_judges_and_entries(panels, rng):
    reordered = {}
    entries = list(panels)
    rng.shuffle(entries)
    for entry in entries:
        judges = list(panels[entry].items())
        rng.shuffle(judges)
        reordered[entry] = dict(judges)
    assert _flags(reordered) == _flags(panels)


@given(st.integers(1, 6), st.integers(2, 7), SCORE, SCORE)
def test_it_flags_nothing_when_the_panel_agrees(entries, judges, a, b):
    panels = {e: {100 + j: {"a": a, "b": b} for j in range(judges)} for e in range(entries)}
    assert scoring.find_anomalies(panels, CRITERIA, **RULES) == []


@given(PANELS, st.integers(-2, 2))
def test_the_outlier_and_spread_flags_do_not_change_when_every_judge_moves_by_the_same_amount(panels, shift):
    moved = {e: {j: {k: v + shift for k, v in values.items()} for j, values in panel.items()} for e, panel in panels.items()}
    keep = {"outlier", "spread"}
    assert {f for f in _flags(moved) if f[0] in keep} == {f for f in _flags(panels) if f[0] in keep}


@given(st.integers(3, 7), SCORE, st.integers(3, 10))
def test_it_flags_exactly_the_one_judge_far_from_an_agreeing_panel(judges, base, gap):
    """All judges but one agree; the odd one is ``gap`` points away: flagged as an outlier (and the spread as
    too wide) when the gap passes the thresholds — and none of the judges who agree."""
    odd = base + gap if base + gap <= 10 else base - gap
    if odd < 0:
        return
    panel = {100 + j: {"a": base, "b": base} for j in range(judges)}
    panel[100]["a"] = odd
    flags = _flags({1: panel})
    distance = abs(odd - base)
    outliers = {f for f in flags if f[0] == "outlier"}
    if distance > Decimal("2.5"):
        assert outliers == {("outlier", 1, 100, "a")}
    else:
        assert outliers == set()
    assert (("spread", 1, None, "a") in flags) == (distance > 4)


def test_it_flags_a_judge_who_scores_higher_than_the_panel_throughout():
    panels = {e: {101: {"a": Decimal(6), "b": Decimal(6)}, 102: {"a": Decimal(6), "b": Decimal("6.5")},
                  103: {"a": Decimal("6.5"), "b": Decimal(6)}, 104: {"a": Decimal(6), "b": Decimal(6)},
                  105: {"a": Decimal("8.5"), "b": Decimal("8.5")}} for e in range(1, 6)}
    bias = [f for f in scoring.find_anomalies(panels, CRITERIA, **RULES) if f.kind == "bias"]
    assert [(f.judge, f.detail["direction"]) for f in bias] == [(105, "high")]
    # Swapping which judge is generous moves the flag with them.
    for panel in panels.values():
        panel[101], panel[105] = panel[105], panel[101]
    assert [f.judge for f in scoring.find_anomalies(panels, CRITERIA, **RULES) if f.kind == "bias"] == [101]


def test_it_needs_three_judges_and_three_scores_each_to_judge_a_bias():
    two = {1: {101: {"a": Decimal(2), "b": Decimal(2)}, 102: {"a": Decimal(9), "b": Decimal(9)}}}
    assert [f for f in scoring.find_anomalies(two, CRITERIA, **RULES) if f.kind == "bias"] == []


def test_the_trimmed_mean_of_equally_spaced_scores_of_three_is_the_middle_one():
    for values in permutations([Decimal(6), Decimal(7), Decimal(8)]):
        assert scoring.trimmed_mean(list(values)) == Decimal(7)


# --- Normalisation ------------------------------------------------------------------------------------------


def _standings(panels, method="trimmed"):
    results = [scoring.aggregate_entry(entry, entry, [(values, {}) for values in panel.values()], CRITERIA, [], method)
               for entry, panel in panels.items()]
    return [(r.entry, r.total) for r in scoring.rank(results, [])]


def _shift(panels, judge, amount):
    return {e: {j: ({k: v + amount for k, v in values.items()} if j == judge else dict(values)) for j, values in panel.items()}
            for e, panel in panels.items()}


@settings(max_examples=80, deadline=None)
@given(PANELS, st.data(), st.integers(-20, 20).map(lambda n: Decimal(n) / 2),
       st.sampled_from(["mean", "trimmed", "median"]))
def test_adding_a_constant_to_every_score_of_an_adjusted_judge_does_not_change_the_normalised_standings(panels, data, amount, method):
    judges = sorted({j for panel in panels.values() for j in panel})
    judge = data.draw(st.sampled_from(judges))
    others = data.draw(st.sets(st.sampled_from(judges)))
    adjust = {judge} | others
    # A judge who never scored beside an unadjusted judge has nothing to be compared with: not adjusted.
    assume(any(judge in panel and any(j not in adjust for j in panel) for panel in panels.values()))
    before = scoring.normalise(panels, CRITERIA, adjust)
    after = scoring.normalise(_shift(panels, judge, amount), CRITERIA, adjust)
    assert after.panels == before.panels
    assert _standings(after.panels, method) == _standings(before.panels, method)
    # The offset subtracted moved by exactly the constant (where the judge shares an entry with the reference).
    for code, offset in before.offsets.get(judge, {}).items():
        assert after.offsets[judge][code] == offset + amount


@settings(deadline=None)
@given(PANELS)
def test_normalising_nobody_changes_nothing(panels):
    result = scoring.normalise(panels, CRITERIA, [])
    assert result.panels == panels and result.offsets == {}


@settings(deadline=None)
@given(PANELS, st.data())
def test_an_adjusted_judge_no_longer_differs_from_the_unadjusted_judges_on_average(panels, data):
    judges = sorted({j for panel in panels.values() for j in panel})
    adjust = data.draw(st.sets(st.sampled_from(judges), max_size=max(len(judges) - 1, 0)))
    result = scoring.normalise(panels, CRITERIA, adjust)
    for judge in adjust:
        for c in CRITERIA:
            differences = [panel[judge][c.code] - sum(v[c.code] for j, v in panel.items() if j not in adjust) /
                           sum(1 for j in panel if j not in adjust)
                           for panel in result.panels.values() if judge in panel and any(j not in adjust for j in panel)]
            if differences:
                assert abs(sum(differences) / len(differences)) <= scoring.OFFSET_PLACES
    # Judges not adjusted keep every score.
    for entry, panel in panels.items():
        for judge, values in panel.items():
            if judge not in adjust:
                assert result.panels[entry][judge] == values


def _harsh_panels(harshness):
    """Five entries, four judges who agree up to half a point, and judge 105 ``harshness`` points lower."""
    quality = {1: Decimal(8), 2: Decimal(7), 3: Decimal("6.5"), 4: Decimal(9), 5: Decimal("7.5")}
    return {e: {101: {"a": q, "b": q}, 102: {"a": q + Decimal("0.5"), "b": q}, 103: {"a": q, "b": q - Decimal("0.5")},
                104: {"a": q, "b": q}, 105: {"a": q - harshness, "b": q - harshness}} for e, q in quality.items()}


@settings(deadline=None)
@given(st.integers(4, 12).map(lambda n: Decimal(n) / 2))
def test_it_adjusts_only_the_judge_flagged_as_harsh_and_their_harshness_does_not_move_the_standings(harshness):
    panels = _harsh_panels(harshness)
    flagged = scoring.biased_judges(panels, CRITERIA, bias_z=RULES["bias_z"])
    assert flagged == {105}
    result = scoring.normalise(panels, CRITERIA, flagged)
    assert set(result.offsets) == {105} and result.offsets[105]["a"] < 0
    reference = scoring.normalise(_harsh_panels(Decimal(2)), CRITERIA, {105})
    assert _standings(result.panels) == _standings(reference.panels)


def test_it_flags_no_judge_for_normalisation_on_too_few_scores():
    one_entry = {1: _harsh_panels(Decimal(3))[1]}  # two scores each: fewer than BIAS_MIN_SCORES
    assert scoring.biased_judges(one_entry, CRITERIA, bias_z=RULES["bias_z"]) == set()
