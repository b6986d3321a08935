from celery import shared_task

from . import answering, counters, index


@shared_task(name="surveys.refresh_satisfaction_index")
def refresh_satisfaction_index() -> int:
    """Periodic: rebuild the stored result counters of surveys whose total is off (cheap check, one
    query) or whose background rebuild was lost, recompute the cached satisfaction index of every open or
    closed survey and of their periods. Idempotent (rows are upserted by unique keys), so overlapping runs
    do no harm."""
    counters.rebuild_stale_results()  # safety net: only surveys whose stored total disagrees with their responses
    return index.refresh_satisfaction_index()


@shared_task(name="surveys.rebuild_results")
def rebuild_survey_results(survey_id: int) -> bool:
    """Rebuild one survey's stored result counters (queued by ``counters.schedule_rebuild`` after a change
    that re-files its answers, e.g. a question's department), under the survey's own lock: submits to other
    surveys go on. Clears the "results are being rebuilt" notice. Idempotent: a second run rebuilds the same."""
    return counters.run_scheduled_rebuild(survey_id)


@shared_task(name="surveys.purge_stale_drafts")
def purge_stale_drafts() -> dict:
    """Periodic (hourly, SurveysConfig.periodic_jobs "surveys-purge-drafts"): delete unsubmitted drafts of
    closed surveys and those started more than QS_SURVEY_DRAFT_RETENTION_DAYS ago, and expired server
    sessions (clearsessions). Idempotent: a second run finds nothing."""
    return answering.purge_stale_drafts()
