"""What views, the import and the demo do with training sessions: create once per form
(``core.submissions``), change a session under a row lock, check attendees, import a workbook all or nothing,
and the hours figures the pages, exports and indicators share (one formula, written once here)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext

from qualityservice.core.exports import SpreadsheetError, read_xlsx_rows
from qualityservice.core.imports import clean, map_header
from qualityservice.core.indicators import Period
from qualityservice.core.notifications import notify
from qualityservice.core.permissions import department_scope, user_role
from qualityservice.core.registry import optional_function
from qualityservice.core.roles import Role
from qualityservice.core.submissions import create_once, scoped
from qualityservice.org.models import Department, Staff

from .models import MAX_HOURS, MIN_HOURS, Attendance, ImportBatch, Level, TrainingSession

EDITABLE_FIELDS = ("department", "topic", "topic_en", "date", "hours", "trainer", "level", "note")
EARLIEST = dt.date(2000, 1, 1)  # a typo guard: no session before the platform's records begin
HOURS = DecimalField(max_digits=9, decimal_places=1)
ZERO = Decimal("0")


# --- Rules shared by the form and the import ------------------------------------------------------


def hours_error(hours: Decimal | None) -> str | None:
    """The message for hours outside 0 < hours ≤ 24 or with more than one decimal, else None."""
    if hours is None or not hours.is_finite() or hours <= MIN_HOURS or hours > MAX_HOURS:
        return pgettext("training", "Hours must be more than 0 and at most 24 per session.")
    if hours.as_tuple().exponent < -1 and hours != hours.quantize(Decimal("0.1")):
        return pgettext("training", "Hours take at most one decimal place (e.g. 1.5).")
    return None


def date_error(day: dt.date | None, *, today: dt.date | None = None) -> str | None:
    """A session is recorded once held: not in the future, not before 2000."""
    today = today or timezone.localdate()
    if day is None:
        return pgettext("training", "Enter the date of the session.")
    if day > today:
        return pgettext("training", "The date %(date)s is in the future: record a session once it has been held.") % {
            "date": day.isoformat()}
    if day < EARLIEST:
        return pgettext("training", "The date %(date)s is before 2000: check the year.") % {"date": day.isoformat()}
    return None


def attendee_errors(department: Department, attendees: Iterable[Staff]) -> list[str]:
    """Attendees must be on the staff of the session's department."""
    return [
        pgettext("training", "%(name)s (%(badge)s) is not on the staff of %(department)s.")
        % {"name": s.name, "badge": s.badge_number, "department": department.display_name}
        for s in attendees if s.department_id != department.pk
    ]


def eligible_attendees(department: Department | None, session: TrainingSession | None = None) -> QuerySet:
    """Who may be ticked on the form: the department's active staff, plus those already on the session."""
    if department is None:
        return Staff.objects.none()
    condition = Q(department=department, is_active=True)
    if session is not None and session.pk:
        condition |= Q(department=department, training_attendances__session=session)
    return Staff.objects.filter(condition).distinct().order_by("badge_number")


def _validate(department, date, hours, attendees) -> None:
    errors = {}
    if message := date_error(date):
        errors["date"] = message
    if message := hours_error(hours):
        errors["hours"] = message
    if not attendees:
        errors["attendees"] = pgettext("training", "Choose at least one attendee.")
    elif wrong := attendee_errors(department, attendees):
        errors["attendees"] = wrong
    if errors:
        raise ValidationError(errors)


# --- Creating and changing sessions ------------------------------------------------------------


def _tell_heads(department_ids: Sequence[int], *, by, subject: str, body: str, url: str) -> None:
    """The supervisor recorded training for a department: its head is told (a head recording their own is not)."""
    if user_role(by) in (Role.SUPERVISOR, Role.ADMIN) and department_ids:
        notify(heads_of=sorted(set(department_ids)), subject=subject, body=body, url=url, webhook=False)


def create_session(*, key: str | None, by, department: Department, topic: str, date: dt.date, hours: Decimal,
                   trainer: str, level: str, attendees: Sequence[Staff], topic_en: str = "", note: str = "",
                   notify_heads: bool = True) -> tuple[TrainingSession, bool]:
    """A new session with its attendees, once per form: the same ``key`` again (a double click, a resent POST,
    two requests at once) returns the first request's session and ``created=False``. Raises ValidationError
    (nothing saved) for bad hours, a date in the future or an attendee of another department."""
    _validate(department, date, hours, attendees)

    def create(stored_key):
        session = TrainingSession.objects.create(
            department=department, topic=topic, topic_en=topic_en, date=date, hours=hours, trainer=trainer, level=level,
            note=note, submission_key=stored_key, created_by=by if getattr(by, "is_authenticated", False) else None)
        Attendance.objects.bulk_create([Attendance(session=session, staff=s) for s in attendees])
        record_campaign_evidence(session)
        if notify_heads:
            _tell_heads([department.pk], by=by, subject=pgettext("training", "Training recorded: %(topic)s") % {"topic": topic},
                        body=pgettext("training", "%(date)s, %(hours)s hours, %(n)d attendees.")
                        % {"date": date.isoformat(), "hours": hours, "n": len(attendees)}, url=session.get_absolute_url())
        return session

    return create_once(TrainingSession, scoped("training-session", key), create)


@transaction.atomic
def update_session(session: TrainingSession, *, attendees: Sequence[Staff], **fields) -> TrainingSession:
    """Change a session's ``EDITABLE_FIELDS`` and its attendees, under a row lock; checked like a new one."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
    for name, value in fields.items():
        setattr(locked, name, value)
    _validate(locked.department, locked.date, locked.hours, attendees)
    locked.save(update_fields=list(fields))
    wanted = {s.pk for s in attendees}
    current = set(locked.attendances.values_list("staff_id", flat=True))
    locked.attendances.filter(staff_id__in=current - wanted).delete()
    Attendance.objects.bulk_create([Attendance(session=locked, staff_id=pk) for pk in sorted(wanted - current)])
    record_campaign_evidence(locked)  # the same evidence row, its title and date brought up to date
    return locked


def record_campaign_evidence(session: TrainingSession) -> list:
    """The session as evidence on the department's campaign activity carried by training (三(四)), through
    ``campaigns.services.record_evidence``: nothing when the campaigns app is absent, no campaign covers the
    date or the department has not adopted such an activity."""
    record = optional_function("qualityservice.campaigns", "services", "record_evidence")
    return record(**campaign_evidence_kwargs(session)) if record else []


def campaign_evidence_kwargs(session: TrainingSession) -> dict:
    """The keyword arguments of ``campaigns.services.record_evidence`` for a saved session (the campaign's
    training activity, carrier ``training``), used by :func:`record_campaign_evidence`."""
    department = session.department
    return {
        "department_id": session.department_id,
        "carrier": "training",
        "source": session,
        "title": f"培训：{session.topic}（{department.name} {session.date.isoformat()}）",
        "title_en": f"Training: {session.topic_en or session.topic} ({department.name_en or department.name} "
                    f"{session.date.isoformat()})",
        "url": session.get_absolute_url(),
        "occurred_on": session.date,
        "public": False,
    }


# --- Hours: one formula for the pages, the exports and the indicators ------------------------------


def attendee_hours(department_ids: Sequence[int], period: Period) -> dict[int, dict[str, Decimal]]:
    """{department: {level: attendee-hours}}: each attendance counts its session's hours; sessions of the
    department dated in the period. One GROUP BY query."""
    rows = (
        Attendance.objects.filter(session__department_id__in=department_ids, session__date__gte=period.start,
                                  session__date__lte=period.end)
        .values("session__department_id", "session__level").annotate(h=Sum("session__hours")).order_by()
    )
    result: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row in rows:
        result[row["session__department_id"]][row["session__level"]] = Decimal(row["h"] or 0)
    return result


def headcount(department_ids: Sequence[int]) -> dict[int, int]:
    """Active staff per department today (there is no headcount history): one GROUP BY query."""
    rows = Staff.objects.filter(department_id__in=department_ids, is_active=True).values("department_id").annotate(
        n=Count("pk")).order_by()
    return {row["department_id"]: row["n"] for row in rows}


def per_staff(total: Decimal, people: int) -> Decimal | None:
    """Hours per staff member, to one decimal; None without staff."""
    if not people:
        return None
    return (Decimal(total) / people).quantize(Decimal("0.1"))


@dataclass
class Totals:
    """A department's training in a period."""

    department: Department
    headcount: int = 0
    sessions: dict[str, int] = field(default_factory=dict)  # level -> sessions held
    hours_held: dict[str, Decimal] = field(default_factory=dict)  # level -> hours of the sessions themselves
    attendee_hours: dict[str, Decimal] = field(default_factory=dict)  # level -> hours × attendees
    trained: int = 0  # distinct staff who attended at least one session

    @property
    def session_count(self) -> int:
        return sum(self.sessions.values())

    @property
    def total_attendee_hours(self) -> Decimal:
        return sum(self.attendee_hours.values(), ZERO)

    @property
    def hours_per_staff(self) -> Decimal | None:
        return per_staff(self.total_attendee_hours, self.headcount)

    def by_level(self) -> list[tuple[str, str, int, Decimal]]:
        """(level, label, sessions, attendee-hours) for every level, in the choices' order."""
        return [(value, label, self.sessions.get(value, 0), self.attendee_hours.get(value, ZERO))
                for value, label in Level.choices]


def department_totals(departments: Sequence[Department], period: Period) -> list[Totals]:
    """Totals per department in the period, in the order given: four GROUP BY queries for any number."""
    ids = [d.pk for d in departments]
    totals = {d.pk: Totals(department=d) for d in departments}
    for row in (TrainingSession.objects.filter(department_id__in=ids, date__gte=period.start, date__lte=period.end)
                .values("department_id", "level").annotate(n=Count("pk"), h=Sum("hours")).order_by()):
        totals[row["department_id"]].sessions[row["level"]] = row["n"]
        totals[row["department_id"]].hours_held[row["level"]] = Decimal(row["h"] or 0)
    for department_id, levels in attendee_hours(ids, period).items():
        totals[department_id].attendee_hours = levels
    for row in (Attendance.objects.filter(session__department_id__in=ids, session__date__gte=period.start,
                                          session__date__lte=period.end)
                .values("session__department_id").annotate(n=Count("staff", distinct=True)).order_by()):
        totals[row["session__department_id"]].trained = row["n"]
    for department_id, n in headcount(ids).items():
        totals[department_id].headcount = n
    return [totals[pk] for pk in ids]


def staff_with_hours(staff: QuerySet, period: Period) -> QuerySet:
    """``staff`` annotated with their hours in the period — ``hours`` in all and ``hours_<level>`` per level —
    and ``sessions`` attended: one query (a LEFT JOIN and GROUP BY staff), staff without training at 0."""
    in_period = Q(training_attendances__session__date__gte=period.start, training_attendances__session__date__lte=period.end)
    hours = "training_attendances__session__hours"

    def total(condition):
        return Coalesce(Sum(hours, filter=condition), Value(ZERO), output_field=HOURS)

    levels = {f"hours_{value}": total(in_period & Q(training_attendances__session__level=value)) for value in Level.values}
    return staff.annotate(hours=total(in_period), sessions=Count("training_attendances", filter=in_period), **levels)


def attendances_of(staff: Staff, period: Period) -> list[Attendance]:
    """A staff member's own record: the sessions they attended in the period, newest first (one query)."""
    return list(Attendance.objects.filter(staff=staff, session__date__gte=period.start, session__date__lte=period.end)
                .select_related("session__department").order_by("-session__date", "-session_id"))


# --- Excel import: all or nothing ------------------------------------------------------------------

# Column key -> the header names accepted (Chinese as in the template, English, case-insensitive).
COLUMNS = {
    "department": ("部门", "department"),
    "date": ("日期", "date"),
    "topic": ("主题", "topic"),
    "topic_en": ("主题（英文）", "主题(英文)", "topic (english)", "topic_en"),
    "hours": ("学时", "hours"),
    "trainer": ("培训人", "trainer"),
    "level": ("层级", "level"),
    "attendees": ("参训人员工号", "attendees", "attendee badge numbers"),
    "note": ("备注", "note"),
}
REQUIRED = ("date", "topic", "hours", "trainer", "level", "attendees")
TEMPLATE_HEADERS = ("部门", "日期", "主题", "主题（英文）", "学时", "培训人", "层级", "参训人员工号", "备注")
_SEPARATORS = re.compile(r"[\s,，、;；]+")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@dataclass
class RowError:
    row: int  # the spreadsheet's row number (the header is row 1)
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    batch: ImportBatch | None = None
    created: int = 0
    repeated: bool = False  # the same upload form again: its first import stands

    @property
    def ok(self) -> bool:
        return not self.errors and self.batch is not None


@dataclass
class _Row:
    number: int
    department: Department
    topic: str
    topic_en: str
    date: dt.date
    hours: Decimal
    trainer: str
    level: str
    note: str
    attendees: list[Staff]


_text = clean  # a cell as text (core.imports)


def parse_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    m = _DATE.match(_text(value))
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def parse_hours(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        hours = Decimal(str(value).strip()) if not isinstance(value, float) else Decimal(repr(value))
    except InvalidOperation:
        return None
    return hours if hours.is_finite() else None


def _level_lookup() -> dict[str, str]:
    """Level cells: the Chinese names of the template, the English ones, the stored values, the reader's labels."""
    lookup = {"管理": Level.MANAGEMENT, "技术": Level.TECHNICAL, "一线": Level.FRONTLINE, "management": Level.MANAGEMENT,
              "technical": Level.TECHNICAL, "frontline": Level.FRONTLINE, "front-line": Level.FRONTLINE}
    lookup.update({str(label).lower(): value for value, label in Level.choices})
    return lookup


def _header_map(header: tuple) -> tuple[dict[str, int], list[str]]:
    found = map_header(header, {key: [a.lower() for a in aliases] for key, aliases in COLUMNS.items()})
    missing = [COLUMNS[key][0] for key in REQUIRED if key not in found]
    return found, missing


def import_sessions(upload, *, by, key: str | None) -> ImportResult:
    """Read a workbook of sessions (one row per session, attendees by badge number in one cell) and create
    them all, or none: every row is checked first and each problem reported with its row number; only a
    file without problems is saved, in one transaction. The upload form's key makes a resent upload return
    the first import (``repeated``)."""
    stored = scoped("training-import", key)
    if stored and (existing := ImportBatch.objects.filter(submission_key=stored).first()) is not None:
        return ImportResult(batch=existing, created=existing.sessions.count(), repeated=True)
    try:
        rows = read_xlsx_rows(upload, max_rows=settings.QS_TRAINING_IMPORT_MAX_ROWS)
    except SpreadsheetError as exc:
        return ImportResult(errors=[RowError(0, str(exc))])
    parsed, errors = _check_rows(rows, by=by)
    if errors:
        return ImportResult(errors=errors)

    def create(stored_key):
        batch = ImportBatch.objects.create(file_name=getattr(upload, "name", "")[:200], submission_key=stored_key,
                                           created_by=by if getattr(by, "is_authenticated", False) else None)
        attendances = []
        for row in parsed:
            session = TrainingSession.objects.create(
                department=row.department, topic=row.topic, topic_en=row.topic_en, date=row.date, hours=row.hours,
                trainer=row.trainer, level=row.level, note=row.note, batch=batch, created_by=batch.created_by)
            attendances += [Attendance(session=session, staff=s) for s in row.attendees]
            record_campaign_evidence(session)  # an imported session counts as one entered by hand
        Attendance.objects.bulk_create(attendances, batch_size=1000)
        _tell_heads([row.department.pk for row in parsed], by=by,
                    subject=pgettext("training", "Training imported: %(n)d sessions") % {"n": len(parsed)},
                    body=batch.file_name, url=reverse("training:list"))
        return batch

    batch, created = create_once(ImportBatch, stored, create)
    return ImportResult(batch=batch, created=batch.sessions.count(), repeated=not created)


def _check_rows(rows: list[tuple], *, by) -> tuple[list[_Row], list[RowError]]:
    """Every row checked against the same rules as the form, with a constant number of queries (departments,
    staff by badge number, sessions already recorded)."""
    if not rows:
        return [], [RowError(0, pgettext("training", "The file has no sessions."))]
    columns, missing = _header_map(rows[0])
    if missing:
        return [], [RowError(1, pgettext("training", "The first row must name the columns; missing: %(columns)s.")
                             % {"columns": "、".join(missing)})]
    data = [(n, row) for n, row in enumerate(rows[1:], start=2) if any(_text(c) for c in row)]
    if not data:
        return [], [RowError(0, pgettext("training", "The file has no sessions."))]

    def cell(row, key):
        index = columns.get(key)
        return row[index] if index is not None and index < len(row) else None

    scope = department_scope(by)
    departments = Department.objects.centres()
    if scope is not None:
        departments = departments.filter(pk__in=scope)
    by_name = {}
    for d in departments:
        for name in (d.code, d.name, d.name_en):
            if name:
                by_name[name.lower()] = d
    own = next(iter(by_name.values())) if scope is not None and len({d.pk for d in by_name.values()}) == 1 else None
    badges = {b for _n, row in data for b in _SEPARATORS.split(_text(cell(row, "attendees"))) if b}
    staff = {s.badge_number.lower(): s for s in Staff.objects.filter(badge_number__in=badges | {b.upper() for b in badges})}
    levels = _level_lookup()
    today = timezone.localdate()

    parsed: list[_Row] = []
    errors: list[RowError] = []
    for number, row in data:
        problems: list[str] = []
        name = _text(cell(row, "department"))
        department = by_name.get(name.lower()) if name else own
        if department is None:
            problems.append(pgettext("training", "department “%(name)s” is unknown or not yours") % {"name": name} if name
                            else pgettext("training", "the department is missing"))
        topic, topic_en, trainer = _text(cell(row, "topic")), _text(cell(row, "topic_en")), _text(cell(row, "trainer"))
        if not topic:
            problems.append(pgettext("training", "the topic is missing"))
        elif len(topic) > 120:
            problems.append(pgettext("training", "the topic is longer than 120 characters"))
        if len(topic_en) > 200:
            problems.append(pgettext("training", "the English topic is longer than 200 characters"))
        if not trainer:
            problems.append(pgettext("training", "the trainer is missing"))
        elif len(trainer) > 60:
            problems.append(pgettext("training", "the trainer is longer than 60 characters"))
        raw_date = cell(row, "date")
        day = parse_date(raw_date)
        if day is None:
            problems.append(pgettext("training", "“%(value)s” is not a date (e.g. 2026-03-05)") % {"value": _text(raw_date)})
        elif message := date_error(day, today=today):
            problems.append(message)
        raw_hours = cell(row, "hours")
        hours = parse_hours(raw_hours)
        if hours is None:
            problems.append(pgettext("training", "“%(value)s” is not a number of hours") % {"value": _text(raw_hours)})
        elif message := hours_error(hours):
            problems.append(message)
        level = levels.get(_text(cell(row, "level")).lower())
        if level is None:
            problems.append(pgettext("training", "level “%(value)s”: write 管理, 技术 or 一线") % {"value": _text(cell(row, "level"))})
        attendees, unknown, elsewhere = [], [], []
        for badge in dict.fromkeys(b for b in _SEPARATORS.split(_text(cell(row, "attendees"))) if b):
            person = staff.get(badge.lower())
            if person is None:
                unknown.append(badge)
            elif department is not None and person.department_id != department.pk:
                elsewhere.append(f"{person.name} ({person.badge_number})")
            else:
                attendees.append(person)
        if unknown:
            problems.append(pgettext("training", "unknown badge numbers: %(badges)s") % {"badges": "、".join(unknown)})
        if elsewhere and department is not None:
            problems.append(pgettext("training", "not on the staff of %(department)s: %(names)s")
                            % {"department": department.display_name, "names": "、".join(elsewhere)})
        if not attendees and not unknown and not elsewhere:
            problems.append(pgettext("training", "no attendees"))
        if problems:
            errors.append(RowError(number, pgettext("training", "; ").join(problems)))
            continue
        parsed.append(_Row(number, department, topic, topic_en, day, hours.quantize(Decimal("0.1")), trainer, level,
                           _text(cell(row, "note")), attendees))
    errors += _duplicates(parsed)
    return parsed, sorted(errors, key=lambda e: e.row)


def _duplicates(parsed: list[_Row]) -> list[RowError]:
    """A session already recorded (same department, date and topic), or twice in the file: importing a file
    twice must not double anyone's hours."""
    errors = []
    seen: dict[tuple, int] = {}
    if not parsed:
        return errors
    recorded = set(TrainingSession.objects.filter(
        department_id__in={r.department.pk for r in parsed}, date__in={r.date for r in parsed},
        topic__in={r.topic for r in parsed}).values_list("department_id", "date", "topic"))
    for row in parsed:
        key = (row.department.pk, row.date, row.topic)
        if key in recorded:
            errors.append(RowError(row.number, pgettext("training", "already recorded: %(topic)s on %(date)s")
                                   % {"topic": row.topic, "date": row.date.isoformat()}))
        elif key in seen:
            errors.append(RowError(row.number, pgettext("training", "the same session as row %(row)d") % {"row": seen[key]}))
        else:
            seen[key] = row.number
    return errors
