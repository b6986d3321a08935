"""Services of inspections and rectifications: each checks, then acts, inside one transaction.

Status moves go through the app's two workflows (``workflows.INSPECTION``, ``workflows.RECTIFICATION``) on
the platform's one engine; the functions here gather and validate what a move needs."""

from __future__ import annotations

import calendar
import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Prefetch, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qualityservice.core.i18n import pick
from qualityservice.core.notifications import notify
from qualityservice.core.permissions import department_scope, user_role
from qualityservice.core.registry import optional_function
from qualityservice.core.roles import GROUP_WIDE_ROLES
from qualityservice.core.workflow import TransitionError

from . import scoring
from .models import (
    AnswerPhoto,
    ChecklistItem,
    ChecklistSection,
    Dimension,
    Evidence,
    Finding,
    Inspection,
    InspectionAnswer,
    InspectionCorrection,
    InspectionSchedule,
    Kind,
    Opinion,
    Result,
    SectionScore,
)
from .uploads import clean_file, clean_image
from .workflows import INSPECTION, RECTIFICATION, answer_errors, record_note

log = logging.getLogger(__name__)


def rectification_days() -> int:
    return int(getattr(settings, "QS_INSPECTIONS_RECTIFICATION_DAYS", 7))


# --- Permissions beyond scoping -------------------------------------------------------------------


def is_group_wide(user) -> bool:
    return user_role(user) in GROUP_WIDE_ROLES


def can_fill(user, inspection: Inspection) -> bool:
    """Whether ``user`` may fill ``inspection`` now: the rule of its "submit" move (open; supervisors fill
    every kind, a department head only self-checks of their department)."""
    return INSPECTION.may(user, "submit", inspection)


def can_answer_finding(user, finding: Finding) -> bool:
    return RECTIFICATION.may(user, "answer", finding)


def can_verify(user, finding: Finding) -> bool:
    return RECTIFICATION.may(user, "accept", finding)


def allowed_kinds(user) -> list[str]:
    return list(Kind.values) if is_group_wide(user) else [Kind.SELF]


# --- Filling -------------------------------------------------------------------------------------


def template_structure(template_id: int) -> list[ChecklistSection]:
    """Sections with their items (2 queries)."""
    return list(
        ChecklistSection.objects.filter(template_id=template_id)
        .order_by("order", "pk")
        .prefetch_related(Prefetch("items", queryset=ChecklistItem.objects.order_by("order", "pk")))
    )


def parse_score(raw) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"score": _("Enter a number.")}) from None
    if not value.is_finite():
        raise ValidationError({"score": _("Enter a number.")})
    return value


def validate_answer(item: ChecklistItem, result: str, score: Decimal | None) -> Decimal | None:
    """Check one answer against its item; returns the score to store."""
    if item.is_scored:
        if result == Result.NA:
            return None
        if result not in (Result.SCORE,):
            raise ValidationError({"result": _("This item is scored: enter a score or mark it N/A.")})
        if score is None:
            raise ValidationError({"score": _("Enter a score.")})
        if score < 0 or score > item.max_score:
            raise ValidationError(
                {"score": _("The score must be between 0 and %(max)d.") % {"max": item.max_score}}
            )
        if score != score.quantize(Decimal("0.01")):
            raise ValidationError({"score": _("Use at most two decimals.")})
        return score
    if result not in (Result.PASS, Result.FAIL, Result.NA):
        raise ValidationError({"result": _("Choose pass, fail or N/A.")})
    return None


def start_inspection(inspection: Inspection, user) -> Inspection:
    """Move a due inspection to draft (its "start" move) when it is first opened, answered or given an
    opinion; nothing when it is already started. ``user`` None: code without a user (imports, demo data)."""
    if inspection.status != Inspection.Status.DUE:
        return inspection
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if locked.status == Inspection.Status.DUE:  # under the lock: two first answers start it once
            INSPECTION.apply(locked, "start", by=user, system=user is None)
    inspection.refresh_from_db()
    return inspection


def save_answer(inspection: Inspection, item: ChecklistItem, *, result: str, score, note: str, photos=(), user=None) -> InspectionAnswer:
    """Save one item's answer (autosave). All-or-nothing: an invalid photo saves nothing."""
    if not inspection.is_open:
        raise ValidationError(_("This inspection has been submitted and can no longer be changed."))
    if item.section.template_id != inspection.template_id:
        raise ValidationError(_("This item does not belong to the inspection's checklist."))
    score = validate_answer(item, result, parse_score(score) if not isinstance(score, Decimal) else score)
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationError({"note": _("The note is too long (2000 characters at most).")})
    cleaned = []
    errors = []
    for upload in photos:
        try:
            cleaned.append(clean_image(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"photo": errors})
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if not locked.is_open:
            raise ValidationError(_("This inspection has been submitted and can no longer be changed."))
        start_inspection(locked, user)
        answer, _created = InspectionAnswer.objects.update_or_create(
            inspection=locked, item=item, defaults={"result": result, "score": score, "note": note}
        )
        for content in cleaned:
            photo = AnswerPhoto(answer=answer, uploaded_by=user)
            photo.image.save(content.name, content, save=False)
            photo.save()
    return answer


def add_opinion(inspection: Inspection, *, given_by: str, content: str, needs_rectification: bool, user=None) -> Opinion:
    if not inspection.is_open:
        raise ValidationError(_("This inspection has been submitted and can no longer be changed."))
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if not locked.is_open:
            raise ValidationError(_("This inspection has been submitted and can no longer be changed."))
        start_inspection(locked, user)
        return Opinion.objects.create(inspection=inspection, given_by=given_by.strip(), content=content.strip(),
                                      needs_rectification=needs_rectification)


def score_inputs(sections, answers_by_item: dict) -> list[scoring.SectionInput]:
    out = []
    for section in sections:
        items = []
        for item in section.items.all():
            answer = answers_by_item.get(item.pk)
            items.append(
                scoring.ItemInput(
                    weight=item.weight,
                    result=answer.result if answer else None,
                    score=answer.score if answer else None,
                    max_score=item.max_score if item.is_scored else 1,
                    critical=item.is_critical,
                    key=item.pk,
                )
            )
        out.append(scoring.SectionInput(weight=section.weight, items=tuple(items), key=section.pk))
    return out


def completeness_errors(inspection: Inspection, sections, answers_by_item: dict) -> list[str]:
    """What stops a submission: unanswered items, failed items lacking a required note or photo."""
    errors = []
    for section in sections:
        for item in section.items.all():
            answer = answers_by_item.get(item.pk)
            label = f"{section.display_title} · {item.display_text}"
            if answer is None:
                errors.append(_("%(item)s: not answered.") % {"item": label})
                continue
            failed = scoring.item_failed(
                scoring.ItemInput(result=answer.result, score=answer.score, max_score=item.max_score if item.is_scored else 1)
            )
            if failed and item.note_on_fail and not answer.note:
                errors.append(_("%(item)s: a failed item needs a note.") % {"item": label})
            if failed and item.photo_on_fail and not answer.photos.all():
                errors.append(_("%(item)s: a failed item needs a photo.") % {"item": label})
    return errors


def _answers(inspection: Inspection) -> dict:
    return {a.item_id: a for a in inspection.answers.prefetch_related("photos")}


def submit_inspection(inspection: Inspection, user, *, location: str = "", summary: str = "") -> Inspection:
    """Submit: the inspection's "submit" move (scores, findings, lock). A second submission is refused with
    a TransitionError saying it is already done, and changes nothing."""
    return INSPECTION.apply(inspection, "submit", by=user, location=location, summary=summary)


def complete_submission(locked: Inspection, *, by, now, location: str = "", summary: str = "") -> None:
    """The work of the "submit" move on the locked row (called by its handler): check completeness, score,
    store section scores and findings, tell the department. Raises TransitionError with what is missing."""
    sections = template_structure(locked.template_id) if locked.template_id else []
    answers = _answers(locked)
    errors = completeness_errors(locked, sections, answers)
    opinions = list(locked.opinions.all())
    if locked.kind == Kind.VISIT and not opinions and not answers:
        errors.append(_("Record at least one opinion of the office visited."))
    if not sections and locked.kind != Kind.VISIT:
        errors.append(_("This inspection has no checklist."))
    if errors:
        raise TransitionError(errors)
    result = scoring.compute_score(score_inputs(sections, answers), pass_mark=locked.pass_mark)
    locked.submitted_at = now
    locked.score, locked.passed, locked.critical_failed = result.score, result.passed, result.critical_failed
    locked.location = location[:200] or locked.location
    locked.summary = summary or locked.summary
    locked.inspector = locked.inspector or by
    locked.started_at = locked.started_at or now
    locked._change_reason = "submitted"  # the audit history's record of the submission
    _store_section_scores(locked, sections, result)
    deadline = timezone.localdate() + datetime.timedelta(days=rectification_days())
    items = {i.pk: (s, i) for s in sections for i in s.items.all()}
    findings = []
    for item_pk in result.failed_items:
        section, item = items[item_pk]
        answer = answers[item_pk]
        problem, problem_en = Finding.item_problem(section, item, answer.note)
        needs = item.rectification_on_fail
        findings.append(Finding(
            inspection=locked, department_id=locked.department_id, source=Finding.Source.ITEM, answer=answer, problem=problem,
            problem_en=problem_en,
            status=Finding.Status.OPEN if needs else Finding.Status.NOTED, deadline=deadline if needs else None,
        ))
    for opinion in opinions:
        prefix = f"{opinion.given_by}：" if opinion.given_by else ""
        findings.append(Finding(
            inspection=locked, department_id=locked.department_id, source=Finding.Source.OPINION, opinion=opinion,
            problem=prefix + opinion.content,
            status=Finding.Status.OPEN if opinion.needs_rectification else Finding.Status.NOTED,
            deadline=deadline if opinion.needs_rectification else None,
        ))
    for finding in findings:
        finding.save()  # created in its first status (no move); few rows; save() keeps simple_history's records
        record_note(finding, "found", by=by, from_status="", title=locked.title)
    _notify_department_of_findings(locked, [f for f in findings if f.status == Finding.Status.OPEN])
    if locked.kind == Kind.SELF:
        record_self_check_evidence(locked)


def _store_section_scores(inspection: Inspection, sections, result: scoring.ScoreResult) -> None:
    SectionScore.objects.filter(inspection=inspection).delete()
    SectionScore.objects.bulk_create([
        SectionScore(inspection=inspection, section=s, dimension=s.dimension, score=result.section_scores[s.pk])
        for s in sections if s.pk in result.section_scores
    ])


def _notify_department_of_findings(inspection: Inspection, findings: list[Finding]) -> None:
    if not findings:
        return
    notify(
        heads_of=[inspection.department_id],
        subject=_("%(n)d item(s) to rectify: %(title)s") % {"n": len(findings), "title": inspection.title},
        body=_("The inspection “%(title)s” found problems that need rectification by %(deadline)s.")
        % {"title": inspection.title, "deadline": findings[0].deadline},
        url=reverse("inspections:ledger"), webhook=False,
    )


def status_events(inspection: Inspection) -> list:
    """The inspection's status moves (core.WorkflowEvent), oldest first, each with its sentence (``text``)."""
    from qualityservice.core.models import WorkflowEvent

    events = list(WorkflowEvent.for_object(inspection).select_related("actor__staff"))
    for event in events:
        event.text = INSPECTION.describe(event.action, event.params)
    return events


# --- Corrections of submitted inspections ----------------------------------------------------


@transaction.atomic
def correct_answer(inspection: Inspection, item: ChecklistItem, *, result: str, score, reason: str, user) -> InspectionCorrection:
    """The only way to change a submitted inspection: recorded, by the supervisor, with a reason."""
    if not is_group_wide(user):
        raise ValidationError(_("Only the supervisor may correct a submitted inspection."))
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if locked.status != Inspection.Status.SUBMITTED:
        raise ValidationError(_("Only submitted inspections are corrected; open ones are simply edited."))
    if item.section.template_id != locked.template_id:
        raise ValidationError(_("This item does not belong to the inspection's checklist."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    score = validate_answer(item, result, parse_score(score) if not isinstance(score, Decimal) else score)
    answer = InspectionAnswer.objects.filter(inspection=locked, item=item).first()
    old_result, old_score = (answer.result, answer.score) if answer else (Result.NA, None)
    if answer is None:
        answer = InspectionAnswer(inspection=locked, item=item)
    answer.result, answer.score = result, score
    answer.save()
    sections = template_structure(locked.template_id)
    outcome = scoring.compute_score(score_inputs(sections, _answers(locked)), pass_mark=locked.pass_mark)
    correction = InspectionCorrection.objects.create(
        inspection=locked, item=item, old_result=old_result, old_score=old_score, new_result=result, new_score=score,
        old_total=locked.score, new_total=outcome.score, reason=reason.strip(), corrected_by=user,
    )
    locked.score, locked.passed, locked.critical_failed = outcome.score, outcome.passed, outcome.critical_failed
    locked.save(update_fields=["score", "passed", "critical_failed"])
    _store_section_scores(locked, sections, outcome)
    if item.pk in outcome.failed_items and not Finding.objects.filter(answer=answer).exists():
        # The corrected item now fails: it becomes a finding like any failed item.
        needs = item.rectification_on_fail
        problem, problem_en = Finding.item_problem(item.section, item, answer.note)
        finding = Finding.objects.create(
            inspection=locked, department_id=locked.department_id, source=Finding.Source.ITEM, answer=answer,
            problem=problem, problem_en=problem_en,
            status=Finding.Status.OPEN if needs else Finding.Status.NOTED,
            deadline=timezone.localdate() + datetime.timedelta(days=rectification_days()) if needs else None,
        )
        record_note(finding, "found_by_correction", by=user, from_status="", reason=correction.reason)
    return correction


# --- Rectifications ---------------------------------------------------------------------------


def answer_finding(finding: Finding, *, actor, measure: str, owner, deadline: datetime.date, files=()) -> Finding:
    """The department's answer (the "answer" move): measure, owner, deadline (not in the past), evidence
    files. Field and file errors come together in one ValidationError; nothing is saved then."""
    errors = answer_errors(finding, measure=measure, owner=owner, deadline=deadline)
    cleaned = []
    file_errors = []
    for upload in files:
        try:
            cleaned.append((upload.name, *clean_file(upload)))
        except ValidationError as exc:
            file_errors.extend(exc.messages)
    if file_errors:
        errors["evidence"] = file_errors
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        updated = RECTIFICATION.apply(finding, "answer", by=actor, measure=measure, owner=owner, deadline=deadline)
        for original, content, is_image in cleaned:
            ev = Evidence(finding=updated, name=original[-200:], is_image=is_image, uploaded_by=actor)
            ev.file.save(content.name, content, save=False)
            ev.save()
    return updated


def verify_finding(finding: Finding, *, actor, accept: bool, reason: str = "") -> Finding:
    """The supervisor's verification: the "accept" move, or "return" with a reason."""
    return RECTIFICATION.apply(finding, "accept" if accept else "return", by=actor, note=reason)


# --- Link to feedback (optional app) -----------------------------------------------------------


def feedback_available() -> bool:
    return optional_function("qualityservice.feedback", "services", "create_feedback") is not None


def link_feedback(finding: Finding, *, actor) -> str:
    """Create a feedback record for the finding (once) and store its code. Returns the code."""
    if finding.feedback_code:
        return finding.feedback_code
    try:
        from qualityservice.feedback.services import create_feedback
    except ImportError:
        raise ValidationError(_("The feedback module is not available.")) from None
    inspection = finding.inspection
    ref = create_feedback(
        kind="complaint" if finding.source == Finding.Source.ITEM else "suggestion",
        channel="visit" if inspection.kind == Kind.VISIT else "inspection",
        department=finding.inspection.department, title=str(finding)[:100], body=finding.problem, place=inspection.place,
        anonymous=True, created_by=actor, source_ref=f"inspections.finding:{finding.pk}", submission_key=f"insp-finding-{finding.pk}",
    )
    code = ref.code  # feedback.services.FeedbackRef
    Finding.objects.filter(pk=finding.pk, feedback_code="").update(feedback_code=code)
    return code


# --- Evidence for the campaign (optional app) ---------------------------------------------------


def record_self_check_evidence(inspection: Inspection) -> None:
    """A submitted self-check (六查六看, 三(二)2) documents the department's adopted campaign activity carried by
    inspections: ``campaigns.services.record_evidence`` (idempotent by the inspection; nothing when the
    campaigns app is absent or no such activity is adopted). Called in the submission's transaction."""
    record = optional_function("qualityservice.campaigns", "services", "record_evidence")
    if record is None:
        return
    score = f"（{inspection.score}分）" if inspection.score is not None else ""
    record(department_id=inspection.department_id, carrier="inspections", source=inspection,
           title=f"六查六看自查：{inspection.title}{score}", title_en=f"Six checks (self-inspection): {inspection.title}{score}",
           url=inspection.get_absolute_url(), occurred_on=timezone.localdate(inspection.submitted_at))


def record_discussion_evidence(record) -> None:
    """A saved 大讨论 record (三(二)1) documents the same activity (see ``record_self_check_evidence``)."""
    evidence = optional_function("qualityservice.campaigns", "services", "record_evidence")
    if evidence is None:
        return
    evidence(department_id=record.department_id, carrier="inspections", source=record, title=f"大讨论：{record.topic}",
             title_en=f"Discussion: {record.topic}", url=record.get_absolute_url(), occurred_on=record.held_on)


# --- Periodic jobs ----------------------------------------------------------------------------


def _add_month(day: datetime.date, months: int = 1) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def occurrences(schedule: InspectionSchedule, until: datetime.date) -> list[datetime.date]:
    dates = []
    day = schedule.start_date
    end = min(until, schedule.end_date) if schedule.end_date else until
    n = 0
    while day <= end:
        dates.append(day)
        if schedule.recurrence == InspectionSchedule.Recurrence.ONCE:
            break
        n += 1
        day = (schedule.start_date + datetime.timedelta(weeks=n) if schedule.recurrence == InspectionSchedule.Recurrence.WEEKLY
               else _add_month(schedule.start_date, n))
    return dates


def generate_due_inspections(today: datetime.date | None = None, horizon_days: int = 7) -> int:
    """Create the due inspections of active schedules up to today + horizon (idempotent: one per date)."""
    today = today or timezone.localdate()
    created = 0
    for schedule in InspectionSchedule.objects.filter(is_active=True).select_related("template"):
        existing = set(schedule.inspections.values_list("due_date", flat=True))
        for day in occurrences(schedule, today + datetime.timedelta(days=horizon_days)):
            if day in existing or day < today - datetime.timedelta(days=31):
                continue
            try:
                with transaction.atomic():
                    Inspection.objects.create(
                        kind=schedule.kind, template=schedule.template, department_id=schedule.department_id, place_id=schedule.place_id,
                        schedule=schedule, title=schedule.title, due_date=day, pass_mark=schedule.template.pass_mark,
                    )
                created += 1
            except IntegrityError:  # another worker made it
                continue
    return created


def mark_missed_inspections(today: datetime.date | None = None) -> int:
    """Due or unfinished inspections whose date has passed become missed: the "miss" move for each, locked
    and recorded one by one (one that another worker moved first is skipped). Returns how many."""
    today = today or timezone.localdate()
    open_past_due = Inspection.objects.filter(status__in=[Inspection.Status.DUE, Inspection.Status.DRAFT], due_date__lt=today)
    return INSPECTION.apply_each(open_past_due.order_by("due_date", "pk"), "miss", today=today)


def escalate_overdue_rectifications(today: datetime.date | None = None) -> int:
    """Notify the supervisors and the department heads once per overdue rectification (atomic claim).
    No status changes: the timeline gets a row without an action."""
    today = today or timezone.localdate()
    candidates = list(
        Finding.objects.filter(status__in=Finding.OPEN_STATES, escalated_at__isnull=True, deadline__lt=today).values_list("pk", flat=True)[:500]
    )
    escalated = 0
    for pk in candidates:
        claimed = Finding.objects.filter(pk=pk, status__in=Finding.OPEN_STATES, escalated_at__isnull=True).update(escalated_at=timezone.now())
        if claimed != 1:
            continue
        finding = Finding.objects.select_related("department").get(pk=pk)
        record_note(finding, "escalated")
        notify(
            supervisors=True, heads_of=[finding.department_id],
            subject=_("Overdue rectification: %(dept)s") % {"dept": finding.department.display_name},
            body=_("“%(problem)s” was due on %(deadline)s.") % {"problem": str(finding), "deadline": finding.deadline},
            url=finding.get_absolute_url(),
        )
        escalated += 1
    return escalated


# --- Charts (aggregated in the database) ------------------------------------------------------

DIMENSIONS_SIX = [Dimension.SKILL, Dimension.ATTITUDE, Dimension.ENVIRONMENT, Dimension.WORKFLOW, Dimension.APPEARANCE,
                  Dimension.LANGUAGE]


def _month_label(value) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return value.strftime("%Y-%m")


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def scored_inspections(*, department_ids=None, since: datetime.date | None = None, until: datetime.date | None = None):
    """Submitted inspections with a score, submitted on the local days ``since`` … ``until`` (both
    included): what the charts and the inspection indicators (``indicators.py``) average."""
    qs = Inspection.objects.submitted().filter(score__isnull=False)
    if since is not None:
        qs = qs.filter(submitted_at__gte=_local_midnight(since))
    if until is not None:
        qs = qs.filter(submitted_at__lt=_local_midnight(until + datetime.timedelta(days=1)))
    return qs if department_ids is None else qs.filter(department_id__in=department_ids)


def chart_data(*, department_ids=None, since: datetime.date | None = None) -> dict:
    """Monthly average scores per department and per dimension (two aggregate queries)."""
    since = since or (timezone.localdate() - datetime.timedelta(days=365))
    base = scored_inspections(since=since)
    sections = SectionScore.objects.filter(inspection__status=Inspection.Status.SUBMITTED, inspection__submitted_at__date__gte=since,
                                           dimension__in=DIMENSIONS_SIX)
    if department_ids is not None:
        base = base.filter(department_id__in=department_ids)
        sections = sections.filter(inspection__department_id__in=department_ids)
    tz = timezone.get_current_timezone()
    by_dept = list(
        base.annotate(month=TruncMonth("submitted_at", tzinfo=tz)).values("month", "department_id", "department__name", "department__name_en")
        .annotate(avg=Avg("score"), n=Count("pk")).order_by("month", "department_id")
    )
    by_dim = list(
        sections.annotate(month=TruncMonth("inspection__submitted_at", tzinfo=tz)).values("month", "dimension")
        .annotate(avg=Avg("score")).order_by("month", "dimension")
    )
    months = sorted({_month_label(r["month"]) for r in by_dept} | {_month_label(r["month"]) for r in by_dim})
    departments: dict[int, dict] = {}
    for row in by_dept:
        entry = departments.setdefault(row["department_id"], {"name": pick(row["department__name"], row["department__name_en"]),
                                                              "values": {}})
        entry["values"][_month_label(row["month"])] = round(float(row["avg"]), 1)
    dims: dict[str, dict] = {d.value: {} for d in DIMENSIONS_SIX}
    for row in by_dim:
        dims[row["dimension"]][_month_label(row["month"])] = round(float(row["avg"]), 1)
    overall = {}
    for d in DIMENSIONS_SIX:
        vals = list(dims[d.value].values())
        overall[d.value] = round(sum(vals) / len(vals), 1) if vals else None
    return {
        "months": months,
        "departments": [{"name": e["name"], "data": [e["values"].get(m) for m in months]} for e in departments.values()],
        "dimensions": [{"name": str(d.label), "data": [dims[d.value].get(m) for m in months]} for d in DIMENSIONS_SIX],
        "radar": {"indicators": [{"name": str(d.label), "min": 50, "max": 100} for d in DIMENSIONS_SIX],
                  "values": [overall[d.value] for d in DIMENSIONS_SIX]},
        "labels": {"score": _("Score"), "departments": _("Score by department"), "dimensions": _("Score by dimension")},
    }


def ledger_counts(queryset, *, by_department: bool = False) -> dict:
    """The ledger's counts of ``queryset``; ``by_department``: {department id: counts} in one GROUP BY."""
    today = timezone.localdate()
    counts = {
        "total": Count("pk"),
        "open": Count("pk", filter=Q(status__in=Finding.OPEN_STATES)),
        "awaiting": Count("pk", filter=Q(status=Finding.Status.SUBMITTED)),
        "accepted": Count("pk", filter=Q(status=Finding.Status.ACCEPTED)),
        "overdue": Count("pk", filter=Q(status__in=Finding.OPEN_STATES, deadline__lt=today)),
    }
    if by_department:
        return {row.pop("department_id"): row for row in queryset.order_by().values("department_id").annotate(**counts)}
    return queryset.aggregate(**counts)


def visible_departments(user):
    from qualityservice.org.models import Department

    scope = department_scope(user)
    qs = Department.objects.filter(kind=Department.Kind.CENTRE, is_active=True)
    return qs if scope is None else qs.filter(pk__in=scope)



# --- What other apps read: critical failures (recognition's veto) -------------------------------------------


@dataclass(frozen=True)
class CriticalFailure:
    """A submitted inspection of the department in which a critical item failed (the item in Chinese and English)."""

    inspection_id: int
    title: str
    submitted_on: datetime.date
    item: str
    item_en: str


def critical_failures(department_ids, start: datetime.date, end: datetime.date) -> dict[int, list[CriticalFailure]]:
    """{department id: [CriticalFailure]} for inspections submitted on the days ``start``..``end`` (both included)
    with a failed critical item, oldest first: one query for any number of departments."""
    from qualityservice.core.indicators import Period

    ids = sorted(set(department_ids))
    lower, upper = Period(start, end).bounds()
    out: dict[int, list[CriticalFailure]] = {pk: [] for pk in ids}
    rows = (InspectionAnswer.objects.filter(inspection__department_id__in=ids, inspection__status=Inspection.Status.SUBMITTED,
                                            inspection__submitted_at__gte=lower, inspection__submitted_at__lt=upper,
                                            item__is_critical=True, result=Result.FAIL)
            .values("inspection_id", "inspection__department_id", "inspection__title", "inspection__submitted_at", "item__text",
                    "item__text_en").order_by("inspection__submitted_at", "pk"))
    for row in rows:
        out[row["inspection__department_id"]].append(CriticalFailure(
            row["inspection_id"], row["inspection__title"], timezone.localtime(row["inspection__submitted_at"]).date(),
            row["item__text"], row["item__text_en"]))
    return out
