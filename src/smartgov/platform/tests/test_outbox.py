"""The outbox: events published with the change, delivered at least once, applied exactly once per consumer."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone

from smartgov.platform import events
from smartgov.platform.models import CalendarDay, ConsumerReceipt, OutboxEvent
from smartgov.platform.services.outbox import event_publish, outbox_deliver, outbox_sweep
from smartgov.platform.testing import topics_declared

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _made_up_topics():
    """The topics these tests publish are made up here, declared for the test only."""
    with topics_declared("test.*"):
        yield


@pytest.fixture
def consumers():
    """Two consumers with visible effects: one writes a row (rolled back if it fails), one counts calls."""
    calls: dict[str, int] = {"counter": 0, "writer": 0}
    failures = {"writer": 0}

    @events.subscriber("test.thing.*", name="test.writer")
    def writer(event: OutboxEvent) -> None:
        calls["writer"] += 1
        CalendarDay.objects.create(date=timezone.localdate() + timedelta(days=calls["writer"] * 400), name=event.topic)
        if failures["writer"]:
            failures["writer"] -= 1
            raise RuntimeError("consumer crashed half-way")

    @events.subscriber("test.thing.created", name="test.counter")
    def counter(event: OutboxEvent) -> None:
        calls["counter"] += 1

    yield calls, failures
    events.unsubscribe("test.writer")
    events.unsubscribe("test.counter")


def _publish(topic: str = "test.thing.created") -> OutboxEvent:
    with transaction.atomic():
        return event_publish(topic=topic, payload={"n": 1}, aggregate_type="test.thing", aggregate_id="1")


def test_delivered_once_to_each_subscriber_after_commit(consumers):
    calls, _ = consumers
    event = _publish()
    event.refresh_from_db()
    assert event.done_at is not None
    assert calls == {"counter": 1, "writer": 1}
    assert set(ConsumerReceipt.objects.filter(event=event).values_list("consumer", flat=True)) == {
        "test.writer",
        "test.counter",
    }
    assert outbox_deliver(event_id=event.id) is True  # a redelivery does nothing
    assert calls == {"counter": 1, "writer": 1}


def test_rolled_back_transaction_publishes_nothing(consumers):
    calls, _ = consumers
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        event_publish(topic="test.thing.created", payload={})
        1 / 0  # noqa: B018
    assert OutboxEvent.objects.count() == 0
    assert calls == {"counter": 0, "writer": 0}


def test_crash_after_commit_is_recovered_by_the_sweep(consumers):
    calls, _ = consumers
    # The process dies right after the commit: the hand-over to the task queue never happens.
    with mock.patch("smartgov.platform.services.outbox._hand_over"):
        event = _publish()
    event.refresh_from_db()
    assert event.done_at is None
    assert calls == {"counter": 0, "writer": 0}

    assert outbox_sweep() == 1
    assert calls == {"counter": 1, "writer": 1}
    assert outbox_sweep() == 0  # nothing delivered twice
    assert calls == {"counter": 1, "writer": 1}


def test_broker_down_at_hand_over_loses_nothing(consumers):
    calls, _ = consumers
    with mock.patch("smartgov.platform.tasks.outbox_deliver_event.delay", side_effect=ConnectionError("broker down")):
        event = _publish()
    assert calls == {"counter": 0, "writer": 0}
    assert OutboxEvent.objects.get(pk=event.pk).done_at is None
    outbox_sweep()
    assert calls == {"counter": 1, "writer": 1}


def test_failing_consumer_is_rolled_back_and_retried_alone(consumers):
    calls, failures = consumers
    failures["writer"] = 1
    event = _publish()
    event.refresh_from_db()
    assert event.done_at is None
    assert event.attempts == 1
    assert "consumer crashed half-way" in event.last_error
    assert event.next_at > timezone.now()
    assert CalendarDay.objects.count() == 0, "the failed consumer's partial write was rolled back"
    assert calls == {"counter": 1, "writer": 1}

    assert outbox_sweep() == 0  # not due yet (backoff)
    OutboxEvent.objects.filter(pk=event.pk).update(next_at=timezone.now())
    assert outbox_sweep() == 1
    assert CalendarDay.objects.count() == 1, "effect applied exactly once"
    assert calls == {"counter": 1, "writer": 2}, "the consumer that succeeded was not run again"
    event.refresh_from_db()
    assert event.done_at is not None


def test_wildcard_topics_match_only_their_subtree(consumers):
    calls, _ = consumers
    _publish("test.thing.updated")
    assert calls == {"counter": 0, "writer": 1}
    _publish("test.other.created")
    assert calls == {"counter": 0, "writer": 1}


def test_publish_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="transaction"):
        event_publish(topic="test.thing.created", payload={})


def test_the_outbox_command_shows_the_backlog_and_sends_dead_letters_again(consumers, capsys):
    from django.core.management import call_command

    from smartgov.platform.delivery import State
    from smartgov.platform.models import AuditEntry

    calls, failures = consumers
    failures["writer"] = 1
    event = _publish()
    OutboxEvent.objects.filter(pk=event.pk).update(state=State.DEAD)
    call_command("outbox", "status")
    shown = capsys.readouterr().out
    assert "outbox: pending 0  failing 0  dead 1" in shown and "consumer crashed half-way" in shown
    assert "notifications:" in shown and "webhooks:" in shown

    call_command("outbox", "retry")
    event.refresh_from_db()
    assert event.state == State.PENDING and event.attempts == 0 and event.next_at <= timezone.now()
    assert AuditEntry.objects.filter(action="platform.outbox.retry").count() == 1
    call_command("outbox", "deliver")
    assert "1 events delivered." in capsys.readouterr().out
    event.refresh_from_db()
    assert event.state == State.DONE and calls["writer"] == 2 and calls["counter"] == 1
