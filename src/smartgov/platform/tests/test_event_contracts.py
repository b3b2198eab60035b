"""Event contracts: a topic must be declared with a payload schema; the outbox keeps the schema's version."""

import pytest
from django.db import transaction

from smartgov.platform import events
from smartgov.platform.events import Payload, Topic, topic_of
from smartgov.platform.models import OutboxEvent
from smartgov.platform.services.outbox import event_publish

pytestmark = pytest.mark.django_db


class Thing(Payload):
    n: int


class ThingRenamed(Payload):
    n: int
    name: str


@pytest.fixture
def declared():
    added = [Topic("test.thing.*", Thing), Topic("test.thing.renamed", ThingRenamed, version=2)]
    events._extra.extend(added)
    events.topics.cache_clear()
    yield
    for topic in added:
        events._extra.remove(topic)
    events.topics.cache_clear()


def test_the_exact_declaration_wins_over_the_family(declared):
    assert topic_of("test.thing.created").schema is Thing
    assert topic_of("test.thing.renamed").schema is ThingRenamed
    assert topic_of("test.other") is None


def test_a_payload_is_checked_and_its_version_kept(declared):
    with transaction.atomic():
        created = event_publish(topic="test.thing.created", payload={"n": "3"})
        renamed = event_publish(topic="test.thing.renamed", payload=ThingRenamed(n=1, name="Sở Tư pháp"))
    assert OutboxEvent.objects.get(pk=created.pk).payload == {"n": 3}
    assert (created.schema_version, renamed.schema_version) == (1, 2)


@pytest.mark.parametrize(
    ("topic", "payload"),
    [
        ("test.undeclared", {"n": 1}),  # nobody declared it
        ("test.thing.created", {"n": "many"}),  # not a number
        ("test.thing.created", {"n": 1, "extra": True}),  # a field the schema does not have
        ("test.thing.renamed", Thing(n=1)),  # the other topic's schema
    ],
)
def test_a_wrong_event_is_refused_and_rolls_back_with_the_change(declared, topic, payload):
    with pytest.raises(ValueError), transaction.atomic():
        event_publish(topic=topic, payload=payload)
    assert not OutboxEvent.objects.exists()
