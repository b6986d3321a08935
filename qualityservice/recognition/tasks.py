"""Celery tasks; ``recognition-close-stale`` in the config's ``periodic_jobs`` runs ``close_stale_items`` hourly."""

from celery import shared_task

from . import services


@shared_task(name="recognition.close_stale_items", ignore_result=True)
def close_stale_items() -> int:
    """Idempotent: every stale item is locked and closed once (``Workflow.apply_each``); a second run closes nothing."""
    return services.close_stale_items()
