"""The app's data. ``Item`` is the skeleton's example: a department's record that moves draft → submitted →
closed through ``workflows.ITEM`` (the only code that assigns ``status``), created once per form
(``submission_key``) and shown to anyone with its unguessable ``code`` on a public page."""

from __future__ import annotations

import secrets

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


def new_code() -> str:
    """The public page's code: 16 URL-safe random characters (an id would let anyone count and walk the items)."""
    return secrets.token_urlsafe(12)


class ItemQuerySet(DepartmentScopedQuerySet):
    """``visible_to(user)``: heads read their department's items, supervisors and administrators all."""

    department_field = "department"


class Item(LocalisedTextMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("item", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("item", "Submitted")
        CLOSED = "closed", pgettext_lazy("item", "Closed")

    department = models.ForeignKey("org.Department", verbose_name=pgettext_lazy("item", "department"), on_delete=models.PROTECT,
                                   related_name="recognition_items")
    title = models.CharField(pgettext_lazy("item", "title"), max_length=120)
    title_en = models.CharField(pgettext_lazy("item", "title (English)"), max_length=200, blank=True)
    status = models.CharField(pgettext_lazy("item", "status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    code = models.CharField(pgettext_lazy("item", "public code"), max_length=24, unique=True, default=new_code, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("item", "created by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(pgettext_lazy("item", "created"), default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(pgettext_lazy("item", "submitted"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(pgettext_lazy("item", "closed"), null=True, blank=True, editable=False)
    submission_key = SubmissionKeyField(pgettext_lazy("item", "submission key"))
    history = HistoricalRecords(excluded_fields=["submission_key"])

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("item", "item")
        verbose_name_plural = pgettext_lazy("item", "items")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The staff list: WHERE department_id IN (…) ORDER BY created_at DESC, id DESC (keyset pages).
            models.Index(fields=["department", "-created_at", "-id"], name="recognition_item_list_idx"),
            # The indicator: WHERE department_id IN (…) AND submitted_at >= … AND submitted_at < … GROUP BY department_id.
            models.Index(fields=["department", "submitted_at"], name="recognition_item_sub_idx"),
            # The hourly job: WHERE status = 'submitted' AND submitted_at < ….
            models.Index(fields=["submitted_at"], condition=Q(status="submitted"), name="recognition_item_stale_idx"),
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

    # The templates take every URL from here, so that they name no URL namespace.
    def get_absolute_url(self) -> str:
        return reverse("recognition:detail", args=[self.pk])

    def get_edit_url(self) -> str:
        return reverse("recognition:edit", args=[self.pk])

    def get_move_url(self) -> str:
        return reverse("recognition:move", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("recognition:public", args=[self.code])
