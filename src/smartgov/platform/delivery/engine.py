"""The delivery engine: claim a due row, run its kind's handler, record the outcome.

Two modes:

- ``Mode.HOLD``: the handler runs inside the transaction that claimed the row (``SELECT … FOR UPDATE SKIP
  LOCKED``), holding it, in a savepoint. Its database effects commit with the outcome, or vanish with it: a
  worker that dies mid-handler loses its connection, the database rolls back and releases the row, and the next
  worker finds it pending. Exactly once for database effects. For handlers that write to the database.
- ``Mode.LEASE``: a short transaction claims the row for ``lease`` (``next_at`` and ``lease_until`` move to the
  end of the lease, so nobody else finds it due), the handler runs outside any transaction, and a second short
  transaction records the outcome. A failure is recorded only while the lease is still ours; a success always.
  A sender that dies leaves the row to be claimed again when the lease runs out. At least once. For network
  calls, which must not hold a row lock (or, on SQLite, the database's write lock) while they wait.

SQLite has no ``SKIP LOCKED`` (nor row locks): its write transactions run one at a time
(``transaction_mode=IMMEDIATE``), which gives the same exclusion.

A handler returns ``None`` when it is done, or a reason to try again later while keeping its database writes (the
outbox: the consumers that succeeded keep their receipts). It raises :class:`DeliveryFailed` (an expected
failure, recorded as it says) or any other exception (recorded with its type, logged with its trace) to fail —
in ``HOLD`` mode its writes are rolled back — and :class:`DeadLetter` to give up at once. After a failure the row
waits ``first_backoff``, doubling per failure up to ``max_backoff``; after ``max_attempts`` failures it is a dead
letter until :func:`retry_now` revives it.
"""

import enum
import logging
import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone
from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from smartgov.platform.delivery.models import Deliverable, State

logger = logging.getLogger(__name__)

#: ``None``: done; a text: not done yet, try again later (the handler's writes are kept).
type Handler[D: Deliverable] = Callable[[D], str | None]
#: How much of an error is kept in ``last_error``.
ERROR_LIMIT = 2000

ATTEMPTS = Counter(
    "smartgov_delivery_attempts_total",
    "Deliveries attempted, by kind and outcome (done, failed: to be retried, dead: a dead letter now)",
    ["kind", "outcome"],
)
DURATION = Histogram(
    "smartgov_delivery_seconds",
    "Time a delivery's handler took",
    ["kind"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)


class Mode(enum.StrEnum):
    HOLD = "hold"
    LEASE = "lease"


class DeliveryFailed(Exception):
    """An expected failure (the other side refused, cannot be reached): recorded as its message says, retried."""


class DeadLetter(Exception):
    """Give up on this row now (its target is gone): it becomes a dead letter without further attempts."""


@dataclass(frozen=True)
class Kind[D: Deliverable]:
    """One kind of delivery: its model, its handler and its rules."""

    name: str
    model: type[D]
    handler: Handler[D]
    mode: Mode
    max_attempts: int
    first_backoff: timedelta
    max_backoff: timedelta
    #: ``LEASE`` mode: how long a claimed row is left alone; longer than the handler may take.
    lease: timedelta = timedelta(minutes=5)
    #: A field naming the row's destination: once it fails in a sweep, its other rows wait for the next sweep.
    target: str = ""
    #: The sweep's order among due rows (oldest first).
    order_by: tuple[str, ...] = ("next_at", "pk")
    #: Hands one row's key to a worker (a Celery task's ``delay``); ``None``: only the sweep delivers.
    dispatch: Callable[[Any], object] | None = None

    def backoff(self, attempts: int) -> timedelta:
        """The wait after the ``attempts``-th failure: ``first_backoff`` doubling each time, at most
        ``max_backoff``."""
        doublings = min(max(attempts - 1, 0), 40)  # far beyond any cap already: no overflow
        return min(self.first_backoff * (1 << doublings), self.max_backoff)

    @property
    def objects(self) -> QuerySet[D]:
        return self.model._default_manager.all()


@dataclass(frozen=True)
class Outcome:
    """What an attempt left: the row's state, whether this call ran the handler, and its error if it failed."""

    state: str
    ran: bool
    error: str = ""

    @property
    def done(self) -> bool:
        return self.state == State.DONE


#: Every kind, by name (for the metrics and the status command).
KINDS: dict[str, Kind[Any]] = {}


def kind_register[D: Deliverable](kind: Kind[D]) -> Kind[D]:
    if kind.name in KINDS and KINDS[kind.name].model is not kind.model:
        raise ValueError(f"two delivery kinds are named {kind.name!r}")
    KINDS[kind.name] = kind
    return kind


# --- attempts ---------------------------------------------------------------------------------------------------
def attempt[D: Deliverable](kind: Kind[D], pk: Any) -> Outcome:
    """Deliver one row if it is pending and due, and nobody else holds it. Returns what is left."""
    if kind.mode is Mode.HOLD:
        return _attempt_holding(kind, pk)
    return _attempt_leased(kind, pk)


def _claimable[D: Deliverable](kind: Kind[D], now: datetime) -> QuerySet[D]:
    locking = kind.objects.select_for_update(skip_locked=connection.features.has_select_for_update_skip_locked)
    return locking.filter(state=State.PENDING, next_at__lte=now)


def _state_of[D: Deliverable](kind: Kind[D], pk: Any) -> str:
    return kind.objects.filter(pk=pk).values_list("state", flat=True).first() or "missing"


def _run[D: Deliverable](kind: Kind[D], row: D, *, savepoint: bool) -> tuple[str | None, bool]:
    """Run the handler: (None, False) when done, else (the error, whether to give up now)."""
    try:
        if savepoint:
            with transaction.atomic():
                return kind.handler(row), False
        return kind.handler(row), False
    except DeadLetter as exc:
        return str(exc) or "dead letter", True
    except DeliveryFailed as exc:
        return str(exc) or type(exc).__name__, False
    except Exception as exc:
        logger.exception("%s delivery %s failed", kind.name, row.pk)
        return f"{type(exc).__name__}: {exc}", False


def _attempt_holding[D: Deliverable](kind: Kind[D], pk: Any) -> Outcome:
    with transaction.atomic():
        row = _claimable(kind, timezone.now()).filter(pk=pk).first()
        if row is None:  # not pending, not due, or another worker holds it right now
            return Outcome(_state_of(kind, pk), ran=False)
        started = time.perf_counter()
        error, give_up = _run(kind, row, savepoint=True)
        outcome = _record(kind, row, error, give_up)
    _count(kind, outcome, started)
    return outcome


def _attempt_leased[D: Deliverable](kind: Kind[D], pk: Any) -> Outcome:
    with transaction.atomic():
        now = timezone.now()
        row = _claimable(kind, now).filter(pk=pk).first()
        if row is None:
            return Outcome(_state_of(kind, pk), ran=False)
        lease = now + kind.lease
        row.next_at = row.lease_until = lease
        row.save(update_fields=["next_at", "lease_until"])
    started = time.perf_counter()
    error, give_up = _run(kind, row, savepoint=False)
    with transaction.atomic():
        current = kind.objects.select_for_update().filter(pk=pk).first()
        if current is None:
            return Outcome("missing", ran=True, error=error or "")
        if error is not None and (current.state != State.PENDING or current.lease_until != lease):
            # our lease ran out and another sender took the row over: its outcome counts, not ours
            return Outcome(current.state, ran=True, error=error)
        if error is None and current.state == State.DONE:
            return Outcome(current.state, ran=True)
        outcome = _record(kind, current, error, give_up)
    _count(kind, outcome, started)
    return outcome


def _record[D: Deliverable](kind: Kind[D], row: D, error: str | None, give_up: bool) -> Outcome:
    """Write the attempt's outcome on the row (locked by the caller's transaction)."""
    now = timezone.now()
    row.lease_until = None
    if error is None:
        row.state = State.DONE
        row.done_at = now
        row.save(update_fields=["state", "done_at", "lease_until"])
        return Outcome(row.state, ran=True)
    if not give_up:
        row.attempts += 1
    row.last_error = error[:ERROR_LIMIT]
    row.next_at = now + kind.backoff(row.attempts)
    if give_up or row.attempts >= kind.max_attempts:
        row.state = State.DEAD
        logger.warning("%s delivery %s is a dead letter after %d attempts: %s", kind.name, row.pk, row.attempts, error)
    row.save(update_fields=["state", "attempts", "last_error", "next_at", "lease_until"])
    return Outcome(row.state, ran=True, error=error)


def _count[D: Deliverable](kind: Kind[D], outcome: Outcome, started: float) -> None:
    DURATION.labels(kind.name).observe(time.perf_counter() - started)
    label = "done" if outcome.done else ("dead" if outcome.state == State.DEAD else "failed")
    ATTEMPTS.labels(kind.name, label).inc()


# --- the sweep, retry-now, hand-over ----------------------------------------------------------------------------
def sweep[D: Deliverable](kind: Kind[D], *, batch: int = 500) -> int:
    """Attempt the due rows, oldest first. Returns how many this sweep delivered.

    When the kind names a ``target``, a target that failed in this sweep is skipped for the rest of it: a
    destination that is down costs one failure per sweep, not one per waiting row."""
    due = kind.objects.filter(state=State.PENDING, next_at__lte=timezone.now()).order_by(*kind.order_by)
    fields = ("pk", kind.target) if kind.target else ("pk",)
    delivered = 0
    failing: set[Hashable] = set()
    for row in list(due.values_list(*fields)[:batch]):
        target = row[1] if kind.target else None
        if target is not None and target in failing:
            continue
        outcome = attempt(kind, row[0])
        if outcome.ran and outcome.done:
            delivered += 1
        elif outcome.ran and target is not None:
            failing.add(target)
    return delivered


def retry_now[D: Deliverable](kind: Kind[D], rows: QuerySet[D]) -> int:
    """Make ``rows`` due now: dead letters come back with a fresh count of attempts, waiting rows skip their
    back-off (rows claimed by a sender right now are left to it). Returns how many. The caller audits it."""
    now = timezone.now()
    with transaction.atomic():
        revived = rows.filter(state=State.DEAD).update(state=State.PENDING, attempts=0, next_at=now, lease_until=None)
        unclaimed = Q(lease_until__isnull=True) | Q(lease_until__lte=now)
        hurried = rows.filter(unclaimed, state=State.PENDING, next_at__gt=now).update(next_at=now)
    return revived + hurried


def hand_over[D: Deliverable](kind: Kind[D], pks: Iterable[Any]) -> None:
    """Once the caller's transaction commits, hand each row to a worker (``kind.dispatch``). A broker that is
    down loses nothing: the rows stay pending and the sweep delivers them."""
    keys = list(pks)
    if kind.dispatch is not None and keys:
        transaction.on_commit(partial(dispatch, kind, keys))


def dispatch[D: Deliverable](kind: Kind[D], pks: Iterable[Any]) -> None:
    """Hand rows to the workers now (after the commit)."""
    if kind.dispatch is None:
        return
    for pk in pks:
        try:
            kind.dispatch(pk)
        except Exception:  # the broker is down: the sweep delivers it later
            logger.exception(
                "could not hand %s delivery %s to the task queue; the sweep will deliver it", kind.name, pk
            )


# --- the backlog ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Backlog:
    pending: int
    failing: int
    dead: int
    #: When the longest-waiting due row became due (None: nothing is due).
    oldest_due: datetime | None


def backlog[D: Deliverable](kind: Kind[D]) -> Backlog:
    now = timezone.now()
    counts = dict(
        kind.objects.filter(state__in=[State.PENDING, State.DEAD])
        .order_by()
        .values("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    pending = kind.objects.filter(state=State.PENDING)
    return Backlog(
        pending=counts.get(State.PENDING, 0),
        failing=pending.filter(attempts__gt=0).count(),
        dead=counts.get(State.DEAD, 0),
        oldest_due=pending.filter(next_at__lte=now).aggregate(oldest=Min("next_at"))["oldest"],
    )


class DeliveryCollector(Collector):
    """``smartgov_delivery_backlog{kind, state}`` (pending, dead) and ``smartgov_delivery_oldest_due_seconds{kind}``,
    read from the database at each scrape, so they are the same whichever process is scraped."""

    def collect(self) -> Iterable[GaugeMetricFamily]:
        rows = GaugeMetricFamily("smartgov_delivery_backlog", "Deliveries waiting or dead", labels=["kind", "state"])
        oldest = GaugeMetricFamily(
            "smartgov_delivery_oldest_due_seconds", "How long the oldest due delivery has waited", labels=["kind"]
        )
        now = timezone.now()
        for name, kind in sorted(KINDS.items()):
            state = backlog(kind)
            rows.add_metric([name, State.PENDING.value], state.pending)
            rows.add_metric([name, State.DEAD.value], state.dead)
            oldest.add_metric([name], (now - state.oldest_due).total_seconds() if state.oldest_due else 0.0)
        yield rows
        yield oldest

    def describe(self) -> Iterable[GaugeMetricFamily]:
        return iter(())  # described on collection: registering it must not query the database
