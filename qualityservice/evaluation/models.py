"""The year-end evaluation's data: a year's ``Scheme`` (versions, moved by ``workflows.SCHEME``), its
``Component``s (registry indicators with weights and rules), ``Gate``s (一票否决), ``Adjustment``s (加分/扣分) and
the frozen ``Result`` of every department."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext, pgettext_lazy

from qualityservice.core.i18n import LocalisedTextMixin, pick
from qualityservice.core.permissions import DepartmentScopedQuerySet
from qualityservice.core.submissions import SubmissionKeyField


def new_code() -> str:
    """A public page's code: 16 URL-safe random characters (an id would let anyone count and walk the pages)."""
    return secrets.token_urlsafe(12)


# --- The year-end evaluation ------------------------------------------------------------------------


class Scheme(LocalisedTextMixin, models.Model):
    """A year's evaluation scheme, one version of it. Components and gates are edited while it is a draft;
    ``workflows.SCHEME`` freezes it (the snapshot of every input is stored in ``Result``), puts the result on
    public notice (公示) and makes it final. A change after freezing is a new version (``services.new_version``)."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("evaluation", "Draft")
        FROZEN = "frozen", pgettext_lazy("evaluation", "Frozen, scored")
        NOTICE = "notice", pgettext_lazy("evaluation", "On public notice")
        FINAL = "final", pgettext_lazy("evaluation", "Final")

    class Publication(models.TextChoices):
        """What the public page (``/evaluation/<public code>/``) shows once the result is on public notice."""

        FULL = "full", pgettext_lazy("evaluation", "Full ranking with scores")
        GRADES = "grades", pgettext_lazy("evaluation", "Grades only")
        NONE = "none", pgettext_lazy("evaluation", "Not public")

    year = models.PositiveSmallIntegerField(pgettext_lazy("evaluation", "year"))
    version = models.PositiveSmallIntegerField(pgettext_lazy("evaluation", "version"), default=1)
    title = models.CharField(pgettext_lazy("evaluation", "title"), max_length=120)
    title_en = models.CharField(pgettext_lazy("evaluation", "title (English)"), max_length=200, blank=True)
    status = models.CharField(pgettext_lazy("evaluation", "status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    previous = models.ForeignKey("self", verbose_name=pgettext_lazy("evaluation", "previous version"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    change_reason = models.CharField(pgettext_lazy("evaluation", "reason for the new version"), max_length=300, blank=True)
    excellent_share = models.DecimalField(pgettext_lazy("evaluation", "largest share graded excellent"), max_digits=3,
                                          decimal_places=2, default=Decimal("0.30"))
    bonus_cap = models.DecimalField(pgettext_lazy("evaluation", "bonus cap (points)"), max_digits=5, decimal_places=2,
                                    default=Decimal(5))
    deduction_cap = models.DecimalField(pgettext_lazy("evaluation", "deduction cap (points)"), max_digits=5,
                                        decimal_places=2, default=Decimal(10))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("evaluation", "created by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(pgettext_lazy("evaluation", "created"), default=timezone.now, editable=False)
    frozen_at = models.DateTimeField(pgettext_lazy("evaluation", "frozen"), null=True, blank=True, editable=False)
    notice_at = models.DateTimeField(pgettext_lazy("evaluation", "public notice"), null=True, blank=True, editable=False)
    final_at = models.DateTimeField(pgettext_lazy("evaluation", "final"), null=True, blank=True, editable=False)
    submission_key = SubmissionKeyField(pgettext_lazy("evaluation", "submission key"))
    # Chosen by the supervisor with the notice move (and the publish move afterwards), each choice recorded in
    # core.WorkflowEvent with who and when.
    publication = models.CharField(pgettext_lazy("evaluation", "public page shows"), max_length=8, choices=Publication.choices,
                                   default=Publication.NONE, editable=False)
    public_code = models.CharField(pgettext_lazy("evaluation", "public code"), max_length=24, unique=True, default=new_code,
                                   editable=False)
    # The campaign of the scheme's year, as the campaigns app's service function reported it when the scheme was
    # made and when it was frozen (``services.campaign_of``): its id and name, no foreign key into another app's
    # tables (architecture.md), so the link still reads when the campaigns app is absent.
    campaign_id = models.PositiveIntegerField(pgettext_lazy("evaluation", "campaign id"), null=True, blank=True, editable=False)
    campaign_name = models.CharField(pgettext_lazy("evaluation", "campaign"), max_length=150, blank=True, editable=False)
    campaign_name_en = models.CharField(pgettext_lazy("evaluation", "campaign (English)"), max_length=200, blank=True,
                                        editable=False)
    campaign_url = models.CharField(pgettext_lazy("evaluation", "campaign page"), max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = pgettext_lazy("evaluation", "evaluation scheme")
        verbose_name_plural = pgettext_lazy("evaluation", "evaluation schemes")
        ordering = ["-year", "-version"]
        constraints = [models.UniqueConstraint(fields=["year", "version"], name="eval_scheme_one_version")]

    def __str__(self) -> str:
        return f"{self.localised('title')} v{self.version}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def get_absolute_url(self) -> str:
        return reverse("evaluation:scheme", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("evaluation:public", args=[self.public_code])

    @property
    def is_public(self) -> bool:
        """The public page exists: on public notice or final, and the supervisor chose to publish."""
        return self.status in (self.Status.NOTICE, self.Status.FINAL) and self.publication != self.Publication.NONE

    @property
    def campaign_label(self) -> str:
        """The campaign's name in the reader's language, or "the <year> campaign" when none is linked."""
        if self.campaign_name:
            return pick(self.campaign_name, self.campaign_name_en)
        return pgettext("evaluation", "%(year)s (no campaign linked)") % {"year": self.year}


class Component(models.Model):
    """One scored indicator of a scheme: the registry key, its weight, the indicator's direction and the rule."""

    class Rule(models.TextChoices):
        LINEAR = "linear", pgettext_lazy("evaluation", "Linear between floor and target")
        RANK = "rank", pgettext_lazy("evaluation", "By rank among the departments")

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="components")
    indicator = models.CharField(pgettext_lazy("evaluation", "indicator"), max_length=80)
    weight = models.DecimalField(pgettext_lazy("evaluation", "weight"), max_digits=5, decimal_places=2)
    rule = models.CharField(pgettext_lazy("evaluation", "scoring rule"), max_length=8, choices=Rule.choices, default=Rule.LINEAR)
    floor = models.DecimalField(pgettext_lazy("evaluation", "zero points at"), max_digits=12, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(pgettext_lazy("evaluation", "full points at"), max_digits=12, decimal_places=2, null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["scheme", "indicator"], name="eval_component_once")]

    def __str__(self) -> str:
        return f"{self.indicator} ({self.weight})"


class Gate(models.Model):
    """一票否决: a department whose indicator value is below ``minimum`` is not eligible for 优秀 or 良好."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="gates")
    indicator = models.CharField(pgettext_lazy("evaluation", "indicator"), max_length=80)
    minimum = models.DecimalField(pgettext_lazy("evaluation", "at least"), max_digits=12, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scheme", "indicator"], name="eval_gate_once")]

    def __str__(self) -> str:
        return f"{self.indicator} ≥ {self.minimum}"


class Adjustment(models.Model):
    """A bonus (加分, positive points) or deduction (扣分, negative) for a department, always with its reason."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="adjustments")
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(pgettext_lazy("evaluation", "points"), max_digits=5, decimal_places=2)
    reason = models.CharField(pgettext_lazy("evaluation", "reason"), max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submission_key = SubmissionKeyField(pgettext_lazy("evaluation", "submission key"))

    class Meta:
        indexes = [
            # The scoring: WHERE scheme_id = … (every department's items at once).
            models.Index(fields=["scheme", "department"], name="eval_adjust_scheme_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.points:+} {self.reason}"


class Veto(models.Model):
    """一票否决 by the supervisor: a department marked not eligible for awards, always with its reason (e.g. a
    serious safety incident no indicator shows). Entered while the scheme is a draft, stored with the results."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="vetoes")
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(pgettext_lazy("evaluation", "reason"), max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submission_key = SubmissionKeyField(pgettext_lazy("evaluation", "submission key"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scheme", "department"], name="eval_veto_once")]

    def __str__(self) -> str:
        return self.reason


class Objection(models.Model):
    """An objection (异议) raised during the public notice (公示) on the public page. It is a feedback record too
    (``feedback.services.create_feedback``, routed to the group office, the supervisors told); this row keeps the
    link and lets the scheme's page list what was raised."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="objections")
    department = models.ForeignKey("org.Department", verbose_name=pgettext_lazy("evaluation", "about department"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(pgettext_lazy("evaluation", "objection"), max_length=2000)
    name = models.CharField(pgettext_lazy("evaluation", "your name"), max_length=60, blank=True)
    contact = models.CharField(pgettext_lazy("evaluation", "phone or e-mail"), max_length=120, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("evaluation", "raised"), default=timezone.now, editable=False)
    feedback_id = models.PositiveIntegerField(null=True, blank=True, editable=False)
    feedback_code = models.CharField(max_length=20, blank=True, editable=False)
    feedback_url = models.CharField(max_length=300, blank=True, editable=False)
    submission_key = SubmissionKeyField(pgettext_lazy("evaluation", "submission key"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The scheme page: WHERE scheme_id = … ORDER BY created_at DESC.
            models.Index(fields=["scheme", "-created_at"], name="eval_objection_scheme_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class ResultQuerySet(DepartmentScopedQuerySet):
    department_field = "department"


class Result(models.Model):
    """A department's result, stored when the scheme is frozen: ``inputs`` keeps every figure it was computed
    from (value, period, label, 口径, unit, bounds, weights, points), so later data changes move nothing."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="results")
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    inputs = models.JSONField(default=dict)
    base = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    bonus = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    deduction = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    total = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    rank = models.PositiveSmallIntegerField(null=True)
    grade = models.CharField(max_length=10, blank=True)
    gated = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    objects = ResultQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["scheme", "department"], name="eval_result_once")]
        indexes = [
            # not_eligible_departments: WHERE scheme_id = … AND gated (recognition's veto, once per round check).
            models.Index(fields=["scheme"], condition=models.Q(gated=True), name="eval_result_gated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.department_id}: {self.total}"
