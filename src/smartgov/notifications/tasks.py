"""Background delivery of notifications (eager in the embedded mode, Celery workers on Redis in production)."""

import math

from celery import shared_task

from smartgov.notifications.services import ChannelError, deliveries_sweep, delivery_send, delivery_wait


@shared_task(
    bind=True,
    name="smartgov.notifications.tasks.deliver",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=8,
)
def deliver(self, delivery_id: str) -> str:  # type: ignore[no-untyped-def]
    try:
        return delivery_send(delivery_id=delivery_id)
    except ChannelError as exc:
        if self.request.is_eager:
            return "pending"  # the embedded mode: the sweep tries again
        wait = delivery_wait(delivery_id=delivery_id)
        if wait is None:
            return "failed"  # a dead letter now
        # due again after the engine's back-off (a second early enough to find it due)
        raise self.retry(exc=exc, countdown=math.ceil(wait) + 1) from exc


@shared_task(name="smartgov.notifications.tasks.sweep", acks_late=True, ignore_result=True)
def sweep() -> int:
    return deliveries_sweep()
