"""Periodic jobs (scheduled by name in FeedbackConfig.periodic_jobs, apps.py). Each is idempotent
and claims its work atomically, so several workers may run them."""

from celery import shared_task

from . import mailbox, services


@shared_task(name="feedback.escalate_overdue")
def escalate_overdue() -> int:
    return services.escalate_overdue()


@shared_task(name="feedback.poll_mailbox")
def poll_mailbox() -> dict:
    return mailbox.poll_mailbox()


@shared_task(name="feedback.refresh_public_figures")
def refresh_public_figures() -> int:
    return services.refresh_public_figures()


@shared_task(name="feedback.record_campaign_figures")
def record_campaign_figures() -> int:
    """Daily: the last complete month's figures as campaign evidence (idempotent: one row per month and activity)."""
    return services.record_campaign_figures()
