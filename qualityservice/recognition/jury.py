"""The jury (评审) of a round: its rubric (weighted criteria with min/max/step), the appointed judges (accounts
with the judge role, or any staff member's account), one sheet per judge that they fill in on a phone and
confirm, and the panel's arithmetic — aggregation, anomaly flags, per-judge offsets — through ``core.panel``,
the same code the competitions use.

A judge never scores a nominee of their own department (the conflict is read from the staff record: the
nominee's department, or the nominated staff member's); such a nominee is not on the judge's sheet, and the
aggregation counts the judges who actually scored.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import pgettext

from qualityservice.core import panel
from qualityservice.core.permissions import staff_profile, user_role

from .models import Nomination, Round
from .results_models import JuryCriterion, JuryFlag, JuryMember, JuryScore, JurySheet, Rubric
from .workflows_results import FLAG, SHEET

Status = Round.Status
RUBRIC_OPEN = (Status.DRAFT, Status.NOMINATING, Status.REVIEWING, Status.VOTING)  # criteria change until the jury scores
JURY_OPEN = (*RUBRIC_OPEN, Status.JUDGING)  # judges may be appointed until the notice


def rubric_of(rnd: Round) -> Rubric:
    rubric, _created = Rubric.objects.get_or_create(round=rnd)
    return rubric


def criteria_of(rnd: Round) -> list[JuryCriterion]:
    return list(JuryCriterion.objects.filter(rubric__round=rnd))


def specs(criteria) -> list[panel.CriterionSpec]:
    return [panel.CriterionSpec(c.code, c.weight, c.min_score, c.max_score) for c in criteria]


def max_total(criteria) -> Decimal:
    return sum((c.weight * c.max_score for c in criteria), Decimal(0))


def min_total(criteria) -> Decimal:
    return sum((c.weight * c.min_score for c in criteria), Decimal(0))


@transaction.atomic
def save_criterion(rnd: Round, *, criterion: JuryCriterion | None = None, **fields) -> JuryCriterion:
    """Add or change a criterion; refused once the jury scores (the rubric is frozen when the vote closes)."""
    locked = Round.objects.select_for_update().get(pk=rnd.pk)
    if locked.status not in RUBRIC_OPEN:
        raise ValidationError(pgettext("jury", "The rubric is frozen once the jury scores."))
    if fields["max_score"] <= fields["min_score"] or fields["step"] <= 0 or fields["weight"] <= 0:
        raise ValidationError(pgettext("jury", "The highest score must be above the lowest, the step and the weight above 0."))
    rubric = rubric_of(locked)
    if JuryCriterion.objects.filter(rubric=rubric, code=fields["code"]).exclude(pk=getattr(criterion, "pk", None)).exists():
        raise ValidationError(pgettext("jury", "Another criterion has this code."))
    if criterion is None:
        return JuryCriterion.objects.create(rubric=rubric, **fields)
    for name, value in fields.items():
        setattr(criterion, name, value)
    criterion.save()
    return criterion


def may_judge(user) -> bool:
    """Judges are accounts with the judge role or any staff member's account (a staff profile, active)."""
    return user_role(user) is not None


@transaction.atomic
def appoint(rnd: Round, user, *, by) -> JuryMember:
    """Appoint ``user`` to the round's jury (once; a second appointment returns the first) with an empty sheet."""
    locked = Round.objects.select_for_update().get(pk=rnd.pk)
    if locked.status not in JURY_OPEN:
        raise ValidationError(pgettext("jury", "The jury can no longer change: the notice is published."))
    if not may_judge(user):
        raise ValidationError(pgettext("jury", "Only accounts with the judge role or staff accounts can be appointed."))
    existing = JuryMember.objects.filter(round=locked, user=user).first()
    if existing is not None:
        return existing
    profile = staff_profile(user)
    try:
        with transaction.atomic():
            member = JuryMember.objects.create(round=locked, user=user, department_id=getattr(profile, "department_id", None))
    except IntegrityError:
        return JuryMember.objects.get(round=locked, user=user)
    JurySheet.objects.create(member=member, round=locked)
    return member


def nominee_departments(nomination: Nomination) -> set[int]:
    """The departments a judge must not belong to: the nominating one, the nominated staff member's, and a
    nominated collective (a team or department) itself."""
    found = {nomination.department_id}
    if nomination.staff_id and nomination.staff is not None:
        found.add(nomination.staff.department_id)
    if nomination.collective_id:
        found.add(nomination.collective_id)
    return found


def conflicted(member: JuryMember, nomination: Nomination) -> bool:
    return member.department_id is not None and member.department_id in nominee_departments(nomination)


def on_ballot(rnd: Round):
    """The nominations on the ballot (submitted, not vetoed: services.ballot_nominations), in a stable order."""
    from .services import ballot_nominations

    return ballot_nominations(rnd).select_related("department", "staff", "collective").order_by("pk")


def sheet_nominations(sheet: JurySheet, nominations=None) -> list[Nomination]:
    """The nominees this judge scores: those on the ballot, without the judge's own department's."""
    nominations = nominations if nominations is not None else list(on_ballot(sheet.round))
    return [n for n in nominations if not conflicted(sheet.member, n)]


def sheet_values(sheet: JurySheet) -> dict[int, dict[str, Decimal]]:
    values: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for nomination_id, code, value in JuryScore.objects.filter(sheet=sheet).values_list("nomination_id", "criterion__code", "value"):
        values[nomination_id][code] = value
    return values


def missing_scores(sheet: JurySheet) -> int:
    expected = len(sheet_nominations(sheet)) * JuryCriterion.objects.filter(rubric__round_id=sheet.round_id).count()
    return max(expected - JuryScore.objects.filter(sheet=sheet, nomination__in=[n.pk for n in sheet_nominations(sheet)]).count(), 0)


def field_name(nomination_id: int, code: str) -> str:
    return f"s-{nomination_id}-{code}"


def parse_value(raw: str, criterion: JuryCriterion) -> Decimal | None:
    """A value on the criterion's scale and step, or None (empty); ValueError with a message otherwise."""
    raw = (raw or "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(pgettext("jury", "“%(criterion)s”: enter a number.") % {"criterion": criterion.display_name}) from None
    if not value.is_finite() or value < criterion.min_score or value > criterion.max_score or (value - criterion.min_score) % criterion.step:
        raise ValueError(pgettext("jury", "“%(criterion)s”: a score from %(low)s to %(high)s in steps of %(step)s.") % {
            "criterion": criterion.display_name, "low": _plain(criterion.min_score), "high": _plain(criterion.max_score),
            "step": _plain(criterion.step)})
    return value


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


@transaction.atomic
def save_scores(sheet: JurySheet, data, *, by) -> int:
    """Store the judge's values from the sheet's form (``s-<nomination>-<criterion code>``); every value is
    checked first and nothing is saved when one is wrong. Returns how many values are stored."""
    locked = JurySheet.objects.select_for_update().select_related("member", "round").get(pk=sheet.pk)
    if locked.member.user_id != getattr(by, "pk", None):
        raise ValidationError(pgettext("jury", "This is another judge's sheet."))
    if locked.round.status != Status.JUDGING:
        raise ValidationError(pgettext("jury", "The jury scores after the vote closed and until the notice is published."))
    if locked.status != JurySheet.Status.DRAFT:
        raise ValidationError(pgettext("jury", "The sheet is confirmed: its scores can no longer change."))
    criteria = criteria_of(locked.round)
    errors, wanted = [], {}
    for nomination in sheet_nominations(locked):
        for criterion in criteria:
            name = field_name(nomination.pk, criterion.code)
            if name not in data:
                continue
            try:
                wanted[(nomination.pk, criterion.pk)] = parse_value(data.get(name), criterion)
            except ValueError as exc:
                errors.append(f"{nomination.display_title}: {exc}")
    if errors:
        raise ValidationError(errors)
    existing = {(s.nomination_id, s.criterion_id): s for s in JuryScore.objects.filter(sheet=locked)}
    create, update, delete = [], [], []
    for (nomination_id, criterion_id), value in wanted.items():
        row = existing.get((nomination_id, criterion_id))
        if value is None:
            if row is not None:
                delete.append(row.pk)
        elif row is None:
            create.append(JuryScore(sheet=locked, nomination_id=nomination_id, criterion_id=criterion_id, value=value))
        elif row.value != value:
            row.value = value
            update.append(row)
    JuryScore.objects.bulk_create(create)
    JuryScore.objects.bulk_update(update, ["value"])
    JuryScore.objects.filter(pk__in=delete).delete()
    return JuryScore.objects.filter(sheet=locked).count()


@transaction.atomic
def confirm(sheet: JurySheet, *, by) -> JurySheet:
    """Confirm the judge's sheet, then check the round's confirmed sheets for anomalies (``detect_flags``)."""
    confirmed = SHEET.apply(sheet, "confirm", by=by)
    detect_flags(confirmed.round)
    return confirmed


# --- The panel's arithmetic (core.panel) ---------------------------------------------------------------------


def panels(rnd: Round, *, confirmed_only: bool = True) -> dict[int, dict[int, dict[str, Decimal]]]:
    """nomination → jury member → criterion code → value, from the confirmed sheets (one query)."""
    rows = JuryScore.objects.filter(sheet__round=rnd)
    if confirmed_only:
        rows = rows.filter(sheet__status=JurySheet.Status.CONFIRMED)
    found: dict[int, dict[int, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    for nomination_id, member_id, code, value in rows.values_list("nomination_id", "sheet__member_id", "criterion__code", "value"):
        found[nomination_id][member_id][code] = value
    return found


def aggregate(rnd: Round, nominations, criteria=None) -> dict[int, panel.EntryResult]:
    """Each nominee's aggregated jury result (``core.panel.aggregate_entry``, the round's aggregation)."""
    criteria = criteria if criteria is not None else criteria_of(rnd)
    method = rubric_of(rnd).aggregation
    found = panels(rnd)
    top = max_total(criteria)
    results = {}
    for nomination in nominations:
        sheets = [(values, {}) for values in found.get(nomination.pk, {}).values()]
        results[nomination.pk] = panel.aggregate_entry(nomination.pk, nomination.pk, sheets, specs(criteria), [], method,
                                                       max_total=top or None)
    return results


def anomalies(rnd: Round, criteria=None) -> list[dict]:
    """The anomaly flags of the panel (``core.panel.find_anomalies``) with the round's thresholds, for the
    supervisor to look into before publishing: the kind, the nominee, the judge, the criterion and the figures."""
    criteria = criteria if criteria is not None else criteria_of(rnd)
    rubric = rubric_of(rnd)
    flags = panel.find_anomalies(panels(rnd, confirmed_only=False), specs(criteria), outlier_distance=rubric.outlier_distance,
                                 spread_threshold=rubric.spread_threshold, bias_z=rubric.bias_z)
    return [{"kind": f.kind, "nomination": f.entry, "judge": f.judge, "criterion": f.criterion, "detail": dict(f.detail)}
            for f in flags]


def offsets(rnd: Round, criteria=None) -> dict[int, Decimal]:
    criteria = criteria if criteria is not None else criteria_of(rnd)
    return panel.judge_offsets(panels(rnd, confirmed_only=False), specs(criteria))


def unconfirmed(rnd: Round) -> int:
    return JurySheet.objects.filter(round=rnd, status=JurySheet.Status.DRAFT).count()


# --- Anomaly flags: stored, cleared before the notice (as the competitions' flags) ---------------------------


def flag_key(spec: panel.FlagSpec, sheets: dict[int, JurySheet], signature: dict[int, str]) -> str:
    """What a flag is about: an outlier, one judge's sheet in its version; a spread, the panel's sheets and
    versions on that nominee; a bias, the judge's sheet in its version. Re-scored sheets give new keys."""
    if spec.kind == "outlier":
        sheet = sheets[spec.judge]
        return f"outlier:{sheet.pk}:{sheet.version}:{spec.entry}:{spec.criterion}"
    if spec.kind == "spread":
        return f"spread:{spec.entry}:{spec.criterion}:{signature[spec.entry]}"
    sheet = sheets[spec.judge]
    return f"bias:{sheet.pk}:{sheet.version}"


@transaction.atomic
def detect_flags(rnd: Round) -> dict:
    """Check the round's confirmed sheets against the rubric's anomaly rules (``core.panel.find_anomalies``): new
    flags are opened, open ones that no longer apply are superseded (through ``FLAG``), cleared ones stay
    cleared. Idempotent; called when a sheet is confirmed or returned and before the notice is published."""
    if rnd.status != Status.JUDGING:
        return {"open": open_flags(rnd), "superseded": 0}
    criteria = criteria_of(rnd)
    rubric = rubric_of(rnd)
    found = panels(rnd)
    specs_found = panel.find_anomalies(found, specs(criteria), outlier_distance=rubric.outlier_distance,
                                       spread_threshold=rubric.spread_threshold, bias_z=rubric.bias_z)
    sheets = {s.member_id: s for s in JurySheet.objects.filter(round=rnd, status=JurySheet.Status.CONFIRMED)}
    signature = {}
    for nomination_id, by_member in found.items():
        parts = ".".join(f"{sheets[m].pk}v{sheets[m].version}" for m in sorted(by_member, key=lambda m: sheets[m].pk))
        signature[nomination_id] = hashlib.sha256(parts.encode()).hexdigest()[:24]
    by_code = {c.code: c for c in criteria}
    wanted = {}
    for spec in specs_found:
        key = flag_key(spec, sheets, signature)
        wanted[key] = JuryFlag(round=rnd, kind=spec.kind, key=key[:200], nomination_id=spec.entry, member_id=spec.judge,
                               criterion=by_code.get(spec.criterion), detail=dict(spec.detail))
    existing = {f.key: f for f in JuryFlag.objects.filter(round=rnd)}
    JuryFlag.objects.bulk_create([f for key, f in wanted.items() if key not in existing], ignore_conflicts=True)
    stale = [f for key, f in existing.items() if key not in wanted and f.status == JuryFlag.Status.OPEN]
    for flag in stale:
        FLAG.apply(flag, "supersede", system=True)
    return {"open": open_flags(rnd), "superseded": len(stale)}


def open_flags(rnd: Round) -> int:
    return JuryFlag.objects.filter(round=rnd, status=JuryFlag.Status.OPEN).count()


def flags_of(rnd: Round) -> list[JuryFlag]:
    """The round's flags but the superseded ones, open first, each with its sentence (``text``): one query."""
    flags = list(JuryFlag.objects.filter(round=rnd).exclude(status=JuryFlag.Status.SUPERSEDED)
                 .select_related("nomination__staff", "nomination__collective", "member__user__staff", "criterion",
                                 "resolved_by__staff"))
    flags.sort(key=lambda f: (f.status != JuryFlag.Status.OPEN, f.pk))
    for flag in flags:
        flag.text = describe_flag(flag)
    return flags


def describe_flag(flag: JuryFlag) -> str:
    """Who scored what and why it is flagged, in the reader's language."""
    d = {key: _plain_text(value) for key, value in (flag.detail or {}).items()}
    judge = str(flag.member) if flag.member_id else "—"
    nominee = flag.nomination.display_title if flag.nomination_id else "—"
    criterion = flag.criterion.display_name if flag.criterion_id else "—"
    if flag.kind == JuryFlag.Kind.OUTLIER:
        return pgettext("jury", "%(judge)s gave %(value)s to %(nominee)s on “%(criterion)s”; the panel's median is %(median)s "
                                "(%(distance)s apart, at most %(limit)s expected).") % {
            "judge": judge, "nominee": nominee, "criterion": criterion, "value": d.get("value"), "median": d.get("median"),
            "distance": d.get("distance"), "limit": d.get("limit")}
    if flag.kind == JuryFlag.Kind.SPREAD:
        return pgettext("jury", "%(nominee)s, “%(criterion)s”: the panel ranges from %(low)s to %(high)s (spread %(spread)s, "
                                "at most %(limit)s).") % {
            "nominee": nominee, "criterion": criterion, "low": d.get("low"), "high": d.get("high"), "spread": d.get("spread"),
            "limit": d.get("limit")}
    offset = d.get("offset", "0").lstrip("-")
    if d.get("direction") == "high":
        return pgettext("jury", "%(judge)s scores %(offset)s%% of the range above the rest of the panel on average (z = %(z)s).") % {
            "judge": judge, "offset": offset, "z": d.get("z")}
    return pgettext("jury", "%(judge)s scores %(offset)s%% of the range below the rest of the panel on average (z = %(z)s).") % {
        "judge": judge, "offset": offset, "z": d.get("z")}


def _plain_text(value) -> str:
    """A stored number ("2.00") as it is read ("2")."""
    try:
        return _plain(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)


@transaction.atomic
def clear_flag(flag: JuryFlag, decision: str, *, by, reason: str) -> JuryFlag:
    """The supervisor clears a flag with a written reason: accept the scores, or return the judge's sheet (it goes
    back to draft in its next version; the judge re-scores and confirms again, and that is checked afresh)."""
    if decision not in ("accept", "return"):
        raise ValidationError(pgettext("jury", "Choose how to clear the flag."))
    cleared = FLAG.apply(flag, decision, by=by, reason=reason)
    if decision == "return":
        detect_flags(cleared.round)  # the returned sheet no longer counts: flags on its panels no longer apply
    return cleared
