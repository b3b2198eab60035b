"""Background jobs of the public services."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from smartgov.procedures.services.deadlines import dossiers_flag_due_soon
from smartgov.procedures.services.payments import payments_reconcile
from smartgov.procedures.services.store import documents_purge_expired


@shared_task(name="smartgov.procedures.tasks.flag_due_soon", acks_late=True, ignore_result=True)
def flag_due_soon() -> int:
    """Every quarter of an hour: warn about dossiers due within a day (once per appointment)."""
    return dossiers_flag_due_soon()


@shared_task(name="smartgov.procedures.tasks.reconcile_yesterday", acks_late=True, ignore_result=True)
def reconcile_yesterday() -> int:
    """The daily reconciliation of yesterday's payments (statements, when a gateway sends one, by command)."""
    return len(payments_reconcile(day=timezone.localdate() - timedelta(days=1)).mismatches)


@shared_task(name="smartgov.procedures.tasks.purge_documents", acks_late=True, ignore_result=True)
def purge_documents() -> int:
    return documents_purge_expired()


@shared_task(name="smartgov.procedures.tasks.portal_intake", acks_late=True, ignore_result=True)
def portal_intake() -> int:
    """Every minute: take the new dossiers from the National Public Service Portal's feed (services/intake.py)."""
    from smartgov.procedures.services.intake import portal_intake_pull

    return portal_intake_pull().received
