"""The scoring formula (scoring.compute_score): examples and properties."""

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from qualityservice.inspections.scoring import FAIL, NA, PASS, SCORE, ItemInput, SectionInput, compute_score, exact_score


def S(weight, *items, key=None):
    return SectionInput(weight=weight, items=tuple(items), key=key)


def test_it_scores_all_passes_as_100_and_passes():
    result = compute_score([S(1, ItemInput(result=PASS), ItemInput(result=PASS))], pass_mark=80)
    assert result.score == Decimal("100.00") and result.passed is True and not result.critical_failed


def test_it_weights_items_within_a_section():
    # (3·1 + 1·0) / 4 = 75
    result = compute_score([S(1, ItemInput(weight=3, result=PASS), ItemInput(weight=1, result=FAIL, key="x"))], pass_mark=80)
    assert result.score == Decimal("75.00") and result.passed is False and result.failed_items == ["x"]


def test_it_weights_sections():
    # section A 100 % weight 1, section B 50 % weight 3 → (1 + 1.5) / 4 = 62.5
    sections = [S(1, ItemInput(result=PASS), key="a"), S(3, ItemInput(result=PASS), ItemInput(result=FAIL), key="b")]
    result = compute_score(sections, pass_mark=60)
    assert result.score == Decimal("62.50") and result.passed is True
    assert result.section_scores == {"a": Decimal("100.00"), "b": Decimal("50.00")}


def test_it_takes_scored_items_as_a_fraction_of_their_maximum():
    result = compute_score([S(1, ItemInput(result=SCORE, score=Decimal("7.5"), max_score=10))])
    assert result.score == Decimal("75.00")


def test_it_counts_a_scored_item_below_sixty_percent_as_failed():
    result = compute_score([S(1, ItemInput(result=SCORE, score=5, max_score=10, key="low"), ItemInput(result=SCORE, score=6, max_score=10))])
    assert result.failed_items == ["low"]


def test_it_leaves_na_items_out_of_the_denominator():
    with_na = compute_score([S(1, ItemInput(result=PASS), ItemInput(result=NA), ItemInput(result=FAIL))])
    assert with_na.score == Decimal("50.00")


def test_it_leaves_a_section_of_only_na_items_out_of_the_total():
    result = compute_score([S(1, ItemInput(result=PASS)), S(5, ItemInput(result=NA))])
    assert result.score == Decimal("100.00")


def test_it_fails_the_whole_inspection_when_a_critical_item_fails():
    items = [ItemInput(result=PASS) for _ in range(19)] + [ItemInput(result=FAIL, critical=True)]
    result = compute_score([S(1, *items)], pass_mark=80)
    assert result.score == Decimal("95.00") and result.critical_failed and result.passed is False


def test_it_gives_no_score_when_nothing_applies():
    result = compute_score([S(1, ItemInput(result=NA), ItemInput(result=None))])
    assert result.score is None and result.passed is None


def test_it_passes_exactly_at_the_pass_mark():
    items = [ItemInput(result=PASS)] * 4 + [ItemInput(result=FAIL)]
    assert compute_score([S(1, *items)], pass_mark=80).passed is True
    assert compute_score([S(1, *items)], pass_mark=Decimal("80.01")).passed is False


# --- Properties ------------------------------------------------------------------------------------

weights = st.integers(min_value=1, max_value=20)
items = st.one_of(
    st.builds(ItemInput, weight=weights, result=st.sampled_from([PASS, FAIL, NA]), critical=st.booleans()),
    st.integers(min_value=1, max_value=20).flatmap(
        lambda m: st.builds(ItemInput, weight=weights, result=st.just(SCORE), score=st.integers(min_value=0, max_value=m), max_score=st.just(m))
    ),
)
sections = st.lists(st.builds(SectionInput, weight=weights, items=st.lists(items, max_size=8).map(tuple)), min_size=1, max_size=6)


@settings(max_examples=200, deadline=None)
@given(sections)
def test_it_keeps_the_score_within_0_and_100(secs):
    result = compute_score(secs)
    if result.score is not None:
        assert Decimal(0) <= result.score <= Decimal(100)
    for value in result.section_scores.values():
        assert Decimal(0) <= value <= Decimal(100)


@settings(max_examples=200, deadline=None)
@given(sections, st.data())
def test_it_never_lets_na_items_change_the_ratio_of_the_others(secs, data):
    """Adding N/A items anywhere, or turning an item into N/A instead of deleting it, changes nothing."""
    before = exact_score(secs)
    padded = []
    for section in secs:
        extra = data.draw(st.lists(st.builds(ItemInput, weight=weights, result=st.just(NA), critical=st.booleans()), max_size=3))
        padded.append(SectionInput(weight=section.weight, items=section.items + tuple(extra)))
    assert exact_score(padded) == before
    assert compute_score(padded).score == compute_score(secs).score
    # Marking the first item of a section N/A equals removing it.
    index = data.draw(st.integers(min_value=0, max_value=len(secs) - 1))
    if secs[index].items:
        marked = list(secs)
        marked[index] = SectionInput(weight=secs[index].weight, items=(ItemInput(weight=5, result=NA),) + secs[index].items[1:])
        removed = list(secs)
        removed[index] = SectionInput(weight=secs[index].weight, items=secs[index].items[1:])
        assert exact_score(marked) == exact_score(removed)


@settings(max_examples=100, deadline=None)
@given(sections)
def test_it_never_passes_with_a_failed_critical_item(secs):
    result = compute_score(secs, pass_mark=0)
    if result.critical_failed:
        assert result.passed is False


@settings(max_examples=100, deadline=None)
@given(sections)
def test_it_rounds_the_exact_score(secs):
    exact = exact_score(secs)
    result = compute_score(secs)
    if exact is None:
        assert result.score is None
    else:
        assert abs(Fraction(str(result.score)) - exact) <= Fraction(1, 200)
