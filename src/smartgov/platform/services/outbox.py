"""Publishing domain events, and delivering them to subscribers (at least once, exactly-once effect).

Delivery is the delivery engine's ``outbox`` kind in ``HOLD`` mode: the event row is claimed and held while each
consumer without a receipt runs in its own savepoint together with its ``ConsumerReceipt``. A consumer that raises
is rolled back alone (its partial writes and its receipt vanish) and the event is tried again after a back-off;
the consumers that succeeded keep their receipts and are not run again. ``ordered=True`` consumers get the events
of one aggregate in order (``smartgov.platform.events``).
"""

import logging
import uuid
from datetime import timedelta
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from pydantic import BaseModel

from smartgov.platform import delivery
from smartgov.platform.delivery import State
from smartgov.platform.events import Subscriber, payload_check, subscribers_for
from smartgov.platform.models import ConsumerReceipt, OutboxEvent

logger = logging.getLogger(__name__)
#: An event a consumer keeps refusing is a dead letter after this many attempts (10 s, 20 s … then hourly:
#: about two days); ``smartgov outbox retry`` or the page of its consumer sends it again.
MAX_ATTEMPTS = 48
FIRST_BACKOFF = timedelta(seconds=10)
MAX_BACKOFF = timedelta(hours=1)
#: The reason an ordered consumer's event waits (kept in ``last_error``).
WAITING = "waits for an earlier event of the same object"


def event_publish(
    *,
    topic: str,
    payload: BaseModel | dict[str, Any],
    obj: models.Model | None = None,
    aggregate_type: str = "",
    aggregate_id: str = "",
) -> OutboxEvent:
    """Record an event in the caller's transaction; it is handed to the task queue once that commits. The payload
    is checked against its topic's declared schema (``<app>/events.py``, docs/kernel.md §5)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("event_publish() must be called inside the service's transaction.atomic() block")
    data, version = payload_check(topic, payload)
    if obj is not None:
        aggregate_type = aggregate_type or obj._meta.label_lower
        aggregate_id = aggregate_id or str(obj.pk)
    now = timezone.now()
    event = OutboxEvent.objects.create(
        topic=topic,
        payload=data,
        schema_version=version,
        aggregate_type=aggregate_type,
        aggregate_id=aggregate_id,
        occurred_at=now,
        next_at=now,
    )
    transaction.on_commit(lambda: _hand_over(event.id))
    return event


def _hand_over(event_id: uuid.UUID) -> None:
    delivery.dispatch(OUTBOX, [event_id])


def _dispatch(event_id: uuid.UUID) -> None:
    from smartgov.platform.tasks import outbox_deliver_event

    outbox_deliver_event.delay(str(event_id))


def _earlier_pending(event: OutboxEvent, sub: Subscriber) -> bool:
    """An earlier event of the same aggregate, on a topic ``sub`` takes, still waits for ``sub``."""
    if not event.aggregate_id:
        return False
    received = ConsumerReceipt.objects.filter(consumer=sub.name).values("event")
    return (
        OutboxEvent.objects.filter(
            sub.topics(),
            aggregate_type=event.aggregate_type,
            aggregate_id=event.aggregate_id,
            occurred_at__lt=event.occurred_at,
            state=State.PENDING,
        )
        .exclude(pk__in=received)
        .exists()
    )


def _deliver(event: OutboxEvent) -> str | None:
    """The outbox kind's handler: run every consumer without a receipt. None when all have one."""
    done = set(ConsumerReceipt.objects.filter(event=event).values_list("consumer", flat=True))
    failed: list[str] = []
    woke = False
    for sub in subscribers_for(event.topic):
        if sub.name in done:
            continue
        if sub.ordered and _earlier_pending(event, sub):
            failed.append(f"{sub.name}: {WAITING}")
            continue
        try:
            with transaction.atomic():
                ConsumerReceipt.objects.create(event=event, consumer=sub.name, processed_at=timezone.now())
                sub.handler(event)
        except Exception as exc:
            logger.exception("consumer %s failed on event %s (%s)", sub.name, event.id, event.topic)
            failed.append(f"{sub.name}: {exc!r}"[:500])
        else:
            woke = woke or sub.ordered
    if woke and event.aggregate_id:
        # the later events of this aggregate that an ordered consumer made wait need not sit out their back-off;
        # those another worker holds right now are skipped, not waited for (no lock cycle between two workers)
        now = timezone.now()
        waiting = OutboxEvent.objects.select_for_update(
            skip_locked=connection.features.has_select_for_update_skip_locked
        ).filter(
            aggregate_type=event.aggregate_type,
            aggregate_id=event.aggregate_id,
            occurred_at__gt=event.occurred_at,
            state=State.PENDING,
            next_at__gt=now,
            last_error__contains=WAITING,
        )
        OutboxEvent.objects.filter(pk__in=list(waiting.values_list("pk", flat=True))).update(next_at=now)
    return "\n".join(failed) or None


OUTBOX: delivery.Kind[OutboxEvent] = delivery.kind_register(
    delivery.Kind(
        name="outbox",
        model=OutboxEvent,
        handler=_deliver,
        mode=delivery.Mode.HOLD,
        max_attempts=MAX_ATTEMPTS,
        first_backoff=FIRST_BACKOFF,
        max_backoff=MAX_BACKOFF,
        order_by=("occurred_at",),
        dispatch=_dispatch,
    )
)


def outbox_deliver(*, event_id: uuid.UUID | str) -> bool:
    """Deliver one event to each subscriber that has not processed it, if it is due. Returns True when it is
    fully delivered."""
    return delivery.attempt(OUTBOX, event_id).done


def outbox_sweep(*, batch: int = 500) -> int:
    """Deliver pending events whose time has come, oldest first. Returns how many were fully delivered."""
    return delivery.sweep(OUTBOX, batch=batch)


def outbox_retry(*, events: "models.QuerySet[OutboxEvent]") -> int:
    """Make ``events`` due now, dead letters included (the caller audits it). Returns how many."""
    return delivery.retry_now(OUTBOX, events)
