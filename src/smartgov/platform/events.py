"""Subscribers to domain events. Modules declare them in ``<app>/handlers.py``:

    @subscriber("platform.agency.created", name="identity.sync_agency")
    def sync_agency(event: OutboxEvent) -> None: ...

A topic ending in ``.*`` matches every topic under it. ``name`` identifies the consumer in its receipts: keep it
stable, or already-delivered events are delivered to the renamed consumer again.

``ordered=True`` asks the outbox for the events of one aggregate (one dossier, one agency) in the order they
happened: an event waits while an earlier event of the same aggregate, on a topic this consumer takes, is still
pending without this consumer's receipt.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

if TYPE_CHECKING:
    from smartgov.platform.models import OutboxEvent

Handler = Callable[["OutboxEvent"], None]


@dataclass(frozen=True)
class Subscriber:
    topic: str
    name: str
    handler: Handler
    ordered: bool = False

    def matches(self, topic: str) -> bool:
        if self.topic.endswith(".*"):
            return topic.startswith(self.topic[:-1])
        return topic == self.topic

    def topics(self) -> Q:
        """The topics this consumer takes, as a filter on ``OutboxEvent``."""
        if self.topic.endswith(".*"):
            return Q(topic__startswith=self.topic[:-1])
        return Q(topic=self.topic)


_subscribers: dict[str, Subscriber] = {}


def subscriber(topic: str, *, name: str, ordered: bool = False) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        existing = _subscribers.get(name)
        if existing is not None and existing.handler is not handler and existing.topic != topic:
            raise ValueError(f"two subscribers are named {name!r}")
        _subscribers[name] = Subscriber(topic=topic, name=name, handler=handler, ordered=ordered)
        return handler

    return register


def unsubscribe(name: str) -> None:
    _subscribers.pop(name, None)


def subscribers_for(topic: str) -> list[Subscriber]:
    return [s for s in _subscribers.values() if s.matches(topic)]
