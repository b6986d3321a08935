from celery import shared_task

from . import services


@shared_task(name="surveys.refresh_satisfaction_index")
def refresh_satisfaction_index() -> int:
    """Periodic: rebuild the stored result counters of surveys whose total is off (cheap check, one
    query), recompute the cached satisfaction index of every open or closed survey and of their
    periods. Idempotent (rows are upserted by unique keys), so overlapping runs do no harm."""
    services.rebuild_stale_results()  # safety net: only surveys whose stored total disagrees with their responses
    return services.refresh_satisfaction_index()


@shared_task(name="surveys.purge_stale_drafts")
def purge_stale_drafts() -> dict:
    """Periodic (hourly, SurveysConfig.periodic_jobs "surveys-purge-drafts"): delete unsubmitted drafts of
    closed surveys and those started more than QS_SURVEY_DRAFT_RETENTION_DAYS ago, old form-submission keys and
    expired server sessions (clearsessions). Idempotent: a second run finds nothing."""
    return services.purge_stale_drafts()
