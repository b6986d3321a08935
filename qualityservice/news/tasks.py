"""Celery tasks; ``news-publish-due`` in the config's ``periodic_jobs`` runs ``publish_due`` every minute."""

from celery import shared_task

from . import services


@shared_task(name="news.publish_due", ignore_result=True)
def publish_due() -> int:
    """Idempotent: every due article is locked and published once (``Workflow.apply_each``)."""
    return services.publish_due()
