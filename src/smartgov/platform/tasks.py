"""Background jobs of the shared kernel."""

from celery import shared_task

from smartgov.platform.services.outbox import outbox_deliver, outbox_sweep


@shared_task(name="smartgov.platform.tasks.outbox_deliver_event", acks_late=True, ignore_result=True)
def outbox_deliver_event(event_id: str) -> None:
    """Deliver one event (idempotent: receipts make a second run a no-op)."""
    outbox_deliver(event_id=event_id)


@shared_task(name="smartgov.platform.tasks.outbox_sweep", acks_late=True, ignore_result=True)
def outbox_sweep_task() -> int:
    """Deliver what the on-commit hand-over missed (a crash, a broker outage) and retry failed consumers."""
    return outbox_sweep()
