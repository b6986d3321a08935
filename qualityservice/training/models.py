"""Training records (培训, product.md I): a department's training session — topic, date, hours, trainer and the
staff level it was meant for (管理/技术/一线) — with the staff who attended.

A session records something that happened, so it has no status and no workflow: it counts from the moment it
is saved (hours per staff, the indicators, campaign evidence). It is created once per form
(``submission_key``) or as part of one Excel import (``ImportBatch``, created once per upload form); changes
are kept by simple-history."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from qualityservice.core.i18n import LocalisedTextMixin
from qualityservice.core.permissions import DepartmentScopedQuerySet
from qualityservice.core.submissions import SubmissionKeyField

MIN_HOURS = Decimal("0")  # exclusive
MAX_HOURS = Decimal("24")  # inclusive: one session lasts at most a day


class Level(models.TextChoices):
    """The staff level a session is meant for (the plan's 管理/技术/一线)."""

    MANAGEMENT = "management", pgettext_lazy("training level", "Management")
    TECHNICAL = "technical", pgettext_lazy("training level", "Technical")
    FRONTLINE = "frontline", pgettext_lazy("training level", "Front-line")


class SessionQuerySet(DepartmentScopedQuerySet):
    """``visible_to(user)``: heads read their department's sessions, supervisors and administrators all."""

    department_field = "department"


class ImportBatch(models.Model):
    """One Excel import: the sessions it created point at it. Created once per upload form, so a resent
    upload imports nothing twice."""

    file_name = models.CharField(pgettext_lazy("training", "file"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("training", "imported by"),
                                   null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(pgettext_lazy("training", "imported"), default=timezone.now, editable=False)
    submission_key = SubmissionKeyField(pgettext_lazy("training", "submission key"))

    class Meta:
        verbose_name = pgettext_lazy("training", "training import")
        verbose_name_plural = pgettext_lazy("training", "training imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


class TrainingSession(LocalisedTextMixin, models.Model):
    Level = Level

    department = models.ForeignKey("org.Department", verbose_name=pgettext_lazy("training", "department"),
                                   on_delete=models.PROTECT, related_name="training_sessions")
    topic = models.CharField(pgettext_lazy("training", "topic"), max_length=120)
    topic_en = models.CharField(pgettext_lazy("training", "topic (English)"), max_length=200, blank=True)
    date = models.DateField(pgettext_lazy("training", "date"))
    hours = models.DecimalField(pgettext_lazy("training", "hours"), max_digits=3, decimal_places=1)
    trainer = models.CharField(pgettext_lazy("training", "trainer"), max_length=60)
    level = models.CharField(pgettext_lazy("training", "level"), max_length=12, choices=Level.choices)
    note = models.TextField(pgettext_lazy("training", "note"), blank=True)
    attendees = models.ManyToManyField("org.Staff", through="Attendance", verbose_name=pgettext_lazy("training", "attendees"),
                                       related_name="training_sessions")
    batch = models.ForeignKey(ImportBatch, verbose_name=pgettext_lazy("training", "import"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="sessions", editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("training", "recorded by"),
                                   null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(pgettext_lazy("training", "recorded"), default=timezone.now, editable=False)
    submission_key = SubmissionKeyField(pgettext_lazy("training", "submission key"))
    history = HistoricalRecords(excluded_fields=["submission_key"])

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("training", "training session")
        verbose_name_plural = pgettext_lazy("training", "training sessions")
        ordering = ["-date", "-pk"]
        constraints = [
            # Bad hours never reach the table, whatever the path (form, import, admin): 0 < hours <= 24.
            models.CheckConstraint(condition=Q(hours__gt=MIN_HOURS) & Q(hours__lte=MAX_HOURS),
                                   name="training_session_hours_range"),
        ]
        indexes = [
            # The list, the totals and the indicators: WHERE department_id IN (…) AND date BETWEEN … ORDER BY date DESC.
            models.Index(fields=["department", "-date", "-id"], name="training_session_list_idx"),
            # The import's duplicate check: WHERE department_id IN (…) AND date IN (…) AND topic IN (…).
            models.Index(fields=["date", "topic"], name="training_session_topic_idx"),
        ]

    def __str__(self) -> str:
        return self.display_topic

    @property
    def display_topic(self) -> str:
        """The English topic for English readers when there is one (core.i18n)."""
        return self.localised("topic")

    def get_absolute_url(self) -> str:
        return reverse("training:detail", args=[self.pk])

    def get_edit_url(self) -> str:
        return reverse("training:edit", args=[self.pk])


class Attendance(models.Model):
    """A staff member attended a session: they are credited the session's hours."""

    session = models.ForeignKey(TrainingSession, verbose_name=pgettext_lazy("training", "session"), on_delete=models.CASCADE,
                                related_name="attendances", db_index=False)  # the unique constraint indexes it
    staff = models.ForeignKey("org.Staff", verbose_name=pgettext_lazy("training", "staff member"), on_delete=models.PROTECT,
                              related_name="training_attendances", db_index=False)  # first column of the staff index

    class Meta:
        verbose_name = pgettext_lazy("training", "attendance")
        verbose_name_plural = pgettext_lazy("training", "attendances")
        constraints = [
            # Once per session; also serves the session's attendee list (WHERE session_id = …).
            models.UniqueConstraint(fields=["session", "staff"], name="training_attendance_once"),
        ]
        indexes = [
            # A staff member's record and the per-staff hours: WHERE staff_id IN (…) JOIN session.
            models.Index(fields=["staff", "session"], name="training_attend_staff_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} @ {self.session_id}"
