"""The year-end evaluation's arithmetic, pure functions over plain values (no database, no ``eval``).

A scheme's components each name a registered indicator (core.indicators), a weight, the indicator's direction
and a scoring rule:

- ``linear``: full marks (100 points) at ``target``, zero at ``floor``, linear between, clamped to [0, 100].
  For a higher-is-better indicator the target lies above the floor, for a lower-is-better one below it; the one
  formula ``(value − floor) / (target − floor)`` serves both.
- ``rank``: among the departments that have a value, the best gets 100 points and the worst 0, linearly by rank
  (``100 × (n − rank) / (n − 1)``; tied values share the mean of their ranks; a single department gets 100).

**Not applicable is not zero** (the hrms#2023 bug): a component whose indicator has no value for a department
(``None``) is left out and its weight re-distributed over the department's other components in proportion to
their weights, so the applicable weights always sum to 100. A department with no applicable component has no
score and is not ranked.

The total is the weighted score plus the bonus items, minus the deductions (each side capped), never below 0.
Ranks are competition ranks (1, 2, 2, 4) over the total, descending; the display order breaks ties by the
department's order. Grades: 优秀 (excellent) at ``EXCELLENT_MIN`` points or more, 良好 at ``GOOD_MIN``, 合格 at
``PASS_MIN``, else 不合格 — with the cap: at most ``floor(excellent_share × ranked departments)`` excellent. When a
group of tied totals would cross the cap, the whole group is graded 良好, and so is everyone below it (the cap
is never exceeded, tied departments get the same grade, and no lower total is graded above a higher one). A gated department (一票否决) is ranked but at most 合格.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

LINEAR = "linear"
RANK = "rank"
HIGHER = "higher"
LOWER = "lower"

EXCELLENT = "excellent"
GOOD = "good"
PASS = "pass"
FAIL = "fail"

EXCELLENT_MIN = Decimal(90)
GOOD_MIN = Decimal(80)
PASS_MIN = Decimal(60)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def q(value: Decimal) -> Decimal:
    """Two decimals, half up: how every score is stored and shown."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def dec(value) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


@dataclass(frozen=True)
class ComponentSpec:
    key: str
    weight: Decimal
    direction: str = HIGHER
    rule: str = LINEAR
    floor: Decimal | None = None
    target: Decimal | None = None


@dataclass(frozen=True)
class GateSpec:
    """Vetoes a department whose indicator value is below ``minimum`` (a None value passes: nothing to do)."""

    key: str
    minimum: Decimal


@dataclass
class Line:
    key: str
    value: Decimal | None
    points: Decimal | None  # 0–100 for the component, None when not applicable
    weight: Decimal  # the scheme's weight
    effective_weight: Decimal  # after re-distribution (0 when not applicable)
    contribution: Decimal  # points × effective weight / 100


@dataclass
class Outcome:
    department_id: int
    lines: list[Line]
    base: Decimal | None
    bonus: Decimal = Decimal(0)
    deduction: Decimal = Decimal(0)
    total: Decimal | None = None
    gated: bool = False
    gate_keys: list[str] = field(default_factory=list)
    marked: bool = False  # marked not eligible by the supervisor
    gate_values: dict[str, Decimal | None] = field(default_factory=dict)
    rank: int | None = None
    grade: str | None = None


def validate_weights(weights: Sequence[Decimal]) -> bool:
    return bool(weights) and sum((dec(w) for w in weights), Decimal(0)) == HUNDRED and all(dec(w) > 0 for w in weights)


def linear_points(value: Decimal, floor: Decimal, target: Decimal) -> Decimal:
    if target == floor:
        raise ValueError("target and floor must differ")
    share = (dec(value) - floor) / (target - floor)
    return min(HUNDRED, max(Decimal(0), share * HUNDRED))


def rank_points(values: Mapping[int, Decimal | None], direction: str) -> dict[int, Decimal]:
    present = {d: dec(v) for d, v in values.items() if v is not None}
    n = len(present)
    if n == 0:
        return {}
    if n == 1:
        return {d: HUNDRED for d in present}
    ordered = sorted(present.values(), reverse=(direction != LOWER))
    mean_rank: dict[Decimal, Decimal] = {}
    for value in set(ordered):
        positions = [i + 1 for i, v in enumerate(ordered) if v == value]
        mean_rank[value] = Decimal(sum(positions)) / len(positions)
    return {d: HUNDRED * (n - mean_rank[v]) / (n - 1) for d, v in present.items()}


def component_points(spec: ComponentSpec, values: Mapping[int, Decimal | None]) -> dict[int, Decimal | None]:
    if spec.rule == RANK:
        ranked = rank_points(values, spec.direction)
        return {d: ranked.get(d) for d in values}
    return {d: None if v is None else linear_points(v, dec(spec.floor), dec(spec.target)) for d, v in values.items()}


def score(components: Sequence[ComponentSpec], data: Mapping[str, Mapping[int, object]], department_ids: Sequence[int],
          *, adjustments: Mapping[int, Sequence[Decimal]] | None = None, gates: Sequence[GateSpec] = (),
          bonus_cap: Decimal = Decimal(5), deduction_cap: Decimal = Decimal(10),
          excellent_share: Decimal = Decimal("0.3"), vetoed: Collection[int] = ()) -> list[Outcome]:
    """Every department's outcome, in ranking order (unranked ones last, in the order given). ``vetoed``: the
    departments the supervisor marked not eligible (with a reason kept by the caller), gated like a failed gate."""
    points = {c.key: component_points(c, {d: dec(data.get(c.key, {}).get(d)) for d in department_ids}) for c in components}
    outcomes = []
    for d in department_ids:
        applicable = [c for c in components if points[c.key].get(d) is not None]
        total_weight = sum((dec(c.weight) for c in applicable), Decimal(0))
        lines, base = [], None
        for c in components:
            p = points[c.key].get(d)
            eff = dec(c.weight) * HUNDRED / total_weight if p is not None and total_weight else Decimal(0)
            contribution = p * eff / HUNDRED if p is not None else Decimal(0)
            lines.append(Line(c.key, dec(data.get(c.key, {}).get(d)), None if p is None else q(p), dec(c.weight), q(eff),
                              q(contribution)))
        shown = [line for line in lines if line.points is not None]
        if shown:  # the applied weights as shown add up to exactly 100: the rounding rest goes to the largest
            rest = HUNDRED - sum((line.effective_weight for line in shown), Decimal(0))
            max(shown, key=lambda line: line.effective_weight).effective_weight += rest
        if applicable:
            base = q(sum((points[c.key][d] * dec(c.weight) / total_weight for c in applicable), Decimal(0)))
        items = [dec(a) for a in (adjustments or {}).get(d, ())]
        bonus = min(dec(bonus_cap), sum((a for a in items if a > 0), Decimal(0)))
        deduction = min(dec(deduction_cap), -sum((a for a in items if a < 0), Decimal(0)))
        outcome = Outcome(d, lines, base, q(bonus), q(deduction))
        if base is not None:
            outcome.total = q(max(Decimal(0), base + bonus - deduction))
        if d in vetoed:
            outcome.gated = outcome.marked = True
        for gate in gates:
            value = dec(data.get(gate.key, {}).get(d))
            outcome.gate_values[gate.key] = value
            if value is not None and value < dec(gate.minimum):
                outcome.gated = True
                outcome.gate_keys.append(gate.key)
        outcomes.append(outcome)
    order = {d: i for i, d in enumerate(department_ids)}
    ranked = sorted((o for o in outcomes if o.total is not None), key=lambda o: (-o.total, order[o.department_id]))
    for i, o in enumerate(ranked):
        o.rank = ranked[i - 1].rank if i and ranked[i - 1].total == o.total else i + 1
    grade(ranked, excellent_share)
    return ranked + [o for o in outcomes if o.total is None]


def excellent_cap(n: int, share: Decimal) -> int:
    """At most this many 优秀 among ``n`` ranked departments: the share, rounded down (30 % of 7 → 2)."""
    return math.floor(dec(share) * n)


def grade(ranked: Sequence[Outcome], share: Decimal = Decimal("0.3")) -> None:
    cap = excellent_cap(len(ranked), share)
    excellent, closed = 0, False
    i = 0
    while i < len(ranked):
        group = [o for o in ranked[i:] if o.total == ranked[i].total]
        for o in group:
            o.grade = FAIL if o.total < PASS_MIN else PASS if o.total < GOOD_MIN else GOOD if o.total < EXCELLENT_MIN else EXCELLENT
        eligible = [o for o in group if o.grade == EXCELLENT and not o.gated]
        if eligible and (closed or excellent + len(eligible) > cap):
            closed = True  # nobody below a group the cap left out is excellent
            for o in eligible:
                o.grade = GOOD
        else:
            excellent += len(eligible)
        for o in group:
            if o.gated and o.grade in (EXCELLENT, GOOD):
                o.grade = PASS
        i += len(group)
