"""Publishing domain events, and delivering them to subscribers (at least once, exactly-once effect)."""

import logging
import uuid
from datetime import timedelta
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from pydantic import BaseModel

from smartgov.platform.events import payload_check, subscribers_for
from smartgov.platform.models import ConsumerReceipt, OutboxEvent

logger = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=1)


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
    data, _version = payload_check(topic, payload)
    if obj is not None:
        aggregate_type = aggregate_type or obj._meta.label_lower
        aggregate_id = aggregate_id or str(obj.pk)
    now = timezone.now()
    event = OutboxEvent.objects.create(
        topic=topic,
        payload=data,
        aggregate_type=aggregate_type,
        aggregate_id=aggregate_id,
        occurred_at=now,
        available_at=now,
    )
    transaction.on_commit(lambda: _hand_over(event.id))
    return event


def _hand_over(event_id: uuid.UUID) -> None:
    from smartgov.platform.tasks import outbox_deliver_event

    try:
        outbox_deliver_event.delay(str(event_id))
    except Exception:  # the broker is down: the sweep delivers it later, nothing is lost
        logger.exception("could not hand event %s to the task queue; the sweep will deliver it", event_id)


def outbox_deliver(*, event_id: uuid.UUID | str) -> bool:
    """Deliver one event to each subscriber that has not processed it. Returns True when it is fully delivered.

    Each consumer runs in its own transaction together with its receipt, so a consumer that fails leaves no trace
    and is retried later, while the consumers that succeeded are not run again.
    """
    with transaction.atomic():
        locking = OutboxEvent.objects.select_for_update(
            skip_locked=connection.features.has_select_for_update_skip_locked
        )
        event = locking.filter(pk=event_id, delivered_at__isnull=True).first()
        if event is None:
            return True  # delivered already, or another worker holds it right now
        done = set(ConsumerReceipt.objects.filter(event=event).values_list("consumer", flat=True))
        failed: list[str] = []
        for sub in subscribers_for(event.topic):
            if sub.name in done:
                continue
            try:
                with transaction.atomic():
                    ConsumerReceipt.objects.create(event=event, consumer=sub.name, processed_at=timezone.now())
                    sub.handler(event)
            except Exception as exc:
                logger.exception("consumer %s failed on event %s (%s)", sub.name, event.id, event.topic)
                failed.append(f"{sub.name}: {exc!r}"[:500])
        now = timezone.now()
        if failed:
            event.attempts += 1
            event.last_error = "\n".join(failed)
            event.available_at = now + min(timedelta(seconds=2**event.attempts * 5), MAX_BACKOFF)
            event.save(update_fields=["attempts", "last_error", "available_at"])
            return False
        event.delivered_at = now
        event.save(update_fields=["delivered_at"])
        return True


def outbox_sweep(*, batch: int = 500) -> int:
    """Deliver pending events whose time has come, oldest first. Returns how many were fully delivered."""
    due = OutboxEvent.objects.filter(delivered_at__isnull=True, available_at__lte=timezone.now())
    ids = list(due.order_by("occurred_at").values_list("id", flat=True)[:batch])
    return sum(outbox_deliver(event_id=event_id) for event_id in ids)
