"""Skills competitions (岗位大比武, product.md F).

The shape of the data::

    Competition (a trade: 烹饪, 电工…; organised by the group or by one centre; status: workflows.COMPETITION)
    ├── RubricVersion 1, 2…   (frozen when a round opens scoring with it; a change afterwards is a new version)
    │   ├── Criterion          weight, min / max / step, a description of each level (``levels``)
    │   └── Deduction          扣分项: points per occurrence, at most ``max_count`` occurrences
    ├── Contestant             a staff member; signed up by themselves or their head, approved (CONTESTANT)
    ├── Appointment            a judge: chief, panel member or reserve; a private scoring link (``code``)
    │   └── Conflict           declared (those found from the organisation data are computed, never stored)
    ├── Round 1, 2…            初赛 / 决赛: a scoring window, the rubric version, how finalists go on (ROUND)
    │   ├── Entry              a contestant in the round: the aggregated result, rank, per-criterion breakdown
    │   │   └── Sheet          one judge's score sheet for the entry (SHEET), versioned
    │   │       ├── Score            a criterion's value, who entered it
    │   │       ├── SheetDeduction   how often a deduction applies
    │   │       ├── ScoreChange      the audit: who, when, old → new, version, reason
    │   │       ├── SheetVersion     what each submitted version held
    │   │       └── ReEntry          the blind second entry of a paper sheet
    │   ├── Flag               an anomaly to clear before the results are verified (FLAG)
    │   └── Objection          an objection during the public notice (公示), answered (OBJECTION)
    └── Certificate            the award of a placed contestant; verified at /c/<serial>/ (CERTIFICATE)

Every status moves through its workflow in ``workflows.py``; rows a form creates carry a submission key
(``core.submissions``). Scoping: ``visible_to`` — competitions by their organising department (group-wide
ones, once announced, to every staff member), contestants by their own department, everything about
scoring by the competition's organising department (so the head of a contestant's department never reads
a sheet of a group-wide competition).
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from qualityservice.core.i18n import LocalisedTextMixin
from qualityservice.core.permissions import DepartmentScopedQuerySet, department_scope
from qualityservice.core.submissions import SubmissionKeyField

C = "competition"  # the translation context of the app's strings (written out in every call: xgettext reads literals only)


def new_code() -> str:
    """A public page's code: 16 URL-safe random characters (an id would let anyone count and walk the rows)."""
    return secrets.token_urlsafe(12)


def new_link_code() -> str:
    """A judge's private scoring link: 32 URL-safe random characters (it is the judge's credential)."""
    return secrets.token_urlsafe(24)


class Trade(models.TextChoices):
    COOKING = "cooking", pgettext_lazy("competition", "Cooking (烹饪)")
    PASTRY = "pastry", pgettext_lazy("competition", "Pastry (面点)")
    ELECTRICIAN = "electrician", pgettext_lazy("competition", "Electrician (电工)")
    PLUMBING = "plumbing", pgettext_lazy("competition", "Plumbing repairs (水暖维修)")
    HOUSEKEEPING = "housekeeping", pgettext_lazy("competition", "Room cleaning (客房保洁)")
    DRIVING = "driving", pgettext_lazy("competition", "Driving (驾驶)")
    RECEPTION = "reception", pgettext_lazy("competition", "Reception etiquette (接待礼仪)")
    OTHER = "other", pgettext_lazy("competition", "Other trade")


class Normalisation(models.TextChoices):
    NONE = "", pgettext_lazy("competition", "None: the judges' scores as given")
    OFFSET = "offset", pgettext_lazy("competition", "Subtract a biased judge's mean offset from the panel")


class Aggregation(models.TextChoices):
    MEAN = "mean", pgettext_lazy("competition", "Mean")
    TRIMMED = "trimmed", pgettext_lazy("competition", "Trimmed mean (adapts to the panel)")
    MEDIAN = "median", pgettext_lazy("competition", "Median")


# --- Competitions ----------------------------------------------------------------------------------


class CompetitionQuerySet(DepartmentScopedQuerySet):
    """``visible_to(user)``: supervisors and administrators every competition; others the competitions of
    their department and the group-wide ones that are announced (not drafts) — a head signs up staff for
    them, staff sign up themselves."""

    department_field = "department"

    def visible_to(self, user, *, routing=None):
        scope = department_scope(user)
        if scope is None:
            return self
        if not scope:
            return self.none()
        return self.filter(Q(department__in=scope) | (Q(level=Competition.Level.GROUP) & ~Q(status=Competition.Status.DRAFT)))


class Competition(LocalisedTextMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("competition", "Draft")
        SIGNUP = "signup", pgettext_lazy("competition", "Open for sign-up")
        RUNNING = "running", pgettext_lazy("competition", "Under way")
        FINISHED = "finished", pgettext_lazy("competition", "Finished")
        CANCELLED = "cancelled", pgettext_lazy("competition", "Cancelled")

    class Level(models.TextChoices):
        GROUP = "group", pgettext_lazy("competition", "Group-wide")
        DEPARTMENT = "department", pgettext_lazy("competition", "Department")

    department = models.ForeignKey("org.Department", verbose_name=pgettext_lazy("competition", "organised by"),
                                   on_delete=models.PROTECT, related_name="competitions")
    level = models.CharField(pgettext_lazy("competition", "level"), max_length=12, choices=Level.choices, default=Level.GROUP,
                             editable=False)
    trade = models.CharField(pgettext_lazy("competition", "trade"), max_length=16, choices=Trade.choices, default=Trade.OTHER)
    title = models.CharField(pgettext_lazy("competition", "title"), max_length=120)
    title_en = models.CharField(pgettext_lazy("competition", "title (English)"), max_length=200, blank=True)
    description = models.TextField(pgettext_lazy("competition", "description"), blank=True)
    description_en = models.TextField(pgettext_lazy("competition", "description (English)"), blank=True)
    status = models.CharField(pgettext_lazy("competition", "status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    signup_until = models.DateField(pgettext_lazy("competition", "sign-up until"), null=True, blank=True)
    aggregation = models.CharField(pgettext_lazy("competition", "aggregation"), max_length=10, choices=Aggregation.choices,
                                   default=Aggregation.TRIMMED)
    # Anomaly rules, as fractions of a criterion's range (max − min) and a z-score.
    outlier_distance = models.DecimalField(
        pgettext_lazy("competition", "outlier distance"), max_digits=4, decimal_places=2, default=Decimal("0.25"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1"))],
        help_text=pgettext_lazy("competition", "A score further than this share of the criterion's range from the panel's "
                                                  "median is flagged (0.25 = a quarter of the range)."))
    spread_threshold = models.DecimalField(
        pgettext_lazy("competition", "spread threshold"), max_digits=4, decimal_places=2, default=Decimal("0.40"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1"))],
        help_text=pgettext_lazy("competition", "The panel's highest minus lowest score on a criterion above this share of its "
                                   "range is flagged."))
    bias_z = models.DecimalField(
        pgettext_lazy("competition", "judge bias z-score"), max_digits=4, decimal_places=2, default=Decimal("1.50"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("5"))],
        help_text=pgettext_lazy("competition", "A judge whose average offset from the panel has a z-score at least this large "
                                   "(among the round's judges) is flagged as systematically high or low."))
    normalisation = models.CharField(
        pgettext_lazy("competition", "normalisation of biased judges"), max_length=8, choices=Normalisation.choices,
        default=Normalisation.NONE, blank=True,
        help_text=pgettext_lazy("competition", "A judge flagged as systematically high or low (on at least three scores) has "
                                   "their average offset from the other judges subtracted from each of their scores, per "
                                   "criterion, before the aggregation. Fixed once a round has opened."))
    tie_breaks = models.JSONField(pgettext_lazy("competition", "tie-break chain"), default=list, blank=True)
    awards = models.JSONField(pgettext_lazy("competition", "awards"), default=list, blank=True)
    objection_days = models.PositiveSmallIntegerField(pgettext_lazy("competition", "objection window (days)"), default=3,
                                                      validators=[MaxValueValidator(30)])
    blind_reentry = models.BooleanField(pgettext_lazy("competition", "blind re-entry of paper sheets"), default=False)
    code = models.CharField(pgettext_lazy("competition", "public code"), max_length=24, unique=True, default=new_code, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("competition", "created by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(pgettext_lazy("competition", "created"), default=timezone.now, editable=False)
    finished_at = models.DateTimeField(pgettext_lazy("competition", "finished"), null=True, blank=True, editable=False)
    submission_key = SubmissionKeyField(pgettext_lazy("competition", "submission key"))
    history = HistoricalRecords(excluded_fields=["submission_key"])

    objects = CompetitionQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("competition", "competition")
        verbose_name_plural = pgettext_lazy("competition", "competitions")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The staff list: WHERE department_id IN (…) OR level = 'group' … ORDER BY created_at DESC, id DESC.
            models.Index(fields=["department", "-created_at", "-id"], name="compet_list_idx"),
            # The group-wide competitions every department sees: WHERE level = 'group' AND status <> 'draft'.
            models.Index(fields=["level", "status"], name="compet_level_idx"),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.localised("title")

    @property
    def display_description(self) -> str:
        return self.localised("description")

    @property
    def is_group_wide(self) -> bool:
        return self.level == self.Level.GROUP

    def get_absolute_url(self) -> str:
        return reverse("competitions:detail", args=[self.pk])

    def get_edit_url(self) -> str:
        return reverse("competitions:edit", args=[self.pk])

    def get_move_url(self) -> str:
        return reverse("competitions:move", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("competitions:public", args=[self.code])


# --- Rubric ------------------------------------------------------------------------------------------


class RubricVersion(models.Model):
    """One version of a competition's rubric. Frozen (``frozen_at``) once a round opens scoring with it:
    its criteria and deductions never change again; a change makes the next version (a copy)."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="rubrics",
                                    verbose_name=pgettext_lazy("competition", "competition"))
    number = models.PositiveSmallIntegerField(pgettext_lazy("competition", "version"))
    note = models.CharField(pgettext_lazy("competition", "what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=pgettext_lazy("competition", "created by"))
    created_at = models.DateTimeField(pgettext_lazy("competition", "created"), default=timezone.now)
    frozen_at = models.DateTimeField(pgettext_lazy("competition", "frozen"), null=True, blank=True)
    submission_key = SubmissionKeyField(pgettext_lazy("competition", "submission key"))

    class Meta:
        verbose_name = pgettext_lazy("competition", "rubric version")
        verbose_name_plural = pgettext_lazy("competition", "rubric versions")
        ordering = ["competition", "number"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "number"], name="compet_rubric_unique_number"),
        ]

    def __str__(self) -> str:
        return f"v{self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    @property
    def max_total(self) -> Decimal:
        return sum((c.weight * c.max_score for c in self.criteria.all()), Decimal(0))


class Criterion(LocalisedTextMixin, models.Model):
    """A weighted criterion: a judge gives a value from ``min_score`` to ``max_score`` in steps of ``step``;
    ``levels`` describes the ranges ([{"from": "8", "to": "10", "text": "…", "text_en": "…"}, …])."""

    rubric = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="criteria",
                               verbose_name=pgettext_lazy("competition", "rubric version"))
    code = models.SlugField(pgettext_lazy("competition", "code"), max_length=20,
                            help_text=pgettext_lazy("competition", "Short and stable across versions (the tie-break chain names it)."))
    order = models.PositiveSmallIntegerField(pgettext_lazy("competition", "order"), default=10)
    name = models.CharField(pgettext_lazy("competition", "criterion"), max_length=80)
    name_en = models.CharField(pgettext_lazy("competition", "criterion (English)"), max_length=120, blank=True)
    description = models.CharField(pgettext_lazy("competition", "what is judged"), max_length=300, blank=True)
    description_en = models.CharField(pgettext_lazy("competition", "what is judged (English)"), max_length=400, blank=True)
    weight = models.DecimalField(pgettext_lazy("competition", "weight"), max_digits=5, decimal_places=2, default=Decimal("1"))
    min_score = models.DecimalField(pgettext_lazy("competition", "lowest score"), max_digits=6, decimal_places=2, default=Decimal("0"))
    max_score = models.DecimalField(pgettext_lazy("competition", "highest score"), max_digits=6, decimal_places=2, default=Decimal("10"))
    step = models.DecimalField(pgettext_lazy("competition", "step"), max_digits=5, decimal_places=2, default=Decimal("0.5"))
    levels = models.JSONField(pgettext_lazy("competition", "level descriptions"), default=list, blank=True)
    submission_key = SubmissionKeyField(pgettext_lazy("competition", "submission key"))
    history = HistoricalRecords(excluded_fields=["submission_key"])

    class Meta:
        verbose_name = pgettext_lazy("competition", "criterion")
        verbose_name_plural = pgettext_lazy("competition", "criteria")
        ordering = ["rubric", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "code"], name="compet_criterion_unique_code"),
            models.CheckConstraint(condition=Q(max_score__gt=models.F("min_score")), name="compet_criterion_range"),
            models.CheckConstraint(condition=Q(step__gt=0) & Q(weight__gt=0), name="compet_criterion_step_weight"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.localised("name")

    @property
    def display_description(self) -> str:
        return self.localised("description")

    @property
    def range(self) -> Decimal:
        return self.max_score - self.min_score

    def display_levels(self) -> list[dict]:
        """The level descriptions in the reader's language, highest first."""
        from qualityservice.core.i18n import pick

        rows = [{"from": lv.get("from", ""), "to": lv.get("to", ""), "text": pick(lv.get("text", ""), lv.get("text_en", ""))}
                for lv in self.levels or []]
        return sorted(rows, key=lambda r: Decimal(str(r["to"] or 0)), reverse=True)

    def error_for(self, value: Decimal | None) -> str | None:
        """Why ``value`` is not a valid score for this criterion (None when it is)."""
        from django.utils.translation import pgettext

        if value is None:
            return None
        if value < self.min_score or value > self.max_score:
            return pgettext("competition", "%(criterion)s: the score must lie between %(min)s and %(max)s.") % {
                "criterion": self.display_name, "min": _plain(self.min_score), "max": _plain(self.max_score)}
        if (value - self.min_score) % self.step != 0:
            return pgettext("competition", "%(criterion)s: the score goes in steps of %(step)s from %(min)s.") % {
                "criterion": self.display_name, "step": _plain(self.step), "min": _plain(self.min_score)}
        return None


class Deduction(LocalisedTextMixin, models.Model):
    """扣分项: ``points`` off the total for each occurrence a judge records, at most ``max_count`` times."""

    rubric = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="deductions",
                               verbose_name=pgettext_lazy("competition", "rubric version"))
    code = models.SlugField(pgettext_lazy("competition", "code"), max_length=20)
    order = models.PositiveSmallIntegerField(pgettext_lazy("competition", "order"), default=10)
    name = models.CharField(pgettext_lazy("competition", "deduction"), max_length=80)
    name_en = models.CharField(pgettext_lazy("competition", "deduction (English)"), max_length=120, blank=True)
    points = models.DecimalField(pgettext_lazy("competition", "points per occurrence"), max_digits=5, decimal_places=2)
    max_count = models.PositiveSmallIntegerField(pgettext_lazy("competition", "at most (times)"), default=1,
                                                 validators=[MinValueValidator(1), MaxValueValidator(20)])
    submission_key = SubmissionKeyField(pgettext_lazy("competition", "submission key"))
    history = HistoricalRecords(excluded_fields=["submission_key"])

    class Meta:
        verbose_name = pgettext_lazy("competition", "deduction")
        verbose_name_plural = pgettext_lazy("competition", "deductions")
        ordering = ["rubric", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "code"], name="compet_deduction_unique_code"),
            models.CheckConstraint(condition=Q(points__gt=0) & Q(max_count__gte=1), name="compet_deduction_points"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.localised("name")


def _plain(value: Decimal) -> str:
    """A decimal without trailing zeros (8.50 → 8.5, 10.00 → 10)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- Rounds ------------------------------------------------------------------------------------------


class ScopedByCompetition(DepartmentScopedQuerySet):
    """Rows about scoring: visible to the organisers of the competition (its organising department's head for a
    department competition; supervisors for every competition). Never to the head of a contestant's department
    as such."""

    department_field = "competition__department"


class RoundQuerySet(ScopedByCompetition):
    department_field = "competition__department"


class ScopedByRound(DepartmentScopedQuerySet):
    """Rows of a round (entries, flags, objections): scoped like the round's competition."""

    department_field = "round__competition__department"


class Round(LocalisedTextMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("competition", "Planned")
        SCORING = "scoring", pgettext_lazy("competition", "Scoring")
        REVIEW = "review", pgettext_lazy("competition", "Under review")
        VERIFIED = "verified", pgettext_lazy("competition", "Verified")
        NOTICE = "notice", pgettext_lazy("competition", "Public notice (公示)")
        FINAL = "final", pgettext_lazy("competition", "Final")

    class Advance(models.TextChoices):
        NONE = "", pgettext_lazy("competition", "Nobody (the last round)")
        RANK = "rank", pgettext_lazy("competition", "The best N by rank")
        CUTOFF = "cutoff", pgettext_lazy("competition", "Everyone at or above a score")

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="rounds",
                                    verbose_name=pgettext_lazy("competition", "competition"))
    number = models.PositiveSmallIntegerField(pgettext_lazy("competition", "round"))
    name = models.CharField(pgettext_lazy("competition", "name"), max_length=40)
    name_en = models.CharField(pgettext_lazy("competition", "name (English)"), max_length=60, blank=True)
    status = models.CharField(pgettext_lazy("competition", "status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    rubric = models.ForeignKey(RubricVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="rounds",
                               verbose_name=pgettext_lazy("competition", "rubric version"), editable=False)
    scoring_opens_at = models.DateTimeField(pgettext_lazy("competition", "scoring opens"))
    scoring_closes_at = models.DateTimeField(pgettext_lazy("competition", "scoring closes"))
    advance = models.CharField(pgettext_lazy("competition", "who goes on to the next round"), max_length=8, choices=Advance.choices,
                               default=Advance.NONE, blank=True)
    advance_count = models.PositiveSmallIntegerField(pgettext_lazy("competition", "how many go on"), null=True, blank=True)
    advance_cutoff = models.DecimalField(pgettext_lazy("competition", "cut-off score"), max_digits=8, decimal_places=2, null=True,
                                         blank=True)
    notice_until = models.DateTimeField(pgettext_lazy("competition", "objections until"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(pgettext_lazy("competition", "published"), null=True, blank=True, editable=False)
    finalised_at = models.DateTimeField(pgettext_lazy("competition", "final since"), null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(pgettext_lazy("competition", "judges reminded"), null=True, blank=True, editable=False)
    # With a normalisation, the judges adjusted when the results were stored: {appointment id: {criterion code:
    # points subtracted}}.
    adjustments = models.JSONField(pgettext_lazy("competition", "judges adjusted"), default=dict, blank=True, editable=False)
    submission_key = SubmissionKeyField(pgettext_lazy("competition", "submission key"))
    history = HistoricalRecords(excluded_fields=["submission_key"])

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("competition", "round")
        verbose_name_plural = pgettext_lazy("competition", "rounds")
        ordering = ["competition", "number"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "number"], name="compet_round_unique_number"),
            models.CheckConstraint(condition=Q(scoring_closes_at__gt=models.F("scoring_opens_at")),
                                   name="compet_round_window"),
        ]
        indexes = [
            # The indicator "mean score": WHERE status = 'final' AND finalised_at >= … AND finalised_at < ….
            models.Index(fields=["finalised_at"], condition=Q(status="final"), name="compet_round_final_idx"),
            # The reminder job: WHERE status = 'scoring' AND reminded_at IS NULL AND scoring_closes_at <= ….
            models.Index(fields=["scoring_closes_at"], condition=Q(status="scoring", reminded_at__isnull=True),
                         name="compet_round_remind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.competition.display_title} · {self.display_name}" if self.competition_id else self.display_name

    @property
    def display_name(self) -> str:
        return self.localised("name")

    @property
    def is_published(self) -> bool:
        return self.status in (self.Status.NOTICE, self.Status.FINAL)

    def window_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.scoring_opens_at <= now < self.scoring_closes_at

    def get_absolute_url(self) -> str:
        return reverse("competitions:round", args=[self.pk])

    def get_move_url(self) -> str:
        return reverse("competitions:round_move", args=[self.pk])


# --- Contestants and judges ------------------------------------------------------------------------


class ContestantQuerySet(DepartmentScopedQuerySet):
    """``visible_to``: a head reads the contestants of their department, supervisors all."""

    department_field = "department"


class Contestant(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", pgettext_lazy("competition", "Signed up, awaiting approval")
        APPROVED = "approved", pgettext_lazy("competition", "Approved")
        REJECTED = "rejected", pgettext_lazy("competition", "Not approved")
        WITHDRAWN = "withdrawn", pgettext_lazy("competition", "Withdrawn")

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="contestants",
                                    verbose_name=pgettext_lazy("competition", "competition"))
    staff = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="competition_entries",
                              verbose_name=pgettext_lazy("competition", "staff member"))
    # The staff member's department and team when they signed up (scoping; conflicts of interest).
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=pgettext_lazy("competition", "department"))
    team = models.ForeignKey("org.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=pgettext_lazy("competition", "team"))
    number = models.PositiveIntegerField(pgettext_lazy("competition", "number"))
    status = models.CharField(pgettext_lazy("competition", "status"), max_length=10, choices=Status.choices, default=Status.APPLIED)
    note = models.CharField(pgettext_lazy("competition", "note"), max_length=200, blank=True)
    signed_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=pgettext_lazy("competition", "signed up by"))
    signed_up_at = models.DateTimeField(pgettext_lazy("competition", "signed up"), default=timezone.now)
    approved_at = models.DateTimeField(pgettext_lazy("competition", "approved"), null=True, blank=True)
    submission_key = SubmissionKeyField(pgettext_lazy("competition", "submission key"))

    objects = ContestantQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("competition", "contestant")
        verbose_name_plural = pgettext_lazy("competition", "contestants")
        ordering = ["competition", "number"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "staff"], name="compet_contestant_once"),
            models.UniqueConstraint(fields=["competition", "number"], name="compet_contestant_number"),
        ]
        indexes = [
            # The indicator "contestants": WHERE department_id IN (…) AND approved_at in the period GROUP BY department.
            models.Index(fields=["department", "approved_at"], name="compet_contestant_dept_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number:02d} {self.staff.name}"


class Appointment(models.Model):
    """A judge of a competition. ``code`` is the judge's private scoring link (for a judge without an account,
    or on a borrowed phone); signed-in judges reach the same sheets from their own pages."""

    class Role(models.TextChoices):
        CHIEF = "chief", pgettext_lazy("competition", "Chief judge")
        PANEL = "panel", pgettext_lazy("competition", "Panel member")
        RESERVE = "reserve", pgettext_lazy("competition", "Reserve")

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="appointments",
                                    verbose_name=pgettext_lazy("competition", "competition"))
    staff = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="judge_appointments",
                              verbose_name=pgettext_lazy("competition", "judge"))
    role = models.CharField(pgettext_lazy("competition", "role"), max_length=8, choices=Role.choices, default=Role.PANEL)
    order = models.PositiveSmallIntegerField(pgettext_lazy("competition", "order"), default=10)
    code = models.CharField(pgettext_lazy("competition", "private link code"), max_length=40, unique=True, default=new_link_code,
                            editable=False)
    appointed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=pgettext_lazy("competition", "appointed by"))
    appointed_at = models.DateTimeField(pgettext_lazy("competition", "appointed"), default=timezone.now)
    submission_key = SubmissionKeyField(pgettext_lazy("competition", "submission key"))
    history = HistoricalRecords(excluded_fields=["submission_key", "code"])

    objects = ScopedByCompetition.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("competition", "judge appointment")
        verbose_name_plural = pgettext_lazy("competition", "judge appointments")
        ordering = ["competition", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "staff"], name="compet_appointment_once"),
            models.UniqueConstraint(fields=["competition"], condition=Q(role="chief"), name="compet_one_chief"),
        ]

    def __str__(self) -> str:
        return f"{self.staff.name} ({self.get_role_display()})"

    @property
    def scores_everyone(self) -> bool:
        """Chief and panel members score every contestant they have no conflict with; reserves only those a
        conflicted judge could not score."""
        return self.role != self.Role.RESERVE

    def get_link_url(self) -> str:
        return reverse("competitions:link", args=[self.code])


class Conflict(models.Model):
    """A declared conflict of interest (a relative, a former apprentice…). Conflicts from the organisation data
    — a judge of the contestant's own department or team, or their head — are computed, never stored."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="conflicts",
                                    verbose_name=pgettext_lazy("competition", "judge"))
    contestant = models.ForeignKey(Contestant, on_delete=models.CASCADE, related_name="conflicts",
                                   verbose_name=pgettext_lazy("competition", "contestant"))
    reason = models.CharField(pgettext_lazy("competition", "reason"), max_length=200)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=pgettext_lazy("competition", "declared by"))
    declared_at = models.DateTimeField(pgettext_lazy("competition", "declared"), default=timezone.now)
    submission_key = SubmissionKeyField(pgettext_lazy("competition", "submission key"))

    class Meta:
        verbose_name = pgettext_lazy("competition", "declared conflict")
        verbose_name_plural = pgettext_lazy("competition", "declared conflicts")
        constraints = [models.UniqueConstraint(fields=["appointment", "contestant"], name="compet_conflict_once")]


# --- Scoring -----------------------------------------------------------------------------------------

    def __str__(self) -> str:
        return self.reason


class Entry(models.Model):
    """A contestant in a round, and once the round is verified its result: the aggregated total, the rank and
    the per-criterion breakdown (``breakdown``: {criterion code: aggregated value}, with "_deductions")."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="entries",
                              verbose_name=pgettext_lazy("competition", "round"))
    contestant = models.ForeignKey(Contestant, on_delete=models.CASCADE, related_name="entries",
                                   verbose_name=pgettext_lazy("competition", "contestant"))
    order = models.PositiveIntegerField(pgettext_lazy("competition", "order of appearance"), default=0)
    judges = models.PositiveSmallIntegerField(pgettext_lazy("competition", "judges counted"), null=True, blank=True)
    total = models.DecimalField(pgettext_lazy("competition", "total"), max_digits=10, decimal_places=4, null=True, blank=True)
    # With a normalisation: the total before it (``total`` is the normalised one, which ranks).
    raw_total = models.DecimalField(pgettext_lazy("competition", "total before normalisation"), max_digits=10, decimal_places=4,
                                    null=True, blank=True)
    deductions = models.DecimalField(pgettext_lazy("competition", "deductions"), max_digits=10, decimal_places=4, null=True,
                                     blank=True)
    percent = models.DecimalField(pgettext_lazy("competition", "share of the maximum"), max_digits=7, decimal_places=2, null=True,
                                  blank=True)
    rank = models.PositiveIntegerField(pgettext_lazy("competition", "rank"), null=True, blank=True)
    breakdown = models.JSONField(pgettext_lazy("competition", "breakdown"), default=dict, blank=True)
    advanced = models.BooleanField(pgettext_lazy("competition", "goes on"), default=False)

    objects = ScopedByRound.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("competition", "entry")
        verbose_name_plural = pgettext_lazy("competition", "entries")
        ordering = ["round", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "contestant"], name="compet_entry_once")]

    def __str__(self) -> str:
        return str(self.contestant)


class SheetQuerySet(DepartmentScopedQuerySet):
    department_field = "round__competition__department"

    def of_user(self, user):
        """The sheets of ``user``'s own appointments (a judge reads only these)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(appointment__staff__user=user)


class Sheet(models.Model):
    """One judge's score sheet for one entry. ``version`` counts the submitted versions (0 while a first draft);
    a correction of a submitted sheet is the next version, with a reason (``SheetVersion``, ``ScoreChange``)."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("competition", "Being scored")
        SUBMITTED = "submitted", pgettext_lazy("competition", "Submitted")
        CONFIRMED = "confirmed", pgettext_lazy("competition", "Confirmed")
        RETURNED = "returned", pgettext_lazy("competition", "Returned for correction")
        BLOCKED = "blocked", pgettext_lazy("competition", "Blocked: conflict of interest")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="sheets", verbose_name=pgettext_lazy("competition", "round"))
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="sheets", verbose_name=pgettext_lazy("competition", "entry"))
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="sheets",
                                    verbose_name=pgettext_lazy("competition", "judge"))
    code = models.CharField(pgettext_lazy("competition", "sheet code"), max_length=24, unique=True, default=new_code, editable=False)
    status = models.CharField(pgettext_lazy("competition", "status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveSmallIntegerField(pgettext_lazy("competition", "version"), default=0)
    as_reserve = models.BooleanField(pgettext_lazy("competition", "scored as a reserve"), default=False)
    total = models.DecimalField(pgettext_lazy("competition", "sheet total"), max_digits=10, decimal_places=4, null=True, blank=True)
    submitted_at = models.DateTimeField(pgettext_lazy("competition", "submitted"), null=True, blank=True)
    confirmed_at = models.DateTimeField(pgettext_lazy("competition", "confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=pgettext_lazy("competition", "confirmed by"))
    returned_reason = models.CharField(pgettext_lazy("competition", "returned because"), max_length=300, blank=True)
    blocked_reason = models.CharField(pgettext_lazy("competition", "blocked because"), max_length=300, blank=True)

    objects = SheetQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("competition", "score sheet")
        verbose_name_plural = pgettext_lazy("competition", "score sheets")
        ordering = ["round", "entry__order", "appointment__order", "pk"]
        constraints = [models.UniqueConstraint(fields=["entry", "appointment"], name="compet_sheet_once")]
        indexes = [
            # A judge's sheets in a round: WHERE appointment_id = ? AND round_id = ?.
            models.Index(fields=["appointment", "round"], name="compet_sheet_judge_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.entry} · {self.appointment.staff.name}"

    @property
    def counts(self) -> bool:
        """Whether the sheet's scores enter the aggregation now (submitted or confirmed)."""
        return self.status in (self.Status.SUBMITTED, self.Status.CONFIRMED)

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class Via(models.TextChoices):
    """How a value reached the sheet: the judge signed in, the judge's private link, a clerk typing a paper sheet."""

    SIGNED_IN = "signed_in", pgettext_lazy("competition", "judge, signed in")
    LINK = "link", pgettext_lazy("competition", "judge, private link")
    CLERK = "clerk", pgettext_lazy("competition", "clerk, from the paper sheet")


class Score(models.Model):
    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="scores", verbose_name=pgettext_lazy("competition", "sheet"))
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=pgettext_lazy("competition", "criterion"))
    value = models.DecimalField(pgettext_lazy("competition", "score"), max_digits=6, decimal_places=2)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=pgettext_lazy("competition", "entered by"))
    via = models.CharField(pgettext_lazy("competition", "entered through"), max_length=10, choices=Via.choices, default=Via.SIGNED_IN)
    updated_at = models.DateTimeField(pgettext_lazy("competition", "updated"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("competition", "score")
        verbose_name_plural = pgettext_lazy("competition", "scores")
        constraints = [models.UniqueConstraint(fields=["sheet", "criterion"], name="compet_score_once")]

    def __str__(self) -> str:
        return str(self.value)


class SheetDeduction(models.Model):
    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="deduction_counts",
                              verbose_name=pgettext_lazy("competition", "sheet"))
    deduction = models.ForeignKey(Deduction, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=pgettext_lazy("competition", "deduction"))
    count = models.PositiveSmallIntegerField(pgettext_lazy("competition", "times"), default=0)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=pgettext_lazy("competition", "entered by"))
    via = models.CharField(pgettext_lazy("competition", "entered through"), max_length=10, choices=Via.choices, default=Via.SIGNED_IN)
    updated_at = models.DateTimeField(pgettext_lazy("competition", "updated"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("competition", "deduction on a sheet")
        verbose_name_plural = pgettext_lazy("competition", "deductions on sheets")
        constraints = [models.UniqueConstraint(fields=["sheet", "deduction"], name="compet_sheetded_once")]

    def __str__(self) -> str:
        return str(self.count)


class ScoreChange(models.Model):
    """The audit of every value entered: who, when, through what, old → new, the sheet's version, the reason
    (a correction's). Never changed or deleted."""

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="changes", verbose_name=pgettext_lazy("competition", "sheet"))
    field = models.CharField(pgettext_lazy("competition", "what"), max_length=30)  # "c:<criterion code>" or "d:<deduction code>"
    label = models.CharField(pgettext_lazy("competition", "item"), max_length=120)
    old = models.DecimalField(pgettext_lazy("competition", "old value"), max_digits=6, decimal_places=2, null=True, blank=True)
    new = models.DecimalField(pgettext_lazy("competition", "new value"), max_digits=6, decimal_places=2, null=True, blank=True)
    version = models.PositiveSmallIntegerField(pgettext_lazy("competition", "version"))
    reason = models.CharField(pgettext_lazy("competition", "reason"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                           verbose_name=pgettext_lazy("competition", "by"))
    via = models.CharField(pgettext_lazy("competition", "entered through"), max_length=10, choices=Via.choices, default=Via.SIGNED_IN)
    at = models.DateTimeField(pgettext_lazy("competition", "at"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("competition", "score change")
        verbose_name_plural = pgettext_lazy("competition", "score changes")
        ordering = ["sheet", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.label}: {self.old} → {self.new}"


class SheetVersion(models.Model):
    """What a sheet held when version ``number`` was submitted (its values by code, its total, the reason)."""

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="versions", verbose_name=pgettext_lazy("competition", "sheet"))
    number = models.PositiveSmallIntegerField(pgettext_lazy("competition", "version"))
    values = models.JSONField(pgettext_lazy("competition", "values"), default=dict)
    total = models.DecimalField(pgettext_lazy("competition", "sheet total"), max_digits=10, decimal_places=4)
    reason = models.CharField(pgettext_lazy("competition", "reason"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                           verbose_name=pgettext_lazy("competition", "by"))
    via = models.CharField(pgettext_lazy("competition", "entered through"), max_length=10, choices=Via.choices, default=Via.SIGNED_IN)
    at = models.DateTimeField(pgettext_lazy("competition", "at"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("competition", "sheet version")
        verbose_name_plural = pgettext_lazy("competition", "sheet versions")
        ordering = ["sheet", "number"]
        constraints = [models.UniqueConstraint(fields=["sheet", "number"], name="compet_sheetversion_once")]

    def __str__(self) -> str:
        return f"v{self.number}"


class ReEntry(models.Model):
    """The blind second entry of a paper sheet (a second person types the same sheet without seeing the first
    entry); ``differences`` lists the items that differ — the sheet cannot be confirmed while it has any."""

    sheet = models.OneToOneField(Sheet, on_delete=models.CASCADE, related_name="reentry", verbose_name=pgettext_lazy("competition", "sheet"))
    values = models.JSONField(pgettext_lazy("competition", "values"), default=dict)
    differences = models.JSONField(pgettext_lazy("competition", "differences"), default=list, blank=True)
    version = models.PositiveSmallIntegerField(pgettext_lazy("competition", "version checked"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                           verbose_name=pgettext_lazy("competition", "entered by"))
    at = models.DateTimeField(pgettext_lazy("competition", "at"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("competition", "second entry")
        verbose_name_plural = pgettext_lazy("competition", "second entries")

    def __str__(self) -> str:
        return f"v{self.version}"


class Flag(models.Model):
    """An anomaly found in a round's scores. ``key`` identifies what it is about (kind, sheet and its version or
    the panel's versions, criterion), so that checking again finds the same flag and a resolved one stays
    resolved until the scores it is about change."""

    class Kind(models.TextChoices):
        OUTLIER = "outlier", pgettext_lazy("competition", "Score far from the panel")
        SPREAD = "spread", pgettext_lazy("competition", "Panel spread too wide")
        BIAS = "bias", pgettext_lazy("competition", "Judge systematically high or low")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("competition", "Open")
        ACCEPTED = "accepted", pgettext_lazy("competition", "Accepted")
        RETURNED = "returned", pgettext_lazy("competition", "Sheet returned")
        SUPERSEDED = "superseded", pgettext_lazy("competition", "No longer applies")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="flags", verbose_name=pgettext_lazy("competition", "round"))
    kind = models.CharField(pgettext_lazy("competition", "kind"), max_length=8, choices=Kind.choices)
    key = models.CharField(pgettext_lazy("competition", "key"), max_length=200)
    entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.CASCADE, related_name="flags",
                              verbose_name=pgettext_lazy("competition", "entry"))
    sheet = models.ForeignKey(Sheet, null=True, blank=True, on_delete=models.CASCADE, related_name="flags",
                              verbose_name=pgettext_lazy("competition", "sheet"))
    appointment = models.ForeignKey(Appointment, null=True, blank=True, on_delete=models.CASCADE, related_name="flags",
                                    verbose_name=pgettext_lazy("competition", "judge"))
    criterion = models.ForeignKey(Criterion, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                  verbose_name=pgettext_lazy("competition", "criterion"))
    detail = models.JSONField(pgettext_lazy("competition", "detail"), default=dict)
    status = models.CharField(pgettext_lazy("competition", "status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    note = models.CharField(pgettext_lazy("competition", "note"), max_length=300, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=pgettext_lazy("competition", "resolved by"))
    resolved_at = models.DateTimeField(pgettext_lazy("competition", "resolved"), null=True, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("competition", "found"), default=timezone.now)

    objects = ScopedByRound.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("competition", "anomaly flag")
        verbose_name_plural = pgettext_lazy("competition", "anomaly flags")
        ordering = ["round", "status", "kind", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "key"], name="compet_flag_once")]
        indexes = [
            # The gate: WHERE round_id = ? AND status = 'open'.
            models.Index(fields=["round"], condition=Q(status="open"), name="compet_flag_open_idx"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Objection(models.Model):
    """An objection to published results (公示), recorded and answered by the organiser."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("competition", "Awaiting an answer")
        ANSWERED = "answered", pgettext_lazy("competition", "Answered")

    class Source(models.TextChoices):
        STAFF = "staff", pgettext_lazy("competition", "staff member, signed in")
        MEMBER = "member", pgettext_lazy("competition", "teacher or student, signed in")
        PUBLIC = "public", pgettext_lazy("competition", "member of the public, with name and phone")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="objections", verbose_name=pgettext_lazy("competition", "round"))
    contestant = models.ForeignKey(Contestant, null=True, blank=True, on_delete=models.SET_NULL, related_name="objections",
                                   verbose_name=pgettext_lazy("competition", "about contestant"))
    text = models.TextField(pgettext_lazy("competition", "objection"), max_length=2000)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=pgettext_lazy("competition", "raised by"))
    raised_at = models.DateTimeField(pgettext_lazy("competition", "raised"), default=timezone.now)
    source = models.CharField(pgettext_lazy("competition", "raised by whom"), max_length=8, choices=Source.choices, default=Source.STAFF)
    # Who raised it, as they gave it (a member: from their account; a visitor: typed) — kept for the answer.
    name = models.CharField(pgettext_lazy("competition", "name"), max_length=60, blank=True)
    phone = models.CharField(pgettext_lazy("competition", "phone"), max_length=30, blank=True)
    # The feedback record it became (feedback.services.create_feedback), routed to the organiser.
    feedback_id = models.PositiveIntegerField(pgettext_lazy("competition", "feedback record"), null=True, blank=True, editable=False)
    feedback_code = models.CharField(pgettext_lazy("competition", "feedback tracking code"), max_length=16, blank=True, editable=False)
    status = models.CharField(pgettext_lazy("competition", "status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(pgettext_lazy("competition", "answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=pgettext_lazy("competition", "answered by"))
    answered_at = models.DateTimeField(pgettext_lazy("competition", "answered"), null=True, blank=True)
    submission_key = SubmissionKeyField(pgettext_lazy("competition", "submission key"))

    objects = ScopedByRound.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("competition", "objection")
        verbose_name_plural = pgettext_lazy("competition", "objections")
        ordering = ["round", "raised_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class CertificateQuerySet(DepartmentScopedQuerySet):
    department_field = "competition__department"


class Certificate(models.Model):
    """A placed contestant's award certificate. Its ``serial`` is printed with a QR code to ``/c/<serial>/``,
    which says whether it is genuine; a revoked certificate says so there, with the reason."""

    class Status(models.TextChoices):
        VALID = "valid", pgettext_lazy("competition", "Valid")
        REVOKED = "revoked", pgettext_lazy("competition", "Revoked")

    competition = models.ForeignKey(Competition, on_delete=models.PROTECT, related_name="certificates",
                                    verbose_name=pgettext_lazy("competition", "competition"))
    contestant = models.ForeignKey(Contestant, on_delete=models.PROTECT, related_name="certificates",
                                   verbose_name=pgettext_lazy("competition", "contestant"))
    # The holder's department (the indicator "awards"), copied from the contestant.
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=pgettext_lazy("competition", "department"))
    serial = models.CharField(pgettext_lazy("competition", "serial number"), max_length=32, unique=True)
    award = models.CharField(pgettext_lazy("competition", "award"), max_length=60)
    award_en = models.CharField(pgettext_lazy("competition", "award (English)"), max_length=80, blank=True)
    rank = models.PositiveIntegerField(pgettext_lazy("competition", "rank"))
    status = models.CharField(pgettext_lazy("competition", "status"), max_length=8, choices=Status.choices, default=Status.VALID)
    issued_at = models.DateTimeField(pgettext_lazy("competition", "issued"), default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=pgettext_lazy("competition", "issued by"))
    revoked_at = models.DateTimeField(pgettext_lazy("competition", "revoked"), null=True, blank=True)
    revoked_reason = models.CharField(pgettext_lazy("competition", "revoked because"), max_length=300, blank=True)
    submission_key = SubmissionKeyField(pgettext_lazy("competition", "submission key"))

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("competition", "certificate")
        verbose_name_plural = pgettext_lazy("competition", "certificates")
        ordering = ["competition", "rank", "pk"]
        constraints = [models.UniqueConstraint(fields=["competition", "contestant"], name="compet_certificate_once")]
        indexes = [
            # The indicator "awards": WHERE department_id IN (…) AND issued_at in the period AND status = 'valid'.
            models.Index(fields=["department", "issued_at"], name="compet_cert_dept_idx"),
        ]

    def __str__(self) -> str:
        return self.serial

    def get_pdf_url(self) -> str:
        return reverse("competitions:certificate_pdf", args=[self.pk])

    def get_move_url(self) -> str:
        return reverse("competitions:certificate_move", args=[self.pk])
