"""SERVQUAL gap, NPS and the satisfaction index on hand-computed examples, plus property tests."""

from hypothesis import given
from hypothesis import strategies as st

from qualityservice.surveys import scoring


def test_it_computes_nps_from_a_hand_counted_example():
    # 5 promoters (9, 10), 3 passives (7, 8), 2 detractors (0–6) out of 10: 50% − 20% = 30
    result = scoring.nps_from_counts({10: 3, 9: 2, 8: 2, 7: 1, 6: 1, 0: 1})
    assert (result.promoters, result.passives, result.detractors) == (5, 3, 2)
    assert result.score == 30.0


def test_it_gives_no_nps_without_answers_and_extremes_at_the_bounds():
    assert scoring.nps_from_counts({}).score is None
    assert scoring.nps_from_counts({10: 4}).score == 100.0
    assert scoring.nps_from_counts({3: 4}).score == -100.0


def test_it_computes_servqual_gaps_as_perception_minus_expectation():
    means = {
        ("tangibles", "expectation"): 4.5, ("tangibles", "perception"): 4.0,
        ("reliability", "expectation"): 4.8, ("reliability", "perception"): 3.3,
        ("empathy", "perception"): 3.9,  # no expectation: no gap
    }
    gaps = scoring.servqual_gaps(means)
    assert gaps == {"tangibles": -0.5, "reliability": -1.5}
    assert scoring.overall_gap(gaps) == -1.0


def test_it_scales_ratings_to_the_index():
    assert scoring.rating_to_index(1) == 0.0
    assert scoring.rating_to_index(5) == 100.0
    assert scoring.rating_to_index(4) == 75.0
    assert scoring.rating_to_index(3.5) == 62.5


def test_it_weights_the_index_by_respondents_not_answers():
    # Respondent A answered 4 questions all 5 (mean 5); respondent B answered one question with 1 (mean 1).
    # Per respondent: (5 + 1) / 2 = 3 → (3 − 1) / 4 × 100 = 50 (an answer-weighted mean would give 4.2 → 80).
    assert scoring.satisfaction_index([5.0, 1.0]) == 50.0
    assert scoring.satisfaction_index([]) is None


def test_it_combines_surveys_of_a_period_by_respondents():
    # 100 respondents at 4.0 and 300 at 3.0 → (400 + 900) / 400 = 3.25
    assert scoring.combine_periods([(4.0, 100), (3.0, 300)]) == 3.25
    assert scoring.combine_periods([(4.0, 0)]) is None


@given(st.dictionaries(st.integers(min_value=0, max_value=10), st.integers(min_value=0, max_value=10_000)))
def test_it_keeps_nps_within_minus_100_and_100(counts):
    score = scoring.nps_from_counts(counts).score
    assert score is None or -100.0 <= score <= 100.0


@given(st.lists(st.floats(min_value=1, max_value=5, allow_nan=False), min_size=1, max_size=200))
def test_it_keeps_the_index_within_0_and_100(means):
    assert 0.0 <= scoring.satisfaction_index(means) <= 100.0


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6))
def test_it_clamps_any_mean_into_0_to_100(mean):
    assert 0.0 <= scoring.rating_to_index(mean) <= 100.0
