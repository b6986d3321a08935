"""Self-inspection and rectification (product.md section C: 六查六看, 抽查, 暗访, 走访, 整改台账, 大讨论).

- ``ChecklistTemplate`` → ``ChecklistSection`` (weight, dimension of the six checks) → ``ChecklistItem``.
- ``Inspection``: one filled (or due) checklist of a department/place; ``InspectionAnswer`` per item with
  ``AnswerPhoto``s; ``Opinion``s recorded on supervision visits (走访).
- ``Finding``: a failed item or an opinion, with its rectification (整改: measure, owner, deadline,
  evidence, verification). One row of the rectification ledger (整改台账) per finding.
- ``DiscussionRecord``: the department's 大讨论 entries ("优质服务我应该做什么").
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from qualityservice.core.i18n import LocalisedTextMixin
from qualityservice.core.permissions import DepartmentScopedQuerySet, department_scope
from qualityservice.core.submissions import SubmissionKeyField

# --- Checklist templates -------------------------------------------------------------------


class Dimension(models.TextChoices):
    """The six checks of the plan (三(二)2 六查六看) plus "other" for non-six-check sections."""

    SKILL = "skill", _("Service skills")
    ATTITUDE = "attitude", _("Service attitude")
    ENVIRONMENT = "environment", _("Service environment")
    WORKFLOW = "workflow", _("Workflow")
    APPEARANCE = "appearance", _("Appearance")
    LANGUAGE = "language", pgettext_lazy("six checks", "Service language")
    OTHER = "other", _("Other")


class ChecklistTemplate(LocalisedTextMixin, models.Model):
    code = models.SlugField(pgettext_lazy("inspections", "code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    description = models.TextField(pgettext_lazy("inspections", "description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    pass_mark = models.DecimalField(
        _("pass mark"), max_digits=5, decimal_places=2, default=Decimal("80"),
        validators=[MinValueValidator(0), MaxValueValidator(100)], help_text=_("Score out of 100 needed to pass."),
    )
    is_active = models.BooleanField(pgettext_lazy("inspections", "active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.localised("name")

    @property
    def display_description(self) -> str:
        return self.localised("description")

    def get_absolute_url(self) -> str:
        return reverse("inspections:template_detail", args=[self.pk])


class ChecklistSection(LocalisedTextMixin, models.Model):
    template = models.ForeignKey(ChecklistTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("title"), max_length=100)
    title_en = models.CharField(_("title (English)"), max_length=150, blank=True)
    dimension = models.CharField(_("dimension"), max_length=12, choices=Dimension.choices, default=Dimension.OTHER)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=Decimal("1"),
                                 validators=[MinValueValidator(Decimal("0.01"))])
    order = models.PositiveIntegerField(_("order"), default=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("checklist section")
        verbose_name_plural = _("checklist sections")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="insp_section_weight_positive"),
            # Also makes a double-submitted "new section" form create one row.
            models.UniqueConstraint(fields=["template", "title"], name="insp_section_unique_title"),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.localised("title")


class AnswerType(models.TextChoices):
    PASS_FAIL = "pass_fail", _("Pass / fail")
    SCORE = "score", _("Score")


class ChecklistItem(LocalisedTextMixin, models.Model):
    section = models.ForeignKey(ChecklistSection, verbose_name=_("section"), on_delete=models.CASCADE, related_name="items")
    text = models.CharField(_("check"), max_length=200)
    text_en = models.CharField(_("check (English)"), max_length=300, blank=True)
    guidance = models.CharField(_("what to look at"), max_length=300, blank=True)
    guidance_en = models.CharField(_("what to look at (English)"), max_length=400, blank=True)
    answer_type = models.CharField(_("answer"), max_length=10, choices=AnswerType.choices, default=AnswerType.PASS_FAIL)
    max_score = models.PositiveSmallIntegerField(_("maximum score"), default=10, validators=[MinValueValidator(1), MaxValueValidator(1000)],
                                                 help_text=_("Only for scored items."))
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=Decimal("1"),
                                 validators=[MinValueValidator(Decimal("0.01"))])
    photo_on_fail = models.BooleanField(_("photo required on failure"), default=False)
    note_on_fail = models.BooleanField(_("note required on failure"), default=True)
    rectification_on_fail = models.BooleanField(_("rectification required on failure"), default=True)
    is_critical = models.BooleanField(_("critical"), default=False, help_text=_("A failure fails the whole inspection."))
    order = models.PositiveIntegerField(_("order"), default=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="insp_item_weight_positive"),
            models.UniqueConstraint(fields=["section", "text"], name="insp_item_unique_text"),
        ]

    def __str__(self) -> str:
        return self.display_text

    @property
    def display_text(self) -> str:
        return self.localised("text")

    @property
    def display_guidance(self) -> str:
        return self.localised("guidance")

    @property
    def is_scored(self) -> bool:
        return self.answer_type == AnswerType.SCORE


# --- Schedules and inspections ---------------------------------------------------------------


class Kind(models.TextChoices):
    SELF = "self", _("Self-check")
    SPOT = "spot", _("Spot check")
    UNANNOUNCED = "unannounced", _("Unannounced visit")
    VISIT = "visit", _("Supervision visit")


class ScheduleQuerySet(DepartmentScopedQuerySet):
    department_field = "department"


class InspectionSchedule(models.Model):
    class Recurrence(models.TextChoices):
        ONCE = "once", _("One-off")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.SELF)
    template = models.ForeignKey(ChecklistTemplate, verbose_name=_("checklist"), on_delete=models.PROTECT, related_name="schedules")
    department = models.ForeignKey("org.Department", verbose_name=_("department"), on_delete=models.CASCADE,
                                   related_name="inspection_schedules")
    place = models.ForeignKey("org.Place", verbose_name=_("place"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="inspection_schedules")
    recurrence = models.CharField(_("recurrence"), max_length=8, choices=Recurrence.choices, default=Recurrence.MONTHLY)
    start_date = models.DateField(_("first due date"))
    end_date = models.DateField(_("last date"), null=True, blank=True)
    is_active = models.BooleanField(pgettext_lazy("inspections", "active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    objects = ScheduleQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection schedule")
        verbose_name_plural = _("inspection schedules")
        ordering = ["department_id", "title"]
        constraints = [models.UniqueConstraint(fields=["department", "title"], name="insp_schedule_unique_title")]

    def __str__(self) -> str:
        return self.title


class InspectionQuerySet(DepartmentScopedQuerySet):
    department_field = "department"

    def visible_to(self, user):
        """Department scoping, and an unannounced visit stays invisible to the department (every
        non-group-wide user) until it is submitted — except to its own inspector."""
        qs = super().visible_to(user)
        if department_scope(user) is None:
            return qs
        return qs.exclude(Q(kind=Kind.UNANNOUNCED) & ~Q(status=Inspection.Status.SUBMITTED) & ~Q(inspector_id=user.pk))

    def submitted(self):
        return self.filter(status=Inspection.Status.SUBMITTED)


class Inspection(models.Model):
    class Status(models.TextChoices):
        DUE = "due", _("Due")
        DRAFT = "draft", _("In progress")
        SUBMITTED = "submitted", _("Done")
        MISSED = "missed", _("Missed")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.SELF)
    template = models.ForeignKey(ChecklistTemplate, verbose_name=_("checklist"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="inspections")
    department = models.ForeignKey("org.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="inspections")
    place = models.ForeignKey("org.Place", verbose_name=_("place"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="inspections")
    schedule = models.ForeignKey(InspectionSchedule, verbose_name=_("schedule"), null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="inspections")
    title = models.CharField(_("title"), max_length=120)
    visited_office = models.CharField(_("university office visited"), max_length=100, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DUE)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("inspector"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="inspections")
    summary = models.TextField(_("summary"), blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    pass_mark = models.DecimalField(_("pass mark"), max_digits=5, decimal_places=2, default=Decimal("80"))
    critical_failed = models.BooleanField(_("critical item failed"), default=False)
    submission_key = SubmissionKeyField(_("submission key"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["submission_key"])

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-due_date", "-pk"]
        constraints = [
            # A recurring schedule produces one inspection per due date (idempotent generation).
            models.UniqueConstraint(fields=["schedule", "due_date"], condition=Q(schedule__isnull=False),
                                    name="insp_inspection_one_per_schedule_date"),
            models.CheckConstraint(condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                                   name="insp_inspection_score_range"),
        ]
        indexes = [
            # Department lists and charts: WHERE department_id = ? AND status = 'submitted' ORDER BY submitted_at
            models.Index(fields=["department", "status", "submitted_at"], name="insp_dept_status_sub_idx"),
            # mark_missed job: WHERE status IN ('due','draft') AND due_date < today
            models.Index(fields=["due_date"], condition=Q(status__in=["due", "draft"]), name="insp_open_due_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("inspections:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.DUE, self.Status.DRAFT)

    @property
    def is_visit(self) -> bool:
        return self.kind == Kind.VISIT


class Result(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    SCORE = "score", _("Scored")
    NA = "na", _("N/A")


class InspectionAnswer(models.Model):
    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="answers")
    result = models.CharField(_("result"), max_length=6, choices=Result.choices)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="insp_answer_one_per_item"),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__gte=0), name="insp_answer_score_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.result}"


def _unique_name(prefix: str, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"inspections/{prefix}/{uuid.uuid4().hex}.{ext}"


def photo_path(instance, filename: str) -> str:
    return _unique_name("photos", filename)


def evidence_path(instance, filename: str) -> str:
    return _unique_name("evidence", filename)


def attachment_path(instance, filename: str) -> str:
    return _unique_name("discussions", filename)


class AnswerPhoto(models.Model):
    answer = models.ForeignKey(InspectionAnswer, verbose_name=_("answer"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=photo_path)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.image.name


class Opinion(models.Model):
    """An opinion collected on a supervision visit (走访) to a university office."""

    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="opinions")
    given_by = models.CharField(_("given by"), max_length=100, blank=True)
    content = models.TextField(_("opinion"), max_length=2000)
    needs_rectification = models.BooleanField(_("needs rectification"), default=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.content[:60]


class InspectionCorrection(models.Model):
    """A recorded change to a submitted inspection by the supervisor (the only way to change one)."""

    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="corrections")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    old_result = models.CharField(_("old result"), max_length=6, choices=Result.choices)
    old_score = models.DecimalField(_("old score"), max_digits=6, decimal_places=2, null=True, blank=True)
    new_result = models.CharField(_("new result"), max_length=6, choices=Result.choices)
    new_score = models.DecimalField(_("new score"), max_digits=6, decimal_places=2, null=True, blank=True)
    old_total = models.DecimalField(_("old total"), max_digits=5, decimal_places=2, null=True, blank=True)
    new_total = models.DecimalField(_("new total"), max_digits=5, decimal_places=2, null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=1000)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("corrected by"), null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    corrected_at = models.DateTimeField(_("corrected"), auto_now_add=True)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.inspection_id}: {self.old_result} → {self.new_result}"


class SectionScore(models.Model):
    """Per-section result of a submitted inspection, kept so charts aggregate by dimension in the database."""

    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="section_scores")
    section = models.ForeignKey(ChecklistSection, verbose_name=_("section"), on_delete=models.PROTECT, related_name="+")
    dimension = models.CharField(_("dimension"), max_length=12, choices=Dimension.choices)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("section score")
        verbose_name_plural = _("section scores")
        constraints = [models.UniqueConstraint(fields=["inspection", "section"], name="insp_sectionscore_one_per_section")]

    def __str__(self) -> str:
        return f"{self.section_id}: {self.score}"


# --- Findings and rectification ----------------------------------------------------------------


class FindingQuerySet(DepartmentScopedQuerySet):
    department_field = "department"

    def open(self):
        return self.filter(status__in=Finding.OPEN_STATES)


class Finding(LocalisedTextMixin, models.Model):
    """A problem found (failed item or recorded opinion) and its rectification (整改)."""

    class Source(models.TextChoices):
        ITEM = "item", _("Failed item")
        OPINION = "opinion", _("Opinion")

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting rectification")
        SUBMITTED = "submitted", _("Rectified, awaiting verification")
        RETURNED = "returned", _("Sent back")
        ACCEPTED = "accepted", _("Verified")
        NOTED = "noted", _("Noted (no rectification required)")

    OPEN_STATES = (Status.OPEN, Status.RETURNED)

    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="findings")
    department = models.ForeignKey("org.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="findings")
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    answer = models.OneToOneField(InspectionAnswer, verbose_name=_("answer"), null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="finding")
    opinion = models.OneToOneField(Opinion, verbose_name=_("opinion"), null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="finding")
    problem = models.TextField(_("problem"))
    # The problem as an English reader sees it: for a failed item its section and item in English (the note
    # as written); empty when the checklist has no English text (the reader then gets ``problem``).
    problem_en = models.TextField(_("problem (English)"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    measure = models.TextField(_("rectification measure"), blank=True, max_length=2000)
    owner = models.ForeignKey("org.Staff", verbose_name=_("responsible"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="rectifications")
    deadline = models.DateField(pgettext_lazy("inspections", "deadline"), null=True, blank=True)
    rectified_at = models.DateTimeField(_("rectified"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    return_reason = models.TextField(_("reason sent back"), blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    feedback_code = models.CharField(_("feedback record"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("found"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # Ledger: WHERE department_id = ? [AND created_at BETWEEN ...] ORDER BY created_at DESC
            models.Index(fields=["department", "-created_at"], name="insp_finding_dept_created_idx"),
            # escalation job: WHERE status IN ('open','returned') AND escalated_at IS NULL AND deadline < today
            models.Index(fields=["deadline"], condition=Q(status__in=["open", "returned"], escalated_at__isnull=True),
                         name="insp_finding_overdue_idx"),
        ]

    def __str__(self) -> str:
        return self.display_problem[:60]

    @property
    def display_problem(self) -> str:
        return self.localised("problem")

    @staticmethod
    def item_problem(section: ChecklistSection, item: ChecklistItem, note: str = "") -> tuple[str, str]:
        """The problem of a failed item, copied at submission: "section · item：note" in Chinese, and in
        English when the section or the item has English text (each part falls back to its Chinese)."""
        chinese = f"{section.title} · {item.text}" + (f"：{note}" if note else "")
        if not (section.title_en or item.text_en):
            return chinese, ""
        return chinese, f"{section.title_en or section.title} · {item.text_en or item.text}" + (f": {note}" if note else "")

    def get_absolute_url(self) -> str:
        return reverse("inspections:finding_detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return self.status in self.OPEN_STATES and self.deadline is not None and self.deadline < timezone.localdate()


class FindingEvent(models.Model):
    """The timeline of a rectification: every move of ``workflows.RECTIFICATION`` (its ``action`` and
    ``params``, rendered in the reader's language by ``RECTIFICATION.describe``), plus the rows that are
    no move (the finding's creation, an escalation: no action, a note)."""

    finding = models.ForeignKey(Finding, verbose_name=_("finding"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=40, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    from_status = models.CharField(_("from"), max_length=10, choices=Finding.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=Finding.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("rectification event")
        verbose_name_plural = _("rectification events")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.finding_id}: {self.from_status} → {self.to_status}"


class Evidence(models.Model):
    finding = models.ForeignKey(Finding, verbose_name=_("finding"), on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path)
    name = models.CharField(_("file name"), max_length=200)
    is_image = models.BooleanField(_("image"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


# --- 大讨论 ----------------------------------------------------------------------------------------


class DiscussionQuerySet(DepartmentScopedQuerySet):
    department_field = "department"


class DiscussionRecord(models.Model):
    department = models.ForeignKey("org.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="discussions")
    topic = models.CharField(_("topic"), max_length=200, default="优质服务我应该做什么")
    held_on = models.DateField(_("date"))
    participants = models.TextField(_("participants"), max_length=2000)
    summary = models.TextField(_("summary"), max_length=10000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    submission_key = SubmissionKeyField(_("submission key"))
    history = HistoricalRecords(excluded_fields=["submission_key"])

    objects = DiscussionQuerySet.as_manager()

    class Meta:
        verbose_name = _("discussion record")
        verbose_name_plural = _("discussion records")
        ordering = ["-held_on", "-pk"]
        indexes = [
            # Department list: WHERE department_id = ? ORDER BY held_on DESC
            models.Index(fields=["department", "-held_on"], name="insp_discussion_dept_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:discussion_detail", args=[self.pk])


class DiscussionAttachment(models.Model):
    record = models.ForeignKey(DiscussionRecord, verbose_name=_("discussion record"), on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("file name"), max_length=200)
    is_image = models.BooleanField(_("image"), default=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name
