"""The inspection score: ONE formula, a pure function (no database), documented in README.md.

For every item that is answered and not N/A, its earned ratio ``r``:
    pass → 1, fail → 0, scored item → score / max_score (0 ≤ r ≤ 1).
Section score (0–1), over the section's applicable items i:
    S = Σ wᵢ·rᵢ / Σ wᵢ
Inspection score (0–100), over the sections with at least one applicable item:
    total = 100 · Σ W·S / Σ W
N/A items (and unanswered ones) leave both numerator and denominator, so they never change the
ratio of the others; a section with only N/A items leaves the total. No applicable item → no score.

An item *fails* when it is answered "fail", or when a scored item earns less than FAIL_BELOW of its
maximum. The inspection passes when total ≥ pass_mark and no critical item failed.
Computed with exact fractions, rounded half-up to two decimals at the very end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

PASS, FAIL, SCORE, NA = "pass", "fail", "score", "na"
FAIL_BELOW = Fraction(3, 5)  # a scored item below 60 % of its maximum counts as failed


@dataclass(frozen=True)
class ItemInput:
    weight: Decimal | int | float | Fraction = 1
    result: str | None = None  # pass / fail / score / na / None (unanswered)
    score: Decimal | int | float | None = None
    max_score: int = 1
    critical: bool = False
    key: object = None


@dataclass(frozen=True)
class SectionInput:
    weight: Decimal | int | float | Fraction = 1
    items: tuple[ItemInput, ...] = ()
    key: object = None


@dataclass
class ScoreResult:
    score: Decimal | None
    passed: bool | None
    critical_failed: bool
    section_scores: dict = field(default_factory=dict)  # section key -> Decimal 0..100
    failed_items: list = field(default_factory=list)  # item keys


def _frac(value) -> Fraction:
    return Fraction(str(value)) if isinstance(value, (Decimal, float)) else Fraction(value)


def item_ratio(item: ItemInput) -> Fraction | None:
    """The item's earned ratio 0..1, or None when it does not count (N/A or unanswered)."""
    if item.result == PASS:
        return Fraction(1)
    if item.result == FAIL:
        return Fraction(0)
    if item.result == SCORE and item.score is not None and item.max_score > 0:
        ratio = _frac(item.score) / item.max_score
        return min(max(ratio, Fraction(0)), Fraction(1))
    return None


def item_failed(item: ItemInput) -> bool:
    ratio = item_ratio(item)
    if ratio is None:
        return False
    return item.result == FAIL or (item.result == SCORE and ratio < FAIL_BELOW)


def _round(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def compute_score(sections, pass_mark=80) -> ScoreResult:
    numerator = Fraction(0)
    denominator = Fraction(0)
    section_scores = {}
    failed = []
    critical_failed = False
    for section in sections:
        s_num = Fraction(0)
        s_den = Fraction(0)
        for item in section.items:
            ratio = item_ratio(item)
            if ratio is None:
                continue
            w = _frac(item.weight)
            s_num += w * ratio
            s_den += w
            if item_failed(item):
                failed.append(item.key)
                critical_failed = critical_failed or item.critical
        if s_den == 0:
            continue
        s = s_num / s_den
        section_scores[section.key] = _round(100 * s)
        weight = _frac(section.weight)
        numerator += weight * s
        denominator += weight
    if denominator == 0:
        return ScoreResult(None, None if not critical_failed else False, critical_failed, section_scores, failed)
    exact = 100 * numerator / denominator
    score = _round(exact)
    passed = (not critical_failed) and exact >= _frac(pass_mark)
    return ScoreResult(score, passed, critical_failed, section_scores, failed)


def exact_score(sections) -> Fraction | None:
    """The unrounded total (for tests of the formula's properties)."""
    numerator = Fraction(0)
    denominator = Fraction(0)
    for section in sections:
        pairs = [(_frac(i.weight), item_ratio(i)) for i in section.items]
        pairs = [(w, r) for w, r in pairs if r is not None]
        s_den = sum((w for w, _ in pairs), Fraction(0))
        if s_den == 0:
            continue
        numerator += _frac(section.weight) * sum((w * r for w, r in pairs), Fraction(0)) / s_den
        denominator += _frac(section.weight)
    return None if denominator == 0 else 100 * numerator / denominator
