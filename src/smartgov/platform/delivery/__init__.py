"""One delivery engine for everything that must reach somewhere: the outbox's events, people's notifications,
the exchange's webhook deliveries (docs/delivery.md).

A model subclasses :class:`Deliverable` (state, attempts, next_at, lease_until, last_error, done_at); a module
declares its :class:`Kind` once (handler, mode, back-off, dead letter after ``max_attempts``) and calls
:func:`attempt` (one row, from its task), :func:`sweep` (what is due, from Celery beat), :func:`retry_now` (an
operator's "send again", which the caller audits) and :func:`hand_over` (to the workers once the transaction
commits).
"""

from smartgov.platform.delivery.engine import (
    KINDS,
    Backlog,
    DeadLetter,
    DeliveryCollector,
    DeliveryFailed,
    Kind,
    Mode,
    Outcome,
    attempt,
    backlog,
    dispatch,
    hand_over,
    kind_register,
    retry_now,
    sweep,
)
from smartgov.platform.delivery.models import Deliverable, State

__all__ = [
    "KINDS",
    "Backlog",
    "DeadLetter",
    "Deliverable",
    "DeliveryCollector",
    "DeliveryFailed",
    "Kind",
    "Mode",
    "Outcome",
    "State",
    "attempt",
    "backlog",
    "dispatch",
    "hand_over",
    "kind_register",
    "retry_now",
    "sweep",
]
