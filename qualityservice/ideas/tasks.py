"""Celery tasks; ``ideas-escalate-overdue-reviews`` in the config's ``periodic_jobs`` runs every 15 minutes."""

from celery import shared_task

from . import services


@shared_task(name="ideas.escalate_overdue_reviews", ignore_result=True)
def escalate_overdue_reviews() -> int:
    """Idempotent: each overdue review is claimed by a conditional update and escalated once; a second run
    escalates nothing."""
    return services.escalate_overdue_reviews()
