from celery import shared_task

from . import services


@shared_task(name="org.refresh_public_statistics")
def refresh_public_statistics() -> dict:
    """Periodic: recompute the public home page's figures into the cache (idempotent)."""
    return services.refresh_public_statistics()
