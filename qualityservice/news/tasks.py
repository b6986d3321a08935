"""Celery tasks; the config's ``periodic_jobs``: ``news-publish-due`` runs ``publish_due`` every minute,
``news-forget-unused-images`` runs ``forget_unused_body_images`` once a day."""

from celery import shared_task

from . import services


@shared_task(name="news.publish_due", ignore_result=True)
def publish_due() -> int:
    """Idempotent: every due article is locked and published once (``Workflow.apply_each``)."""
    return services.publish_due()


@shared_task(name="news.forget_unused_body_images", ignore_result=True)
def forget_unused_body_images() -> int:
    """Idempotent: deletes only body images no article or revision shows, past the grace period."""
    return services.forget_unused_body_images()
