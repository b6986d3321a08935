"""Golden ideas (金点子, seed plan 三(六)): a round collects staff members' ideas for better management, better
service and energy saving; coordinators screen them (accept, return, merge duplicates — reversibly), appointed
reviewers score them on the round's weighted criteria, adopted ideas are implemented by an owner through
milestones, their benefit is measured (baseline period against an after period, verified by someone who is not
an author) and the best are awarded.

``Idea.status`` moves only through ``workflows.IDEA`` (core.workflow). Who may read what is
``Idea.objects.visible_to(user)`` (the full record) and ``Idea.objects.open_to(user)`` (what colleagues in the
round see, to support an idea instead of sending it twice)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from qualityservice.core.i18n import LocalisedNameMixin, LocalisedTextMixin
from qualityservice.core.permissions import DepartmentScopedQuerySet, staff_profile, user_role
from qualityservice.core.roles import GROUP_WIDE_ROLES, Role
from qualityservice.core.submissions import SubmissionKeyField


def new_code() -> str:
    """An unguessable public code (16 URL-safe characters): ids would let anyone count and walk the records."""
    return secrets.token_urlsafe(12)


# Who may put ideas into a round (judges only score what they were appointed to).
SUBMITTER_ROLES = (Role.STAFF, Role.HEAD, Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN)


class Category(models.TextChoices):
    """The three aims of 三(六): 加强管理、改进服务、节能降耗."""

    MANAGEMENT = "management", pgettext_lazy("idea", "Management")
    SERVICE = "service", pgettext_lazy("idea", "Service improvement")
    ENERGY = "energy", pgettext_lazy("idea", "Energy saving")


class BenefitUnit(models.TextChoices):
    YUAN = "yuan", pgettext_lazy("idea", "yuan per year")
    KWH = "kwh", pgettext_lazy("idea", "kWh per year")
    WATER = "water", pgettext_lazy("idea", "tonnes of water per year")
    QUALITATIVE = "qualitative", pgettext_lazy("idea", "qualitative")


class Tier(models.TextChoices):
    FIRST = "first", pgettext_lazy("idea", "First prize")
    SECOND = "second", pgettext_lazy("idea", "Second prize")
    THIRD = "third", pgettext_lazy("idea", "Third prize")
    ENCOURAGEMENT = "encouragement", pgettext_lazy("idea", "Encouragement prize")


class RoundQuerySet(DepartmentScopedQuerySet):
    department_field = "department"

    def visible_to(self, user):
        """Group-wide rounds (no department) for every signed-in staff member; a department's own round for
        its department and the supervisors."""
        role = user_role(user)
        if role is None:
            return self.none()
        if role in GROUP_WIDE_ROLES:
            return self
        return self.filter(Q(department__isnull=True) | Q(department_id=staff_profile(user).department_id))

    def open_on(self, day):
        return self.filter(opens_on__lte=day, closes_on__gte=day)


class Round(LocalisedTextMixin, models.Model):
    """One call for ideas (e.g. 2026年度"金点子"征集): its dates, its scoring criteria, its review commitment and
    the thresholds of its award tiers. A round of the whole group (no department) is coordinated by the
    supervisors; a department's own round by its head too."""

    department = models.ForeignKey("org.Department", verbose_name=pgettext_lazy("idea", "department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="idea_rounds",
                                   help_text=pgettext_lazy("idea", "Empty: a round of the whole group."))
    title = models.CharField(pgettext_lazy("idea", "title"), max_length=120)
    title_en = models.CharField(pgettext_lazy("idea", "title (English)"), max_length=200, blank=True)
    opens_on = models.DateField(pgettext_lazy("idea", "open from"))
    closes_on = models.DateField(pgettext_lazy("idea", "open until"))
    review_days = models.PositiveSmallIntegerField(
        pgettext_lazy("idea", "review commitment (days)"), default=10,
        help_text=pgettext_lazy("idea", "Reviewers score within this many days of their assignment; later reviews are escalated."))
    verifiers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("idea", "verifiers"), blank=True,
                                       related_name="idea_rounds_verified",
                                       help_text=pgettext_lazy("idea", "Appointed finance or energy reviewers who confirm measured benefits (besides the supervisors)."))
    first_min_score = models.PositiveSmallIntegerField(pgettext_lazy("idea", "first prize: minimum score"), default=85)
    second_min_score = models.PositiveSmallIntegerField(pgettext_lazy("idea", "second prize: minimum score"), default=75)
    third_min_score = models.PositiveSmallIntegerField(pgettext_lazy("idea", "third prize: minimum score"), default=65)
    first_min_yuan = models.PositiveIntegerField(pgettext_lazy("idea", "first prize: minimum verified yuan per year"), default=20000)
    second_min_yuan = models.PositiveIntegerField(pgettext_lazy("idea", "second prize: minimum verified yuan per year"), default=5000)
    third_min_yuan = models.PositiveIntegerField(pgettext_lazy("idea", "third prize: minimum verified yuan per year"), default=1000)
    code = models.CharField(pgettext_lazy("idea", "public code"), max_length=24, unique=True, default=new_code, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("idea", "created by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(pgettext_lazy("idea", "created"), default=timezone.now, editable=False)
    submission_key = SubmissionKeyField(pgettext_lazy("idea", "submission key"))

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("idea", "round")
        verbose_name_plural = pgettext_lazy("idea", "rounds")
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="ideas_round_dates_in_order"),
            models.CheckConstraint(condition=Q(review_days__gt=0), name="ideas_round_review_days_positive"),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.localised("title")

    def is_open(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.opens_on <= day <= self.closes_on

    def get_absolute_url(self) -> str:
        return reverse("ideas:round_edit", args=[self.pk])


class Criterion(LocalisedNameMixin, models.Model):
    """A scoring criterion of a round (创新性, 可行性, 效益, 推广价值…): its weight and its scale 0…max_score.
    Frozen once a reviewer of the round has scored."""

    round = models.ForeignKey(Round, verbose_name=pgettext_lazy("idea", "round"), on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(pgettext_lazy("idea", "criterion"), max_length=40)
    name_en = models.CharField(pgettext_lazy("idea", "criterion (English)"), max_length=80, blank=True)
    weight = models.PositiveSmallIntegerField(pgettext_lazy("idea", "weight"))
    max_score = models.PositiveSmallIntegerField(pgettext_lazy("idea", "highest score"), default=10)
    order = models.PositiveSmallIntegerField(pgettext_lazy("idea", "order"), default=0)

    class Meta:
        verbose_name = pgettext_lazy("idea", "criterion")
        verbose_name_plural = pgettext_lazy("idea", "criteria")
        ordering = ["round_id", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="ideas_criterion_weight_positive"),
            models.CheckConstraint(condition=Q(max_score__gt=0), name="ideas_criterion_max_positive"),
            models.UniqueConstraint(fields=["round", "name"], name="ideas_criterion_unique_name"),
        ]

    def __str__(self) -> str:
        return self.display_name


class IdeaQuerySet(DepartmentScopedQuerySet):
    department_field = "department"

    def visible_to(self, user):
        """The full record (authors, files, discussion, timeline): supervisors and administrators every idea; a
        head the ideas of their department and of their department's rounds; anyone the ideas they wrote or
        co-wrote, were assigned to review, own (implementation) or verify (appointed verifiers of the round)."""
        role = user_role(user)
        if role is None:
            return self.none()
        if role in GROUP_WIDE_ROLES:
            return self
        involved = (
            Q(pk__in=IdeaAuthor.objects.filter(staff__user=user).values("idea_id"))
            | Q(pk__in=Assignment.objects.current().filter(reviewer=user).values("idea_id"))
            | Q(owner=user)
            | Q(round__in=Round.verifiers.through.objects.filter(user=user).values("round_id"))
        )
        if role == Role.HEAD:
            department = staff_profile(user).department_id
            involved |= Q(department_id=department) | Q(round__department_id=department)
        return self.filter(involved)

    def open_to(self, user):
        """What colleagues see of the ideas of the rounds they may take part in (title, problem, proposal,
        supporters), to support one rather than send it again: not the returned ones (the author's business)."""
        if user_role(user) not in SUBMITTER_ROLES:
            return self.none()
        return self.filter(round__in=Round.objects.visible_to(user)).exclude(status=Idea.Status.RETURNED)

    def counted(self):
        """The ideas the figures count: every idea but the duplicates merged into another."""
        return self.exclude(status=Idea.Status.MERGED)

    def public(self):
        """Adopted ideas, on the public pages."""
        return self.filter(status__in=Idea.PUBLIC_STATUSES)


class Idea(LocalisedTextMixin, models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("idea", "Submitted")
        RETURNED = "returned", pgettext_lazy("idea", "Returned to the author")
        SCREENED = "screened", pgettext_lazy("idea", "Accepted for review")
        REVIEW = "review", pgettext_lazy("idea", "Under review")
        MERGED = "merged", pgettext_lazy("idea", "Merged")
        ADOPTED = "adopted", pgettext_lazy("idea", "Adopted")
        NOT_ADOPTED = "not_adopted", pgettext_lazy("idea", "Not adopted")
        IMPLEMENTING = "implementing", pgettext_lazy("idea", "Being implemented")
        IMPLEMENTED = "implemented", pgettext_lazy("idea", "Implemented")
        MEASURED = "measured", pgettext_lazy("idea", "Benefit verified")
        AWARDED = "awarded", pgettext_lazy("idea", "Awarded")
        STOPPED = "stopped", pgettext_lazy("idea", "Stopped")

    PUBLIC_STATUSES = ("adopted", "implementing", "implemented", "measured", "awarded")

    round = models.ForeignKey(Round, verbose_name=pgettext_lazy("idea", "round"), on_delete=models.PROTECT, related_name="ideas")
    department = models.ForeignKey("org.Department", verbose_name=pgettext_lazy("idea", "department"), on_delete=models.PROTECT,
                                   related_name="ideas")
    category = models.CharField(pgettext_lazy("idea", "category"), max_length=12, choices=Category.choices)
    title = models.CharField(pgettext_lazy("idea", "title"), max_length=80)
    title_en = models.CharField(pgettext_lazy("idea", "title (English)"), max_length=160, blank=True)
    problem = models.TextField(pgettext_lazy("idea", "the problem"), max_length=2000)
    proposal = models.TextField(pgettext_lazy("idea", "the proposal"), max_length=4000)
    benefit_unit = models.CharField(pgettext_lazy("idea", "expected benefit"), max_length=12, choices=BenefitUnit.choices)
    expected_amount = models.DecimalField(pgettext_lazy("idea", "expected amount per year"), max_digits=12, decimal_places=2,
                                          null=True, blank=True)
    expected_note = models.CharField(pgettext_lazy("idea", "benefit in words"), max_length=300, blank=True)
    status = models.CharField(pgettext_lazy("idea", "status"), max_length=14, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("idea", "submitted by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    merged_into = models.ForeignKey("self", verbose_name=pgettext_lazy("idea", "merged into"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged_ideas")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("idea", "implementation owner"), null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="ideas_owned")
    return_reason = models.TextField(pgettext_lazy("idea", "reason for returning"), blank=True)
    decision_reason = models.TextField(pgettext_lazy("idea", "reason of the decision"), blank=True)
    stop_reason = models.TextField(pgettext_lazy("idea", "reason for stopping"), blank=True)
    # Kept by services: the mean of the reviewers' current weighted totals (0–100), the distinct supporters of
    # the idea and of the ideas merged into it, the verified benefit per year.
    score = models.DecimalField(pgettext_lazy("idea", "score"), max_digits=5, decimal_places=2, null=True, blank=True)
    support_count = models.PositiveIntegerField(pgettext_lazy("idea", "supporters"), default=0)
    verified_yuan = models.DecimalField(pgettext_lazy("idea", "verified saving (yuan per year)"), max_digits=14, decimal_places=2,
                                        null=True, blank=True)
    verified_kwh = models.DecimalField(pgettext_lazy("idea", "verified saving (kWh per year)"), max_digits=14, decimal_places=2,
                                       null=True, blank=True)
    verified_water = models.DecimalField(pgettext_lazy("idea", "verified saving (t of water per year)"), max_digits=14,
                                         decimal_places=2, null=True, blank=True)
    award_tier = models.CharField(pgettext_lazy("idea", "award"), max_length=14, choices=Tier.choices, blank=True)
    # The award certificate's serial (core.certificates: ``JDZ-<year>-<10 random characters>``), verified at
    # /c/<serial>/. Certificates issued before the platform's certificate service kept their printed number in
    # ``legacy_serial`` and the code of their QR link (/ideas/certificates/<code>/, which now leads to /c/<serial>/).
    certificate_serial = models.CharField(pgettext_lazy("idea", "certificate number"), max_length=20, unique=True, null=True,
                                          blank=True, editable=False)
    legacy_serial = models.CharField(pgettext_lazy("idea", "former certificate number"), max_length=20, blank=True, editable=False)
    certificate_code = models.CharField(pgettext_lazy("idea", "certificate code (former QR link)"), max_length=24, unique=True,
                                        null=True, blank=True, editable=False)
    code = models.CharField(pgettext_lazy("idea", "public code"), max_length=24, unique=True, default=new_code, editable=False)
    created_at = models.DateTimeField(pgettext_lazy("idea", "created"), default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(pgettext_lazy("idea", "submitted"), default=timezone.now, editable=False)
    decided_at = models.DateTimeField(pgettext_lazy("idea", "decided"), null=True, blank=True, editable=False)
    adopted_at = models.DateTimeField(pgettext_lazy("idea", "adopted"), null=True, blank=True, editable=False)
    implemented_at = models.DateTimeField(pgettext_lazy("idea", "implemented"), null=True, blank=True, editable=False)
    verified_at = models.DateTimeField(pgettext_lazy("idea", "benefit verified"), null=True, blank=True, editable=False)
    awarded_at = models.DateTimeField(pgettext_lazy("idea", "awarded"), null=True, blank=True, editable=False)
    submission_key = SubmissionKeyField(pgettext_lazy("idea", "submission key"))
    history = HistoricalRecords(excluded_fields=["submission_key"])

    objects = IdeaQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("idea", "idea")
        verbose_name_plural = pgettext_lazy("idea", "ideas")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(expected_amount__isnull=True) | Q(expected_amount__gt=0),
                                   name="ideas_idea_expected_positive"),
            models.CheckConstraint(condition=~Q(merged_into=models.F("pk")), name="ideas_idea_not_merged_into_itself"),
        ]
        indexes = [
            # The coordinator's queue and the similar-idea candidates: WHERE round_id = ? ORDER BY submitted_at DESC, id DESC.
            models.Index(fields=["round", "-submitted_at", "-id"], name="ideas_idea_round_idx"),
            # The queue and the board, newest first over every round: ORDER BY submitted_at DESC, id DESC LIMIT 31.
            models.Index(fields=["-submitted_at", "-id"], name="ideas_idea_sub_idx"),
            # Department lists and the participation indicator: WHERE department_id IN (…) AND submitted_at >= … GROUP BY.
            models.Index(fields=["department", "submitted_at"], name="ideas_idea_dept_sub_idx"),
            # The public list: WHERE status IN (adopted…) ORDER BY adopted_at DESC, id DESC.
            models.Index(fields=["-adopted_at", "-id"], condition=Q(adopted_at__isnull=False), name="ideas_idea_public_idx"),
            # The savings indicators: WHERE department_id IN (…) AND verified_at in the period GROUP BY department.
            models.Index(fields=["department", "verified_at"], condition=Q(verified_at__isnull=False), name="ideas_idea_verified_idx"),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.localised("title")

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES

    @property
    def is_quantified(self) -> bool:
        return self.benefit_unit != BenefitUnit.QUALITATIVE

    def get_absolute_url(self) -> str:
        return reverse("ideas:detail", args=[self.pk])

    def get_edit_url(self) -> str:
        return reverse("ideas:edit", args=[self.pk])

    def get_move_url(self) -> str:
        return reverse("ideas:move", args=[self.pk])

    def get_review_url(self) -> str:
        return reverse("ideas:review", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("ideas:public_idea", args=[self.code])


class IdeaAuthor(models.Model):
    """An author of an idea: the one who sent it (``is_lead``), the co-authors named on the form, and the authors
    of ideas merged into it (``merge``: credited by that merge, removed again when it is undone)."""

    idea = models.ForeignKey(Idea, verbose_name=pgettext_lazy("idea", "idea"), on_delete=models.CASCADE, related_name="authors")
    staff = models.ForeignKey("org.Staff", verbose_name=pgettext_lazy("idea", "staff member"), on_delete=models.PROTECT,
                              related_name="idea_authorships")
    is_lead = models.BooleanField(pgettext_lazy("idea", "lead author"), default=False)
    merge = models.ForeignKey("Merge", verbose_name=pgettext_lazy("idea", "credited by the merge"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="credits")

    class Meta:
        verbose_name = pgettext_lazy("idea", "author")
        verbose_name_plural = pgettext_lazy("idea", "authors")
        ordering = ["-is_lead", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["idea", "staff"], name="ideas_author_once_per_idea"),
            models.UniqueConstraint(fields=["idea"], condition=Q(is_lead=True), name="ideas_author_one_lead"),
        ]
        indexes = [
            # "My ideas" and the conflict check: WHERE staff_id = ?.
            models.Index(fields=["staff", "idea"], name="ideas_author_staff_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.staff.name} → {self.idea_id}"


class Support(models.Model):
    """A colleague's "I support this idea" — one per person and idea (the unique constraint makes a repeated
    click one support). Supports stay on their idea when it is merged; the merged idea's supporters count
    for the idea it was merged into."""

    idea = models.ForeignKey(Idea, verbose_name=pgettext_lazy("idea", "idea"), on_delete=models.CASCADE, related_name="supports")
    staff = models.ForeignKey("org.Staff", verbose_name=pgettext_lazy("idea", "staff member"), on_delete=models.CASCADE,
                              related_name="idea_supports")
    created_at = models.DateTimeField(pgettext_lazy("idea", "supported"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("idea", "support")
        verbose_name_plural = pgettext_lazy("idea", "supports")
        constraints = [models.UniqueConstraint(fields=["idea", "staff"], name="ideas_support_once")]

    def __str__(self) -> str:
        return f"{self.staff_id} → {self.idea_id}"


class Merge(models.Model):
    """A duplicate merged into another idea. Both records stay as they were (their authors and supports); the
    source's authors are credited on the target (``IdeaAuthor.merge``) and the source's status is kept here, so
    undoing the merge restores both ideas exactly. A merge undone stays as history (``undone_at``)."""

    source = models.ForeignKey(Idea, verbose_name=pgettext_lazy("idea", "merged idea"), on_delete=models.CASCADE,
                               related_name="merges_out")
    target = models.ForeignKey(Idea, verbose_name=pgettext_lazy("idea", "merged into"), on_delete=models.CASCADE,
                               related_name="merges_in")
    status_before = models.CharField(pgettext_lazy("idea", "status before the merge"), max_length=14, choices=Idea.Status.choices)
    reason = models.CharField(pgettext_lazy("idea", "reason"), max_length=300, blank=True)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("idea", "merged by"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    merged_at = models.DateTimeField(pgettext_lazy("idea", "merged"), default=timezone.now)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("idea", "undone by"), null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="+")
    undone_at = models.DateTimeField(pgettext_lazy("idea", "undone"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("idea", "merge")
        verbose_name_plural = pgettext_lazy("idea", "merges")
        ordering = ["-merged_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="ideas_merge_two_ideas"),
            # An idea is merged into one other idea at a time.
            models.UniqueConstraint(fields=["source"], condition=Q(undone_at__isnull=True), name="ideas_merge_one_active"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id}"


class Comment(models.Model):
    """The idea's discussion, on the idea page and on the reviewers' scoring page: authors, coordinators and
    the assigned reviewers."""

    idea = models.ForeignKey(Idea, verbose_name=pgettext_lazy("idea", "idea"), on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("idea", "written by"), null=True,
                               on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(pgettext_lazy("idea", "comment"), max_length=2000)
    created_at = models.DateTimeField(pgettext_lazy("idea", "written"), default=timezone.now)
    submission_key = SubmissionKeyField(pgettext_lazy("idea", "submission key"))

    class Meta:
        verbose_name = pgettext_lazy("idea", "comment")
        verbose_name_plural = pgettext_lazy("idea", "comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["idea", "created_at"], name="ideas_comment_idea_idx")]  # an idea's discussion

    def __str__(self) -> str:
        return self.text[:40]


class AssignmentQuerySet(models.QuerySet):
    def current(self):
        """Assignments still in force: not replaced by another reviewer."""
        return self.filter(replaced_at__isnull=True)

    def pending(self):
        return self.current().filter(submitted_at__isnull=True, idea__status=Idea.Status.REVIEW)


class Assignment(models.Model):
    """A reviewer appointed to score an idea, with the deadline of the round's review commitment. One per
    reviewer and idea (unique). ``submitted_at``: the first score sheet; ``total``: the current sheet's weighted
    total; ``escalated_at``: the overdue job told the coordinators (once)."""

    idea = models.ForeignKey(Idea, verbose_name=pgettext_lazy("idea", "idea"), on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("idea", "reviewer"), on_delete=models.PROTECT,
                                 related_name="idea_assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("idea", "assigned by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(pgettext_lazy("idea", "assigned"), default=timezone.now)
    due_at = models.DateTimeField(pgettext_lazy("idea", "due"))
    submitted_at = models.DateTimeField(pgettext_lazy("idea", "scored"), null=True, blank=True)
    escalated_at = models.DateTimeField(pgettext_lazy("idea", "escalated"), null=True, blank=True)
    total = models.DecimalField(pgettext_lazy("idea", "weighted total"), max_digits=5, decimal_places=2, null=True, blank=True)
    version = models.PositiveSmallIntegerField(pgettext_lazy("idea", "sheet version"), default=0)
    # A reviewer replaced by the coordinator (not scored in time, or a conflict of interest): the assignment stays
    # as a record, no longer in force — the reviewer loses access, their sheets no longer count.
    replaced_at = models.DateTimeField(pgettext_lazy("idea", "replaced"), null=True, blank=True)
    replaced_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("idea", "replaced by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    replacement_reason = models.CharField(pgettext_lazy("idea", "why replaced"), max_length=300, blank=True)
    replaced_with = models.OneToOneField("self", verbose_name=pgettext_lazy("idea", "replaced with"), null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="replaces")

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("idea", "review assignment")
        verbose_name_plural = pgettext_lazy("idea", "review assignments")
        ordering = ["assigned_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["idea", "reviewer"], name="ideas_assignment_once")]
        indexes = [
            # The overdue job: WHERE submitted_at IS NULL AND escalated_at IS NULL AND due_at < now.
            models.Index(fields=["due_at"], condition=Q(submitted_at__isnull=True, escalated_at__isnull=True),
                         name="ideas_assign_overdue_idx"),
            # "My reviews": WHERE reviewer_id = ? ORDER BY assigned_at DESC.
            models.Index(fields=["reviewer", "-assigned_at"], name="ideas_assign_reviewer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_id} → {self.idea_id}"

    @property
    def is_overdue(self) -> bool:
        return self.submitted_at is None and self.replaced_at is None and self.due_at < timezone.now()

    @property
    def is_current(self) -> bool:
        return self.replaced_at is None


class ScoreSheet(models.Model):
    """A reviewer's scores and comment, locked when submitted: a correction is a new version with a reason.
    The assignment's current sheet is the one with the highest version."""

    assignment = models.ForeignKey(Assignment, verbose_name=pgettext_lazy("idea", "review assignment"), on_delete=models.CASCADE,
                                   related_name="sheets")
    version = models.PositiveSmallIntegerField(pgettext_lazy("idea", "version"))
    total = models.DecimalField(pgettext_lazy("idea", "weighted total"), max_digits=5, decimal_places=2, null=True, blank=True)
    comment = models.TextField(pgettext_lazy("idea", "review comment"), max_length=2000, blank=True)
    reason = models.CharField(pgettext_lazy("idea", "reason for the correction"), max_length=300, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("idea", "submitted"), default=timezone.now)
    submission_key = SubmissionKeyField(pgettext_lazy("idea", "submission key"))

    class Meta:
        verbose_name = pgettext_lazy("idea", "score sheet")
        verbose_name_plural = pgettext_lazy("idea", "score sheets")
        ordering = ["assignment_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "version"], name="ideas_sheet_one_per_version"),
            models.CheckConstraint(condition=Q(version=1) | ~Q(reason=""), name="ideas_sheet_correction_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} v{self.version}"


class ScoreValue(models.Model):
    """A criterion's score on a sheet; a criterion left out is not scored (its weight goes to the others)."""

    sheet = models.ForeignKey(ScoreSheet, verbose_name=pgettext_lazy("idea", "score sheet"), on_delete=models.CASCADE,
                              related_name="values")
    criterion = models.ForeignKey(Criterion, verbose_name=pgettext_lazy("idea", "criterion"), on_delete=models.PROTECT,
                                  related_name="+")
    value = models.DecimalField(pgettext_lazy("idea", "score"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = pgettext_lazy("idea", "score")
        verbose_name_plural = pgettext_lazy("idea", "scores")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="ideas_value_once_per_criterion"),
            models.CheckConstraint(condition=Q(value__gte=0), name="ideas_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"


class Milestone(LocalisedTextMixin, models.Model):
    """A step of an adopted idea's implementation; the progress is the weighted share of the steps done."""

    idea = models.ForeignKey(Idea, verbose_name=pgettext_lazy("idea", "idea"), on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(pgettext_lazy("idea", "step"), max_length=120)
    title_en = models.CharField(pgettext_lazy("idea", "step (English)"), max_length=200, blank=True)
    weight = models.PositiveSmallIntegerField(pgettext_lazy("idea", "weight"), default=1)
    due_on = models.DateField(pgettext_lazy("idea", "planned for"), null=True, blank=True)
    done_on = models.DateField(pgettext_lazy("idea", "done on"), null=True, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("idea", "created"), default=timezone.now)
    submission_key = SubmissionKeyField(pgettext_lazy("idea", "submission key"))

    class Meta:
        verbose_name = pgettext_lazy("idea", "milestone")
        verbose_name_plural = pgettext_lazy("idea", "milestones")
        ordering = ["idea_id", "due_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(weight__gt=0), name="ideas_milestone_weight_positive")]

    def __str__(self) -> str:
        return self.localised("title")


class Measurement(models.Model):
    """The measured benefit of an implemented idea: a baseline period before and an after period, the
    consumption (or cost) in each — from meter readings at the start and end of each period, or totals from
    invoices —, the tariff that turns kWh or tonnes into yuan, and the saving per year computed from them
    (``services.annual_saving``). A verifier who is neither an author nor the one who recorded it confirms it
    (the idea moves to "benefit verified") or returns it with a reason; a returned measurement stays as a
    record and a new one is recorded."""

    class Unit(models.TextChoices):
        KWH = "kwh", pgettext_lazy("idea", "electricity (kWh)")
        WATER = "water", pgettext_lazy("idea", "water (tonnes)")
        YUAN = "yuan", pgettext_lazy("idea", "cost (yuan)")
        QUALITATIVE = "qualitative", pgettext_lazy("idea", "qualitative (described, with evidence)")

    idea = models.ForeignKey(Idea, verbose_name=pgettext_lazy("idea", "idea"), on_delete=models.CASCADE, related_name="measurements")
    unit = models.CharField(pgettext_lazy("idea", "what is measured"), max_length=12, choices=Unit.choices)
    baseline_start = models.DateField(pgettext_lazy("idea", "baseline from"), null=True, blank=True)
    baseline_end = models.DateField(pgettext_lazy("idea", "baseline until"), null=True, blank=True)
    after_start = models.DateField(pgettext_lazy("idea", "after from"), null=True, blank=True)
    after_end = models.DateField(pgettext_lazy("idea", "after until"), null=True, blank=True)
    baseline_reading_start = models.DecimalField(pgettext_lazy("idea", "meter at the start of the baseline"), max_digits=14,
                                                 decimal_places=2, null=True, blank=True)
    baseline_reading_end = models.DecimalField(pgettext_lazy("idea", "meter at the end of the baseline"), max_digits=14,
                                               decimal_places=2, null=True, blank=True)
    after_reading_start = models.DecimalField(pgettext_lazy("idea", "meter at the start of the after period"), max_digits=14,
                                              decimal_places=2, null=True, blank=True)
    after_reading_end = models.DecimalField(pgettext_lazy("idea", "meter at the end of the after period"), max_digits=14,
                                            decimal_places=2, null=True, blank=True)
    baseline_amount = models.DecimalField(pgettext_lazy("idea", "baseline consumption"), max_digits=14, decimal_places=2,
                                          null=True, blank=True)
    after_amount = models.DecimalField(pgettext_lazy("idea", "after consumption"), max_digits=14, decimal_places=2, null=True,
                                       blank=True)
    normalised = models.BooleanField(pgettext_lazy("idea", "periods of different length compared per day"), default=False)
    tariff = models.DecimalField(pgettext_lazy("idea", "tariff (yuan per unit)"), max_digits=8, decimal_places=4, null=True,
                                 blank=True)
    saving = models.DecimalField(pgettext_lazy("idea", "saving per year (unit)"), max_digits=14, decimal_places=2, null=True,
                                 blank=True)
    saving_yuan = models.DecimalField(pgettext_lazy("idea", "saving per year (yuan)"), max_digits=14, decimal_places=2, null=True,
                                      blank=True)
    note = models.TextField(pgettext_lazy("idea", "how it was measured"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("idea", "recorded by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(pgettext_lazy("idea", "recorded"), default=timezone.now)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("idea", "verified by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    verified_at = models.DateTimeField(pgettext_lazy("idea", "verified"), null=True, blank=True)
    returned_at = models.DateTimeField(pgettext_lazy("idea", "returned"), null=True, blank=True)
    return_reason = models.CharField(pgettext_lazy("idea", "reason for returning"), max_length=300, blank=True)
    submission_key = SubmissionKeyField(pgettext_lazy("idea", "submission key"))

    class Meta:
        verbose_name = pgettext_lazy("idea", "measurement")
        verbose_name_plural = pgettext_lazy("idea", "measurements")
        ordering = ["idea_id", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(baseline_amount__isnull=True) | Q(baseline_amount__gte=0),
                                   name="ideas_measure_baseline_not_neg"),
            models.CheckConstraint(condition=Q(after_amount__isnull=True) | Q(after_amount__gte=0), name="ideas_measure_after_not_neg"),
            # One measurement waiting for its verifier at a time.
            models.UniqueConstraint(fields=["idea"], condition=Q(verified_at__isnull=True, returned_at__isnull=True),
                                    name="ideas_measure_one_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.get_unit_display()}"

    @property
    def is_pending(self) -> bool:
        return self.verified_at is None and self.returned_at is None

    @property
    def baseline_days(self) -> int | None:
        return (self.baseline_end - self.baseline_start).days + 1 if self.baseline_start and self.baseline_end else None

    @property
    def after_days(self) -> int | None:
        return (self.after_end - self.after_start).days + 1 if self.after_start and self.after_end else None


def idea_file_path(instance: IdeaFile, filename: str) -> str:
    # Private: served only by the scoped view ideas:file (never under QS_PUBLIC_MEDIA_DIRS).
    return f"ideas/{instance.idea_id}/{secrets.token_hex(8)}-{filename[-80:]}"


class IdeaFile(models.Model):
    """A photo or document of an idea (sent with it) or of a measurement (meter photos, invoices): images
    re-encoded without EXIF (core.images), documents checked by their content."""

    idea = models.ForeignKey(Idea, verbose_name=pgettext_lazy("idea", "idea"), on_delete=models.CASCADE, related_name="files")
    measurement = models.ForeignKey(Measurement, verbose_name=pgettext_lazy("idea", "measurement"), null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="files")
    file = models.FileField(pgettext_lazy("idea", "file"), upload_to=idea_file_path)
    name = models.CharField(pgettext_lazy("idea", "file name"), max_length=120)
    is_image = models.BooleanField(pgettext_lazy("idea", "image"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("idea", "uploaded by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(pgettext_lazy("idea", "uploaded"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("idea", "file")
        verbose_name_plural = pgettext_lazy("idea", "files")
        ordering = ["idea_id", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("ideas:file", args=[self.pk])
