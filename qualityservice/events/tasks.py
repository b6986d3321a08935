"""Celery tasks (the config's ``periodic_jobs``). Each is idempotent: rows are claimed by a conditional update or
moved through ``Workflow.apply`` (locked, moved once), so several workers may run them."""

from celery import shared_task

from . import services


@shared_task(name="events.expire_offers", ignore_result=True)
def expire_offers() -> int:
    """Offers past their deadline lapse; their seats go to the next in line (every 5 minutes)."""
    return services.expire_offers()


@shared_task(name="events.relay_answers", ignore_result=True)
def relay_answers() -> int:
    """Opinions whose feedback item was answered: the attendees are told (every 10 minutes)."""
    return services.relay_answers()


@shared_task(name="events.send_reminders", ignore_result=True)
def send_reminders() -> int:
    """The day-before reminders, and the reminder to invitees who have not answered (every 15 minutes)."""
    return services.send_reminders()


@shared_task(name="events.hold_past_sessions", ignore_result=True)
def hold_past_sessions() -> int:
    """Sessions over for two hours are marked held (no-shows marked), finished events closed (hourly)."""
    return services.hold_past_sessions()


@shared_task(name="events.delete_visitor_data", ignore_result=True)
def delete_visitor_data() -> int:
    """Visitors' names and phones QS_EVENTS_RETENTION_DAYS after their session (daily)."""
    return services.delete_visitor_data()
