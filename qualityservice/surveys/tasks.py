from celery import shared_task

from . import services


@shared_task(name="surveys.refresh_satisfaction_index")
def refresh_satisfaction_index() -> int:
    """Periodic: rebuild the stored result counters of surveys whose total is off (cheap check, one
    query), recompute the cached satisfaction index of every open or closed survey and of their
    periods. Idempotent (rows are upserted by unique keys), so overlapping runs do no harm."""
    services.purge_stale_drafts()
    services.rebuild_stale_results()  # safety net: only surveys whose stored total disagrees with their responses
    return services.refresh_satisfaction_index()


@shared_task(name="surveys.purge_stale_drafts")
def purge_stale_drafts() -> int:
    """Delete unsubmitted drafts of closed surveys and drafts untouched for 30 days (idempotent).
    Run from refresh_satisfaction_index's schedule slot as well, so it needs no schedule of its own."""
    return services.purge_stale_drafts()
