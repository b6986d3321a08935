"""Celery tasks; ``competitions-remind-judges`` in the config's ``periodic_jobs`` runs ``remind_judges`` every 15 minutes."""

from celery import shared_task

from . import services


@shared_task(name="competitions.remind_judges", ignore_result=True)
def remind_judges() -> int:
    """Idempotent: each round is claimed once (``reminded_at``), so a second run or a second worker reminds nobody again."""
    return services.remind_judges()
