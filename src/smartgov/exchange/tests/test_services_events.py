"""Events across agencies, against real local webhooks: a published event reaches each subscriber once, signed;
a subscriber that is down gets it later (growing back-off), then it is a dead letter until revived."""

import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from smartgov.exchange.models import EventDelivery, EventMessage, MessageRecord
from smartgov.exchange.services import events
from smartgov.exchange.services.events import (
    MAX_ATTEMPTS,
    backoff,
    dead_letters_retry,
    deliveries_sweep,
    delivery_attempt,
    event_publish,
    subscription_add,
    subscription_remove,
    topic_register,
)
from smartgov.exchange.tasks import deliver_event, ship_message_log, sweep_events
from smartgov.platform.errors import DomainError, Forbidden, NotFound
from smartgov.platform.models import AuditEntry
from smartgov.platform.webhooks import webhook_verify

pytestmark = pytest.mark.django_db(transaction=True)
TOPIC = "ho-tich.khai-sinh"
BIRTH = {"so_dinh_danh": "031225000123", "ho_ten": "Nguyễn Văn An", "ngay_sinh": "2025-05-01"}


class Receiver:
    """A subscriber's webhook: verifies each delivery's signature, and answers 503 while ``up`` is False."""

    def __init__(self) -> None:
        self.secret = ""
        self.up = True
        self.delay = 0.0
        self.hits = 0  # every request, accepted or not
        self.received: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.hits += 1
                time.sleep(receiver.delay)
                if not receiver.up:
                    self.send_response(503)
                    self.end_headers()
                    self.wfile.write(b"maintenance")
                    return
                if not webhook_verify(secret=receiver.secret, headers=self.headers, body=body):
                    self.send_response(401)
                else:
                    receiver.received.append(json.loads(body))
                    receiver.headers.append(dict(self.headers))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/events"


@pytest.fixture
def receivers() -> Iterator[tuple[Receiver, Receiver]]:
    first, second = Receiver(), Receiver()
    yield first, second
    first.server.shutdown()
    second.server.shutdown()


@pytest.fixture
def births(exchange, receivers):
    """The population database publishes births; the civil registry and the inspectorate subscribe."""
    topic = topic_register(actor=None, code=TOPIC, title="Đăng ký khai sinh", publisher=exchange.population)
    civil, other = receivers
    civil_sub, civil.secret = subscription_add(actor=None, topic=topic, subscriber=exchange.civil, url=civil.url)
    other_sub, other.secret = subscription_add(actor=None, topic=topic, subscriber=exchange.other, url=other.url)
    return topic, (civil_sub, civil), (other_sub, other)


def _due(delivery: EventDelivery) -> None:
    EventDelivery.objects.filter(pk=delivery.pk).update(next_at=timezone.now())


def test_a_published_event_reaches_each_subscriber_once_signed(exchange, births):
    _topic, (civil_sub, civil), (other_sub, other) = births
    assert civil_sub.secret != other_sub.secret and civil.secret.startswith("whsec_") and len(civil.secret) >= 50

    event = event_publish(publisher=exchange.population, topic_code=TOPIC, payload=BIRTH)

    for receiver in (civil, other):
        assert receiver.hits == 1 and len(receiver.received) == 1
        message = receiver.received[0]
        assert message["id"] == str(event.id) and message["topic"] == TOPIC
        assert message["publisher"] == "VN-HP/GOV/000.00.00.G01/CSDLQGDC"
        assert message["payload"] == BIRTH
        assert message["published_at"] == event.published_at.isoformat()
        headers = receiver.headers[0]
        assert headers["webhook-id"] == str(event.id) and headers["X-SmartGov-Topic"] == TOPIC
        assert headers["Content-Type"] == "application/json"
        assert headers["webhook-signature"].startswith("v1,") and headers["webhook-timestamp"].isdigit()
    deliveries = EventDelivery.objects.filter(event=event)
    assert deliveries.count() == 2
    assert all(d.state == "done" and d.done_at and d.attempts == 0 for d in deliveries)

    # Delivered is final: neither the task, nor the sweep, nor a due next_at sends it again.
    for delivery in deliveries:
        _due(delivery)
        assert delivery_attempt(delivery_id=delivery.pk) == "done"
        assert deliver_event.delay(delivery.pk).get() == "done"
    assert deliveries_sweep() == 0 and sweep_events() == 0
    assert civil.hits == 1 and other.hits == 1

    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"exchange.topic.register", "exchange.subscription.add"} <= actions


def test_a_subscriber_that_is_down_gets_retried_with_backoff_then_dead_lettered_then_revived(exchange, births):
    topic, (civil_sub, civil), (_other_sub, other) = births
    civil.up = False
    event = event_publish(publisher=exchange.population, topic_code=TOPIC, payload=BIRTH)
    assert len(other.received) == 1  # the other subscriber is not held back
    delivery = EventDelivery.objects.get(event=event, subscription=civil_sub)
    assert delivery.state == "pending" and delivery.attempts == 1 and delivery.done_at is None
    assert delivery.last_error.startswith("HTTP 503") and "maintenance" in delivery.last_error
    assert delivery.next_at > timezone.now() + backoff(1) - backoff(1) / 2

    assert deliveries_sweep() == 0 and civil.hits == 1  # not due yet: nothing is sent
    waits = []
    for attempt in range(2, MAX_ATTEMPTS + 1):
        _due(delivery)
        before = timezone.now()
        assert deliveries_sweep() == 0
        after = timezone.now()
        delivery.refresh_from_db()
        assert delivery.attempts == attempt and civil.hits == attempt
        assert before + backoff(attempt) <= delivery.next_at <= after + backoff(attempt)
        waits.append(backoff(attempt))
        assert delivery.state == ("dead" if attempt == MAX_ATTEMPTS else "pending")
    assert waits == sorted(waits) and len(set(waits)) == len(waits)  # each wait longer than the one before
    assert backoff(1).total_seconds() == 10 and backoff(30) == backoff(10_000) == timedelta(hours=1)

    _due(delivery)
    assert deliveries_sweep() == 0 and civil.hits == MAX_ATTEMPTS  # a dead letter is not sent by the sweep
    assert delivery_attempt(delivery_id=delivery.pk) == "dead" and civil.hits == MAX_ATTEMPTS

    civil.up = True
    assert dead_letters_retry(actor=None, topic=topic) == 1
    delivery.refresh_from_db()
    assert delivery.state == "pending" and delivery.attempts == 0
    assert AuditEntry.objects.filter(action="exchange.event.dead_letters_retry").count() == 1
    assert deliveries_sweep() == 1
    delivery.refresh_from_db()
    assert delivery.state == "done" and delivery.done_at is not None
    assert [m["id"] for m in civil.received] == [str(event.id)]
    assert len(other.received) == 1


def test_only_the_topic_publisher_may_publish_and_unknown_topics_are_not_found(exchange, births):
    with pytest.raises(Forbidden):
        event_publish(publisher=exchange.civil, topic_code=TOPIC, payload=BIRTH)
    with pytest.raises(NotFound):
        event_publish(publisher=exchange.population, topic_code="no.such.topic", payload=BIRTH)
    assert EventMessage.objects.count() == 0 and EventDelivery.objects.count() == 0
    _topic, (_sub, civil), (_other_sub, other) = births
    assert civil.hits == 0 and other.hits == 0


def test_a_broker_outage_loses_nothing_the_sweep_delivers(exchange, births, monkeypatch):
    _topic, (_sub, civil), (_other_sub, other) = births

    def down(*args: object) -> None:
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(deliver_event, "delay", down)
    event = event_publish(publisher=exchange.population, topic_code=TOPIC, payload=BIRTH)
    assert civil.hits == 0 and EventDelivery.objects.filter(event=event, state="pending").count() == 2
    assert deliveries_sweep() == 2
    assert len(civil.received) == 1 and len(other.received) == 1


def test_a_claimed_delivery_is_not_sent_twice_at_the_same_time(exchange, births):
    _topic, (civil_sub, civil), (_other_sub, _other) = births
    civil.up = False
    event = event_publish(publisher=exchange.population, topic_code=TOPIC, payload=BIRTH)
    delivery = EventDelivery.objects.get(event=event, subscription=civil_sub)
    civil.up, civil.delay = True, 0.5
    _due(delivery)
    results: list[str] = []

    def attempt() -> None:
        try:
            results.append(delivery_attempt(delivery_id=delivery.pk))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert civil.hits == 2  # the first (refused) attempt and exactly one of the three concurrent ones
    assert len(civil.received) == 1 and sorted(results).count("done") >= 1
    delivery.refresh_from_db()
    assert delivery.state == "done" and delivery.attempts == 1


def test_removed_subscriptions_get_nothing_more(exchange, births):
    topic, (civil_sub, civil), (_other_sub, other) = births
    civil.up = False
    event_publish(publisher=exchange.population, topic_code=TOPIC, payload=BIRTH)
    subscription_remove(actor=None, subscription=civil_sub)
    waiting = EventDelivery.objects.get(subscription=civil_sub)
    assert waiting.state == "dead" and waiting.last_error == "subscription removed"
    assert dead_letters_retry(actor=None) == 0  # a removed subscription's letters stay dead

    civil.up = True
    event_publish(publisher=exchange.population, topic_code=TOPIC, payload=BIRTH)
    assert EventDelivery.objects.filter(subscription=civil_sub).count() == 1
    assert civil.received == [] and len(other.received) == 2

    again, secret = subscription_add(actor=None, topic=topic, subscriber=exchange.civil, url=civil.url)
    assert again.pk == civil_sub.pk and again.active and secret != civil.secret
    with pytest.raises(DomainError):
        subscription_add(actor=None, topic=topic, subscriber=exchange.civil, url="ftp://example.org/x")


def test_the_message_log_task_ingests_the_journal(exchange):
    headers = {"X-Road-Client": exchange.civil_id, "X-SmartGov-Api-Key": exchange.key}
    assert exchange.http.get(f"{exchange.url}/citizens/031195001234", headers=headers).status_code == 200
    assert ship_message_log() == 1 and MessageRecord.objects.count() == 1
    assert {deliver_event.name, sweep_events.name, ship_message_log.name} == {
        "exchange.deliver_event",
        "exchange.sweep_events",
        "exchange.ship_message_log",
    }
    assert events.LEASE.total_seconds() > 2 * events.TIMEOUT
