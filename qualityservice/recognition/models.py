"""The app's data. ``Nomination`` is the skeleton's example: a department's record that moves draft → submitted →
closed through ``workflows.NOMINATION`` (the only code that assigns ``status``), created once per form
(``submission_key``) and shown to anyone with its unguessable ``code`` on a public page."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from qualityservice.core.i18n import LocalisedTextMixin
from qualityservice.core.permissions import DepartmentScopedQuerySet
from qualityservice.core.richtext import clean_html
from qualityservice.core.submissions import SubmissionKeyField

# Nominees' photos are shown on the public vote page: a public media folder (settings.QS_PUBLIC_MEDIA_DIRS and
# the nginx configuration list it). Random file names: no uploader's name, nothing to guess.
PHOTO_DIR = "recognition/"


def photo_path(instance, filename: str) -> str:
    return f"{PHOTO_DIR}{uuid.uuid4().hex}.jpg"


def new_code() -> str:
    """The public page's code: 16 URL-safe random characters (an id would let anyone count and walk the nominations)."""
    return secrets.token_urlsafe(12)


class Round(LocalisedTextMixin, models.Model):
    """One selection (评选): 服务明星, 先进个人 or 先进集体 for a period, moved through its stages by
    ``workflows.ROUND``: 部门推荐 → 资格审查 → 事迹展示+投票 → 评审 → 公示 → final."""

    class Kind(models.TextChoices):
        SERVICE_STAR = "service_star", pgettext_lazy("round", "Service star")
        INDIVIDUAL = "individual", pgettext_lazy("round", "Advanced individual")
        COLLECTIVE = "collective", pgettext_lazy("round", "Advanced collective")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("round", "Draft")
        NOMINATING = "nominating", pgettext_lazy("round", "Department nominations")
        REVIEWING = "reviewing", pgettext_lazy("round", "Eligibility review")
        VOTING = "voting", pgettext_lazy("round", "Stories and public vote")
        JUDGING = "judging", pgettext_lazy("round", "Jury review")
        NOTICE = "notice", pgettext_lazy("round", "Public notice")
        FINAL = "final", pgettext_lazy("round", "Final")

    kind = models.CharField(pgettext_lazy("round", "kind"), max_length=16, choices=Kind.choices, default=Kind.SERVICE_STAR)
    title = models.CharField(pgettext_lazy("round", "title"), max_length=120)
    title_en = models.CharField(pgettext_lazy("round", "title (English)"), max_length=200, blank=True)
    period_start = models.DateField(pgettext_lazy("round", "period from"))
    period_end = models.DateField(pgettext_lazy("round", "period to"))
    winners = models.PositiveSmallIntegerField(pgettext_lazy("round", "number of winners"), default=10)
    # {"<department id>": nominations allowed}; a department not named may nominate none.
    quotas = models.JSONField(pgettext_lazy("round", "quotas per department"), default=dict, blank=True)
    nominations_until = models.DateField(pgettext_lazy("round", "nominations until"), null=True, blank=True)
    vote_opens = models.DateField(pgettext_lazy("round", "vote opens"), null=True, blank=True)
    vote_closes = models.DateField(pgettext_lazy("round", "vote closes"), null=True, blank=True)
    notice_until = models.DateField(pgettext_lazy("round", "public notice until"), null=True, blank=True)
    # The vetoes (一票否决) the eligibility review applies, each read from live data (services.vetoes).
    veto_complaint = models.BooleanField(pgettext_lazy("round", "veto: a substantiated complaint about the nominee in the period"),
                                         default=True)
    veto_inspection = models.BooleanField(pgettext_lazy("round", "veto: the department failed a critical inspection item in the period"),
                                          default=True)
    veto_evaluation = models.BooleanField(pgettext_lazy("round", "veto: the department is not eligible in the year-end evaluation"),
                                          default=True)
    # {"<department id>": "reason"}: departments the supervisor marks not eligible, used while the year-end
    # evaluation publishes no list of its own for the round's year.
    not_eligible = models.JSONField(pgettext_lazy("round", "departments marked not eligible"), default=dict, blank=True)
    choices_per_ballot = models.PositiveSmallIntegerField(pgettext_lazy("round", "choices per ballot"), default=3)
    voter_kinds = models.JSONField(pgettext_lazy("round", "member types who may vote"), default=list, blank=True)
    staff_may_vote = models.BooleanField(pgettext_lazy("round", "staff may vote"), default=True)
    vote_weight = models.PositiveSmallIntegerField(pgettext_lazy("round", "weight of the vote (%)"), default=30)
    jury_weight = models.PositiveSmallIntegerField(pgettext_lazy("round", "weight of the jury (%)"), default=70)
    weights_frozen_at = models.DateTimeField(pgettext_lazy("round", "weights frozen"), null=True, blank=True, editable=False)
    status = models.CharField(pgettext_lazy("round", "status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    code = models.CharField(pgettext_lazy("round", "public code"), max_length=24, unique=True, default=new_code, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("round", "created by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(pgettext_lazy("round", "created"), default=timezone.now, editable=False)
    submission_key = SubmissionKeyField(pgettext_lazy("round", "submission key"))

    class Meta:
        verbose_name = pgettext_lazy("round", "round")
        verbose_name_plural = pgettext_lazy("round", "rounds")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(vote_weight__lte=100) & Q(jury_weight__lte=100),
                                   name="recog_round_weights_le_100"),
            models.CheckConstraint(condition=Q(choices_per_ballot__gte=1), name="recog_round_choices_ge_1"),
        ]

    def __str__(self) -> str:
        return self.localised("title")

    @property
    def vote_closed(self) -> bool:
        """Totals and the list of counted receipts are shown only once the vote is over."""
        return self.status in (self.Status.JUDGING, self.Status.NOTICE, self.Status.FINAL)

    def get_vote_url(self) -> str:
        return reverse("recognition:vote", args=[self.code])

    @property
    def is_collective(self) -> bool:
        """先进集体: the nominees are teams or departments, not staff members."""
        return self.kind == self.Kind.COLLECTIVE

    def quota_for(self, department_id: int) -> int:
        """Nominations the department may make in this round (0 when the round names no quota for it)."""
        try:
            return max(int(self.quotas.get(str(department_id), 0)), 0)
        except (TypeError, ValueError):
            return 0

    def get_staff_url(self) -> str:
        return reverse("recognition:round_detail", args=[self.pk])

    def get_staff_edit_url(self) -> str:
        return reverse("recognition:round_edit", args=[self.pk])

    def get_staff_move_url(self) -> str:
        return reverse("recognition:round_move", args=[self.pk])

    def get_jury_url(self) -> str:
        return reverse("recognition:round_jury", args=[self.pk])

    def get_results_url(self) -> str:
        return reverse("recognition:round_results", args=[self.pk])

    def get_codes_url(self) -> str:
        return reverse("recognition:round_codes", args=[self.pk])

    def get_check_url(self) -> str:
        return reverse("recognition:round_check", args=[self.pk])

    def get_receipt_url(self) -> str:
        return reverse("recognition:receipt", args=[self.code])


class VoterRecord(models.Model):
    """Who voted in a round — and nothing about how. ``voter`` is a keyed hash (HMAC with the SECRET_KEY) of the
    account, the same whichever channel the person signed in through; the unique constraint is the one ballot
    per person. Written in the same transaction as the Ballot, but sharing no key, order or time with it."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="voter_records",
                              db_index=False)  # recog_one_voter_record leads with it
    voter = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "voter"], name="recog_one_voter_record")]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.voter[:8]}"


class Ballot(models.Model):
    """How someone voted — and nothing about who. A random UUID key (no insertion order), the day only, a
    random receipt the voter keeps to check the ballot was counted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="ballots", db_index=False)  # recog_ballot_round_idx
    choices = models.JSONField(default=list)  # nomination ids, 1..K distinct
    receipt = models.CharField(max_length=16, unique=True)
    cast_on = models.DateField()
    voided = models.BooleanField(default=False)
    void_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["receipt"]  # never an order that follows insertion
        indexes = [
            # The tally at the close and the published receipt list: WHERE round_id = … AND NOT voided.
            models.Index(fields=["round", "voided"], name="recog_ballot_round_idx"),
        ]

    def __str__(self) -> str:
        return self.receipt


class NominationQuerySet(DepartmentScopedQuerySet):
    """``visible_to(user)``: heads read their department's nominations, supervisors and administrators all."""

    department_field = "department"


class Nomination(LocalisedTextMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("nomination", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("nomination", "Submitted")
        CLOSED = "closed", pgettext_lazy("nomination", "Closed")

    class Eligibility(models.TextChoices):
        """The eligibility review (资格审查), moved by ``workflows.ELIGIBILITY``."""

        PENDING = "pending", pgettext_lazy("nomination", "Not checked")
        ELIGIBLE = "eligible", pgettext_lazy("nomination", "Eligible")
        VETOED = "vetoed", pgettext_lazy("nomination", "Vetoed")

    department = models.ForeignKey("org.Department", verbose_name=pgettext_lazy("nomination", "department"), on_delete=models.PROTECT,
                                   related_name="recognition_nominations")
    round = models.ForeignKey(Round, verbose_name=pgettext_lazy("nomination", "round"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="nominations")
    staff = models.ForeignKey("org.Staff", verbose_name=pgettext_lazy("nomination", "nominee"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="recognition_nominations")
    title = models.CharField(pgettext_lazy("nomination", "title"), max_length=120)
    story = models.TextField(pgettext_lazy("nomination", "story"), blank=True)
    # 先进集体: a team or a department instead of a staff member (never both: recog_nom_one_nominee).
    collective = models.ForeignKey("org.Department", verbose_name=pgettext_lazy("nomination", "collective nominee"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="recognition_collective_nominations")
    photo = models.ImageField(pgettext_lazy("nomination", "photo"), upload_to=photo_path, blank=True)
    # The supporting facts read from live data at submission (services.refresh_facts): praise, badge ratings,
    # complaints substantiated, training hours, competition results.
    facts = models.JSONField(pgettext_lazy("nomination", "supporting facts"), default=dict, blank=True, editable=False)
    facts_at = models.DateTimeField(pgettext_lazy("nomination", "facts read"), null=True, blank=True, editable=False)
    eligibility = models.CharField(pgettext_lazy("nomination", "eligibility"), max_length=10, choices=Eligibility.choices,
                                   default=Eligibility.PENDING)
    # The vetoes found when the supervisor decided ([{"kind", "reason"}]), kept with the decision.
    vetoes = models.JSONField(pgettext_lazy("nomination", "vetoes"), default=list, blank=True, editable=False)
    votes = models.PositiveIntegerField(pgettext_lazy("nomination", "votes"), null=True, blank=True, editable=False)
    title_en = models.CharField(pgettext_lazy("nomination", "title (English)"), max_length=200, blank=True)
    status = models.CharField(pgettext_lazy("nomination", "status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    code = models.CharField(pgettext_lazy("nomination", "public code"), max_length=24, unique=True, default=new_code, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("nomination", "created by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(pgettext_lazy("nomination", "created"), default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(pgettext_lazy("nomination", "submitted"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(pgettext_lazy("nomination", "closed"), null=True, blank=True, editable=False)
    submission_key = SubmissionKeyField(pgettext_lazy("nomination", "submission key"))
    history = HistoricalRecords(excluded_fields=["submission_key"])

    objects = NominationQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("nomination", "nomination")
        verbose_name_plural = pgettext_lazy("nomination", "nominations")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The staff list: WHERE department_id IN (…) ORDER BY created_at DESC, id DESC (keyset pages).
            models.Index(fields=["department", "-created_at", "-id"], name="recog_nom_list_idx"),
            # The indicator: WHERE department_id IN (…) AND submitted_at >= … AND submitted_at < … GROUP BY department_id.
            models.Index(fields=["department", "submitted_at"], name="recog_nom_sub_idx"),
            # The hourly job: WHERE status = 'submitted' AND submitted_at < ….
            models.Index(fields=["submitted_at"], condition=Q(status="submitted"), name="recog_nom_stale_idx"),
            # The quota count and the round page's counts: WHERE round_id = … AND department_id = ….
            models.Index(fields=["round", "department"], name="recog_nom_round_dept_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(staff__isnull=True) | Q(collective__isnull=True), name="recog_nom_one_nominee"),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        """The English title for English readers when there is one (core.i18n)."""
        return self.localised("title")

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def save(self, *args, **kwargs):
        self.story = clean_html(self.story)  # sanitised on save (and again on render: safe_story)
        super().save(*args, **kwargs)

    @property
    def safe_story(self) -> str:
        return clean_html(self.story)

    @property
    def nominee_name(self) -> str:
        """Who is nominated: the staff member, or the team / department of a collective nomination."""
        if self.collective_id:
            return self.collective.display_name
        if self.staff_id:
            return self.staff.name
        return ""

    # The templates take every URL from here, so that they name no URL namespace.
    def get_absolute_url(self) -> str:
        return reverse("recognition:detail", args=[self.pk])

    def get_edit_url(self) -> str:
        return reverse("recognition:edit", args=[self.pk])

    def get_move_url(self) -> str:
        return reverse("recognition:move", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("recognition:public", args=[self.code])


# The jury, the results, the notice's objections and the certificates (registered with this module's models).
from .results_models import *  # noqa: E402, F403
