"""The delivery engine on its own: both modes, back-off, dead letters, the sweep, retry-now, leases that run out,
metrics; and the outbox's ordered consumers. Outbox rows serve as the deliverables of the test kinds."""

import threading
import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from prometheus_client import REGISTRY

from smartgov.platform import delivery, events
from smartgov.platform.delivery import DeadLetter, DeliveryFailed, Kind, Mode, State
from smartgov.platform.models import CalendarDay, ConsumerReceipt, OutboxEvent
from smartgov.platform.services.outbox import WAITING, event_publish, outbox_sweep
from smartgov.platform.testing import topics_declared

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _made_up_topics():
    """The topics these tests publish are made up here, declared for the test only."""
    with topics_declared("test.*"):
        yield


Handler = Callable[[OutboxEvent], str | None]


def _kind(handler: Handler, *, mode: Mode = Mode.HOLD, name: str = "test", **rules: object) -> Kind[OutboxEvent]:
    options: dict = {
        "max_attempts": 3,
        "first_backoff": timedelta(seconds=10),
        "max_backoff": timedelta(seconds=25),
        "lease": timedelta(minutes=1),
        **rules,
    }
    return Kind(name=name, model=OutboxEvent, handler=handler, mode=mode, **options)


def _row(topic: str = "test.row", minutes_ago: int = 0) -> OutboxEvent:
    moment = timezone.now() - timedelta(minutes=minutes_ago)
    return OutboxEvent.objects.create(topic=topic, payload={}, occurred_at=moment, next_at=moment)


def _due(row: OutboxEvent) -> None:
    OutboxEvent.objects.filter(pk=row.pk).update(next_at=timezone.now())


def _write(row: OutboxEvent) -> None:
    CalendarDay.objects.create(date=timezone.localdate() + timedelta(days=400 + CalendarDay.objects.count()), name="x")


def _attempts(kind: str, outcome: str) -> float:
    value = REGISTRY.get_sample_value("smartgov_delivery_attempts_total", {"kind": kind, "outcome": outcome})
    return value or 0.0


# --- HOLD mode ------------------------------------------------------------------------------------------------
def test_hold_mode_commits_the_handlers_writes_with_the_outcome():
    kind = _kind(lambda row: _write(row))
    row = _row()
    outcome = delivery.attempt(kind, row.pk)
    assert outcome == delivery.Outcome(State.DONE, ran=True) and outcome.done
    row.refresh_from_db()
    assert row.state == State.DONE and row.done_at is not None and row.attempts == 0
    assert CalendarDay.objects.count() == 1
    assert delivery.attempt(kind, row.pk) == delivery.Outcome(State.DONE, ran=False)  # done is final
    assert CalendarDay.objects.count() == 1
    assert delivery.attempt(kind, uuid.uuid4()).state == "missing"


def test_hold_mode_rolls_a_failing_handler_back_and_keeps_writes_it_returns_with():
    def crash(row: OutboxEvent) -> None:
        _write(row)
        raise RuntimeError("half-way")

    row = _row()
    before = timezone.now()
    outcome = delivery.attempt(_kind(crash), row.pk)
    assert outcome.state == State.PENDING and outcome.ran and "RuntimeError: half-way" in outcome.error
    row.refresh_from_db()
    assert row.attempts == 1 and row.last_error == "RuntimeError: half-way"
    assert before + timedelta(seconds=10) <= row.next_at <= timezone.now() + timedelta(seconds=10)
    assert CalendarDay.objects.count() == 0, "the failed handler's write was rolled back"

    def partly(row: OutboxEvent) -> str:
        _write(row)
        return "one consumer of two is done"

    _due(row)
    assert delivery.attempt(_kind(partly), row.pk).error == "one consumer of two is done"
    row.refresh_from_db()
    assert row.attempts == 2 and row.state == State.PENDING
    assert CalendarDay.objects.count() == 1, "what the handler finished is kept"


def test_hold_mode_holds_the_row_so_a_second_worker_does_not_run_it():
    started, release = threading.Event(), threading.Event()
    runs: list[str] = []

    def slow(row: OutboxEvent) -> None:
        runs.append(threading.current_thread().name)
        started.set()
        assert release.wait(10)

    kind = _kind(slow)
    row = _row()
    outcomes: dict[str, delivery.Outcome] = {}

    def work(name: str) -> None:
        try:
            outcomes[name] = delivery.attempt(kind, row.pk)
        finally:
            close_old_connections()
            connection.close()

    first = threading.Thread(target=work, args=("first",), name="first")
    first.start()
    assert started.wait(10)
    second = threading.Thread(target=work, args=("second",), name="second")
    second.start()  # PostgreSQL: skips the locked row at once; SQLite: waits for the write lock, then finds it done
    if connection.vendor == "postgresql":
        second.join(10)
        assert outcomes["second"] == delivery.Outcome(State.PENDING, ran=False)
    release.set()
    first.join(10)
    second.join(10)
    assert runs == ["first"] and outcomes["first"].done and not outcomes["second"].ran


# --- back-off, dead letters, retry-now ---------------------------------------------------------------------------
def test_backoff_grows_to_its_cap_and_the_last_failure_makes_a_dead_letter():
    kind = _kind(lambda row: "refused")
    assert [kind.backoff(n).total_seconds() for n in (1, 2, 3, 4, 10_000)] == [10, 20, 25, 25, 25]
    row = _row()
    failed_before, dead_before = _attempts("test", "failed"), _attempts("test", "dead")
    for attempt in (1, 2, 3):
        before = timezone.now()
        outcome = delivery.attempt(kind, row.pk)
        row.refresh_from_db()
        assert row.attempts == attempt and outcome.ran
        assert row.next_at >= before + kind.backoff(attempt)
        assert row.state == (State.DEAD if attempt == 3 else State.PENDING)
        assert delivery.attempt(kind, row.pk).ran is False  # not due: waiting for its back-off, or dead
        _due(row)
    assert _attempts("test", "failed") == failed_before + 2 and _attempts("test", "dead") == dead_before + 1
    assert delivery.sweep(kind) == 0 and delivery.attempt(kind, row.pk).state == State.DEAD


def test_a_handler_gives_up_at_once_with_dead_letter():
    def gone(row: OutboxEvent) -> None:
        raise DeadLetter("subscription removed")

    row = _row()
    assert delivery.attempt(_kind(gone), row.pk).state == State.DEAD
    row.refresh_from_db()
    assert row.state == State.DEAD and row.attempts == 0 and row.last_error == "subscription removed"


def test_retry_now_revives_dead_letters_and_skips_back_offs_but_leaves_claimed_rows():
    kind = _kind(lambda row: None)
    dead, waiting, claimed, done = _row(), _row(), _row(), _row()
    later = timezone.now() + timedelta(hours=1)
    OutboxEvent.objects.filter(pk=dead.pk).update(state=State.DEAD, attempts=3, next_at=later)
    OutboxEvent.objects.filter(pk=waiting.pk).update(attempts=2, next_at=later)
    OutboxEvent.objects.filter(pk=claimed.pk).update(next_at=later, lease_until=later)
    OutboxEvent.objects.filter(pk=done.pk).update(state=State.DONE)
    assert delivery.retry_now(kind, OutboxEvent.objects.all()) == 2
    dead.refresh_from_db()
    waiting.refresh_from_db()
    claimed.refresh_from_db()
    assert dead.state == State.PENDING and dead.attempts == 0 and dead.next_at <= timezone.now()
    assert waiting.attempts == 2 and waiting.next_at <= timezone.now()
    assert claimed.next_at == later  # its sender is still on it
    assert delivery.sweep(kind) == 2


# --- LEASE mode ------------------------------------------------------------------------------------------------
def test_lease_mode_runs_outside_the_transaction_and_claims_the_row():
    seen: list[tuple[bool, object, object]] = []

    def send(row: OutboxEvent) -> None:
        current = OutboxEvent.objects.get(pk=row.pk)
        seen.append((transaction.get_connection().in_atomic_block, current.lease_until, current.next_at))
        assert delivery.attempt(kind, row.pk).ran is False  # claimed: nobody else takes it meanwhile

    kind = _kind(send, mode=Mode.LEASE)
    row = _row()
    assert delivery.attempt(kind, row.pk).done
    [(in_transaction, lease_until, next_at)] = seen
    assert not in_transaction and lease_until is not None and lease_until == next_at > timezone.now()
    row.refresh_from_db()
    assert row.state == State.DONE and row.lease_until is None


def test_a_lease_that_runs_out_hands_the_row_to_another_worker():
    """Worker A claims the row and stalls beyond its lease; worker B takes the row over and delivers it; A's late
    failure is not recorded (the row is B's), so it neither counts an attempt nor undoes B's success."""
    calls: list[str] = []

    def second_worker(row: OutboxEvent) -> None:
        calls.append("B")

    def stalled_worker(row: OutboxEvent) -> None:
        calls.append("A")
        OutboxEvent.objects.filter(pk=row.pk).update(next_at=timezone.now())  # the lease has run out
        assert delivery.attempt(_kind(second_worker, mode=Mode.LEASE), row.pk).done
        raise DeliveryFailed("timeout after the lease")

    row = _row()
    outcome = delivery.attempt(_kind(stalled_worker, mode=Mode.LEASE), row.pk)
    assert calls == ["A", "B"] and outcome.state == State.DONE and outcome.error == "timeout after the lease"
    row.refresh_from_db()
    assert row.state == State.DONE and row.attempts == 0 and row.last_error == ""

    def failing_second(row: OutboxEvent) -> None:
        raise DeliveryFailed("B refused too")

    def stalled_again(row: OutboxEvent) -> None:
        OutboxEvent.objects.filter(pk=row.pk).update(next_at=timezone.now())
        delivery.attempt(_kind(failing_second, mode=Mode.LEASE), row.pk)  # B claims, fails, records one attempt

    other = _row()
    delivery.attempt(_kind(stalled_again, mode=Mode.LEASE), other.pk)
    other.refresh_from_db()
    assert other.attempts == 1 and other.last_error == "B refused too"  # B's failure stays counted
    assert other.state == State.DONE  # and A's late success is recorded: the other side did get it


# --- the sweep -------------------------------------------------------------------------------------------------
def test_the_sweep_goes_oldest_first_and_skips_a_failing_target_for_the_rest_of_it():
    tried: list[str] = []

    def send(row: OutboxEvent) -> str | None:
        tried.append(f"{row.topic}/{row.aggregate_id}")
        return "down" if row.topic == "down" else None

    kind = _kind(send, target="topic", order_by=("occurred_at",))
    for minutes, topic in ((5, "up"), (4, "down"), (3, "down"), (2, "up"), (1, "down")):
        OutboxEvent.objects.filter(pk=_row(topic, minutes_ago=minutes).pk).update(aggregate_id=str(minutes))
    _row("up", minutes_ago=0)
    OutboxEvent.objects.filter(topic="up", aggregate_id="").update(next_at=timezone.now() + timedelta(hours=1))
    assert delivery.sweep(kind) == 2
    assert tried == ["up/5", "down/4", "up/2"]  # the other "down" rows wait for the next sweep; the future one too
    assert delivery.sweep(kind, batch=1) == 0  # the next sweep starts with the oldest due row: "down/4" waits for
    assert tried[-1] == "down/3"  # its back-off


# --- hand-over and metrics ---------------------------------------------------------------------------------------
def test_hand_over_dispatches_after_the_commit_and_survives_a_broker_outage():
    handed: list[object] = []
    kind = _kind(lambda row: None, dispatch=handed.append)
    with transaction.atomic():
        row = _row()
        delivery.hand_over(kind, [row.pk])
        assert handed == []
    assert handed == [row.pk]

    def broker_down(pk: object) -> None:
        raise ConnectionError("broker unreachable")

    delivery.dispatch(_kind(lambda row: None, dispatch=broker_down), [row.pk])  # logged, not raised
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        delivery.hand_over(kind, [row.pk])
        1 / 0  # noqa: B018
    assert handed == [row.pk]


def test_the_backlog_and_its_gauges(monkeypatch):
    from smartgov.platform.views.shell import DATABASE_COLLECTORS  # where /metrics gets it

    assert any(isinstance(c, delivery.DeliveryCollector) for c in DATABASE_COLLECTORS)
    kind = _kind(lambda row: None, name="test-backlog")
    monkeypatch.setitem(delivery.KINDS, "test-backlog", kind)
    waiting, failing, dead = _row(minutes_ago=10), _row(), _row()
    OutboxEvent.objects.filter(pk=failing.pk).update(attempts=2, next_at=timezone.now() + timedelta(hours=1))
    OutboxEvent.objects.filter(pk=dead.pk).update(state=State.DEAD)
    state = delivery.backlog(kind)
    assert (state.pending, state.failing, state.dead) == (2, 1, 1)
    assert state.oldest_due == OutboxEvent.objects.get(pk=waiting.pk).next_at
    assert REGISTRY.get_sample_value("smartgov_delivery_backlog", {"kind": "test-backlog", "state": "pending"}) == 2
    assert REGISTRY.get_sample_value("smartgov_delivery_backlog", {"kind": "test-backlog", "state": "dead"}) == 1
    age = REGISTRY.get_sample_value("smartgov_delivery_oldest_due_seconds", {"kind": "test-backlog"})
    assert age is not None and 590 < age < 700
    done_before = _attempts("test-backlog", "done")
    delivery.sweep(kind)
    assert _attempts("test-backlog", "done") == done_before + 1
    assert {"outbox", "notifications", "webhooks"} <= set(delivery.KINDS)


# --- the outbox's ordered consumers ------------------------------------------------------------------------------
@pytest.fixture
def ordered():
    """An ordered consumer that refuses while ``down`` says so, and an unordered one beside it."""
    state = {"down": False, "ordered": [], "unordered": []}

    @events.subscriber("test.case.*", name="test.ordered", ordered=True)
    def in_order(event: OutboxEvent) -> None:
        if state["down"]:
            raise RuntimeError("the other side is down")
        state["ordered"].append(event.payload["n"])

    @events.subscriber("test.case.*", name="test.unordered")
    def any_order(event: OutboxEvent) -> None:
        state["unordered"].append(event.payload["n"])

    yield state
    events.unsubscribe("test.ordered")
    events.unsubscribe("test.unordered")


def _publish(n: int, case: str = "1") -> OutboxEvent:
    with transaction.atomic():
        return event_publish(topic="test.case.move", payload={"n": n}, aggregate_type="test.case", aggregate_id=case)


def test_an_ordered_consumer_gets_each_aggregates_events_in_order(ordered):
    ordered["down"] = True
    first, second = _publish(1), _publish(2)
    other_case = _publish(3, case="2")
    assert ordered["unordered"] == [1, 2, 3]  # the unordered consumer is not held back
    second.refresh_from_db()
    assert second.state == State.PENDING and WAITING in second.last_error and "the other side" not in second.last_error
    assert not ConsumerReceipt.objects.filter(event=second, consumer="test.ordered").exists()
    assert "the other side is down" in OutboxEvent.objects.get(pk=other_case.pk).last_error  # its own case: tried

    ordered["down"] = False
    OutboxEvent.objects.filter(pk=first.pk).update(next_at=timezone.now())
    assert outbox_sweep() == 1  # the first one; the second is woken from its back-off …
    assert outbox_sweep() == 1  # … and goes in the next sweep (the other case still waits for its back-off)
    assert ordered["ordered"] == [1, 2]
    second.refresh_from_db()
    assert second.state == State.DONE
    assert ordered["unordered"] == [1, 2, 3]  # nothing twice


def test_a_dead_earlier_event_no_longer_holds_the_later_ones(ordered):
    ordered["down"] = True
    first, second = _publish(1), _publish(2)
    OutboxEvent.objects.filter(pk=first.pk).update(state=State.DEAD)
    ordered["down"] = False
    OutboxEvent.objects.filter(pk=second.pk).update(next_at=timezone.now())
    outbox_sweep()
    assert ordered["ordered"] == [2]
