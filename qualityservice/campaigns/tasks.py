"""Celery tasks; ``campaigns-daily`` in the config's ``periodic_jobs`` runs ``daily`` (hourly: it is idempotent,
so running it more often than once a day costs a few queries and sends nothing twice)."""

from celery import shared_task

from . import services


@shared_task(name="campaigns.daily", ignore_result=True)
def daily() -> dict:
    """The date rule (behind schedule / back on schedule) for every open activity of an active campaign, then the
    milestone reminders. Idempotent: each activity is locked and moved once; each milestone is claimed once."""
    moved = services.refresh_statuses()
    return {**moved, "reminders": services.send_reminders()}
