"""What views, the demo and jobs do with competitions: create once per form (``core.submissions``), change
under a row lock, move through the workflows (``workflows.py``), score, aggregate, flag, rank, publish,
certify. The arithmetic is in ``core.panel``; who may do what in ``access.py``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import pgettext

from qualityservice.core import certificates, objections, pagecache
from qualityservice.core import panel as scoring
from qualityservice.core.i18n import pick
from qualityservice.core.models import WorkflowEvent
from qualityservice.core.notifications import notify
from qualityservice.core.permissions import staff_profile
from qualityservice.core.registry import optional_function
from qualityservice.core.submissions import create_once, scoped
from qualityservice.core.workflow import TransitionError
from qualityservice.org.models import Department, SiteSettings

from .models import (
    Appointment,
    Certificate,
    Competition,
    Conflict,
    Contestant,
    Criterion,
    Deduction,
    Entry,
    Flag,
    Normalisation,
    Objection,
    ReEntry,
    Round,
    RubricVersion,
    Score,
    ScoreChange,
    Sheet,
    SheetDeduction,
    SheetVersion,
    Via,
    _plain,
)
from .workflows import COMPETITION, FLAG, SHEET

COMPETITION_FIELDS = ("department", "trade", "title", "title_en", "description", "description_en", "signup_until",
                      "aggregation", "outlier_distance", "spread_threshold", "bias_z", "tie_breaks", "awards",
                      "objection_days", "blind_reentry", "normalisation")
# How scores are aggregated, flagged and ranked: fixed once a round has opened (the results page states them).
SCORING_SETTINGS = ("aggregation", "outlier_distance", "spread_threshold", "bias_z", "tie_breaks", "blind_reentry",
                    "normalisation")
ROUND_FIELDS = ("name", "name_en", "scoring_opens_at", "scoring_closes_at", "advance", "advance_count", "advance_cutoff")
WINDOW_FIELDS = ("scoring_opens_at", "scoring_closes_at")
CRITERION_FIELDS = ("code", "order", "name", "name_en", "description", "description_en", "weight", "min_score",
                    "max_score", "step", "levels")
DEDUCTION_FIELDS = ("code", "order", "name", "name_en", "points", "max_count")
CERTIFICATE_PREFIX = "JS"  # 竞赛 (jìngsài): the competitions' certificates


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


def _fail(message) -> None:
    raise ValidationError(message)


# --- Competitions -------------------------------------------------------------------------------------------


def create_competition(*, key: str | None, by, **fields) -> tuple[Competition, bool]:
    """A new draft competition with an empty rubric (version 1), once per form."""
    unknown = set(fields) - set(COMPETITION_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")

    def create(stored_key):
        department = fields["department"]
        level = Competition.Level.GROUP if department.kind == Department.Kind.GROUP else Competition.Level.DEPARTMENT
        competition = Competition.objects.create(**fields, level=level, created_by=_user(by), submission_key=stored_key)
        RubricVersion.objects.create(competition=competition, number=1, created_by=_user(by))
        return competition

    return create_once(Competition, scoped("competition", key), create)


def has_started(competition: Competition) -> bool:
    return competition.rounds.exclude(status=Round.Status.DRAFT).exists()


@transaction.atomic
def update_competition(competition: Competition, **fields) -> Competition:
    """Change a competition that is not over. Refused: another department once announced; the scoring settings
    (aggregation, anomaly rules, tie-break chain, re-entry) once a round has opened."""
    unknown = set(fields) - set(COMPETITION_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    locked = Competition.objects.select_for_update().get(pk=competition.pk)
    if locked.status in (Competition.Status.FINISHED, Competition.Status.CANCELLED):
        _fail(pgettext("competition", "A finished or cancelled competition cannot be changed."))
    if "department" in fields and fields["department"].pk != locked.department_id and locked.status != Competition.Status.DRAFT:
        _fail(pgettext("competition", "The organising department is fixed once the competition is announced."))
    if has_started(locked) and any(name in fields and fields[name] != getattr(locked, name) for name in SCORING_SETTINGS):
        _fail(pgettext("competition", "How scores are aggregated, flagged and ranked is fixed once a round has opened."))
    for name, value in fields.items():
        setattr(locked, name, value)
    if "department" in fields:
        locked.level = Competition.Level.GROUP if locked.department.kind == Department.Kind.GROUP else Competition.Level.DEPARTMENT
    locked.save(update_fields=[*fields, "level"] if "department" in fields else list(fields))
    return locked


def announce_errors(competition: Competition) -> dict[str, list[str]]:
    errors = []
    if not competition.rounds.exists():
        errors.append(pgettext("competition", "Add at least one round."))
    if not current_rubric(competition).criteria.exists():
        errors.append(pgettext("competition", "The rubric has no criteria yet."))
    return {"__all__": errors} if errors else {}


def move(obj, workflow, action: str, *, by, note: str = "", **params):
    """Take a workflow action as ``by``; raises ``TransitionError`` with a message for the user."""
    return workflow.apply(obj, action, by=by, note=note, **params)


def timeline(obj, workflow) -> list[WorkflowEvent]:
    """The row's moves, oldest first, each with its sentence in the reader's language (``text``): one query."""
    events = list(WorkflowEvent.for_object(obj).select_related("actor__staff"))
    for event in events:
        event.text = workflow.describe(event.action, event.params)
    return events


# --- Rubric ---------------------------------------------------------------------------------------------------


def current_rubric(competition: Competition) -> RubricVersion:
    rubric = competition.rubrics.order_by("-number").first()
    if rubric is None:  # a competition made before it had rubrics (not through create_competition)
        rubric, _created = RubricVersion.objects.get_or_create(competition=competition, number=1)
    return rubric


@transaction.atomic
def new_rubric_version(competition: Competition, *, by, note: str = "") -> tuple[RubricVersion, bool]:
    """The next version of a frozen rubric: a copy of its criteria and deductions, to change for later rounds.
    The latest version when it is not frozen (nothing to copy)."""
    Competition.objects.select_for_update().filter(pk=competition.pk).first()
    latest = current_rubric(competition)
    if not latest.is_frozen:
        return latest, False

    def create(stored_key):
        rubric = RubricVersion.objects.create(competition=competition, number=latest.number + 1, note=note[:200],
                                              created_by=_user(by), submission_key=stored_key)
        Criterion.objects.bulk_create([Criterion(rubric=rubric, **{f: getattr(c, f) for f in CRITERION_FIELDS})
                                       for c in latest.criteria.all()])
        Deduction.objects.bulk_create([Deduction(rubric=rubric, **{f: getattr(d, f) for f in DEDUCTION_FIELDS})
                                       for d in latest.deductions.all()])
        return rubric

    return create_once(RubricVersion, scoped("rubric", f"{competition.pk}-v{latest.number + 1}"), create)


def _unfrozen(rubric: RubricVersion) -> RubricVersion:
    locked = RubricVersion.objects.select_for_update().get(pk=rubric.pk)
    if locked.is_frozen:
        _fail(pgettext("competition", "Rubric version %(n)s is frozen: scoring has opened with it. Start a new version to change it.")
              % {"n": locked.number})
    return locked


@transaction.atomic
def save_criterion(rubric: RubricVersion, *, key: str | None = None, criterion: Criterion | None = None, **fields) -> Criterion:
    """Add a criterion to an unfrozen version (once per form), or change one of its criteria."""
    _unfrozen(rubric)
    if criterion is None:
        made, _created = create_once(Criterion, scoped("criterion", key),
                                     lambda stored: Criterion.objects.create(rubric=rubric, submission_key=stored, **fields))
        return made
    for name, value in fields.items():
        setattr(criterion, name, value)
    criterion.save(update_fields=list(fields))
    return criterion


@transaction.atomic
def save_deduction(rubric: RubricVersion, *, key: str | None = None, deduction: Deduction | None = None, **fields) -> Deduction:
    _unfrozen(rubric)
    if deduction is None:
        made, _created = create_once(Deduction, scoped("deduction", key),
                                     lambda stored: Deduction.objects.create(rubric=rubric, submission_key=stored, **fields))
        return made
    for name, value in fields.items():
        setattr(deduction, name, value)
    deduction.save(update_fields=list(fields))
    return deduction


@transaction.atomic
def delete_rubric_item(item) -> None:
    """Remove a criterion or deduction from an unfrozen version."""
    _unfrozen(item.rubric)
    item.delete()


def parse_levels(text: str, *, min_score: Decimal | None, max_score: Decimal | None) -> list[dict]:
    """Level descriptions typed one a line — ``9-10 刀工精细，成品均匀 | Fine knife work`` — as stored in
    ``Criterion.levels``. Raises ValidationError naming the line."""
    levels = []
    for n, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        head, _sep, rest = line.partition(" ")
        low, dash, high = head.replace("–", "-").replace("～", "-").replace("~", "-").partition("-")
        try:
            low_d, high_d = Decimal(low), Decimal(high if dash else low)
        except InvalidOperation:
            _fail(pgettext("competition", "Line %(n)s: start with the range of scores, e.g. “9-10 Excellent …”.") % {"n": n})
        if low_d > high_d or (min_score is not None and low_d < min_score) or (max_score is not None and high_d > max_score):
            _fail(pgettext("competition", "Line %(n)s: the range must lie within the criterion's scores, lowest first.") % {"n": n})
        chinese, _bar, english = rest.partition("|")
        if not chinese.strip():
            _fail(pgettext("competition", "Line %(n)s: describe the level after its range.") % {"n": n})
        levels.append({"from": _plain(low_d), "to": _plain(high_d), "text": chinese.strip()[:300], "text_en": english.strip()[:300]})
    return levels


def levels_text(levels: list[dict]) -> str:
    return "\n".join(f"{lv.get('from')}-{lv.get('to')} {lv.get('text', '')}" + (f" | {lv['text_en']}" if lv.get("text_en") else "")
                     for lv in levels or [])


# --- Rounds -------------------------------------------------------------------------------------------------


def create_round(competition: Competition, *, key: str | None, by, **fields) -> tuple[Round, bool]:
    """The competition's next round (number = last + 1), once per form."""

    def create(stored_key):
        Competition.objects.select_for_update().filter(pk=competition.pk).first()
        number = (competition.rounds.aggregate(n=Max("number"))["n"] or 0) + 1
        return Round.objects.create(competition=competition, number=number, submission_key=stored_key, **fields)

    if competition.status in (Competition.Status.FINISHED, Competition.Status.CANCELLED):
        _fail(pgettext("competition", "A finished or cancelled competition gets no new rounds."))
    return create_once(Round, scoped("round", key), create)


@transaction.atomic
def update_round(rnd: Round, **fields) -> Round:
    """A planned round changes freely; while it is scored or reviewed only its window; afterwards nothing."""
    locked = Round.objects.select_for_update().get(pk=rnd.pk)
    if locked.status != Round.Status.DRAFT:
        changed = {name for name, value in fields.items() if getattr(locked, name) != value}
        if locked.status not in (Round.Status.SCORING, Round.Status.REVIEW) or changed - set(WINDOW_FIELDS):
            _fail(pgettext("competition", "Once scoring has opened only the scoring window of a round can change."))
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(fields))
    return locked


# --- Contestants --------------------------------------------------------------------------------------------


def sign_up(competition: Competition, staff, *, by, key: str | None, note: str = "") -> tuple[Contestant, bool]:
    """Sign ``staff`` up (by themselves, their head or the organiser), once per form; the organiser approves."""
    today = timezone.localdate()
    if competition.status != Competition.Status.SIGNUP:
        _fail(pgettext("competition", "Sign-up is not open for this competition."))
    if competition.signup_until and today > competition.signup_until:
        _fail(pgettext("competition", "Sign-up closed on %(date)s.") % {"date": competition.signup_until.isoformat()})
    if not staff.is_active:
        _fail(pgettext("competition", "Only current staff can take part."))
    if not competition.is_group_wide and staff.department_id != competition.department_id:
        _fail(pgettext("competition", "This competition is for the staff of %(dept)s.") % {"dept": competition.department.display_name})
    if competition.appointments.filter(staff=staff).exists():
        _fail(pgettext("competition", "%(name)s is a judge of this competition.") % {"name": staff.name})
    stored = scoped("contestant", key)
    existing = Contestant.objects.filter(submission_key=stored).first() if stored else None
    if existing is not None:
        return existing, False
    if competition.contestants.filter(staff=staff).exists():
        _fail(pgettext("competition", "%(name)s is already signed up.") % {"name": staff.name})

    def create(stored_key):
        Competition.objects.select_for_update().filter(pk=competition.pk).first()  # one number at a time
        number = (competition.contestants.aggregate(n=Max("number"))["n"] or 0) + 1
        contestant = Contestant.objects.create(competition=competition, staff=staff, department_id=staff.department_id,
                                               team_id=staff.team_id, number=number, note=note[:200],
                                               signed_up_by=_user(by), submission_key=stored_key)
        organisers = {"supervisors": True} if competition.is_group_wide else {"heads_of": [competition.department_id]}
        notify(**organisers, subject=pgettext("competition", "Sign-up to approve: %(name)s, %(title)s") % {
            "name": staff.name, "title": competition.title}, body=note, url=competition.get_absolute_url(), webhook=False)
        return contestant

    try:
        return create_once(Contestant, stored, create, look_up_first=False)
    except IntegrityError:  # the same person signed up by two people at once
        _fail(pgettext("competition", "%(name)s is already signed up.") % {"name": staff.name})


# --- Judges and conflicts -----------------------------------------------------------------------------------


def appoint(competition: Competition, staff, *, role: str, order: int = 10, by, key: str | None) -> tuple[Appointment, bool]:
    """Appoint ``staff`` as chief judge, panel member or reserve, once per form."""
    if competition.status in (Competition.Status.FINISHED, Competition.Status.CANCELLED):
        _fail(pgettext("competition", "A finished or cancelled competition gets no new judges."))
    stored = scoped("appointment", key)
    existing = Appointment.objects.filter(submission_key=stored).first() if stored else None
    if existing is not None:
        return existing, False
    if competition.contestants.filter(staff=staff).exclude(status__in=[Contestant.Status.REJECTED, Contestant.Status.WITHDRAWN]).exists():
        _fail(pgettext("competition", "%(name)s takes part as a contestant and cannot judge.") % {"name": staff.name})
    if competition.appointments.filter(staff=staff).exists():
        _fail(pgettext("competition", "%(name)s is already a judge of this competition.") % {"name": staff.name})
    if role == Appointment.Role.CHIEF:
        if staff.user_id is None:
            _fail(pgettext("competition", "The chief judge needs an account: they confirm sheets and resolve flags signed in."))
        if competition.appointments.filter(role=Appointment.Role.CHIEF).exists():
            _fail(pgettext("competition", "The competition already has a chief judge."))

    def create(stored_key):
        return Appointment.objects.create(competition=competition, staff=staff, role=role, order=order,
                                          appointed_by=_user(by), submission_key=stored_key)

    try:
        return create_once(Appointment, stored, create, look_up_first=False)
    except IntegrityError:
        _fail(pgettext("competition", "%(name)s is already a judge of this competition.") % {"name": staff.name})


@transaction.atomic
def update_appointment(appointment: Appointment, *, role: str, order: int) -> Appointment:
    locked = Appointment.objects.select_for_update().select_related("competition", "staff").get(pk=appointment.pk)
    if has_started(locked.competition) and role != locked.role:
        _fail(pgettext("competition", "A judge's role is fixed once a round has opened."))
    if role == Appointment.Role.CHIEF and locked.role != role:
        if locked.staff.user_id is None:
            _fail(pgettext("competition", "The chief judge needs an account: they confirm sheets and resolve flags signed in."))
        if locked.competition.appointments.filter(role=Appointment.Role.CHIEF).exclude(pk=locked.pk).exists():
            _fail(pgettext("competition", "The competition already has a chief judge."))
    locked.role, locked.order = role, order
    locked.save(update_fields=["role", "order"])
    return locked


ORGANISATION = "organisation"


def conflicts_of(appointments, contestants, declared) -> dict[tuple[int, int], str]:
    """{(appointment id, contestant id): reason} — from the organisation data (a judge of the contestant's own
    department or team, which includes its head) and the declared conflicts. ``ORGANISATION`` stands for the
    first kind (rendered by ``conflict_reason``)."""
    found: dict[tuple[int, int], str] = {}
    for a in appointments:
        for c in contestants:
            if a.staff.department_id == c.department_id or (c.team_id and a.staff.team_id == c.team_id):
                found[(a.pk, c.pk)] = ORGANISATION
    for conflict in declared:
        found.setdefault((conflict.appointment_id, conflict.contestant_id), conflict.reason)
    return found


def conflict_reason(reason: str) -> str:
    return pgettext("competition", "same department or team") if reason == ORGANISATION else reason


def competition_conflicts(competition: Competition) -> dict[tuple[int, int], str]:
    appointments = list(competition.appointments.select_related("staff"))
    contestants = list(competition.contestants.all())
    declared = list(Conflict.objects.filter(appointment__competition=competition))
    return conflicts_of(appointments, contestants, declared)


def declare_conflict(appointment: Appointment, contestant: Contestant, *, reason: str, by, key: str | None) -> tuple[Conflict, bool]:
    """Record a declared conflict (once per form). A sheet of that judge for that contestant in a round being
    scored or reviewed is blocked and a reserve takes it over."""
    if contestant.competition_id != appointment.competition_id:
        raise ValueError("the contestant and the judge belong to different competitions")
    reason = (reason or "").strip()
    if not reason:
        _fail(pgettext("competition", "Give a reason."))

    def create(stored_key):
        conflict = Conflict.objects.create(appointment=appointment, contestant=contestant, reason=reason[:200],
                                           declared_by=_user(by), submission_key=stored_key)
        for sheet in Sheet.objects.filter(appointment=appointment, entry__contestant=contestant,
                                          round__status__in=[Round.Status.SCORING, Round.Status.REVIEW]).exclude(
                                              status=Sheet.Status.BLOCKED):
            SHEET.apply(sheet, "block", by=by, system=True, reason=reason[:300])
            assign_reserve(sheet.entry)
        return conflict

    try:
        return create_once(Conflict, scoped("conflict", key), create)
    except IntegrityError:
        _fail(pgettext("competition", "This conflict is already recorded."))


def assign_reserve(entry: Entry) -> Sheet | None:
    """A sheet for the least busy reserve who has no conflict with the entry's contestant and no sheet for it."""
    rnd = Round.objects.select_related("competition").get(pk=entry.round_id)
    conflicts = competition_conflicts(rnd.competition)
    taken = set(Sheet.objects.filter(entry=entry).values_list("appointment_id", flat=True))
    load = defaultdict(int)
    for appointment_id in Sheet.objects.filter(round=rnd, as_reserve=True).values_list("appointment_id", flat=True):
        load[appointment_id] += 1
    reserves = [a for a in rnd.competition.appointments.filter(role=Appointment.Role.RESERVE).order_by("order", "pk")
                if a.pk not in taken and (a.pk, entry.contestant_id) not in conflicts]
    if not reserves:
        return None
    reserve = min(reserves, key=lambda a: (load[a.pk], a.order, a.pk))
    return Sheet.objects.create(round=rnd, entry=entry, appointment=reserve, as_reserve=True)


# --- Opening a round ------------------------------------------------------------------------------------------


def prepare_round(rnd: Round, *, now) -> dict:
    """Freeze the rubric, make the entries (round 1: the approved contestants) and one sheet per entry and
    scoring judge without a conflict; each conflicted judge's place goes to a reserve. Raises TransitionError."""
    competition = rnd.competition
    if competition.status not in (Competition.Status.SIGNUP, Competition.Status.RUNNING):
        raise TransitionError(pgettext("competition", "Open the competition for sign-up first."))
    if rnd.scoring_closes_at <= now:
        raise TransitionError(pgettext("competition", "The scoring window has already ended: move its end first."))
    if rnd.number > 1 and competition.rounds.filter(number__lt=rnd.number).exclude(status=Round.Status.FINAL).exists():
        raise TransitionError(pgettext("competition", "The earlier rounds must be final first."))
    rubric = current_rubric(competition)
    if not rubric.criteria.exists():
        raise TransitionError(pgettext("competition", "The rubric has no criteria yet."))
    appointments = list(competition.appointments.select_related("staff").order_by("order", "pk"))
    scorers = [a for a in appointments if a.scores_everyone]
    if not scorers:
        raise TransitionError(pgettext("competition", "Appoint the judges first."))
    if rnd.number == 1:
        approved = list(competition.contestants.filter(status=Contestant.Status.APPROVED).order_by("number"))
        Entry.objects.bulk_create([Entry(round=rnd, contestant=c, order=n) for n, c in enumerate(approved, start=1)],
                                  ignore_conflicts=True)
    entries = list(rnd.entries.select_related("contestant").order_by("order", "pk"))
    if not entries:
        raise TransitionError(pgettext("competition", "No approved contestants to score."))
    if rubric.frozen_at is None:
        rubric.frozen_at = now
        rubric.save(update_fields=["frozen_at"])
    rnd.rubric = rubric
    conflicts = conflicts_of(appointments, [e.contestant for e in entries],
                             Conflict.objects.filter(appointment__competition=competition))
    reserves = [a for a in appointments if not a.scores_everyone]
    load = defaultdict(int)
    sheets = []
    for entry in entries:
        free = [a for a in scorers if (a.pk, entry.contestant_id) not in conflicts]
        sheets += [Sheet(round=rnd, entry=entry, appointment=a) for a in free]
        candidates = sorted((a for a in reserves if (a.pk, entry.contestant_id) not in conflicts),
                            key=lambda a: (load[a.pk], a.order, a.pk))
        for reserve in candidates[: len(scorers) - len(free)]:
            load[reserve.pk] += 1
            sheets.append(Sheet(round=rnd, entry=entry, appointment=reserve, as_reserve=True))
    Sheet.objects.bulk_create(sheets, batch_size=1000)
    judges = [a.staff.user for a in appointments if a.staff.user_id and any(s.appointment_id == a.pk for s in sheets)]
    if judges:
        notify(users=judges, subject=pgettext("competition", "Scoring is open: %(round)s") % {"round": str(rnd)},
               body=pgettext("competition", "Score on your phone until %(until)s.") % {
                   "until": timezone.localtime(rnd.scoring_closes_at).strftime("%Y-%m-%d %H:%M")},
               url="", webhook=False)
    return {"entries": len(entries), "sheets": len(sheets), "rubric": rubric.number}


# --- Entering scores --------------------------------------------------------------------------------------


def rubric_items(rubric_id: int) -> tuple[list[Criterion], list[Deduction]]:
    """A frozen version's criteria and deductions (two queries)."""
    return (list(Criterion.objects.filter(rubric_id=rubric_id).order_by("order", "pk")),
            list(Deduction.objects.filter(rubric_id=rubric_id).order_by("order", "pk")))


def entry_error(sheet: Sheet, now=None) -> str | None:
    """Why values cannot be entered on ``sheet`` now (None when they can): scoring happens in the round's window
    while it is scored; during the review only a returned sheet is corrected."""
    now = now or timezone.now()
    rnd = sheet.round
    if sheet.status == Sheet.Status.BLOCKED:
        return pgettext("competition", "This sheet is blocked: the judge has a conflict of interest with the contestant.")
    if rnd.status == Round.Status.SCORING:
        if now < rnd.scoring_opens_at:
            return pgettext("competition", "Scoring opens at %(at)s.") % {"at": timezone.localtime(rnd.scoring_opens_at).strftime("%Y-%m-%d %H:%M")}
        if now >= rnd.scoring_closes_at:
            return pgettext("competition", "Scoring closed at %(at)s.") % {"at": timezone.localtime(rnd.scoring_closes_at).strftime("%Y-%m-%d %H:%M")}
        return None
    if rnd.status == Round.Status.REVIEW and sheet.status == Sheet.Status.RETURNED:
        return None
    return pgettext("competition", "This round is not open for scoring.")


def parse_values(data, criteria, deductions) -> tuple[dict[str, Decimal | None], dict[str, int | None], list[str]]:
    """The values of a posted sheet (``c-<code>`` per criterion, ``d-<code>`` per deduction; empty clears a value)
    that ``data`` names, and the errors (translated; nothing is saved when there is one)."""
    values: dict[str, Decimal | None] = {}
    counts: dict[str, int | None] = {}
    errors: list[str] = []
    for c in criteria:
        name = f"c-{c.code}"
        if name not in data:
            continue
        raw = str(data.get(name) or "").strip().replace("，", ".").replace(",", ".")
        if raw == "":
            values[c.code] = None
            continue
        try:
            value = Decimal(raw)
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors.append(pgettext("competition", "%(criterion)s: enter a number.") % {"criterion": c.display_name})
            continue
        problem = c.error_for(value)
        if problem:
            errors.append(problem)
        else:
            values[c.code] = value.quantize(Decimal("0.01"))
    for d in deductions:
        name = f"d-{d.code}"
        if name not in data:
            continue
        raw = str(data.get(name) or "").strip()
        if raw == "":
            counts[d.code] = None
            continue
        if not raw.isdigit() or int(raw) > d.max_count:
            errors.append(pgettext("competition", "%(deduction)s: a number of times from 0 to %(max)s.") % {
                "deduction": d.display_name, "max": d.max_count})
            continue
        counts[d.code] = int(raw)
    return values, counts, errors


def apply_values(sheet: Sheet, data, *, by, via: str, reason: str = "", now=None) -> dict:
    """Write the posted values on the locked ``sheet`` and audit each change (old → new, the version being
    prepared, who, through what, the reason). All or nothing: a bad value raises ValidationError first."""
    now = now or timezone.now()
    criteria, deductions = rubric_items(sheet.round.rubric_id)
    values, counts, errors = parse_values(data, criteria, deductions)
    if errors:
        raise ValidationError(errors)
    by = _user(by)
    version = sheet.version + 1
    scores = {s.criterion_id: s for s in sheet.scores.all()}
    marks = {m.deduction_id: m for m in sheet.deduction_counts.all()}
    changes = []
    for c in criteria:
        if c.code not in values:
            continue
        new, current = values[c.code], scores.get(c.pk)
        old = current.value if current is not None else None
        if new == old:
            continue
        if new is None:
            current.delete()
        elif current is None:
            Score.objects.create(sheet=sheet, criterion=c, value=new, entered_by=by, via=via, updated_at=now)
        else:
            current.value, current.entered_by, current.via, current.updated_at = new, by, via, now
            current.save(update_fields=["value", "entered_by", "via", "updated_at"])
        changes.append(ScoreChange(sheet=sheet, field=f"c:{c.code}", label=c.name, old=old, new=new, version=version,
                                   reason=reason, by=by, via=via, at=now))
    for d in deductions:
        if d.code not in counts:
            continue
        new, current = counts[d.code], marks.get(d.pk)
        old = current.count if current is not None else None
        if new == old:
            continue
        if new is None:
            current.delete()
        elif current is None:
            SheetDeduction.objects.create(sheet=sheet, deduction=d, count=new, entered_by=by, via=via, updated_at=now)
        else:
            current.count, current.entered_by, current.via, current.updated_at = new, by, via, now
            current.save(update_fields=["count", "entered_by", "via", "updated_at"])
        changes.append(ScoreChange(sheet=sheet, field=f"d:{d.code}", label=d.name, old=old, new=new, version=version,
                                   reason=reason, by=by, via=via, at=now))
    ScoreChange.objects.bulk_create(changes)
    return {"changed": len(changes)}


def _locked_sheet(sheet: Sheet) -> Sheet:
    return Sheet.objects.select_for_update().select_related("round__competition", "appointment__staff").get(pk=sheet.pk)


@transaction.atomic
def save_values(sheet: Sheet, data, *, by, via: str = Via.SIGNED_IN) -> dict:
    """The autosave of a sheet being scored (or corrected after a return). Refused with a message — nothing
    saved — outside the window, once submitted, or for a value off the range or the step."""
    locked = _locked_sheet(sheet)
    if not locked.is_editable and locked.status != Sheet.Status.BLOCKED:
        _fail(pgettext("competition", "This sheet is submitted: a correction needs a reason."))
    problem = entry_error(locked)
    if problem:
        _fail(problem)
    return apply_values(locked, data, by=by, via=via)


def sheet_values(sheet_id: int) -> tuple[dict[str, Decimal], dict[str, int]]:
    values = dict(Score.objects.filter(sheet_id=sheet_id).values_list("criterion__code", "value"))
    counts = dict(SheetDeduction.objects.filter(sheet_id=sheet_id).values_list("deduction__code", "count"))
    return values, counts


def _specs(criteria, deductions):
    return ([scoring.CriterionSpec(c.code, c.weight, c.min_score, c.max_score) for c in criteria],
            [scoring.DeductionSpec(d.code, d.points) for d in deductions])


def record_version(sheet: Sheet, *, by, now, reason: str, via: str) -> int:
    """Number the locked sheet's next version, snapshot it and store its total (the submit and correct moves).
    Refused while a criterion has no score."""
    problem = entry_error(sheet, now)
    if problem:
        raise TransitionError(problem)
    criteria, deductions = rubric_items(sheet.round.rubric_id)
    values, counts = sheet_values(sheet.pk)
    missing = [c.display_name for c in criteria if c.code not in values]
    if missing:
        raise TransitionError(pgettext("competition", "Score every criterion first: %(missing)s.") % {"missing": pgettext("competition", ", ").join(missing)})
    specs = _specs(criteria, deductions)
    sheet.total = scoring.sheet_total(values, counts, *specs)
    sheet.version += 1
    SheetVersion.objects.create(sheet=sheet, number=sheet.version, total=sheet.total, reason=reason, by=_user(by), via=via,
                                at=now, values={**{f"c:{k}": str(v) for k, v in values.items()},
                                                **{f"d:{k}": n for k, n in counts.items()}})
    return sheet.version


def submit_sheet(sheet: Sheet, *, by, via: str = Via.SIGNED_IN, reason: str = "") -> Sheet:
    """The judge submits (the sheet locks); after a return, a reason goes with the new version. Through a private
    link the link is the credential (``via=LINK``: the view checked it). In a review, the round's flags are checked
    again."""
    sheet = SHEET.apply(sheet, "submit", by=by, system=via in (Via.LINK,), reason=reason, via=via)
    _recheck(sheet)
    return sheet


def correct_sheet(sheet: Sheet, data, *, by, via: str = Via.SIGNED_IN, reason: str = "") -> Sheet:
    """A correction of a submitted, unconfirmed sheet: the next version, with a reason, in one locked move."""
    sheet = SHEET.apply(sheet, "correct", by=by, system=via in (Via.LINK,), values=data, reason=reason, via=via)
    _recheck(sheet)
    return sheet


def _recheck(sheet: Sheet) -> None:
    rnd = Round.objects.select_related("competition").get(pk=sheet.round_id)
    if rnd.status == Round.Status.REVIEW:
        detect_flags(rnd)


def confirm_errors(sheet: Sheet) -> list[str]:
    """What stands in the way of the chief judge's confirmation (the blind second entry of a paper sheet)."""
    if not sheet.round.competition.blind_reentry:
        return []
    last = sheet.versions.order_by("-number").first()
    if last is None or last.via != Via.CLERK:
        return []
    reentry = ReEntry.objects.filter(sheet=sheet).first()
    if reentry is None or reentry.version != sheet.version:
        return [pgettext("competition", "A second person must enter this paper sheet before it is confirmed.")]
    if reentry.differences:
        return [pgettext("competition", "The second entry differs on: %(items)s.") % {"items": pgettext("competition", ", ").join(reentry.differences)}]
    return []


@transaction.atomic
def save_reentry(sheet: Sheet, data, *, by) -> ReEntry:
    """The blind second entry of a paper sheet, by someone other than who typed it first; differences are listed
    (and block the confirmation) until a corrected version matches."""
    locked = _locked_sheet(sheet)
    if locked.status != Sheet.Status.SUBMITTED:
        _fail(pgettext("competition", "Only a submitted paper sheet is entered a second time."))
    if ScoreChange.objects.filter(sheet=locked, version=locked.version, by=_user(by)).exists():
        _fail(pgettext("competition", "The second entry must be made by someone other than who typed the sheet."))
    criteria, deductions = rubric_items(locked.round.rubric_id)
    values, counts, errors = parse_values(data, criteria, deductions)
    if errors:
        raise ValidationError(errors)
    first_values, first_counts = sheet_values(locked.pk)
    differences = [c.name for c in criteria if values.get(c.code) != first_values.get(c.code)]
    differences += [d.name for d in deductions if (counts.get(d.code) or 0) != (first_counts.get(d.code) or 0)]
    stored = {**{f"c:{k}": str(v) for k, v in values.items() if v is not None},
              **{f"d:{k}": n for k, n in counts.items() if n is not None}}
    reentry, _created = ReEntry.objects.update_or_create(sheet=locked, defaults={
        "values": stored, "differences": differences, "version": locked.version, "by": _user(by), "at": timezone.now()})
    return reentry


# --- Aggregation, anomalies, standings ------------------------------------------------------------------------

COUNTED = (Sheet.Status.SUBMITTED, Sheet.Status.CONFIRMED)


def round_sheets(rnd: Round, statuses=COUNTED) -> tuple[list[Sheet], dict[int, dict[str, Decimal]], dict[int, dict[str, int]]]:
    """The round's sheets in ``statuses`` and their values by sheet (three queries)."""
    sheets = list(Sheet.objects.filter(round=rnd, status__in=statuses).select_related("appointment"))
    ids = [s.pk for s in sheets]
    values: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for sheet_id, code, value in Score.objects.filter(sheet_id__in=ids).values_list("sheet_id", "criterion__code", "value"):
        values[sheet_id][code] = value
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for sheet_id, code, count in SheetDeduction.objects.filter(sheet_id__in=ids).values_list("sheet_id", "deduction__code", "count"):
        counts[sheet_id][code] = count
    return sheets, values, counts


def normalisation_of(rnd: Round, sheets, values, criteria) -> scoring.Normalisation | None:
    """With the competition's normalisation on: the judges the bias rule flags on these sheets (at least
    ``BIAS_MIN_SCORES`` scores), their offsets and the shifted panels (``core.panel.normalise``). None when off."""
    if rnd.competition.normalisation != Normalisation.OFFSET:
        return None
    panels: dict[int, dict[int, dict[str, Decimal]]] = defaultdict(dict)
    for s in sheets:
        panels[s.entry_id][s.appointment_id] = values[s.pk]
    specs = _specs(criteria, [])[0]
    flagged = scoring.biased_judges(panels, specs, bias_z=rnd.competition.bias_z)
    return scoring.normalise(panels, specs, flagged)


def compute_results(rnd: Round, statuses=COUNTED, entries=None, *, with_adjustments: bool = False):
    """The round's standings from its counted sheets, ranked by the competition's tie-break chain. With the
    competition's normalisation, the totals are the normalised ones (``raw_total`` keeps the one before);
    ``with_adjustments`` also returns the offsets subtracted ({appointment id: {criterion code: points}})."""
    competition = rnd.competition
    criteria, deductions = rubric_items(rnd.rubric_id) if rnd.rubric_id else ([], [])
    specs = _specs(criteria, deductions)
    max_total = sum((c.weight * c.max_score for c in criteria), Decimal(0))
    entries = entries if entries is not None else list(rnd.entries.select_related("contestant"))
    sheets, values, counts = round_sheets(rnd, statuses)
    normalised = normalisation_of(rnd, sheets, values, criteria)
    by_entry = defaultdict(list)
    for s in sheets:
        by_entry[s.entry_id].append(s)
    results = []
    for entry in entries:
        mine = by_entry.get(entry.pk, [])
        chief = next((s for s in mine if s.appointment.role == Appointment.Role.CHIEF), None)
        chief_total = scoring.sheet_total(values[chief.pk], counts[chief.pk], *specs) if chief else None
        raw = [(values[s.pk], counts[s.pk]) for s in mine]
        result = scoring.aggregate_entry(entry.pk, entry.contestant.number, raw, *specs, competition.aggregation,
                                         chief_total=chief_total, max_total=max_total)
        if normalised is not None:
            shifted = [(normalised.panels[entry.pk][s.appointment_id], counts[s.pk]) for s in mine]
            raw_total = result.total
            result = scoring.aggregate_entry(entry.pk, entry.contestant.number, shifted, *specs, competition.aggregation,
                                             chief_total=chief_total, max_total=max_total)
            result.raw_total = raw_total
        results.append(result)
    ranked = scoring.rank(results, tie_break_chain(competition, criteria))
    if with_adjustments:
        return ranked, (normalised.offsets if normalised is not None else {})
    return ranked


def tie_break_chain(competition: Competition, criteria) -> list[str]:
    """The configured chain, without links naming a criterion the rubric no longer has."""
    codes = [c.code for c in criteria]
    return [link for link in competition.tie_breaks or [] if scoring.valid_link(link, codes)]


def describe_link(link: str, criteria) -> str:
    if link == scoring.DEDUCTIONS:
        return pgettext("competition", "fewer deductions")
    if link == scoring.CHIEF:
        return pgettext("competition", "the chief judge's score")
    if link == scoring.NUMBER:
        return pgettext("competition", "the lower contestant number")
    if link.startswith(scoring.CRITERION):
        code = link[len(scoring.CRITERION):]
        name = next((c.display_name for c in criteria if c.code == code), code)
        return pgettext("competition", "the higher score in “%(criterion)s”") % {"criterion": name}
    return link


def _q4(value: Decimal | None) -> Decimal | None:
    return value.quantize(Decimal("0.0001")) if value is not None else None


def store_results(rnd: Round) -> list[scoring.EntryResult]:
    """Compute the verified standings from the confirmed sheets and keep them on the entries."""
    entries = list(rnd.entries.select_related("contestant"))
    results, adjustments = compute_results(rnd, (Sheet.Status.CONFIRMED,), entries, with_adjustments=True)
    by_pk = {e.pk: e for e in entries}
    for result in results:
        entry = by_pk[result.entry]
        entry.total, entry.deductions, entry.rank, entry.judges = _q4(result.total), _q4(result.deductions), result.rank, result.judges
        entry.raw_total = _q4(result.raw_total)
        entry.percent = result.percent.quantize(Decimal("0.01")) if result.percent is not None else None
        entry.breakdown = {**{code: str(_q4(v)) if v is not None else None for code, v in result.per_criterion.items()},
                           "_deductions": {code: str(_q4(v)) if v is not None else None for code, v in result.per_deduction.items()},
                           "_decided_by": result.decided_by,
                           "_chief": str(_q4(result.chief_total)) if result.chief_total is not None else None}
    Entry.objects.bulk_update(entries, ["total", "raw_total", "deductions", "percent", "rank", "judges", "breakdown"], batch_size=500)
    rnd.adjustments = {str(judge): {code: str(points) for code, points in offsets.items()} for judge, offsets in adjustments.items()}
    Round.objects.filter(pk=rnd.pk).update(adjustments=rnd.adjustments)
    pagecache.changed(Entry, Round)
    return results


def unsubmitted(rnd: Round) -> list[str]:
    rows = Sheet.objects.filter(round=rnd, status__in=[Sheet.Status.DRAFT, Sheet.Status.RETURNED]).values_list(
        "entry__contestant__number", "appointment__staff__name").order_by("entry__order", "appointment__order")
    return [f"{number:02d}/{judge}" for number, judge in rows]


def verify_errors(rnd: Round) -> dict[str, list[str]]:
    errors = []
    n_open = rnd.flags.filter(status=Flag.Status.OPEN).count()
    if n_open:
        errors.append(pgettext("competition", "%(n)d anomaly flags are still open: the chief judge resolves them first.") % {"n": n_open})
    statuses = dict(rnd.sheets.values_list("status").annotate(n=Count("pk")).order_by())
    if statuses.get(Sheet.Status.SUBMITTED):
        errors.append(pgettext("competition", "%(n)d sheets wait for the chief judge's confirmation.") % {"n": statuses[Sheet.Status.SUBMITTED]})
    waiting = statuses.get(Sheet.Status.DRAFT, 0) + statuses.get(Sheet.Status.RETURNED, 0)
    if waiting:
        errors.append(pgettext("competition", "%(n)d sheets are not submitted yet.") % {"n": waiting})
    unscored = rnd.entries.exclude(sheets__status=Sheet.Status.CONFIRMED).select_related("contestant__staff")
    for entry in unscored[:5]:
        errors.append(pgettext("competition", "%(contestant)s has no confirmed sheet.") % {"contestant": str(entry.contestant)})
    return {"__all__": errors} if errors else {}


def flag_key(spec: scoring.FlagSpec, sheets_by_judge_entry: dict, entry_signature: dict) -> str:
    if spec.kind == "outlier":
        sheet = sheets_by_judge_entry[(spec.judge, spec.entry)]
        return f"outlier:{sheet.pk}:{sheet.version}:{spec.criterion}"
    if spec.kind == "spread":
        return f"spread:{spec.entry}:{spec.criterion}:{entry_signature[spec.entry]}"
    return f"bias:{spec.judge}"


def panels_of(rnd: Round, statuses=COUNTED):
    """entry → appointment → criterion code → value, the sheets, and the criteria (for the anomaly rules)."""
    criteria, _deductions = rubric_items(rnd.rubric_id) if rnd.rubric_id else ([], [])
    sheets, values, _counts = round_sheets(rnd, statuses)
    panels: dict[int, dict[int, dict[str, Decimal]]] = defaultdict(dict)
    for s in sheets:
        panels[s.entry_id][s.appointment_id] = values[s.pk]
    return panels, sheets, criteria


def detect_flags(rnd: Round) -> dict:
    """Check the round's counted scores against the competition's anomaly rules: new flags are opened, open ones
    that no longer apply are superseded (through the workflow), resolved ones stay resolved. Idempotent."""
    competition = rnd.competition
    panels, sheets, criteria = panels_of(rnd)
    specs = scoring.find_anomalies(panels, _specs(criteria, [])[0], outlier_distance=competition.outlier_distance,
                                   spread_threshold=competition.spread_threshold, bias_z=competition.bias_z)
    by_judge_entry = {(s.appointment_id, s.entry_id): s for s in sheets}
    signature = defaultdict(list)
    for s in sorted(sheets, key=lambda s: s.pk):
        signature[s.entry_id].append(f"{s.pk}v{s.version}")
    signature = {entry: ".".join(parts) for entry, parts in signature.items()}
    criteria_by_code = {c.code: c for c in criteria}
    wanted = {}
    for spec in specs:
        key = flag_key(spec, by_judge_entry, signature)
        sheet = by_judge_entry.get((spec.judge, spec.entry)) if spec.kind == "outlier" else None
        wanted[key] = Flag(round=rnd, kind=spec.kind, key=key[:200], entry_id=spec.entry, sheet=sheet,
                           appointment_id=spec.judge, criterion=criteria_by_code.get(spec.criterion), detail=dict(spec.detail))
    existing = {f.key: f for f in rnd.flags.all()}
    Flag.objects.bulk_create([f for key, f in wanted.items() if key not in existing], ignore_conflicts=True)
    stale = [f for key, f in existing.items() if key not in wanted and f.status == Flag.Status.OPEN]
    for flag in stale:
        FLAG.apply(flag, "supersede", system=True)
    n_open = rnd.flags.filter(status=Flag.Status.OPEN).count()
    chief = [a.staff.user for a in competition.appointments.filter(role=Appointment.Role.CHIEF).select_related("staff__user")
             if a.staff.user_id]
    return {"open": n_open, "chief_users": chief, "superseded": len(stale)}


def describe_flag(flag: Flag) -> str:
    d = {key: _plain_number(value) for key, value in (flag.detail or {}).items()}
    if flag.kind == Flag.Kind.OUTLIER:
        return pgettext("competition", "%(judge)s gave %(value)s on “%(criterion)s”; the panel's median is %(median)s "
                           "(%(distance)s apart, at most %(limit)s expected).") % {
            "judge": flag.appointment.staff.name if flag.appointment_id else "—", "criterion": flag.criterion.display_name if flag.criterion_id else "—",
            "value": d.get("value"), "median": d.get("median"), "distance": d.get("distance"), "limit": d.get("limit")}
    if flag.kind == Flag.Kind.SPREAD:
        return pgettext("competition", "On “%(criterion)s” the panel ranges from %(low)s to %(high)s (spread %(spread)s, at most %(limit)s).") % {
            "criterion": flag.criterion.display_name if flag.criterion_id else "—", "low": d.get("low"), "high": d.get("high"),
            "spread": d.get("spread"), "limit": d.get("limit")}
    if flag.kind == Flag.Kind.BIAS:
        sentence = (pgettext("competition", "%(judge)s scores %(offset)s%% of the range above the rest of the panel on average (z = %(z)s).")
                    if d.get("direction") == "high" else
                    pgettext("competition", "%(judge)s scores %(offset)s%% of the range below the rest of the panel on average (z = %(z)s)."))
        return sentence % {"judge": flag.appointment.staff.name if flag.appointment_id else "—",
                           "offset": str(abs(Decimal(d.get("offset", "0")))), "z": d.get("z")}
    return flag.get_kind_display()


def _plain_number(value):
    """A stored number ("2.00") as it is read aloud ("2"); anything else as it is."""
    try:
        return _plain(Decimal(str(value))) if isinstance(value, str | int | float | Decimal) and str(value) else value
    except InvalidOperation:
        return value


# --- Publication, carry-over, objections ---------------------------------------------------------------------


def notify_published(rnd: Round) -> None:
    contestants = list(rnd.entries.select_related("contestant__staff__user").values_list(
        "contestant__department_id", "contestant__staff__user"))
    departments = sorted({d for d, _u in contestants})
    users = [u for _d, u in contestants if u]
    from django.contrib.auth import get_user_model

    notify(heads_of=departments, users=list(get_user_model().objects.filter(pk__in=users)),
           subject=pgettext("competition", "Results published for public notice: %(round)s") % {"round": str(rnd)},
           body=pgettext("competition", "Objections may be raised until %(until)s.") % {
               "until": timezone.localtime(rnd.notice_until).strftime("%Y-%m-%d %H:%M")},
           url=rnd.competition.get_public_url(), webhook=True)


def carry_over(rnd: Round) -> int:
    """When a round becomes final: the finalists go on to the next round (by rank or by cut-off); after the last
    round the competition finishes. Returns how many went on."""
    competition = rnd.competition
    following = competition.rounds.filter(number=rnd.number + 1).first()
    if following is None:
        COMPETITION.apply(competition, "finish", system=True)
        return 0
    entries = list(rnd.entries.select_related("contestant").order_by("rank", "pk"))
    results = [scoring.EntryResult(entry=e.pk, number=e.contestant.number, judges=e.judges or 0, per_criterion={},
                                   per_deduction={}, deductions=e.deductions or Decimal(0), total=e.total or Decimal(0), rank=e.rank)
               for e in entries]
    going = set(scoring.advancing(results, by=rnd.advance, count=rnd.advance_count, cutoff=rnd.advance_cutoff))
    for entry in entries:
        entry.advanced = entry.pk in going
    Entry.objects.bulk_update(entries, ["advanced"])
    finalists = [e for e in entries if e.advanced]
    # Order of appearance in the next round: the lowest-ranked finalist first.
    Entry.objects.bulk_create([Entry(round=following, contestant=e.contestant, order=n)
                               for n, e in enumerate(reversed(finalists), start=1)], ignore_conflicts=True)
    pagecache.changed(Entry)
    return len(finalists)


# An objection to results arrives as feedback of kind objection, on the web channel, titled as an objection and
# traced back by ``source_ref``.
OBJECTION_FEEDBACK_KIND = objections.KIND


def raise_objection(rnd: Round, *, by, text: str, contestant: Contestant | None = None, key: str | None,
                    source: str = Objection.Source.STAFF, name: str = "", phone: str = "") -> tuple[Objection, bool]:
    """An objection to a round's published results, during its objection window (once per form): from a signed-in
    staff member (``by``), a signed-in member (``by``, ``source=MEMBER``, their name and phone) or a visitor who
    gives a name and phone (``source=PUBLIC``). It also becomes a feedback record routed to the organising
    department (``feedback.services.create_feedback``, when the feedback app is installed), in the same
    transaction; the organiser answers the objection here."""
    if rnd.status != Round.Status.NOTICE or (rnd.notice_until and timezone.now() >= rnd.notice_until):
        _fail(pgettext("competition", "Objections are taken only during the public notice."))
    text = (text or "").strip()
    if not text:
        _fail(pgettext("competition", "Write the objection."))
    name, phone = (name or "").strip()[:60], (phone or "").strip()[:30]
    if source == Objection.Source.PUBLIC and not (name and phone):
        _fail(pgettext("competition", "Give your name and a phone number, so that the organiser can answer you."))
    user = _user(by)
    if source != Objection.Source.PUBLIC and user is None:
        raise ValueError("a staff member's or member's objection needs the signed-in account")
    if source == Objection.Source.STAFF and not name:
        name = getattr(staff_profile(user), "name", "") or user.get_username()

    competition = rnd.competition
    about = f"（{contestant.number:02d}号 {contestant.staff.name}）" if contestant is not None else ""
    organisers = {"supervisors": True} if competition.is_group_wide else {"heads_of": (competition.department_id,)}
    text = text[:2000]
    return objections.raise_objection(
        Objection, app="competitions", scope="objection", key=key,
        create=lambda stored_key: Objection.objects.create(round=rnd, contestant=contestant, text=text, raised_by=user,
                                                           source=source, name=name, phone=phone, submission_key=stored_key),
        file=optional_function("qualityservice.feedback", "services", "create_feedback"),
        department=competition.department, title=f"对比武结果的异议：{competition.title} · {rnd.name}",
        body=f"{text}\n\n—— {competition.title} · {rnd.name}{about}",
        author=objections.Author(name=name, contact=phone, user=user),
        about_staff=contestant.staff if contestant is not None else None,
        tell=objections.Tell(subject=pgettext("competition", "Objection to %(round)s") % {"round": str(rnd)},
                             url=rnd.get_absolute_url(), **organisers))


# --- Certificates ----------------------------------------------------------------------------------------------


def award_for(rank: int, awards: list[dict]) -> tuple[str, str] | None:
    """The award of ``rank`` from the competition's tiers ([{"name": "一等奖", "name_en": …, "count": 1}, …])."""
    reached = 0
    for tier in awards or []:
        reached += int(tier.get("count") or 0)
        if rank <= reached:
            return tier.get("name", ""), tier.get("name_en", "")
    return None


def final_round(competition: Competition) -> Round | None:
    return competition.rounds.order_by("-number").first()


def issue_certificates(competition: Competition, *, by) -> list[Certificate]:
    """A certificate for every placed contestant of the final round (once each). Refused before the results
    are final."""
    last = final_round(competition)
    if last is None or last.status != Round.Status.FINAL:
        _fail(pgettext("competition", "Certificates are issued once the final round's results are final."))
    if not competition.awards:
        _fail(pgettext("competition", "The competition has no awards: set them (e.g. 一等奖 ×1) first."))
    made = []
    for entry in last.entries.select_related("contestant").filter(rank__isnull=False).order_by("rank"):
        award = award_for(entry.rank, competition.awards)
        if award is None:
            continue

        def create(stored_key, entry=entry, award=award):
            return Certificate.objects.create(
                competition=competition, contestant=entry.contestant, department_id=entry.contestant.department_id,
                serial=certificates.new_serial(CERTIFICATE_PREFIX), award=award[0][:60], award_en=(award[1] or "")[:80],
                rank=entry.rank, issued_by=_user(by), submission_key=stored_key)

        certificate, _created = create_once(Certificate, scoped("certificate", f"{competition.pk}-{entry.contestant_id}"), create)
        made.append(certificate)
    return made


def certificate_data(certificate: Certificate) -> certificates.CertificateData:
    site = SiteSettings.load()
    contestant = certificate.contestant
    return certificates.CertificateData(
        serial=certificate.serial, holder=contestant.staff.name, title=pick(certificate.competition.title, certificate.competition.title_en),
        award=pick(certificate.award, certificate.award_en), date=timezone.localtime(certificate.issued_at).date(),
        issuer=site.display_name, detail=contestant.department.display_name)


def verify_certificate(serial: str) -> certificates.Verification | None:
    """The competitions' verifier for ``/c/<serial>/`` (registered at start)."""
    if not serial.startswith(f"{CERTIFICATE_PREFIX}-"):
        return None
    certificate = (Certificate.objects.select_related("competition", "contestant__staff", "contestant__department")
                   .filter(serial=serial).first())
    if certificate is None:
        return None
    data = certificate_data(certificate)
    return certificates.Verification(
        serial=data.serial, holder=data.holder, title=data.title, award=data.award, date=data.date, issuer=data.issuer,
        detail=data.detail, valid=certificate.status == Certificate.Status.VALID, revoked_reason=certificate.revoked_reason,
        revoked_on=timezone.localtime(certificate.revoked_at).date() if certificate.revoked_at else None)


# --- What other apps read ----------------------------------------------------------------------------------------


def campaign_evidence_kwargs(competition: Competition) -> dict:
    """The keyword arguments of ``campaigns.services.record_evidence`` for a competition whose results are
    published (三(四) carries ``competitions``): the organising department's activity, public (the results page
    exists), dated the day the results were first published. Used by :func:`record_campaign_evidence`."""
    published = competition.rounds.filter(published_at__isnull=False).aggregate(first=Min("published_at"))["first"]
    occurred_on = timezone.localtime(published).date() if published else timezone.localdate()
    return {
        "department_id": competition.department_id,
        "carrier": "competitions",
        "source": competition,
        "title": f"岗位大比武：{competition.title}",
        "title_en": f"Skills competition: {competition.title_en or competition.title}",
        "url": competition.get_absolute_url(),
        "occurred_on": occurred_on,
        "public": True,
    }


def winners(competition: Competition) -> list[dict]:
    """The placed contestants of a finished competition, for the recognition app (its service function reads
    this through the registry later): staff id, department id, rank, award."""
    last = final_round(competition)
    if last is None or last.status != Round.Status.FINAL:
        return []
    rows = []
    for entry in last.entries.select_related("contestant").filter(rank__isnull=False).order_by("rank"):
        award = award_for(entry.rank, competition.awards)
        if award is not None:
            rows.append({"staff_id": entry.contestant.staff_id, "department_id": entry.contestant.department_id,
                         "rank": entry.rank, "award": award[0], "award_en": award[1]})
    return rows


# --- The reminder job --------------------------------------------------------------------------------------------


def remind_judges(*, now=None) -> int:
    """Remind the judges who still have sheets to submit, once per round, ``QS_COMPETITIONS_REMIND_HOURS`` before
    its scoring closes. Each round is claimed atomically (``reminded_at``): several workers remind once."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    now = now or timezone.now()
    soon = now + dt.timedelta(hours=settings.QS_COMPETITIONS_REMIND_HOURS)
    due = Round.objects.filter(status=Round.Status.SCORING, reminded_at__isnull=True, scoring_closes_at__gt=now,
                               scoring_closes_at__lte=soon)
    reminded = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            if not Round.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now):
                continue  # another worker took it
            rnd = Round.objects.select_related("competition").get(pk=pk)
            users = get_user_model().objects.filter(staff__judge_appointments__sheets__round=rnd,
                                                    staff__judge_appointments__sheets__status__in=[Sheet.Status.DRAFT, Sheet.Status.RETURNED]).distinct()
            users = list(users)
            if users:
                notify(users=users, subject=pgettext("competition", "Sheets to submit: %(round)s") % {"round": str(rnd)},
                       body=pgettext("competition", "Scoring closes at %(at)s.") % {
                           "at": timezone.localtime(rnd.scoring_closes_at).strftime("%Y-%m-%d %H:%M")}, url="", webhook=False)
                reminded += 1
    return reminded


# --- Reading for pages -------------------------------------------------------------------------------------------


def judge_comparison(appointment: Appointment, rnd: Round) -> list[dict]:
    """Once a round's results are published: each of the judge's scores against the panel's aggregated score, per
    criterion (the panel's aggregate, never another judge's sheet)."""
    if not rnd.is_published:
        return []
    criteria, _deductions = rubric_items(rnd.rubric_id)
    sheets = list(Sheet.objects.filter(round=rnd, appointment=appointment, status=Sheet.Status.CONFIRMED)
                  .select_related("entry__contestant__staff").order_by("entry__order"))
    values = defaultdict(dict)
    for sheet_id, code, value in Score.objects.filter(sheet__in=sheets).values_list("sheet_id", "criterion__code", "value"):
        values[sheet_id][code] = value
    rows = []
    for sheet in sheets:
        cells = []
        for c in criteria:
            mine, panel = values[sheet.pk].get(c.code), sheet.entry.breakdown.get(c.code)
            panel = Decimal(panel) if panel is not None else None
            cells.append({"criterion": c, "mine": mine, "panel": panel,
                          "diff": (mine - panel).quantize(Decimal("0.01")) if mine is not None and panel is not None else None})
        rows.append({"sheet": sheet, "cells": cells})
    return rows


def open_competitions_for(user, staff) -> list[Competition]:
    """Competitions ``staff`` may sign up for now (group-wide, or their own department's)."""
    if staff is None:
        return []
    return list(Competition.objects.filter(status=Competition.Status.SIGNUP).filter(
        Q(level=Competition.Level.GROUP) | Q(department_id=staff.department_id)).select_related("department")
        .order_by("-created_at"))


def campaign_evidence_departments(competition: Competition) -> list[int]:
    """The departments whose campaign activity a published competition documents: a department competition, its
    organising department; a group-wide one, the group and every department that had contestants in a round
    (each department's own 三(四) activity: the group organises, the centres take part)."""
    departments = [competition.department_id]
    if competition.is_group_wide:
        taking_part = (Contestant.objects.filter(competition=competition, entries__isnull=False)
                       .values_list("department_id", flat=True).distinct().order_by("department_id"))
        departments += [d for d in taking_part if d not in departments]
    return departments


def record_campaign_evidence(competition: Competition) -> list:
    """A competition whose results are published, as campaign evidence through ``campaigns.services.record_evidence``
    on the activity carried by competitions of each of ``campaign_evidence_departments`` (nothing when the campaigns
    app is absent, no campaign covers the day or no adopted activity matches). Idempotent: the evidence is keyed by
    (activity, source), and each department has its own activity, so publishing again (after a revision, or the
    next round) updates the same rows."""
    record = optional_function("qualityservice.campaigns", "services", "record_evidence")
    if record is None:
        return []
    kwargs = campaign_evidence_kwargs(competition)
    refs = []
    for department_id in campaign_evidence_departments(competition):
        refs += record(**{**kwargs, "department_id": department_id})
    return refs


# --- What other apps read: a staff member's placings (recognition's supporting facts) -----------------------


@dataclass(frozen=True)
class StaffAward:
    competition: str
    competition_en: str
    award: str
    award_en: str
    rank: int
    issued_on: dt.date


def staff_awards(staff_ids, start: dt.date, end: dt.date) -> dict[int, list[StaffAward]]:
    """{staff id: [StaffAward]}: the valid certificates of placed contestants issued on the days ``start``..``end``
    (both included), oldest first; one query for any number of staff members."""
    from qualityservice.core.indicators import Period

    ids = sorted(set(staff_ids))
    lower, upper = Period(start, end).bounds()
    out: dict[int, list[StaffAward]] = {pk: [] for pk in ids}
    rows = (Certificate.objects.filter(contestant__staff_id__in=ids, status=Certificate.Status.VALID, issued_at__gte=lower,
                                       issued_at__lt=upper)
            .values("contestant__staff_id", "competition__title", "competition__title_en", "award", "award_en", "rank", "issued_at")
            .order_by("issued_at", "pk"))
    for row in rows:
        out[row["contestant__staff_id"]].append(StaffAward(
            row["competition__title"], row["competition__title_en"], row["award"], row["award_en"], row["rank"],
            timezone.localtime(row["issued_at"]).date()))
    return out
