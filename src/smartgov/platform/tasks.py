"""Background jobs of the shared kernel."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings

from smartgov.platform.services.audit_seal import AuditSealRefused, audit_seal
from smartgov.platform.services.forms import form_claims_purge
from smartgov.platform.services.outbox import outbox_deliver, outbox_sweep


@shared_task(name="smartgov.platform.tasks.outbox_deliver_event", acks_late=True, ignore_result=True)
def outbox_deliver_event(event_id: str) -> None:
    """Deliver one event (idempotent: receipts make a second run a no-op)."""
    outbox_deliver(event_id=event_id)


@shared_task(name="smartgov.platform.tasks.outbox_sweep", acks_late=True, ignore_result=True)
def outbox_sweep_task() -> int:
    """Deliver what the on-commit hand-over missed (a crash, a broker outage) and retry failed consumers."""
    return outbox_sweep()


@shared_task(name="smartgov.platform.tasks.audit_seal", acks_late=True, ignore_result=True)
def audit_seal_task() -> int | None:
    """Seal the audit log (a signed checkpoint outside the database); a database that contradicts the last
    checkpoint is reported as an error, and not sealed."""
    try:
        checkpoint = audit_seal()
    except AuditSealRefused:
        logging.getLogger(__name__).exception("the audit log was NOT sealed: run `smartgov audit verify`")
        return None
    return checkpoint.number if checkpoint is not None else None


@shared_task(name="smartgov.platform.tasks.form_claims_purge", acks_late=True, ignore_result=True)
def form_claims_purge_task() -> int:
    """Forget the form keys' claims older than the keys' lifetime (their keys are refused by now)."""
    return form_claims_purge(older_than=timedelta(seconds=settings.SMARTGOV_FORM_KEY_TTL))
