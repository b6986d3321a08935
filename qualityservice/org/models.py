"""Organisation: departments, places, staff and their badges, service commitments, service
phrases and the platform's site settings (product.md section A)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from qualityservice.core.i18n import LocalisedNameMixin, LocalisedTextMixin, localised
from qualityservice.core.permissions import DepartmentScopedQuerySet
from qualityservice.core.roles import Role


def new_public_code() -> str:
    """Unguessable code for public URLs (badges): 72 random bits, URL-safe."""
    return secrets.token_urlsafe(9)


class SiteSettings(models.Model):
    """One row: the organisation's name, hotline and mailbox as shown on the public site."""

    organisation_name = models.CharField(_("organisation name"), max_length=100)
    organisation_name_en = models.CharField(_("organisation name (English)"), max_length=150, blank=True)
    hotline = models.CharField(_("complaint hotline"), max_length=40)
    mailbox = models.EmailField(_("complaint mailbox"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    service_hours = models.CharField(_("hotline hours"), max_length=100, blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
    history = HistoricalRecords()

    CACHE_KEY = "org:site-settings:v1"

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self) -> str:
        return str(self.organisation_name)

    @property
    def display_name(self) -> str:
        return localised(self, "organisation_name")

    @classmethod
    def load(cls) -> SiteSettings:
        obj = cache.get(cls.CACHE_KEY)
        if obj is None:
            obj = cls.objects.order_by("pk").first()
            if obj is None:
                obj = cls(
                    organisation_name=settings.QS_ORGANISATION_NAME,
                    hotline=settings.QS_HOTLINE,
                    mailbox=settings.QS_MAILBOX,
                )
            cache.set(cls.CACHE_KEY, obj, 300)
        return obj

    def save(self, *args, **kwargs):
        if not self.pk and SiteSettings.objects.exists():
            self.pk = SiteSettings.objects.order_by("pk").values_list("pk", flat=True).first()
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)


class DepartmentQuerySet(DepartmentScopedQuerySet):
    department_field = "pk"

    def centres(self):
        return self.filter(kind=Department.Kind.CENTRE, is_active=True)


class Department(LocalisedNameMixin, models.Model):
    class Kind(models.TextChoices):
        GROUP = "group", _("Group")
        CENTRE = "centre", _("Centre / department")
        TEAM = "team", _("Team")

    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CENTRE)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    description = models.TextField(_("description"), blank=True)
    service_phone = models.CharField(_("service phone"), max_length=40, blank=True)
    complaint_phone = models.CharField(_("complaint phone"), max_length=40, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="org_department_unique_name_in_parent"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def clean(self):
        if self.kind == self.Kind.TEAM and (self.parent is None or self.parent.kind != self.Kind.CENTRE):
            raise ValidationError({"parent": _("A team belongs to a centre.")})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A department cannot be its own parent.")})

    def get_absolute_url(self) -> str:
        return reverse("org:department_detail", args=[self.pk])

    @property
    def centre_id(self) -> int:
        """The centre a team belongs to; a centre is its own."""
        return self.parent_id if self.kind == self.Kind.TEAM else self.pk


class Place(LocalisedNameMixin, models.Model):
    class Kind(models.TextChoices):
        CAMPUS = "campus", _("Campus")
        CANTEEN = "canteen", _("Canteen")
        DORMITORY = "dormitory", _("Dormitory building")
        TEACHING = "teaching", _("Teaching building")
        OFFICE = "office", _("Office / service hall")
        WORKSHOP = "workshop", _("Workshop / depot")
        SHOP = "shop", _("Shop")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    campus = models.ForeignKey(
        "self",
        verbose_name=_("campus"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="places",
        limit_choices_to={"kind": Kind.CAMPUS},
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="places",
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["campus", "name"], name="org_place_unique_name_in_campus"),
        ]

    def __str__(self) -> str:
        if self.campus_id and self.kind != self.Kind.CAMPUS:
            return f"{self.campus.display_name} · {self.display_name}"
        return self.display_name


class StaffQuerySet(DepartmentScopedQuerySet):
    department_field = "department"

    def active(self):
        return self.filter(is_active=True)

    def with_related(self):
        return self.select_related("department", "team")


class Staff(models.Model):
    """A member of staff of the logistics group. Accounts (``user``) are optional: front-line
    staff are on the roster and wear badges whether or not they sign in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="staff_members"
    )
    team = models.ForeignKey(
        Department,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="team_members",
        limit_choices_to={"kind": Department.Kind.TEAM},
    )
    name = models.CharField(_("name"), max_length=50)
    badge_number = models.CharField(_("badge number"), max_length=20, unique=True)
    post = models.CharField(_("post"), max_length=60)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    photo = models.ImageField(_("photo"), upload_to="staff/", blank=True)
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.STAFF)
    on_duty = models.BooleanField(_("on duty"), default=True)
    is_active = models.BooleanField(_("employed"), default=True)
    public_code = models.CharField(
        _("public code"), max_length=16, unique=True, default=new_public_code, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["public_code"])

    objects = StaffQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["department__sort_order", "badge_number"]
        indexes = [
            # Department staff lists: WHERE department_id = ? ORDER BY badge_number
            models.Index(fields=["department", "badge_number"], name="org_staff_dept_badge_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.badge_number})"

    def clean(self):
        if self.team_id and self.team.parent_id != self.department_id:
            raise ValidationError({"team": _("The team must belong to the staff member's department.")})

    def get_absolute_url(self) -> str:
        return reverse("org:staff_detail", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("org:badge_page", args=[self.public_code])


class CommitmentQuerySet(DepartmentScopedQuerySet):
    department_field = "department"

    def published(self):
        return self.filter(is_published=True)

    def measurable(self):
        return self.filter(is_measurable=True)


class RequestKind(models.TextChoices):
    """What a measurable commitment promises a deadline for; the feedback app uses these."""

    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")
    ENQUIRY = "enquiry", _("Enquiry")
    REPAIR = "repair", _("Repair request")
    PRAISE = "praise", _("Praise")
    # An objection to a published result under public notice (公示: a competition, the year-end evaluation, a
    # recognition round); raised from those pages, never offered on the public feedback form.
    OBJECTION = "objection", _("Objection")


class Commitment(LocalisedTextMixin, models.Model):
    class Unit(models.TextChoices):
        MINUTES = "minutes", _("minutes")
        WORKING_HOURS = "working_hours", _("working hours")
        HOURS = "hours", _("hours (round the clock)")

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.CASCADE, related_name="commitments"
    )
    title = models.CharField(_("commitment"), max_length=200)
    title_en = models.CharField(_("commitment (English)"), max_length=300, blank=True)
    details = models.TextField(_("details"), blank=True)
    is_measurable = models.BooleanField(_("measurable"), default=False)
    request_kind = models.CharField(
        _("kind of request"), max_length=12, choices=RequestKind.choices, blank=True
    )
    deadline_value = models.PositiveIntegerField(_("deadline"), null=True, blank=True)
    deadline_unit = models.CharField(_("unit"), max_length=14, choices=Unit.choices, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=100)
    is_published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("service commitment")
        verbose_name_plural = _("service commitments")
        ordering = ["department__sort_order", "sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_measurable=False)
                | (~Q(request_kind="") & Q(deadline_value__gt=0) & ~Q(deadline_unit="")),
                name="org_commitment_measurable_has_deadline",
            ),
            # One deadline per department and kind of request: deadlines must be unambiguous.
            models.UniqueConstraint(
                fields=["department", "request_kind"],
                condition=Q(is_measurable=True),
                name="org_commitment_one_deadline_per_kind",
            ),
            # A department states each commitment once; also makes a double-submitted form create one row.
            models.UniqueConstraint(fields=["department", "title"], name="org_commitment_unique_title_in_department"),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return localised(self, "title")

    def clean(self):
        if self.department_id and self.title and (
            Commitment.objects.filter(department_id=self.department_id, title=self.title).exclude(pk=self.pk).exists()
        ):
            raise ValidationError({"title": _("This department already has this commitment.")})
        if self.is_measurable:
            errors = {}
            if not self.request_kind:
                errors["request_kind"] = _("A measurable commitment names the kind of request it covers.")
            if not self.deadline_value:
                errors["deadline_value"] = _("A measurable commitment needs a deadline greater than zero.")
            if not self.deadline_unit:
                errors["deadline_unit"] = _("Choose the unit of the deadline.")
            if errors:
                raise ValidationError(errors)
            clash = Commitment.objects.filter(
                department_id=self.department_id, request_kind=self.request_kind, is_measurable=True
            ).exclude(pk=self.pk)
            if self.department_id and clash.exists():
                raise ValidationError(
                    {"request_kind": _("This department already has a measurable commitment for this kind of request.")}
                )
        else:
            self.request_kind = ""
            self.deadline_value = None
            self.deadline_unit = ""

    @property
    def deadline_minutes(self) -> int | None:
        """The deadline in minutes of the commitment's own clock (working minutes for
        working hours); None when not measurable."""
        if not self.is_measurable or not self.deadline_value:
            return None
        if self.deadline_unit == self.Unit.MINUTES:
            return self.deadline_value
        return self.deadline_value * 60

    @property
    def counts_working_time(self) -> bool:
        return self.deadline_unit == self.Unit.WORKING_HOURS

    @classmethod
    def deadline_for(cls, department_id: int, request_kind: str) -> Commitment | None:
        """The department's measurable commitment for a kind of request (feedback deadlines)."""
        return (
            cls.objects.filter(department_id=department_id, request_kind=request_kind, is_measurable=True)
            .order_by("pk")
            .first()
        )


class ServicePhraseQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def taboo(self):
        return self.active().filter(kind=ServicePhrase.Kind.TABOO)

    def courteous(self):
        return self.active().filter(kind=ServicePhrase.Kind.COURTEOUS)


class ServicePhrase(LocalisedTextMixin, models.Model):
    class Kind(models.TextChoices):
        COURTEOUS = "courteous", _("Courteous phrase")
        TABOO = "taboo", _("Taboo phrase")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("phrase"), max_length=200)
    text_en = models.CharField(_("English"), max_length=300, blank=True)
    situation = models.CharField(_("situation"), max_length=60, blank=True)
    situation_en = models.CharField(_("situation (English)"), max_length=100, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = ServicePhraseQuerySet.as_manager()

    class Meta:
        verbose_name = _("service phrase")
        verbose_name_plural = _("service phrases")
        ordering = ["kind", "sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["kind", "text"], name="org_phrase_unique_text")]

    def __str__(self) -> str:
        return self.display_text

    @property
    def display_text(self) -> str:
        return localised(self, "text")

    @property
    def display_situation(self) -> str:
        return localised(self, "situation")


def find_taboo_phrases(text: str) -> list[ServicePhrase]:
    """Taboo phrases that occur in ``text`` (used to flag feedback reporting taboo language)."""
    if not text:
        return []
    return [p for p in ServicePhrase.objects.taboo() if p.text and p.text in text]
