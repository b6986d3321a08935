from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Notification(models.Model):
    """The outbox of ``core.notifications.notify``: written in the caller's transaction (so a
    notification exists exactly when what it announces was committed, and survives a broker outage),
    delivered in batches by the worker, kept 30 days for the record."""

    payload = models.JSONField(_("payload"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    result = models.CharField(_("delivery result"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The worker's queue: pending rows only, in order.
            models.Index(fields=["id"], condition=Q(sent_at__isnull=True), name="core_notification_pending_idx"),
        ]

    def __str__(self) -> str:
        return str(self.payload.get("subject", ""))[:60]


class WorkflowEvent(models.Model):
    """One move of a workflow that keeps no timeline of its own (``core.workflow.Workflow.record``'s
    default): which row, which action, from and to which status, who, when, with what parameters."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, verbose_name=pgettext_lazy("workflow event", "type"))
    object_id = models.PositiveBigIntegerField(pgettext_lazy("workflow event", "object id"))
    field = models.CharField(pgettext_lazy("workflow event", "field"), max_length=40, default="status")
    action = models.CharField(pgettext_lazy("workflow event", "action"), max_length=40)
    from_status = models.CharField(pgettext_lazy("workflow event", "from"), max_length=30, blank=True)
    to_status = models.CharField(pgettext_lazy("workflow event", "to"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=pgettext_lazy("workflow event", "by")
    )
    note = models.TextField(pgettext_lazy("workflow event", "note"), blank=True)
    params = models.JSONField(pgettext_lazy("workflow event", "parameters"), default=dict, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("workflow event", "at"), default=timezone.now)

    class Meta:
        verbose_name = _("workflow event")
        verbose_name_plural = _("workflow events")
        indexes = [
            # A row's history: WHERE content_type_id = ? AND object_id = ? ORDER BY created_at
            models.Index(fields=["content_type", "object_id", "created_at"], name="core_wfevent_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} → {self.to_status}"

    @classmethod
    def record(cls, obj, field_name: str, event) -> WorkflowEvent:
        from django.contrib.contenttypes.models import ContentType

        return cls.objects.create(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk, field=field_name,
            action=event.action, from_status=event.from_status, to_status=event.to_status, actor=event.by,
            note=event.note, params=_jsonable(event.params), created_at=event.at,
        )

    @classmethod
    def for_object(cls, obj) -> models.QuerySet:
        from django.contrib.contenttypes.models import ContentType

        return cls.objects.filter(content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk).order_by(
            "created_at", "pk"
        )


def _jsonable(params: dict) -> dict:
    """Event parameters as JSON: model instances by primary key and text, everything else as text."""
    out = {}
    for key, value in (params or {}).items():
        if value is None or isinstance(value, bool | int | float | str):
            out[key] = value
        elif isinstance(value, models.Model):
            out[key] = str(value)
            out[f"{key}_id"] = value.pk
        else:
            out[key] = str(value)
    return out
