"""Domain events: the topics each app publishes, and the subscribers of other apps.

**Topics** are declared by the publishing app in ``<app>/events.py`` (docs/kernel.md §5)::

    TOPICS = [Topic("procedures.dossier.*", schema=DossierMoved, version=1)]

with a pydantic schema of the payload that carries the facts consumers need, so no consumer reads its producer's
tables. ``event_publish`` refuses a topic nobody declared and a payload its schema refuses, and stores the
schema's version with the event. A name ending in ``.*`` declares a family (every topic under it); an exact name
wins over a family.

**Subscribers** are declared in ``<app>/handlers.py``::

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
from functools import cache
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from pydantic import BaseModel, ConfigDict

from smartgov.platform.contract import contract_exports

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


# --- Topics ----------------------------------------------------------------------------------------------------
class Payload(BaseModel):
    """Base of every payload schema: unknown fields are refused, so a payload says exactly what its schema says."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class Topic:
    """A topic an app publishes: its name (or a family ``prefix.*``), the payload's schema and its version."""

    name: str
    schema: type[BaseModel]
    version: int = 1
    description: str = ""

    def matches(self, topic: str) -> bool:
        if self.name.endswith(".*"):
            return topic.startswith(self.name[:-1])
        return topic == self.name


#: Topics declared outside the apps' events modules (by tests, through smartgov.platform.testing.topics_declared).
_extra: list[Topic] = []


@cache
def topics() -> tuple[Topic, ...]:
    """Every installed app's declared topics."""
    declared = [topic for _config, found in contract_exports("events", "TOPICS") for topic in found] + _extra
    names = [topic.name for topic in declared]
    if len(names) != len(set(names)):
        raise ValueError(f"a topic is declared twice: {sorted(n for n in names if names.count(n) > 1)}")
    return tuple(declared)


def topic_of(name: str) -> Topic | None:
    """The declaration of the topic ``name``: its exact declaration, else the longest family it belongs to."""
    exact = [t for t in topics() if t.name == name]
    if exact:
        return exact[0]
    families = [t for t in topics() if t.name.endswith(".*") and t.matches(name)]
    return max(families, key=lambda t: len(t.name)) if families else None


def payload_check(topic: str, payload: BaseModel | dict[str, Any]) -> tuple[dict[str, Any], int]:
    """``payload`` as its topic's schema reads it (JSON-ready), and the schema's version. Raises ValueError for a
    topic nobody declared or a payload the schema refuses: a publisher's bug, never a person's input."""
    declared = topic_of(topic)
    if declared is None:
        raise ValueError(f"the topic {topic!r} is not declared in any app's events.TOPICS")
    if isinstance(payload, BaseModel) and not isinstance(payload, declared.schema):
        raise ValueError(f"{topic}: the payload is a {type(payload).__name__}, not a {declared.schema.__name__}")
    model = payload if isinstance(payload, BaseModel) else declared.schema.model_validate(payload)
    return model.model_dump(mode="json"), declared.version


# --- The shared kernel's own topics ------------------------------------------------------------------------------
class LocalityChanged(Payload):
    province: str


class AgencyChanged(Payload):
    code: str


class PositionAssigned(Payload):
    user: int
    agency: str
    title: str


TOPICS = [
    Topic("platform.locality.changed", LocalityChanged, description="The locality was set or changed."),
    Topic("platform.agency.*", AgencyChanged, description="An agency was created, changed or closed."),
    Topic("platform.position.assigned", PositionAssigned, description="A person was given a position in an agency."),
]
