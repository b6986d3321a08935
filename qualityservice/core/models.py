from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
