"""Pure scoring formulas (no database): NPS, SERVQUAL gaps, the satisfaction index.

The database does the counting and averaging; these functions turn the aggregates into scores
and are unit-tested on hand-computed examples.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

RATING_MIN, RATING_MAX = 1, 5
DIMENSION_ORDER = ["tangibles", "reliability", "responsiveness", "assurance", "empathy"]


@dataclass(frozen=True)
class NpsResult:
    promoters: int
    passives: int
    detractors: int

    @property
    def total(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> float | None:
        """% promoters (9–10) − % detractors (0–6); None without answers. Always in −100..100."""
        if not self.total:
            return None
        return round(100.0 * (self.promoters - self.detractors) / self.total, 1)


def nps_from_counts(counts: Mapping[int, int]) -> NpsResult:
    """``counts``: score (0–10) → number of answers. Scores outside 0–10 are ignored."""
    promoters = sum(n for s, n in counts.items() if s in (9, 10))
    passives = sum(n for s, n in counts.items() if s in (7, 8))
    detractors = sum(n for s, n in counts.items() if 0 <= s <= 6)
    return NpsResult(promoters, passives, detractors)


def servqual_gaps(means: Mapping[tuple[str, str], float]) -> dict[str, float]:
    """``means``: (dimension, "expectation"|"perception") → mean score of that dimension's items.
    Gap per dimension = perception − expectation (negative: service below expectations). Dimensions
    missing either part are left out."""
    gaps = {}
    dimensions = {d for d, _part in means}
    for dimension in sorted(dimensions, key=lambda d: (DIMENSION_ORDER.index(d) if d in DIMENSION_ORDER else 99, d)):
        p = means.get((dimension, "perception"))
        e = means.get((dimension, "expectation"))
        if p is not None and e is not None:
            gaps[dimension] = round(p - e, 2)
    return gaps


def overall_gap(gaps: Mapping[str, float]) -> float | None:
    """Unweighted mean of the dimension gaps."""
    if not gaps:
        return None
    return round(sum(gaps.values()) / len(gaps), 2)


def rating_to_index(mean: float) -> float:
    """Scale a mean on the 1–5 scale to 0–100: (mean − 1) / 4 × 100, clamped."""
    value = (float(mean) - RATING_MIN) / (RATING_MAX - RATING_MIN) * 100.0
    return round(min(100.0, max(0.0, value)), 1)


def satisfaction_index(respondent_means: Iterable[float]) -> float | None:
    """The satisfaction index of a department: each respondent's mean answer to the department's
    1–5 questions, averaged over respondents (each respondent weighs the same), scaled to 0–100."""
    values = list(respondent_means)
    if not values:
        return None
    return rating_to_index(sum(values) / len(values))


def combine_periods(parts: Iterable[tuple[float, int]]) -> float | None:
    """Combine per-survey mean ratings (mean, respondents) into one respondent-weighted mean."""
    parts = [(m, n) for m, n in parts if n]
    total = sum(n for _m, n in parts)
    if not total:
        return None
    return sum(m * n for m, n in parts) / total
