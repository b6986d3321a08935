"""Members: the teachers and students (师生) who sign in (product.md section L).

A member is an ordinary account (``auth.User``) with a ``Member`` profile (``user.member``): every
page can use ``request.user``, and ``core.permissions.user_role()`` returns None for a member (no
staff profile), so no staff page ever opens for one. The profile comes from the imported member
roster or from the campus identity service's attributes (CAS); the roster keeps its own history.

Without CAS a member signs in with the ID number and a password set at the first sign-in, from a
one-time code (``SignInCode``) that an administrator exports for distribution by class.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from qualityservice.core.i18n import LocalisedNameMixin
from qualityservice.core.submissions import SubmissionKeyField

# 学号/工号: letters, digits and . _ - (stored in upper case, so that look-ups ignore the case).
NUMBER_RE = re.compile(r"^[A-Z0-9._\-]{1,32}$")
USERNAME_PREFIX = "m-"  # a member's account is "m-<number>": never the same as a staff username


def normalise_number(value) -> str:
    """The stored form of an ID number: text, trimmed, upper case (``20230001``, ``T0321``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().upper()


def username_for(number: str) -> str:
    return f"{USERNAME_PREFIX}{number}"


class MemberKind(models.TextChoices):
    STUDENT = "student", _("Student")
    TEACHER = "teacher", _("Teacher")
    OTHER = "other", _("Other")


class College(LocalisedNameMixin, models.Model):
    """A college or unit (学院/单位) members belong to; created by the roster import and the CAS
    attributes as they name them. Surveys can be restricted to some of them."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("college / unit")
        verbose_name_plural = _("colleges / units")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name


class MemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(user__is_active=True)


class Member(models.Model):
    class Source(models.TextChoices):
        ROSTER = "roster", _("Member roster")
        CAS = "cas", _("Campus identity service")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE,
                                related_name="member")
    number = models.CharField(_("ID number"), max_length=32, unique=True)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)
    kind = models.CharField(pgettext_lazy("member", "type"), max_length=10, choices=MemberKind.choices, default=MemberKind.STUDENT)
    college = models.ForeignKey(College, verbose_name=_("college / unit"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="members")
    class_name = models.CharField(_("class"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    source = models.CharField(pgettext_lazy("member", "source"), max_length=10, choices=Source.choices, default=Source.ROSTER)
    # On the last imported roster (False: came only from the CAS attributes).
    on_roster = models.BooleanField(_("on the roster"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["number"]
        indexes = [
            # Code sheets and the staff list by class: WHERE college_id = ? [AND class_name = ?] ORDER BY class_name, number
            models.Index(fields=["college", "class_name", "number"], name="members_member_class_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(number=""), name="members_member_number_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"

    @property
    def contact(self) -> str:
        """What a named submission leaves as the way to reach the member."""
        return self.phone or self.email

    @property
    def has_password(self) -> bool:
        return self.user.has_usable_password()


class CodeBatch(models.Model):
    """One export of one-time sign-in codes: who issued how many, when (the codes themselves are
    stored only as keyed hashes)."""

    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    count = models.PositiveIntegerField(_("codes"), default=0)
    description = models.CharField(_("selection"), max_length=300, blank=True)
    submission_key = SubmissionKeyField()  # the export form's key: posted twice, issued once

    class Meta:
        verbose_name = _("batch of sign-in codes")
        verbose_name_plural = _("batches of sign-in codes")
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.issued_at:%Y-%m-%d %H:%M} ({self.count})"


class SignInCode(models.Model):
    """A member's one-time code for the first sign-in (sets the password). A new export replaces it;
    using it deletes it. ``digest`` is an HMAC of the code (services.code_digest), never the code."""

    member = models.OneToOneField(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="sign_in_code")
    batch = models.ForeignKey(CodeBatch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)
    expires_at = models.DateTimeField(_("valid until"))

    class Meta:
        verbose_name = _("one-time sign-in code")
        verbose_name_plural = _("one-time sign-in codes")

    def __str__(self) -> str:
        return str(self.member_id)
