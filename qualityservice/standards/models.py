"""Service standards the campaign refines (product.md A, the plan's 三(二) "完善规范操作程序…职责再细化"):

- **Operating procedures (操作规程)** per department, versioned. A ``Procedure`` is the document (number,
  title); each ``ProcedureVersion`` is one recorded text or file with its version label and effective date.
  Recording a new version makes it the procedure's ``current_version``; the versions before stay readable
  (managers), with who recorded each and when. Versions are never edited: a correction is a new version.
  There is no status field, so no workflow: "current" is the one version the procedure points at,
  "superseded" every other one — set in one place (``services.record_version``, under a row lock).
- **Post duties (岗位职责)**: a ``PostStandard`` per department and post (the post as written in
  ``org.Staff.post``): the duties, one per line, and the service standard the public may read on the
  post's badge pages, each in Chinese and English."""

from __future__ import annotations

import os
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from qualityservice.core.i18n import LocalisedTextMixin, english, localised
from qualityservice.core.permissions import DepartmentScopedQuerySet
from qualityservice.core.submissions import SubmissionKeyField


def version_file_path(instance: ProcedureVersion, filename: str) -> str:
    """A random name in a private folder (never under QS_PUBLIC_MEDIA_DIRS): the file is served only by the
    scoped view, under its original name."""
    ext = os.path.splitext(filename)[1].lower()[:6]
    return f"standards/procedures/{timezone.localdate():%Y}/{secrets.token_hex(16)}{ext}"


class ProcedureQuerySet(DepartmentScopedQuerySet):
    """``visible_to(user)``: every staff member reads their department's procedures; supervisors all."""

    department_field = "department"


class VersionQuerySet(DepartmentScopedQuerySet):
    department_field = "procedure__department"


class PostStandardQuerySet(DepartmentScopedQuerySet):
    department_field = "department"


class Procedure(LocalisedTextMixin, models.Model):
    department = models.ForeignKey("org.Department", verbose_name=pgettext_lazy("standards", "department"),
                                   on_delete=models.PROTECT, related_name="procedures")
    number = models.CharField(pgettext_lazy("standards", "number"), max_length=40,
                              help_text=pgettext_lazy("standards", "The procedure's reference, e.g. WY-CZ-003."))
    # The title of the current version (each version keeps the title it was recorded with).
    title = models.CharField(pgettext_lazy("standards", "title"), max_length=120)
    title_en = models.CharField(pgettext_lazy("standards", "title (English)"), max_length=200, blank=True)
    current_version = models.OneToOneField("ProcedureVersion", verbose_name=pgettext_lazy("standards", "current version"),
                                           null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("standards", "created by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(pgettext_lazy("standards", "created"), default=timezone.now, editable=False)
    submission_key = SubmissionKeyField(pgettext_lazy("standards", "submission key"))

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("standards", "operating procedure")
        verbose_name_plural = pgettext_lazy("standards", "operating procedures")
        ordering = ["department__sort_order", "number", "pk"]
        constraints = [
            # A department numbers each procedure once; also serves the list (WHERE department_id IN … ORDER BY number).
            models.UniqueConstraint(fields=["department", "number"], name="standards_procedure_number_once"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.display_title}"

    @property
    def display_title(self) -> str:
        return self.localised("title")

    def get_absolute_url(self) -> str:
        return reverse("standards:detail", args=[self.pk])

    def get_new_version_url(self) -> str:
        return reverse("standards:new_version", args=[self.pk])


class ProcedureVersion(LocalisedTextMixin, models.Model):
    procedure = models.ForeignKey(Procedure, verbose_name=pgettext_lazy("standards", "procedure"), on_delete=models.CASCADE,
                                  related_name="versions", db_index=False)  # first column of the unique constraints
    sequence = models.PositiveIntegerField(pgettext_lazy("standards", "sequence"), editable=False)
    version = models.CharField(pgettext_lazy("standards", "version"), max_length=20,
                               help_text=pgettext_lazy("standards", "As printed on the document, e.g. V2.0 or 2026版."))
    title = models.CharField(pgettext_lazy("standards", "title"), max_length=120)
    title_en = models.CharField(pgettext_lazy("standards", "title (English)"), max_length=200, blank=True)
    effective_date = models.DateField(pgettext_lazy("standards", "effective date"))
    text = models.TextField(pgettext_lazy("standards", "text"), blank=True)
    text_en = models.TextField(pgettext_lazy("standards", "text (English)"), blank=True)
    file = models.FileField(pgettext_lazy("standards", "file"), upload_to=version_file_path, blank=True, max_length=200)
    file_name = models.CharField(pgettext_lazy("standards", "file name"), max_length=120, blank=True)
    file_size = models.PositiveIntegerField(pgettext_lazy("standards", "file size"), default=0)
    change_note = models.CharField(pgettext_lazy("standards", "what changed"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("standards", "recorded by"),
                                    null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(pgettext_lazy("standards", "recorded"), default=timezone.now, editable=False)
    submission_key = SubmissionKeyField(pgettext_lazy("standards", "submission key"))

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("standards", "procedure version")
        verbose_name_plural = pgettext_lazy("standards", "procedure versions")
        ordering = ["procedure", "-sequence"]
        constraints = [
            # 1, 2, 3… per procedure, taken under the procedure's row lock; serves the history (ORDER BY sequence DESC).
            models.UniqueConstraint(fields=["procedure", "sequence"], name="standards_version_sequence_once"),
            models.UniqueConstraint(fields=["procedure", "version"], name="standards_version_label_once"),
            # A version is a text or a file (or both).
            models.CheckConstraint(condition=~Q(text="") | ~Q(file=""), name="standards_version_has_content"),
        ]
        indexes = [
            # "Not updated since": WHERE recorded_at >= … (joined to the procedure's department).
            models.Index(fields=["recorded_at"], name="standards_version_recorded_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.number} {self.version}"

    @property
    def display_title(self) -> str:
        return self.localised("title")

    @property
    def display_text(self) -> str:
        return self.localised("text")

    @property
    def is_current(self) -> bool:
        return self.procedure.current_version_id == self.pk

    def get_absolute_url(self) -> str:
        return reverse("standards:version", args=[self.pk])

    def get_file_url(self) -> str:
        return reverse("standards:version_file", args=[self.pk])


class PostStandard(models.Model):
    """The duties and the public service standard of one post (岗位) of a department."""

    department = models.ForeignKey("org.Department", verbose_name=pgettext_lazy("standards", "department"),
                                   on_delete=models.PROTECT, related_name="post_standards", db_index=False)
    post = models.CharField(pgettext_lazy("standards", "post"), max_length=60,
                            help_text=pgettext_lazy("standards", "Exactly as on the staff records, e.g. 保洁员."))
    post_en = models.CharField(pgettext_lazy("standards", "post (English)"), max_length=100, blank=True)
    duties = models.TextField(pgettext_lazy("standards", "duties"),
                              help_text=pgettext_lazy("standards", "One duty per line."))
    duties_en = models.TextField(pgettext_lazy("standards", "duties (English)"), blank=True,
                                 help_text=pgettext_lazy("standards", "One per line, in the same order as the Chinese."))
    public_standard = models.TextField(pgettext_lazy("standards", "public service standard"), blank=True,
                                       help_text=pgettext_lazy("standards", "What teachers and students may expect; shown on the "
                                                                            "badge pages of this post."))
    public_standard_en = models.TextField(pgettext_lazy("standards", "public service standard (English)"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("standards", "updated by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(pgettext_lazy("standards", "updated"), default=timezone.now)
    submission_key = SubmissionKeyField(pgettext_lazy("standards", "submission key"))
    history = HistoricalRecords(excluded_fields=["submission_key"])

    objects = PostStandardQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("standards", "post duties")
        verbose_name_plural = pgettext_lazy("standards", "post duties")
        ordering = ["department__sort_order", "post", "pk"]
        constraints = [
            # One per post of a department; serves the look-up of a staff member's post (department_id, post).
            models.UniqueConstraint(fields=["department", "post"], name="standards_post_once"),
        ]

    def __str__(self) -> str:
        return self.display_post

    @property
    def display_post(self) -> str:
        return localised(self, "post")

    @staticmethod
    def lines(text: str) -> list[str]:
        return [line.strip() for line in (text or "").splitlines() if line.strip()]

    @property
    def duty_list(self) -> list[str]:
        """The duties in the reader's language: the English lines for English readers when they are filled in."""
        english_lines = self.lines(self.duties_en)
        return english_lines if english() and english_lines else self.lines(self.duties)

    @property
    def display_public_standard(self) -> str:
        return localised(self, "public_standard")

    def get_edit_url(self) -> str:
        return reverse("standards:post_edit", args=[self.pk])
