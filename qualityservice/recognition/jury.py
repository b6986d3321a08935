"""The jury (评审) of a round: its rubric (weighted criteria with min/max/step), the appointed judges (accounts
with the judge role, or any staff member's account), one sheet per judge that they fill in on a phone and
confirm, and the panel's arithmetic — aggregation, anomaly flags, per-judge offsets — through ``core.panel``,
the same code the competitions use.

A judge never scores a nominee of their own department (the conflict is read from the staff record: the
nominee's department, or the nominated staff member's); such a nominee is not on the judge's sheet, and the
aggregation counts the judges who actually scored.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import pgettext

from qualityservice.core import panel
from qualityservice.core.permissions import staff_profile, user_role

from .models import Nomination, Round
from .results_models import JuryCriterion, JuryMember, JuryScore, JurySheet, Rubric
from .workflows_results import SHEET

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


def confirm(sheet: JurySheet, *, by) -> JurySheet:
    return SHEET.apply(sheet, "confirm", by=by)


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
