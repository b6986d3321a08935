"""The arithmetic of a panel of judges (competitions, the recognition jury, idea reviews), free of the database: aggregation of a panel's scores, anomaly rules,
standings with an explicit tie-break chain. Services feed it plain values (``Decimal``) read in a constant
number of queries; the property tests (core/tests/test_panel.py) exercise it directly.

Aggregation, per criterion (and per deduction), over the judges who actually scored the contestant:

- ``mean``: the arithmetic mean;
- ``trimmed``: adapts to the panel size n — n ≥ 4: drop one highest and one lowest, mean of the rest;
  n = 3: the mean of the two closest scores (equally close pairs: the mean of both pairs' means);
  n = 2: the mean; n = 1: the score;
- ``median``.

A contestant's total = Σ weight × aggregated criterion score − Σ points × aggregated number of occurrences of
each deduction. A judge's sheet total is the same sum over the judge's own values.

Normalisation (optional, ``normalise``): a judge found systematically high or low (``biased_judges``: the bias
rule of ``find_anomalies``, on at least ``BIAS_MIN_SCORES`` scores) has, on each criterion, their mean offset from
the judges who are not adjusted — the mean over the entries they share of (their score − the mean of the
unadjusted judges' scores), in points, to 4 decimals — subtracted from every score they gave on it before the
aggregation. Adjusted scores are not clamped to the criterion's range (clamping would give back part of the
offset). Adding a constant to every score of an adjusted judge therefore changes nothing in the normalised
panels, and so nothing in the normalised standings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal(0)
INF = Decimal("Infinity")
# A judge must differ from the panel by at least this share of the range on average to be flagged as biased,
# however unusual the z-score (in a tight panel a tiny offset can have a large z-score).
BIAS_MIN_OFFSET = Decimal("0.05")
# A judge's bias is judged on at least this many scores.
BIAS_MIN_SCORES = 3


# --- Aggregation ---------------------------------------------------------------------------------------


def mean(values: Sequence[Decimal]) -> Decimal | None:
    if not values:
        return None
    return sum(values, ZERO) / len(values)


def median(values: Sequence[Decimal]) -> Decimal | None:
    if not values:
        return None
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def trimmed_mean(values: Sequence[Decimal]) -> Decimal | None:
    """The mean that adapts to the panel: see the module docstring."""
    n = len(values)
    if n == 0:
        return None
    if n <= 2:
        return mean(values)
    s = sorted(values)
    if n == 3:
        low, high = s[1] - s[0], s[2] - s[1]
        if low < high:
            return (s[0] + s[1]) / 2
        if high < low:
            return (s[1] + s[2]) / 2
        return ((s[0] + s[1]) / 2 + (s[1] + s[2]) / 2) / 2
    return mean(s[1:-1])


AGGREGATORS: dict[str, Callable[[Sequence[Decimal]], Decimal | None]] = {
    "mean": mean, "trimmed": trimmed_mean, "median": median,
}


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    weight: Decimal
    min_score: Decimal
    max_score: Decimal

    @property
    def range(self) -> Decimal:
        return self.max_score - self.min_score


@dataclass(frozen=True)
class DeductionSpec:
    code: str
    points: Decimal


def sheet_total(values: Mapping[str, Decimal], counts: Mapping[str, int], criteria: Sequence[CriterionSpec],
                deductions: Sequence[DeductionSpec]) -> Decimal:
    """One judge's total: Σ weight × value − Σ points × occurrences (a missing value counts 0)."""
    total = sum((c.weight * values.get(c.code, ZERO) for c in criteria), ZERO)
    return total - sum((d.points * Decimal(counts.get(d.code, 0)) for d in deductions), ZERO)


@dataclass
class EntryResult:
    """One contestant's aggregated result in a round."""

    entry: int
    number: int
    judges: int
    per_criterion: dict[str, Decimal | None]
    per_deduction: dict[str, Decimal | None]
    deductions: Decimal
    total: Decimal
    chief_total: Decimal | None = None
    percent: Decimal | None = None
    rank: int | None = None
    decided_by: str = ""  # the tie-break link that separated it from the contestant ranked just above
    raw_total: Decimal | None = None  # with a normalisation: the total before it (``total`` is after it)


def aggregate_entry(entry: int, number: int, sheets: Sequence[tuple[Mapping[str, Decimal], Mapping[str, int]]],
                    criteria: Sequence[CriterionSpec], deductions: Sequence[DeductionSpec], method: str, *,
                    chief_total: Decimal | None = None, max_total: Decimal | None = None) -> EntryResult:
    """Aggregate the counted ``sheets`` (values by criterion code, occurrences by deduction code) of one entry."""
    aggregate = AGGREGATORS[method]
    per_criterion = {c.code: aggregate([values[c.code] for values, _counts in sheets if c.code in values]) for c in criteria}
    per_deduction = {d.code: aggregate([Decimal(counts.get(d.code, 0)) for _values, counts in sheets]) for d in deductions}
    weighted = sum((c.weight * (per_criterion[c.code] or ZERO) for c in criteria), ZERO)
    deducted = sum((d.points * (per_deduction[d.code] or ZERO) for d in deductions), ZERO)
    total = weighted - deducted
    percent = (total / max_total * 100) if max_total else None
    return EntryResult(entry=entry, number=number, judges=len(sheets), per_criterion=per_criterion,
                       per_deduction=per_deduction, deductions=deducted, total=total, chief_total=chief_total,
                       percent=percent)


# --- Standings ---------------------------------------------------------------------------------------------

DEDUCTIONS = "deductions"  # fewer deductions rank higher
CHIEF = "chief"  # the chief judge's own total ranks higher
CRITERION = "criterion:"  # "criterion:<code>": the higher aggregated score on that criterion ranks higher
NUMBER = "number"  # the last link, always: the lower contestant number (the draw)


def valid_link(link: str, criterion_codes: Iterable[str]) -> bool:
    return link in (DEDUCTIONS, CHIEF) or (link.startswith(CRITERION) and link[len(CRITERION):] in set(criterion_codes))


def _link_value(result: EntryResult, link: str):
    if link == DEDUCTIONS:
        return result.deductions
    if link == CHIEF:
        return -(result.chief_total if result.chief_total is not None else -INF)
    if link.startswith(CRITERION):
        value = result.per_criterion.get(link[len(CRITERION):])
        return -(value if value is not None else -INF)
    raise ValueError(f"unknown tie-break {link!r}")


def sort_key(result: EntryResult, chain: Sequence[str]) -> tuple:
    """Higher total first, then each link of ``chain`` in order, then the lower contestant number. Contestant
    numbers are unique in a competition, so the key orders any set of contestants totally."""
    return (-result.total, *(_link_value(result, link) for link in chain), result.number)


def deciding_link(a: EntryResult, b: EntryResult, chain: Sequence[str]) -> str:
    """What puts ``a`` before ``b``: "total", a link of the chain, or "number"."""
    if a.total != b.total:
        return "total"
    for link in chain:
        if _link_value(a, link) != _link_value(b, link):
            return link
    return NUMBER


def rank(results: Iterable[EntryResult], chain: Sequence[str]) -> list[EntryResult]:
    """The results in rank order, each with ``rank`` (1, 2, …: no shared ranks) and ``decided_by`` (why it is
    below the one above it when their totals are equal)."""
    ordered = sorted(results, key=lambda r: sort_key(r, chain))
    for position, result in enumerate(ordered, start=1):
        result.rank = position
        result.decided_by = deciding_link(ordered[position - 2], result, chain) if position > 1 else ""
        if result.decided_by == "total":
            result.decided_by = ""
    return ordered


def advancing(results: Sequence[EntryResult], *, by: str, count: int | None = None,
              cutoff: Decimal | None = None) -> list[int]:
    """The entries (ranked ``results``) that go on: the best ``count`` by rank, or everyone at or above ``cutoff``."""
    if by == "rank" and count:
        return [r.entry for r in results if r.rank is not None and r.rank <= count]
    if by == "cutoff" and cutoff is not None:
        return [r.entry for r in results if r.total >= cutoff]
    return []


# --- Anomalies ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlagSpec:
    kind: str  # outlier, spread, bias
    entry: int | None = None
    judge: int | None = None
    criterion: str | None = None
    detail: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)


def _q(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def find_anomalies(panels: Mapping[int, Mapping[int, Mapping[str, Decimal]]], criteria: Sequence[CriterionSpec], *,
                   outlier_distance: Decimal, spread_threshold: Decimal, bias_z: Decimal) -> list[FlagSpec]:
    """The flags of a round. ``panels``: entry → judge → criterion code → value (counted sheets only).

    - outlier: with at least 3 scores on a criterion, a score further than ``outlier_distance`` × range from the
      panel's median on that criterion (the median, the judge's own score included, so that one odd score neither
      drags the reference towards itself nor makes the judges who agree look far off);
    - spread: with at least 2 scores, highest − lowest above ``spread_threshold`` × range;
    - bias: each judge's offset is the median over their scores of (score − mean of the other judges) / range; with
      at least 3 judges having ``BIAS_MIN_SCORES`` offsets, a judge whose offset has a z-score (among the judges)
      of at least ``bias_z`` and is at least ``BIAS_MIN_OFFSET`` is flagged.
    The result does not depend on the order of judges or entries (it is sorted)."""
    flags: list[FlagSpec] = []
    offsets: dict[int, list[Decimal]] = {}
    for entry in sorted(panels):
        panel = panels[entry]
        for c in criteria:
            if c.range <= 0:
                continue
            scores = {judge: values[c.code] for judge, values in panel.items() if c.code in values}
            n = len(scores)
            if n >= 2:
                spread = max(scores.values()) - min(scores.values())
                limit = spread_threshold * c.range
                if spread > limit:
                    flags.append(FlagSpec("spread", entry, None, c.code, {
                        "spread": _q(spread), "limit": _q(limit), "high": _q(max(scores.values())), "low": _q(min(scores.values()))}))
            total = sum(scores.values(), ZERO)
            middle = median(list(scores.values()))
            limit = outlier_distance * c.range
            for judge in sorted(scores):
                if n < 2:
                    continue
                others = (total - scores[judge]) / (n - 1)
                offsets.setdefault(judge, []).append((scores[judge] - others) / c.range)
                distance = abs(scores[judge] - middle)
                if n >= 3 and distance > limit:
                    flags.append(FlagSpec("outlier", entry, judge, c.code, {
                        "value": _q(scores[judge]), "median": _q(middle), "distance": _q(distance), "limit": _q(limit)}))
    # The median offset: one mistaken score (flagged as an outlier) does not make a judge look biased.
    means = {judge: median(values) for judge, values in offsets.items() if len(values) >= BIAS_MIN_SCORES}
    if len(means) >= 3:
        centre = sum(means.values(), ZERO) / len(means)
        sd = (sum(((m - centre) ** 2 for m in means.values()), ZERO) / len(means)).sqrt()
        if sd > 0:
            for judge in sorted(means):
                z = (means[judge] - centre) / sd
                if abs(z) >= bias_z and abs(means[judge]) >= BIAS_MIN_OFFSET:
                    flags.append(FlagSpec("bias", None, judge, None, {
                        "offset": _q(means[judge] * 100), "z": _q(z), "limit": _q(bias_z),
                        "direction": "high" if means[judge] > 0 else "low"}))
    return flags


def judge_offsets(panels: Mapping[int, Mapping[int, Mapping[str, Decimal]]], criteria: Sequence[CriterionSpec]) -> dict[int, Decimal]:
    """Each judge's mean offset from the rest of the panel, in % of the criteria's ranges (the per-judge analysis)."""
    offsets: dict[int, list[Decimal]] = {}
    for panel in panels.values():
        for c in criteria:
            scores = {judge: values[c.code] for judge, values in panel.items() if c.code in values}
            if len(scores) < 2 or c.range <= 0:
                continue
            total = sum(scores.values(), ZERO)
            for judge, value in scores.items():
                offsets.setdefault(judge, []).append((value - (total - value) / (len(scores) - 1)) / c.range * 100)
    return {judge: sum(values, ZERO) / len(values) for judge, values in offsets.items()}


# --- Normalisation ------------------------------------------------------------------------------------------

OFFSET_PLACES = Decimal("0.0001")


def biased_judges(panels: Mapping[int, Mapping[int, Mapping[str, Decimal]]], criteria: Sequence[CriterionSpec], *,
                  bias_z: Decimal) -> set[int]:
    """The judges the bias rule of ``find_anomalies`` flags (systematically high or low on enough scores)."""
    flags = find_anomalies(panels, criteria, outlier_distance=Decimal(1), spread_threshold=Decimal(1), bias_z=bias_z)
    return {f.judge for f in flags if f.kind == "bias" and f.judge is not None}


@dataclass
class Normalisation:
    """The panels with the adjusted judges' scores shifted, and what was subtracted: judge → criterion code →
    points (only judges and criteria with a reference to compare with)."""

    panels: dict[int, dict[int, dict[str, Decimal]]]
    offsets: dict[int, dict[str, Decimal]]


def normalise(panels: Mapping[int, Mapping[int, Mapping[str, Decimal]]], criteria: Sequence[CriterionSpec],
              adjust: Iterable[int]) -> Normalisation:
    """Subtract each judge of ``adjust``'s mean offset per criterion (see the module docstring) from their scores.
    The reference is the judges not adjusted, so one adjusted judge's scores never move another's offset."""
    adjusted_judges = set(adjust)
    offsets: dict[int, dict[str, Decimal]] = {}
    for judge in sorted(adjusted_judges):
        per_criterion = {}
        for c in criteria:
            differences = []
            for panel in panels.values():
                mine = panel.get(judge, {}).get(c.code)
                if mine is None:
                    continue
                reference = [values[c.code] for other, values in panel.items()
                             if other not in adjusted_judges and c.code in values]
                if reference:
                    differences.append(mine - sum(reference, ZERO) / len(reference))
            if differences:
                per_criterion[c.code] = (sum(differences, ZERO) / len(differences)).quantize(OFFSET_PLACES)
        if per_criterion:
            offsets[judge] = per_criterion
    shifted = {
        entry: {judge: ({code: value - offsets[judge].get(code, ZERO) for code, value in values.items()}
                        if judge in offsets else dict(values))
                for judge, values in panel.items()}
        for entry, panel in panels.items()}
    return Normalisation(panels=shifted, offsets=offsets)
