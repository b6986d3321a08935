"""The campaign (优质服务年, product.md I): a year's campaign with its theme, slogans and milestones; its
activity menu (the plan's 三 — 规定动作 required, 自选动作 optional — each naming the apps that carry it);
each department's adopted activities with plan, progress reports, files and links to the records other apps
produced (``Evidence``, written by ``services.record_evidence``); the private staff attributes of
participation (党团工会).

Statuses move only through ``workflows.CAMPAIGN`` and ``workflows.ACTIVITY`` (core.workflow)."""

from __future__ import annotations

import os
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from qualityservice.core.i18n import LocalisedNameMixin, LocalisedTextMixin
from qualityservice.core.permissions import DepartmentScopedQuerySet
from qualityservice.core.submissions import SubmissionKeyField


def new_code() -> str:
    """A public page's or file's code: 16 URL-safe random characters (an id would let anyone walk them)."""
    return secrets.token_urlsafe(12)


def default_signature_limit() -> int:
    return int(getattr(settings, "QS_CAMPAIGNS_SIGNATURE_MAX", 2))


class Carrier(models.TextChoices):
    """The app labels that carry a menu item: their records become evidence (``services.record_evidence``).
    Labels of apps not installed yet are valid: the app calls in once it exists."""

    FEEDBACK = "feedback", pgettext_lazy("campaign", "Feedback and complaints")
    INSPECTIONS = "inspections", pgettext_lazy("campaign", "Inspections and discussions")
    STANDARDS = "standards", pgettext_lazy("campaign", "Procedures and post duties")
    SURVEYS = "surveys", pgettext_lazy("campaign", "Surveys")
    EVENTS = "events", pgettext_lazy("campaign", "Events")
    COMPETITIONS = "competitions", pgettext_lazy("campaign", "Skills competitions")
    RECOGNITION = "recognition", pgettext_lazy("campaign", "Recognition")
    IDEAS = "ideas", pgettext_lazy("campaign", "Golden ideas")
    TRAINING = "training", pgettext_lazy("campaign", "Training")


# --- The campaign ---------------------------------------------------------------------------------


class CampaignQuerySet(models.QuerySet):
    def real(self):
        """Campaigns, not menu templates."""
        return self.filter(is_template=False)

    def visible_to(self, user):
        """Supervisors and administrators see drafts and templates; department heads the launched campaigns."""
        from qualityservice.core.permissions import department_scope

        if department_scope(user) is None:
            return self
        return self.filter(is_template=False).exclude(status=Campaign.Status.DRAFT)

    def covering(self, day):
        """The active campaigns whose period contains ``day``."""
        return self.filter(is_template=False, status=Campaign.Status.ACTIVE, starts_on__lte=day, ends_on__gte=day)


class Campaign(LocalisedNameMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("campaign", "Draft")
        ACTIVE = "active", pgettext_lazy("campaign", "Active")
        CLOSED = "closed", pgettext_lazy("campaign", "Closed")

    name = models.CharField(pgettext_lazy("campaign", "name"), max_length=100)
    name_en = models.CharField(pgettext_lazy("campaign", "name (English)"), max_length=150, blank=True)
    year = models.PositiveSmallIntegerField(pgettext_lazy("campaign", "year"))
    theme = models.CharField(pgettext_lazy("campaign", "theme"), max_length=200)
    theme_en = models.CharField(pgettext_lazy("campaign", "theme (English)"), max_length=300, blank=True)
    guiding_text = models.TextField(pgettext_lazy("campaign", "guiding text"), blank=True)
    guiding_text_en = models.TextField(pgettext_lazy("campaign", "guiding text (English)"), blank=True)
    starts_on = models.DateField(pgettext_lazy("campaign", "starts on"))
    ends_on = models.DateField(pgettext_lazy("campaign", "ends on"))
    slogans = models.TextField(pgettext_lazy("campaign", "slogans"), blank=True, help_text=pgettext_lazy("campaign", "One slogan per line."))
    slogans_en = models.TextField(pgettext_lazy("campaign", "slogans (English)"), blank=True,
                                  help_text=pgettext_lazy("campaign", "One slogan per line, in the same order."))
    signature_limit = models.PositiveSmallIntegerField(
        pgettext_lazy("campaign", "signature activities per department"), default=default_signature_limit,
        help_text=pgettext_lazy("campaign", "How many activities a department may mark as its signature (精品) activities."))
    status = models.CharField(pgettext_lazy("campaign", "status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    is_template = models.BooleanField(pgettext_lazy("campaign", "menu template"), default=False, editable=False)
    code = models.CharField(pgettext_lazy("campaign", "public code"), max_length=24, unique=True, default=new_code, editable=False)
    copied_from = models.ForeignKey("self", verbose_name=pgettext_lazy("campaign", "copied from"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="copies", editable=False)
    menu_frozen_at = models.DateTimeField(pgettext_lazy("campaign", "menu frozen"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("campaign", "created by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    created_at = models.DateTimeField(pgettext_lazy("campaign", "created"), default=timezone.now, editable=False)
    submission_key = SubmissionKeyField(pgettext_lazy("campaign", "submission key"))
    history = HistoricalRecords(excluded_fields=["submission_key"])

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("campaign", "campaign")
        verbose_name_plural = pgettext_lazy("campaign", "campaigns")
        ordering = ["-year", "-starts_on", "-pk"]
        constraints = [
            # One active campaign per year (the launch move checks it first, with a message).
            models.UniqueConstraint(fields=["year"], condition=Q(status="active", is_template=False),
                                    name="camp_one_active_per_year"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="camp_campaign_period_order",
                                   violation_error_message=pgettext_lazy("campaign", "The campaign cannot end before it starts.")),
        ]
        indexes = [
            # record_evidence: WHERE status = 'active' AND starts_on <= day AND ends_on >= day.
            models.Index(fields=["starts_on", "ends_on"], condition=Q(status="active"), name="camp_campaign_active_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_theme(self) -> str:
        return self.localised("theme")

    @property
    def display_guiding_text(self) -> str:
        return self.localised("guiding_text")

    @property
    def slogan_list(self) -> list[str]:
        chinese = [s.strip() for s in self.slogans.splitlines() if s.strip()]
        english = [s.strip() for s in self.slogans_en.splitlines() if s.strip()]
        from qualityservice.core.i18n import english as reads_english

        return english if reads_english() and english else chinese

    @property
    def is_frozen(self) -> bool:
        return self.menu_frozen_at is not None

    def get_absolute_url(self) -> str:
        return reverse("campaigns:detail", args=[self.pk])

    def get_edit_url(self) -> str:
        return reverse("campaigns:edit", args=[self.pk])

    def get_move_url(self) -> str:
        return reverse("campaigns:move", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("campaigns:public", args=[self.code])


class CampaignMilestone(LocalisedTextMixin, models.Model):
    """A date of the whole campaign (经验交流会 in September, 表彰大会 in December): on the public timeline."""

    campaign = models.ForeignKey(Campaign, verbose_name=pgettext_lazy("campaign", "campaign"), on_delete=models.CASCADE,
                                 related_name="milestones")
    title = models.CharField(pgettext_lazy("campaign", "title"), max_length=120)
    title_en = models.CharField(pgettext_lazy("campaign", "title (English)"), max_length=200, blank=True)
    due_on = models.DateField(pgettext_lazy("campaign", "date"))
    reminded_on = models.DateField(pgettext_lazy("campaign", "reminded on"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = pgettext_lazy("campaign", "campaign milestone")
        verbose_name_plural = pgettext_lazy("campaign", "campaign milestones")
        ordering = ["due_on", "pk"]
        indexes = [
            # The reminder job: WHERE reminded_on IS NULL AND due_on BETWEEN today AND today + N.
            models.Index(fields=["due_on"], condition=Q(reminded_on__isnull=True), name="camp_cmilestone_remind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.due_on} {self.title}"

    @property
    def display_title(self) -> str:
        return self.localised("title")


# --- The activity menu ----------------------------------------------------------------------------


class MenuItem(LocalisedTextMixin, models.Model):
    """One suggested activity of the campaign's menu (the plan's 三(一)–(十)). Once a department adopted from
    the menu it is frozen: items are no longer changed; a new item may be added (``added_after_freeze``)."""

    class Kind(models.TextChoices):
        REQUIRED = "required", pgettext_lazy("campaign", "Required (规定动作)")
        OPTIONAL = "optional", pgettext_lazy("campaign", "Optional (自选动作)")

    campaign = models.ForeignKey(Campaign, verbose_name=pgettext_lazy("campaign", "campaign"), on_delete=models.CASCADE,
                                 related_name="menu")
    code = models.CharField(pgettext_lazy("campaign", "code"), max_length=20, help_text=pgettext_lazy("campaign", "e.g. 三(二)"))
    title = models.CharField(pgettext_lazy("campaign", "title"), max_length=120)
    title_en = models.CharField(pgettext_lazy("campaign", "title (English)"), max_length=200, blank=True)
    description = models.TextField(pgettext_lazy("campaign", "description"), blank=True)
    description_en = models.TextField(pgettext_lazy("campaign", "description (English)"), blank=True)
    kind = models.CharField(pgettext_lazy("campaign", "kind"), max_length=8, choices=Kind.choices, default=Kind.OPTIONAL)
    required_for = models.ManyToManyField(
        "org.Department", verbose_name=pgettext_lazy("campaign", "required for"), blank=True, related_name="+",
        help_text=pgettext_lazy("campaign", "Required items: leave empty for every department, or list the departments."))
    carriers = models.JSONField(pgettext_lazy("campaign", "carried by"), default=list, blank=True)
    sort_order = models.PositiveSmallIntegerField(pgettext_lazy("campaign", "order"), default=100)
    added_after_freeze = models.BooleanField(pgettext_lazy("campaign", "added after the menu was frozen"), default=False,
                                             editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("campaign", "created by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    created_at = models.DateTimeField(pgettext_lazy("campaign", "created"), default=timezone.now, editable=False)
    submission_key = SubmissionKeyField(pgettext_lazy("campaign", "submission key"))
    history = HistoricalRecords(excluded_fields=["submission_key"])

    class Meta:
        verbose_name = pgettext_lazy("campaign", "menu item")
        verbose_name_plural = pgettext_lazy("campaign", "menu items")
        ordering = ["campaign_id", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="camp_menuitem_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.display_title}"

    @property
    def display_title(self) -> str:
        return self.localised("title")

    @property
    def display_description(self) -> str:
        return self.localised("description")

    @property
    def is_required(self) -> bool:
        return self.kind == self.Kind.REQUIRED

    def carrier_labels(self) -> list[str]:
        names = dict(Carrier.choices)
        return [str(names.get(c, c)) for c in self.carriers]

    def get_edit_url(self) -> str:
        return reverse("campaigns:menu_edit", args=[self.pk])


# --- Departments' activities ----------------------------------------------------------------------


class ActivityQuerySet(DepartmentScopedQuerySet):
    department_field = "department"


class DepartmentActivity(LocalisedTextMixin, models.Model):
    """A department's activity in a campaign: a menu item it adopted (required ones are adopted for it when
    the campaign is launched) or its own (四.2, no menu item). Planned by its head: owner, dates, target,
    milestones; 精品 (signature) up to the campaign's limit."""

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("campaign", "Planned")
        IN_PROGRESS = "in_progress", pgettext_lazy("campaign", "In progress")
        DONE = "done", pgettext_lazy("campaign", "Done")
        BEHIND = "behind", pgettext_lazy("campaign", "Behind schedule")
        CANCELLED = "cancelled", pgettext_lazy("campaign", "Cancelled")

    campaign = models.ForeignKey(Campaign, verbose_name=pgettext_lazy("campaign", "campaign"), on_delete=models.CASCADE,
                                 related_name="activities")
    department = models.ForeignKey("org.Department", verbose_name=pgettext_lazy("campaign", "department"), on_delete=models.PROTECT,
                                   related_name="campaign_activities")
    menu_item = models.ForeignKey(MenuItem, verbose_name=pgettext_lazy("campaign", "menu item"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="adoptions")
    title = models.CharField(pgettext_lazy("campaign", "title"), max_length=120, blank=True)
    title_en = models.CharField(pgettext_lazy("campaign", "title (English)"), max_length=200, blank=True)
    description = models.TextField(pgettext_lazy("campaign", "plan"), blank=True)
    is_required = models.BooleanField(pgettext_lazy("campaign", "required"), default=False, editable=False)
    is_signature = models.BooleanField(pgettext_lazy("campaign", "signature activity (精品)"), default=False)
    owner = models.ForeignKey("org.Staff", verbose_name=pgettext_lazy("campaign", "owner"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    starts_on = models.DateField(pgettext_lazy("campaign", "starts on"), null=True, blank=True)
    ends_on = models.DateField(pgettext_lazy("campaign", "ends on"), null=True, blank=True)
    target_text = models.CharField(pgettext_lazy("campaign", "target"), max_length=200, blank=True)
    target_number = models.PositiveIntegerField(pgettext_lazy("campaign", "target number"), null=True, blank=True)
    status = models.CharField(pgettext_lazy("campaign", "status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    summary = models.TextField(pgettext_lazy("campaign", "summary"), blank=True, editable=False)
    cancel_reason = models.TextField(pgettext_lazy("campaign", "reason for cancelling"), blank=True, editable=False)
    done_on = models.DateField(pgettext_lazy("campaign", "done on"), null=True, blank=True, editable=False)
    adopted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("campaign", "adopted by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    adopted_at = models.DateTimeField(pgettext_lazy("campaign", "adopted"), default=timezone.now, editable=False)
    submission_key = SubmissionKeyField(pgettext_lazy("campaign", "submission key"))
    history = HistoricalRecords(excluded_fields=["submission_key"])

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("campaign", "department activity")
        verbose_name_plural = pgettext_lazy("campaign", "department activities")
        ordering = ["campaign_id", "department_id", "pk"]
        constraints = [
            # A department adopts a menu item once (the required ones are adopted at launch).
            models.UniqueConstraint(fields=["department", "menu_item"], condition=Q(menu_item__isnull=False),
                                    name="camp_activity_one_per_item"),
            models.CheckConstraint(condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                                   name="camp_activity_period_order",
                                   violation_error_message=pgettext_lazy("campaign", "The activity cannot end before it starts.")),
            models.CheckConstraint(condition=Q(menu_item__isnull=False) | ~Q(title=""), name="camp_activity_own_has_title",
                                   violation_error_message=pgettext_lazy("campaign", "Give the activity a title.")),
        ]
        indexes = [
            # The board and a department's plan: WHERE campaign_id = ? [AND department_id = ?].
            models.Index(fields=["campaign", "department"], name="camp_activity_board_idx"),
            # The daily status job: WHERE status IN ('planned', 'in_progress', 'behind') of active campaigns.
            models.Index(fields=["status", "ends_on"], name="camp_activity_status_idx"),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        if self.menu_item_id and not self.title:
            return self.menu_item.display_title
        return self.localised("title")

    @property
    def code(self) -> str:
        return self.menu_item.code if self.menu_item_id else ""

    @property
    def is_own(self) -> bool:
        return self.menu_item_id is None

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.CANCELLED)

    def get_absolute_url(self) -> str:
        return reverse("campaigns:activity_detail", args=[self.pk])

    def get_edit_url(self) -> str:
        return reverse("campaigns:activity_edit", args=[self.pk])

    def get_move_url(self) -> str:
        return reverse("campaigns:activity_move", args=[self.pk])

    def get_report_url(self) -> str:
        return reverse("campaigns:report_new", args=[self.pk])


class ActivityMilestone(models.Model):
    activity = models.ForeignKey(DepartmentActivity, verbose_name=pgettext_lazy("campaign", "activity"), on_delete=models.CASCADE,
                                 related_name="milestones")
    title = models.CharField(pgettext_lazy("campaign", "title"), max_length=120)
    due_on = models.DateField(pgettext_lazy("campaign", "date"))
    done_on = models.DateField(pgettext_lazy("campaign", "reached on"), null=True, blank=True)
    reminded_on = models.DateField(pgettext_lazy("campaign", "reminded on"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = pgettext_lazy("campaign", "activity milestone")
        verbose_name_plural = pgettext_lazy("campaign", "activity milestones")
        ordering = ["due_on", "pk"]
        indexes = [
            # The status job and the board's overdue count: WHERE done_on IS NULL AND due_on < today.
            models.Index(fields=["due_on"], condition=Q(done_on__isnull=True), name="camp_milestone_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.due_on} {self.title}"


# --- Progress reports and evidence --------------------------------------------------------------------


class ReportQuerySet(DepartmentScopedQuerySet):
    department_field = "activity__department"


class ProgressReport(models.Model):
    activity = models.ForeignKey(DepartmentActivity, verbose_name=pgettext_lazy("campaign", "activity"), on_delete=models.CASCADE,
                                 related_name="reports")
    reported_on = models.DateField(pgettext_lazy("campaign", "date"))
    note = models.TextField(pgettext_lazy("campaign", "note"), max_length=5000)
    participants = models.ManyToManyField("org.Staff", verbose_name=pgettext_lazy("campaign", "participants"), blank=True,
                                          related_name="campaign_reports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("campaign", "reported by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(pgettext_lazy("campaign", "created"), default=timezone.now, editable=False)
    submission_key = SubmissionKeyField(pgettext_lazy("campaign", "submission key"))

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("campaign", "progress report")
        verbose_name_plural = pgettext_lazy("campaign", "progress reports")
        ordering = ["-reported_on", "-pk"]
        indexes = [
            # An activity's reports, newest first; the board's last report date per department.
            models.Index(fields=["activity", "-reported_on"], name="camp_report_activity_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reported_on} {self.note[:40]}"


def report_file_path(instance, filename: str) -> str:
    """Private folder (not in QS_PUBLIC_MEDIA_DIRS): served by the scoped view, or by code when public."""
    stem, ext = os.path.splitext(os.path.basename(filename))
    return f"campaigns/evidence/{timezone.now():%Y/%m}/{secrets.token_hex(8)}{ext.lower()[:8]}"


class ReportFile(models.Model):
    """A photo (re-encoded through core.images) or a document (PDF/Office, content-checked) of a report."""

    report = models.ForeignKey(ProgressReport, verbose_name=pgettext_lazy("campaign", "report"), on_delete=models.CASCADE,
                               related_name="files")
    file = models.FileField(pgettext_lazy("campaign", "file"), upload_to=report_file_path)
    name = models.CharField(pgettext_lazy("campaign", "file name"), max_length=200)
    is_image = models.BooleanField(pgettext_lazy("campaign", "photo"), default=False)
    size = models.PositiveIntegerField(pgettext_lazy("campaign", "size"), default=0)
    is_public = models.BooleanField(pgettext_lazy("campaign", "public"), default=False, editable=False)
    code = models.CharField(pgettext_lazy("campaign", "public code"), max_length=24, unique=True, default=new_code, editable=False)
    uploaded_at = models.DateTimeField(pgettext_lazy("campaign", "uploaded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = pgettext_lazy("campaign", "report file")
        verbose_name_plural = pgettext_lazy("campaign", "report files")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("campaigns:file", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("campaigns:public_file", args=[self.code])


class EvidenceQuerySet(DepartmentScopedQuerySet):
    department_field = "activity__department"


class Evidence(LocalisedTextMixin, models.Model):
    """A record another app produced that documents an activity (a self-inspection submitted, a survey closed…),
    written by ``services.record_evidence``: one row per activity and source record."""

    activity = models.ForeignKey(DepartmentActivity, verbose_name=pgettext_lazy("campaign", "activity"), on_delete=models.CASCADE,
                                 related_name="evidence")
    carrier = models.CharField(pgettext_lazy("campaign", "from"), max_length=20)
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(pgettext_lazy("campaign", "title"), max_length=200)
    title_en = models.CharField(pgettext_lazy("campaign", "title (English)"), max_length=300, blank=True)
    url = models.CharField(pgettext_lazy("campaign", "link"), max_length=500, blank=True)
    occurred_on = models.DateField(pgettext_lazy("campaign", "date"))
    is_public = models.BooleanField(pgettext_lazy("campaign", "public"), default=False)
    created_at = models.DateTimeField(pgettext_lazy("campaign", "recorded"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(pgettext_lazy("campaign", "updated"), default=timezone.now, editable=False)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("campaign", "evidence")
        verbose_name_plural = pgettext_lazy("campaign", "evidence")
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            # record_evidence is idempotent: one row per activity and source record (content type + pk).
            models.UniqueConstraint(fields=["activity", "content_type", "object_id"], name="camp_evidence_one_per_source"),
        ]
        indexes = [
            # The indicators and the board: WHERE activity_id IN (…) AND occurred_on BETWEEN … GROUP BY department.
            models.Index(fields=["activity", "occurred_on"], name="camp_evidence_activity_idx"),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.localised("title")

    @property
    def carrier_label(self) -> str:
        return str(dict(Carrier.choices).get(self.carrier, self.carrier))


# --- Participation (党团工会) -------------------------------------------------------------------------


class AffiliationQuerySet(DepartmentScopedQuerySet):
    department_field = "staff__department"


class StaffAffiliation(models.Model):
    """Private attributes of a staff member (四.3, 四.5): read only by the supervisor and the head of the staff
    member's department; never on a public page or in a public export."""

    staff = models.OneToOneField("org.Staff", verbose_name=pgettext_lazy("campaign", "staff member"), on_delete=models.CASCADE,
                                 related_name="campaign_affiliation")
    party_member = models.BooleanField(pgettext_lazy("campaign", "party member"), default=False)
    league_member = models.BooleanField(pgettext_lazy("campaign", "league member"), default=False)
    union_member = models.BooleanField(pgettext_lazy("campaign", "union member"), default=False)
    cadre = models.BooleanField(pgettext_lazy("campaign", "cadre"), default=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("campaign", "updated by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(pgettext_lazy("campaign", "updated"), default=timezone.now)

    objects = AffiliationQuerySet.as_manager()

    GROUPS = ("party_member", "league_member", "union_member", "cadre")

    class Meta:
        verbose_name = pgettext_lazy("campaign", "staff affiliation")
        verbose_name_plural = pgettext_lazy("campaign", "staff affiliations")

    def __str__(self) -> str:
        return str(self.staff_id)
