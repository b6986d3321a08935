"""Celery tasks; ``recognition-close-stale`` in the config's ``periodic_jobs`` runs ``close_stale_nominations`` hourly."""

from celery import shared_task

from . import services


@shared_task(name="recognition.close_stale_nominations", ignore_result=True)
def close_stale_nominations() -> int:
    """Idempotent: every stale nomination is locked and closed once (``Workflow.apply_each``); a second run closes nothing."""
    return services.close_stale_nominations()
