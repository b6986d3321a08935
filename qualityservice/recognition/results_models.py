"""The second half of a round: the jury (rubric, appointed judges, their sheets), the stored result of each
nominee, the public notice's objections and the winners' certificates.

Imported at the end of ``models.py`` (Django registers models of the modules ``models`` imports).

- ``Rubric`` (one per round: the aggregation of the panel) → ``JuryCriterion`` (weighted, min/max/step);
- ``JuryMember`` (an account appointed to the round's jury) → ``JurySheet`` (one per judge and round: draft →
  confirmed, ``workflows_results.SHEET``) → ``JuryScore`` (nominee × criterion);
- ``Result`` (one per nomination, written once when the notice is published: the breakdown and the rank);
- ``Objection`` (公示: a feedback record routed to the group office);
- ``Certificate`` (a winner's, valid → revoked through ``workflows_results.CERTIFICATE``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from qualityservice.core.i18n import LocalisedNameMixin
from qualityservice.core.submissions import SubmissionKeyField


class Rubric(models.Model):
    """The jury's rubric of a round: how the panel's scores are aggregated (``core.panel``) and the anomaly rules."""

    class Aggregation(models.TextChoices):
        MEAN = "mean", pgettext_lazy("jury", "Mean")
        TRIMMED = "trimmed", pgettext_lazy("jury", "Trimmed mean (adapts to the panel)")
        MEDIAN = "median", pgettext_lazy("jury", "Median")

    round = models.OneToOneField("recognition.Round", on_delete=models.CASCADE, related_name="rubric")
    aggregation = models.CharField(pgettext_lazy("jury", "aggregation"), max_length=10, choices=Aggregation.choices,
                                   default=Aggregation.TRIMMED)
    outlier_distance = models.DecimalField(pgettext_lazy("jury", "outlier distance (share of the range)"), max_digits=4,
                                           decimal_places=2, default=Decimal("0.25"))
    spread_threshold = models.DecimalField(pgettext_lazy("jury", "spread threshold (share of the range)"), max_digits=4,
                                           decimal_places=2, default=Decimal("0.40"))
    bias_z = models.DecimalField(pgettext_lazy("jury", "bias z-score"), max_digits=4, decimal_places=2, default=Decimal("1.50"))

    def __str__(self) -> str:
        return f"{self.round_id}"


class JuryCriterion(LocalisedNameMixin, models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(pgettext_lazy("jury", "code"), max_length=20)
    name = models.CharField(pgettext_lazy("jury", "criterion"), max_length=60)
    name_en = models.CharField(pgettext_lazy("jury", "criterion (English)"), max_length=80, blank=True)
    weight = models.DecimalField(pgettext_lazy("jury", "weight"), max_digits=5, decimal_places=2, default=Decimal(1))
    min_score = models.DecimalField(pgettext_lazy("jury", "lowest score"), max_digits=6, decimal_places=2, default=Decimal(0))
    max_score = models.DecimalField(pgettext_lazy("jury", "highest score"), max_digits=6, decimal_places=2, default=Decimal(10))
    step = models.DecimalField(pgettext_lazy("jury", "step"), max_digits=5, decimal_places=2, default=Decimal(1))
    order = models.PositiveSmallIntegerField(default=10)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "code"], name="recog_jury_criterion_code"),
            models.CheckConstraint(condition=Q(max_score__gt=models.F("min_score")) & Q(step__gt=0) & Q(weight__gt=0),
                                   name="recog_jury_criterion_range"),
        ]

    def __str__(self) -> str:
        return self.display_name


class JuryMember(models.Model):
    """An account appointed to a round's jury (an account with the judge role, or a staff member's). The
    department (from the staff record) decides the conflicts: a judge does not score a nominee of their own
    department."""

    round = models.ForeignKey("recognition.Round", on_delete=models.CASCADE, related_name="jury")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recognition_juries")
    department = models.ForeignKey("org.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    appointed_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="recog_one_jury_seat")]

    def __str__(self) -> str:
        from qualityservice.core.permissions import person_name

        return person_name(self.user)


class JurySheet(models.Model):
    """One judge's sheet of a round: every nominee they may score (not their own department's) × every
    criterion. Draft while they score; confirmed (locked) through ``workflows_results.SHEET``."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("jury", "Being scored")
        CONFIRMED = "confirmed", pgettext_lazy("jury", "Confirmed")

    member = models.OneToOneField(JuryMember, on_delete=models.CASCADE, related_name="sheet")
    round = models.ForeignKey("recognition.Round", on_delete=models.CASCADE, related_name="jury_sheets")
    status = models.CharField(pgettext_lazy("jury", "status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Raised when the supervisor returns the sheet to its judge (an anomaly flag): the flags' keys name the
    # version, so the judge's next confirmation is checked afresh.
    version = models.PositiveSmallIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.member_id}"

    def get_absolute_url(self) -> str:
        return reverse("recognition:jury_sheet", args=[self.pk])


class JuryScore(models.Model):
    sheet = models.ForeignKey(JurySheet, on_delete=models.CASCADE, related_name="scores")
    nomination = models.ForeignKey("recognition.Nomination", on_delete=models.CASCADE, related_name="jury_scores")
    criterion = models.ForeignKey(JuryCriterion, on_delete=models.CASCADE, related_name="scores")
    value = models.DecimalField(max_digits=6, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sheet", "nomination", "criterion"], name="recog_one_jury_score")]

    def __str__(self) -> str:
        return f"{self.sheet_id}:{self.nomination_id}:{self.criterion_id}={self.value}"


class JuryFlag(models.Model):
    """An anomaly found in the confirmed jury sheets of a round (``core.panel.find_anomalies``), to clear before
    the notice is published (``workflows_results.FLAG``). ``key`` names what it is about (kind, the sheet and its
    version or the panel's sheets and versions, the criterion), so that checking again finds the same flag, a
    cleared one stays cleared until the scores it is about change, and one whose scores changed no longer
    applies (superseded)."""

    class Kind(models.TextChoices):
        OUTLIER = "outlier", pgettext_lazy("jury", "Score far from the panel")
        SPREAD = "spread", pgettext_lazy("jury", "Panel spread too wide")
        BIAS = "bias", pgettext_lazy("jury", "Judge systematically high or low")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("jury", "Open")
        ACCEPTED = "accepted", pgettext_lazy("jury", "Scores accepted")
        RETURNED = "returned", pgettext_lazy("jury", "Sheet returned")
        SUPERSEDED = "superseded", pgettext_lazy("jury", "No longer applies")

    round = models.ForeignKey("recognition.Round", on_delete=models.CASCADE, related_name="jury_flags")
    kind = models.CharField(pgettext_lazy("jury", "kind"), max_length=8, choices=Kind.choices)
    key = models.CharField(max_length=200)
    nomination = models.ForeignKey("recognition.Nomination", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(JuryMember, null=True, blank=True, on_delete=models.CASCADE, related_name="flags")
    criterion = models.ForeignKey(JuryCriterion, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    detail = models.JSONField(default=dict)
    status = models.CharField(pgettext_lazy("jury", "status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    reason = models.CharField(pgettext_lazy("jury", "reason"), max_length=300, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["status", "kind", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "key"], name="recog_jury_flag_once")]
        indexes = [
            # The gate of the notice: WHERE round_id = ? AND status = 'open'.
            models.Index(fields=["round"], condition=Q(status="open"), name="recog_jury_flag_open_idx"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def get_clear_url(self) -> str:
        return reverse("recognition:jury_flag_clear", args=[self.pk])


class Result(models.Model):
    """A nominee's result, stored once when the notice is published (the result pages read only these):
    votes, vote share and its normalised score, the jury's aggregated total and its normalised score, the
    combined result by the published weights, the rank and whether the nominee is among the winners."""

    round = models.ForeignKey("recognition.Round", on_delete=models.CASCADE, related_name="results")
    nomination = models.OneToOneField("recognition.Nomination", on_delete=models.CASCADE, related_name="result")
    votes = models.PositiveIntegerField(default=0)
    vote_share = models.DecimalField(max_digits=7, decimal_places=4, default=Decimal(0))  # votes / counted ballots
    vote_score = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal(0))  # 0–100
    judges = models.PositiveSmallIntegerField(default=0)
    jury_total = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    jury_score = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal(0))  # 0–100
    per_criterion = models.JSONField(default=dict)
    total = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal(0))  # 0–100
    rank = models.PositiveSmallIntegerField()
    decided_by = models.CharField(max_length=40, blank=True)
    winner = models.BooleanField(default=False)

    class Meta:
        ordering = ["rank"]
        constraints = [models.UniqueConstraint(fields=["round", "rank"], name="recog_result_rank")]
        indexes = [
            # The public 服务明星 list and the badge page: WHERE winner AND round in (notice, final rounds).
            models.Index(fields=["winner", "round"], name="recog_result_winner_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}#{self.rank}"


class Objection(models.Model):
    """An objection raised during the public notice: kept here with the tracking code of the feedback record
    (``feedback.services.create_feedback``) that routes it to the group office (the supervisor)."""

    round = models.ForeignKey("recognition.Round", on_delete=models.CASCADE, related_name="objections")
    nomination = models.ForeignKey("recognition.Nomination", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    feedback_code = models.CharField(max_length=24, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    submission_key = SubmissionKeyField(pgettext_lazy("jury", "submission key"))

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text[:40]


def new_certificate_serial() -> str:
    from qualityservice.core import certificates

    return certificates.new_serial(CERTIFICATE_PREFIX)


CERTIFICATE_PREFIX = "RY"  # 荣誉


class Certificate(models.Model):
    """A winner's certificate (``core.certificates``: PDF, serial, ``/c/<serial>/``); revoked through
    ``workflows_results.CERTIFICATE`` with a reason the verification page shows."""

    class Status(models.TextChoices):
        VALID = "valid", pgettext_lazy("certificate", "Valid")
        REVOKED = "revoked", pgettext_lazy("certificate", "Revoked")

    round = models.ForeignKey("recognition.Round", on_delete=models.CASCADE, related_name="certificates")
    nomination = models.OneToOneField("recognition.Nomination", on_delete=models.PROTECT, related_name="certificate")
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    serial = models.CharField(max_length=32, unique=True, default=new_certificate_serial, editable=False)
    holder = models.CharField(max_length=120)
    status = models.CharField(pgettext_lazy("certificate", "status"), max_length=10, choices=Status.choices, default=Status.VALID)
    issued_at = models.DateTimeField(default=timezone.now, editable=False)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            # The indicator recognition.winners: WHERE department_id IN (…) AND issued_at in the period AND valid.
            models.Index(fields=["department", "issued_at"], name="recog_cert_dept_idx"),
        ]

    def __str__(self) -> str:
        return self.serial

    def get_pdf_url(self) -> str:
        return reverse("recognition:certificate_pdf", args=[self.pk])

    def get_my_pdf_url(self) -> str:
        """The winner's (or, for a collective, its head's) own download (``views_results.my_certificate_pdf``)."""
        return reverse("recognition:my_certificate_pdf", args=[self.pk])


# --- Single-use voting codes and the fraud signals' counters ----------------------------------------------------


class CodeBatch(models.Model):
    """A batch of single-use voting codes the supervisor generated (printed and handed out, or sent). Voiding a
    batch refuses its unused codes from then on; ballots already cast stay (they cannot be found: see the README)."""

    round = models.ForeignKey("recognition.Round", on_delete=models.CASCADE, related_name="code_batches")
    label = models.CharField(pgettext_lazy("codes", "label"), max_length=80)
    size = models.PositiveIntegerField(pgettext_lazy("codes", "number of codes"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    voided_at = models.DateTimeField(null=True, blank=True, editable=False)
    void_reason = models.CharField(max_length=300, blank=True)
    submission_key = SubmissionKeyField(pgettext_lazy("codes", "submission key"))

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.label


class VotingCode(models.Model):
    """One single-use code. It holds no ballot and no time: ``used`` only. One ballot per code is the unique
    voter record of the code's keyed hash (``VoterRecord``), like an account's."""

    batch = models.ForeignKey(CodeBatch, on_delete=models.CASCADE, related_name="codes")
    round = models.ForeignKey("recognition.Round", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=16)
    used = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["round", "code"], name="recog_voting_code_unique")]

    def __str__(self) -> str:
        return self.code


class VoteActivity(models.Model):
    """Ballots per 10-minute window (``nomination_id`` 0) and choices per nominee and window: what the burst and
    odd-hour signals read. No receipt, no voter; deleted when the round becomes final."""

    round = models.ForeignKey("recognition.Round", on_delete=models.CASCADE, related_name="+")
    window = models.DateTimeField()
    nomination_id = models.PositiveIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "window", "nomination_id"], name="recog_activity_window")]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.window}:{self.nomination_id}={self.count}"


class BrowserTally(models.Model):
    """Ballots cast from one browser (a keyed hash of its random browser id): the "many ballots from one browser"
    signal. Deleted when the round becomes final."""

    round = models.ForeignKey("recognition.Round", on_delete=models.CASCADE, related_name="+")
    browser = models.CharField(max_length=64)
    ballots = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "browser"], name="recog_browser_tally")]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.browser[:8]}={self.ballots}"


class CodeUse(models.Model):
    """Codes of one batch used per 10-second window: the "codes of one batch used within seconds" signal."""

    batch = models.ForeignKey(CodeBatch, on_delete=models.CASCADE, related_name="uses")
    window = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["batch", "window"], name="recog_code_use_window")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.window}={self.count}"


class RoundTally(models.Model):
    """The published figures of a closed vote, counted once at the close (``services.tally``): the pages after
    the close read these, never a count over the ballots (constant time whatever their number)."""

    round = models.OneToOneField("recognition.Round", on_delete=models.CASCADE, related_name="tally")
    voters = models.PositiveIntegerField(default=0)
    counted = models.PositiveIntegerField(default=0)
    voided = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.round_id}: {self.counted}"
