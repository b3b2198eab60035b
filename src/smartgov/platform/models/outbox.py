"""Domain-event outbox: events written in the same transaction as the change that raised them.

Delivery (``smartgov.platform.services.outbox``, through the delivery engine) runs each subscribed consumer in its
own savepoint together with a ``ConsumerReceipt``; the unique receipt makes consumers idempotent, so
at-least-once delivery (retries, the periodic sweep after a crash) never applies an event twice.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from smartgov.platform.delivery.models import Deliverable


class OutboxEvent(Deliverable):
    """An event; ``done`` once every consumer subscribed to its topic has a receipt."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    topic = models.CharField(_("topic"), max_length=100, db_index=True, help_text=_("e.g. platform.agency.created"))
    payload = models.JSONField(_("payload"), default=dict)
    #: The version of the topic's payload schema the payload follows (``<app>/events.py``).
    schema_version = models.PositiveSmallIntegerField(_("schema version"), default=1)
    aggregate_type = models.CharField(_("object type"), max_length=100, blank=True)
    aggregate_id = models.CharField(_("object id"), max_length=64, blank=True)
    occurred_at = models.DateTimeField(_("time"))

    class Meta(Deliverable.Meta):
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        ordering = ["occurred_at"]
        indexes = [
            *Deliverable.Meta.indexes,
            # an ordered consumer looks for earlier events of the same aggregate
            models.Index(fields=["aggregate_type", "aggregate_id", "occurred_at"], name="outboxevent_aggregate"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.id}"


class ConsumerReceipt(models.Model):
    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="receipts")
    consumer = models.CharField(max_length=100)
    processed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("consumer receipt")
        constraints = [
            models.UniqueConstraint(fields=["event", "consumer"], name="consumerreceipt_once_per_consumer"),
        ]

    def __str__(self) -> str:
        return f"{self.consumer} ← {self.event_id}"
