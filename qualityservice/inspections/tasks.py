from celery import shared_task

from . import services


@shared_task(name="inspections.mark_missed_inspections")
def mark_missed_inspections() -> dict:
    """Periodic: create due inspections from schedules, then mark past-due open ones as missed (idempotent)."""
    created = services.generate_due_inspections()
    missed = services.mark_missed_inspections()
    return {"created": created, "missed": missed}


@shared_task(name="inspections.escalate_overdue_rectifications")
def escalate_overdue_rectifications() -> dict:
    """Periodic: notify once per rectification past its deadline (claimed atomically)."""
    return {"escalated": services.escalate_overdue_rectifications()}
