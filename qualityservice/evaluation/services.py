"""What the views, the demo and other apps do with the year-end evaluation: schemes and their components, gates
and bonus/deduction items (while a draft), the outcomes computed from the indicator registry, the frozen
snapshot and its recomputation, new versions, the moves (``workflows.SCHEME``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import pgettext, pgettext_lazy

from qualityservice.core import indicators, objections
from qualityservice.core.indicators import LOWER_BETTER, NEUTRAL, Period
from qualityservice.core.models import WorkflowEvent
from qualityservice.core.registry import optional_function
from qualityservice.core.submissions import create_once, scoped
from qualityservice.org.models import Department

from . import scoring
from .models import Adjustment, Component, Gate, Objection, Result, Scheme, Veto
from .workflows import SCHEME

GRADE_LABELS = {
    scoring.EXCELLENT: pgettext_lazy("evaluation grade", "Excellent (优秀)"),
    scoring.GOOD: pgettext_lazy("evaluation grade", "Good (良好)"),
    scoring.PASS: pgettext_lazy("evaluation grade", "Pass (合格)"),
    scoring.FAIL: pgettext_lazy("evaluation grade", "Fail (不合格)"),
}


def departments():
    """The departments evaluated: every active centre, in display order (org's order)."""
    return list(Department.objects.centres())


# --- The scheme's campaign -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignLink:
    """The campaign of a year as the campaigns app reports it (its id, names and staff page)."""

    pk: int
    year: int
    name: str
    name_en: str = ""
    url: str = ""


def campaign_of(year: int) -> CampaignLink | None:
    """The campaign of ``year``, read through the campaigns app's service function
    ``campaigns.services.campaign_for_year(year)`` (a typed reference with ``pk``, ``year``, ``name``, ``name_en``,
    ``url``, or None) found by ``core.registry.optional_function``: this app never reads the campaigns' table.
    None when the app is absent, offers no such function, or has no campaign that year."""
    find = optional_function("qualityservice.campaigns", "services", "campaign_for_year")
    ref = find(year) if find is not None else None
    if ref is None:
        return None
    return CampaignLink(pk=int(ref.pk), year=int(getattr(ref, "year", year)), name=str(ref.name)[:150],
                        name_en=str(getattr(ref, "name_en", "") or "")[:200], url=str(getattr(ref, "url", "") or "")[:300])


def campaign_fields(year: int) -> dict:
    """The scheme's stored link to the campaign of ``year`` (empty when there is none)."""
    link = campaign_of(year)
    if link is None:
        return {"campaign_id": None, "campaign_name": "", "campaign_name_en": "", "campaign_url": ""}
    return {"campaign_id": link.pk, "campaign_name": link.name, "campaign_name_en": link.name_en, "campaign_url": link.url}


def create_scheme(*, key: str | None, by, year: int, title: str, title_en: str = "") -> tuple[Scheme, bool]:
    """A new draft scheme of ``year``, linked to that year's campaign (``campaign_of``), once per form."""

    def create(stored_key):
        return Scheme.objects.create(year=year, title=title, title_en=title_en, submission_key=stored_key,
                                     created_by=by if getattr(by, "is_authenticated", False) else None, **campaign_fields(year))

    return create_once(Scheme, scoped("evaluation-scheme", key), create)


def _draft(scheme: Scheme) -> Scheme:
    locked = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if not locked.is_draft:
        raise ValidationError(pgettext("evaluation", "The scheme is frozen: make a new version to change it."))
    return locked


def _indicator(key: str):
    try:
        indicator = indicators.get(key)
    except indicators.UnknownIndicator:
        raise ValidationError(pgettext("evaluation", "“%(key)s” is no registered indicator.") % {"key": key}) from None
    return indicator


def check_component(key: str, weight, rule: str, floor, target) -> None:
    """Refuse a component that could not be scored, when it is saved (not at ranking time)."""
    indicator = _indicator(key)
    if indicator.direction == NEUTRAL:
        raise ValidationError(pgettext("evaluation", "“%(label)s” is a volume (neither higher nor lower is better): it cannot be scored.")
                              % {"label": indicator.label})
    if weight is None or Decimal(weight) <= 0:
        raise ValidationError(pgettext("evaluation", "A weight is a number of points above 0."))
    if rule == Component.Rule.LINEAR:
        if floor is None or target is None:
            raise ValidationError(pgettext("evaluation", "A linear rule needs the value for zero points and the value for full points."))
        lower = indicator.direction == LOWER_BETTER
        if (Decimal(target) >= Decimal(floor)) if lower else (Decimal(target) <= Decimal(floor)):
            raise ValidationError(pgettext("evaluation", "Lower is better for this indicator: full points must be at a lower value than zero points.")
                                  if lower else
                                  pgettext("evaluation", "Higher is better for this indicator: full points must be at a higher value than zero points."))
    elif rule != Component.Rule.RANK:
        raise ValidationError(pgettext("evaluation", "Unknown scoring rule."))


@transaction.atomic
def set_component(scheme: Scheme, *, indicator: str, weight, rule: str = "linear", floor=None, target=None) -> Component:
    _draft(scheme)
    check_component(indicator, weight, rule, floor, target)
    component, _ = Component.objects.update_or_create(
        scheme=scheme, indicator=indicator,
        defaults={"weight": weight, "rule": rule, "floor": floor if rule == "linear" else None,
                  "target": target if rule == "linear" else None, "order": scheme.components.count()})
    return component


@transaction.atomic
def set_gate(scheme: Scheme, *, indicator: str, minimum) -> Gate:
    _draft(scheme)
    _indicator(indicator)
    gate, _ = Gate.objects.update_or_create(scheme=scheme, indicator=indicator, defaults={"minimum": minimum})
    return gate


def add_adjustment(scheme: Scheme, *, key: str | None, by, department, points, reason: str) -> Adjustment:
    if not (reason or "").strip():
        raise ValidationError(pgettext("evaluation", "A bonus or deduction needs its reason."))
    if points is None or Decimal(points) == 0:
        raise ValidationError(pgettext("evaluation", "Give the points: above 0 for a bonus, below 0 for a deduction."))
    with transaction.atomic():
        _draft(scheme)

        def create(stored_key):
            return Adjustment.objects.create(scheme=scheme, department=department, points=points, reason=reason.strip(),
                                             submission_key=stored_key, created_by=by)

        return create_once(Adjustment, scoped("evaluation-adjustment", key), create)[0]


def weight_problem(weights) -> str | None:
    total = sum((Decimal(w) for w in weights), Decimal(0))
    if not weights:
        return pgettext("evaluation", "The scheme has no components yet.")
    if total != scoring.HUNDRED:
        return pgettext("evaluation", "The weights add up to %(total)s; they must add up to exactly 100.") % {"total": scoring.q(total)}
    return None


def problems(scheme: Scheme, outcomes=None) -> list[str]:
    """Why the scheme cannot be frozen (empty: it can)."""
    found = []
    problem = weight_problem([c.weight for c in scheme.components.all()])
    if problem:
        return [problem]
    outcomes = outcomes if outcomes is not None else compute(scheme)
    for outcome in outcomes:
        if outcome.total is None:
            found.append(pgettext("evaluation", "No component of the scheme applies to %(department)s: it cannot be scored.")
                         % {"department": outcome.department.display_name})
    return found


def specs(scheme: Scheme, weights: dict[str, Decimal] | None = None) -> list[scoring.ComponentSpec]:
    result = []
    for c in scheme.components.all():
        direction = indicators.get(c.indicator).direction
        result.append(scoring.ComponentSpec(c.indicator, Decimal((weights or {}).get(c.indicator, c.weight)),
                                            direction=scoring.LOWER if direction == LOWER_BETTER else scoring.HIGHER,
                                            rule=c.rule, floor=c.floor, target=c.target))
    return result


def compute(scheme: Scheme, *, weights: dict[str, Decimal] | None = None, depts=None):
    """The outcomes from the live registry figures of the scheme's year (nothing saved). ``weights`` overrides
    components' weights (the what-if view). Each outcome carries its ``department``."""
    depts = depts if depts is not None else departments()
    comps = specs(scheme, weights)
    gates = [scoring.GateSpec(g.indicator, g.minimum) for g in scheme.gates.all()]
    keys = list(dict.fromkeys([c.key for c in comps] + [g.key for g in gates]))
    ids = [d.pk for d in depts]
    table = indicators.values(keys, ids, Period.year(scheme.year))
    adjustments: dict[int, list[Decimal]] = {}
    for a in scheme.adjustments.all():
        adjustments.setdefault(a.department_id, []).append(a.points)
    vetoed = {v.department_id for v in scheme.vetoes.all()}
    outcomes = scoring.score(comps, table.data, ids, adjustments=adjustments, gates=gates, bonus_cap=scheme.bonus_cap,
                             deduction_cap=scheme.deduction_cap, excellent_share=scheme.excellent_share, vetoed=vetoed)
    by_id = {d.pk: d for d in depts}
    for o in outcomes:
        o.department = by_id[o.department_id]
    return outcomes


def _plain(value):
    return None if value is None else str(value)


def store_snapshot(scheme: Scheme) -> list[Result]:
    """Store every department's result with the figures it came from (called by the freeze move)."""
    period = Period.year(scheme.year)
    components = list(scheme.components.all())
    gates = list(scheme.gates.all())
    depts = departments()
    order = {d.pk: i for i, d in enumerate(depts)}
    outcomes = compute(scheme, depts=depts)
    adjustments: dict[int, list] = {}
    for a in scheme.adjustments.all():
        adjustments.setdefault(a.department_id, []).append({"points": str(a.points), "reason": a.reason})
    vetoes = {v.department_id: v.reason for v in scheme.vetoes.all()}
    rows = []
    for position, o in enumerate(outcomes):
        lines = []
        for c, line in zip(components, o.lines, strict=True):
            indicator = indicators.get(c.indicator)
            lines.append({"key": c.indicator, "label": str(indicator.label), "definition": str(indicator.definition),
                          "unit": str(indicator.unit), "direction": str(indicator.direction), "period": period.key,
                          "rule": c.rule, "floor": _plain(c.floor), "target": _plain(c.target), "value": _plain(line.value),
                          "weight": str(line.weight), "effective_weight": str(line.effective_weight),
                          "points": _plain(line.points), "contribution": str(line.contribution)})
        gate_rows = [{"key": g.indicator, "label": str(indicators.get(g.indicator).label), "minimum": str(g.minimum),
                      "value": _plain(o.gate_values.get(g.indicator)), "vetoed": g.indicator in o.gate_keys} for g in gates]
        rows.append(Result(scheme=scheme, department=o.department, position=position, base=o.base, bonus=o.bonus,
                           deduction=o.deduction, total=o.total, rank=o.rank, grade=o.grade or "", gated=o.gated,
                           inputs={"period": period.key, "order": order[o.department_id], "lines": lines, "gates": gate_rows,
                                   "adjustments": adjustments.get(o.department_id, []),
                                   "veto": vetoes.get(o.department_id, ""),
                                   "excellent_share": str(scheme.excellent_share), "bonus_cap": str(scheme.bonus_cap),
                                   "deduction_cap": str(scheme.deduction_cap)}))
    Result.objects.filter(scheme=scheme).delete()
    return Result.objects.bulk_create(rows)


def recompute(results: list[Result]) -> list[scoring.Outcome]:
    """The outcomes computed again from the stored inputs alone (no registry, no live data)."""
    if not results:
        return []
    first = results[0].inputs
    comps = [scoring.ComponentSpec(x["key"], Decimal(x["weight"]), direction=scoring.LOWER if x["direction"] == "lower" else scoring.HIGHER,
                                   rule=x["rule"], floor=scoring.dec(x["floor"]), target=scoring.dec(x["target"]))
             for x in first["lines"]]
    data: dict[str, dict[int, Decimal | None]] = {}
    gates = [scoring.GateSpec(g["key"], Decimal(g["minimum"])) for g in first["gates"]]
    for r in results:
        for x in r.inputs["lines"]:
            data.setdefault(x["key"], {})[r.department_id] = scoring.dec(x["value"])
        for g in r.inputs["gates"]:
            data.setdefault(g["key"], {})[r.department_id] = scoring.dec(g["value"])
    adjustments = {r.department_id: [Decimal(a["points"]) for a in r.inputs["adjustments"]] for r in results}
    order = [r.department_id for r in sorted(results, key=lambda r: r.inputs.get("order", 0))]
    vetoed = {r.department_id for r in results if r.inputs.get("veto")}
    return scoring.score(comps, data, order, adjustments=adjustments, gates=gates,
                         bonus_cap=Decimal(first["bonus_cap"]), deduction_cap=Decimal(first["deduction_cap"]),
                         excellent_share=Decimal(first["excellent_share"]), vetoed=vetoed)


def add_veto(scheme: Scheme, *, key: str | None, by, department, reason: str) -> Veto:
    """Mark ``department`` not eligible for awards (一票否决 by the supervisor) in a draft, with its reason; once per
    department (a second mark replaces the reason)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(pgettext("evaluation", "Say why the department is not eligible."))
    with transaction.atomic():
        _draft(scheme)

        def create(stored_key):
            veto, _ = Veto.objects.update_or_create(scheme=scheme, department=department,
                                                    defaults={"reason": reason[:300], "submission_key": stored_key,
                                                              "created_by": by if getattr(by, "is_authenticated", False) else None})
            return veto

        return create_once(Veto, scoped("evaluation-veto", key), create)[0]


# --- Recognition's veto (一票否决): called through core.registry.optional_function ----------------------


def published_scheme(year: int) -> Scheme | None:
    """The year's result that counts: the newest version on public notice or final (one query)."""
    return (Scheme.objects.filter(year=year, status__in=(Scheme.Status.NOTICE, Scheme.Status.FINAL))
            .order_by("-version").first())


def not_eligible_reasons(result: Result) -> list[str]:
    """Why ``result``'s department is not eligible for awards, in the active language (empty: it is eligible)."""
    reasons = []
    for gate in result.inputs.get("gates", []):
        if gate.get("vetoed"):
            try:
                label = str(indicators.get(gate["key"]).label)  # the reader's language while it is registered
            except indicators.UnknownIndicator:
                label = gate.get("label") or gate["key"]
            reasons.append(pgettext("evaluation", "Gate not met: %(indicator)s is %(value)s, at least %(minimum)s is required.")
                           % {"indicator": label, "value": gate.get("value") if gate.get("value") is not None else "—",
                              "minimum": gate["minimum"]})
    if result.inputs.get("veto"):
        reasons.append(pgettext("evaluation", "Marked not eligible by the supervisor: %(reason)s") % {"reason": result.inputs["veto"]})
    return reasons


def not_eligible_departments(year: int) -> dict[int, str]:
    """Department id → why it is not eligible for awards (translated, in the active language), for every
    department the year's published evaluation (on public notice or final) marks not eligible: a gate failed
    (一票否决) or the supervisor marked it. {} when the year has no published evaluation. Two queries.
    The recognition app calls it through ``optional_function("qualityservice.evaluation", "services",
    "not_eligible_departments")`` for its veto."""
    scheme = published_scheme(year)
    if scheme is None:
        return {}
    return {r.department_id: " ".join(not_eligible_reasons(r))
            for r in Result.objects.filter(scheme=scheme, gated=True).only("department_id", "inputs")}


def parse_weights(raw: dict[str, str], scheme: Scheme) -> tuple[dict[str, Decimal], str | None]:
    """The what-if form's weights (``weight-<indicator>``); a bad number keeps the scheme's weight and says so."""
    weights, error = {}, None
    for c in scheme.components.all():
        text = raw.get(f"weight-{c.indicator}", "")
        if text == "":
            weights[c.indicator] = c.weight
            continue
        try:
            value = Decimal(text)
            if value <= 0 or not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            error = pgettext("evaluation", "A weight is a number of points above 0.")
            value = c.weight
        weights[c.indicator] = value
    return weights, error or weight_problem(list(weights.values()))


@transaction.atomic
def new_version(scheme: Scheme, *, by, reason: str) -> Scheme:
    """A new draft version of a frozen scheme, with its components, gates and adjustments, and the reason."""
    if not (reason or "").strip():
        raise ValidationError(pgettext("evaluation", "Say why a new version is needed."))
    if scheme.is_draft:
        raise ValidationError(pgettext("evaluation", "The scheme is still a draft: change it directly."))
    latest = Scheme.objects.filter(year=scheme.year).order_by("-version").first()
    link = campaign_fields(scheme.year)
    if link["campaign_id"] is None:  # the campaigns app no longer answers: keep the link the scheme had
        link = {name: getattr(scheme, name) for name in link}
    copy = Scheme.objects.create(year=scheme.year, version=latest.version + 1, title=scheme.title, title_en=scheme.title_en,
                                 previous=scheme, change_reason=reason.strip(), excellent_share=scheme.excellent_share,
                                 bonus_cap=scheme.bonus_cap, deduction_cap=scheme.deduction_cap,
                                 created_by=by if getattr(by, "is_authenticated", False) else None, **link)
    for c in scheme.components.all():
        Component.objects.create(scheme=copy, indicator=c.indicator, weight=c.weight, rule=c.rule, floor=c.floor,
                                 target=c.target, order=c.order)
    for g in scheme.gates.all():
        Gate.objects.create(scheme=copy, indicator=g.indicator, minimum=g.minimum)
    for a in scheme.adjustments.all():
        Adjustment.objects.create(scheme=copy, department_id=a.department_id, points=a.points, reason=a.reason,
                                  created_by=a.created_by)
    for v in scheme.vetoes.all():
        Veto.objects.create(scheme=copy, department_id=v.department_id, reason=v.reason, created_by=v.created_by)
    return copy


def move_scheme(scheme: Scheme, action: str, *, by) -> Scheme:
    return SCHEME.apply(scheme, action, by=by)


# --- The public notice (公示): objections -----------------------------------------------------------------

OBJECTION_KIND = objections.KIND  # the feedback kind of an objection during a public notice (org.RequestKind)


def feedback_available() -> bool:
    return optional_function("qualityservice.feedback", "services", "create_feedback") is not None


def raise_objection(scheme: Scheme, *, key: str | None, text: str, department=None, name: str = "", contact: str = "",
                    by=None) -> tuple[Objection, bool]:
    """An objection to ``scheme``'s result while it is on public notice, once per form. It becomes a feedback
    record through ``feedback.services.create_feedback`` (optional_function) in the same transaction — kind
    ``objection``, routed to the group office (no department: the triage department, where the supervisors
    work) — and the supervisors are told (``core.objections``). The author is what the visitor typed (no name and
    no contact: anonymous); ``by``, the signed-in account, is not stored with it. Refused (ValidationError, nothing
    saved) outside the notice, without a text, or without the feedback app."""
    text = (text or "").strip()
    if len(text) < 5:
        raise ValidationError(pgettext("evaluation", "Write the objection: what is wrong, and why."))
    create_feedback = optional_function("qualityservice.feedback", "services", "create_feedback")
    if create_feedback is None:
        raise ValidationError(pgettext("evaluation", "Objections cannot be received at the moment: please call the hotline."))
    with transaction.atomic():
        locked = Scheme.objects.select_for_update().get(pk=scheme.pk)
        if locked.status != Scheme.Status.NOTICE or not locked.is_public:
            raise ValidationError(pgettext("evaluation", "The public notice of this result is over: objections are closed."))

        name, contact = (name or "").strip()[:60], (contact or "").strip()[:120]
        about = f" · {department.display_name}" if department is not None else ""
        return objections.raise_objection(
            Objection, app="evaluation", key=key, file=create_feedback,
            create=lambda stored: Objection.objects.create(scheme=locked, department=department, text=text[:2000], name=name,
                                                           contact=contact, submission_key=stored),
            department=None, title=pgettext("evaluation", "Objection to the evaluation %(scheme)s") % {"scheme": str(locked)} + about,
            body=text, author=objections.Author(name=name, contact=contact),
            tell=objections.Tell(subject=pgettext("evaluation", "Objection to the evaluation: %(scheme)s") % {"scheme": str(locked)},
                                 supervisors=True))


def timeline(scheme: Scheme) -> list[WorkflowEvent]:
    """The scheme's moves, oldest first, each with its sentence (``text``) and the public page chosen with it
    (``publication``, a label): one query."""
    labels = dict(Scheme.Publication.choices)
    events = list(WorkflowEvent.for_object(scheme).select_related("actor__staff"))
    for event in events:
        event.text = SCHEME.describe(event.action, event.params)
        event.publication = labels.get((event.params or {}).get("publication"), "")
    return events


def public_rows(scheme: Scheme) -> list[dict]:
    """What the public page lists, as the supervisor chose: the full ranking (rank, total, grade, not eligible)
    or the grades only (departments in their usual order, no score, no rank); nothing when not public."""
    if not scheme.is_public:
        return []
    results = list(Result.objects.filter(scheme=scheme).select_related("department"))
    if scheme.publication == Scheme.Publication.GRADES:
        results.sort(key=lambda r: r.inputs.get("order", 0))
        return [{"department": r.department, "grade": GRADE_LABELS.get(r.grade, "—"), "gated": r.gated} for r in results]
    return [{"department": r.department, "rank": r.rank, "total": r.total, "grade": GRADE_LABELS.get(r.grade, "—"), "gated": r.gated}
            for r in results]


# --- The department report: drill-down links and the trend over the years ---------------------------------


def records_link(key: str, department_id: int, period_key: str) -> str | None:
    """The staff list of the records behind a stored figure (the indicator's ``records_url``), or None when the
    indicator is no longer registered or has no such list."""
    try:
        indicator = indicators.get(key)
        period = Period.parse(period_key)
    except (indicators.UnknownIndicator, ValueError):
        return None
    return indicator.records_link(department_id, period)


def trend(result: Result) -> list[dict]:
    """The department's results of the earlier years' published evaluations (the newest version on public
    notice or final of each year) and this one, oldest first: year, total, rank, grade (one query)."""
    earlier = (Result.objects.filter(department_id=result.department_id, scheme__year__lt=result.scheme.year,
                                     scheme__status__in=(Scheme.Status.NOTICE, Scheme.Status.FINAL))
               .select_related("scheme").order_by("scheme__year", "-scheme__version"))
    rows: dict[int, Result] = {}
    for r in earlier:
        rows.setdefault(r.scheme.year, r)
    rows[result.scheme.year] = result
    return [{"year": year, "total": r.total, "rank": r.rank, "grade": GRADE_LABELS.get(r.grade, "—"), "gated": r.gated,
             "current": r.pk == result.pk} for year, r in sorted(rows.items())]
