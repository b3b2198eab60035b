"""Subscribers to domain events. Modules declare them in ``<app>/handlers.py``:

    @subscriber("platform.agency.created", name="identity.sync_agency")
    def sync_agency(event: OutboxEvent) -> None: ...

A topic ending in ``.*`` matches every topic under it. ``name`` identifies the consumer in its receipts: keep it
stable, or already-delivered events are delivered to the renamed consumer again.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smartgov.platform.models import OutboxEvent

Handler = Callable[["OutboxEvent"], None]


@dataclass(frozen=True)
class Subscriber:
    topic: str
    name: str
    handler: Handler

    def matches(self, topic: str) -> bool:
        if self.topic.endswith(".*"):
            return topic.startswith(self.topic[:-1])
        return topic == self.topic


_subscribers: dict[str, Subscriber] = {}


def subscriber(topic: str, *, name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        existing = _subscribers.get(name)
        if existing is not None and existing.handler is not handler and existing.topic != topic:
            raise ValueError(f"two subscribers are named {name!r}")
        _subscribers[name] = Subscriber(topic=topic, name=name, handler=handler)
        return handler

    return register


def unsubscribe(name: str) -> None:
    _subscribers.pop(name, None)


def subscribers_for(topic: str) -> list[Subscriber]:
    return [s for s in _subscribers.values() if s.matches(topic)]
