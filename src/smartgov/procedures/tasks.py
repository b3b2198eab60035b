"""Background jobs of the public services."""

from celery import shared_task

from smartgov.procedures.services.dossiers import dossiers_flag_due_soon


@shared_task(name="smartgov.procedures.tasks.flag_due_soon", acks_late=True, ignore_result=True)
def flag_due_soon() -> int:
    """Every quarter of an hour: warn about dossiers due within a day (once per appointment)."""
    return dossiers_flag_due_soon()
