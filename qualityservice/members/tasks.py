from celery import shared_task


@shared_task(name="members.purge_cas_session_tickets")
def purge_cas_session_tickets() -> int:
    """Forget the CAS tickets of sessions that have ended (kept for single sign-out only)."""
    from .services import purge_cas_session_tickets as purge

    return purge()
