"""The exchange's event contract (docs/kernel.md §1, §5): it publishes no topic on the platform's outbox, so it
declares none.

Cross-agency events — topics, webhook subscriptions, publishing and deliveries through the gateway — are writes of
the exchange and live in ``services.events``; their functions are re-exported here for callers outside the
exchange that still import them from this module.
"""

from smartgov.exchange.services.events import (
    dead_letters_retry,
    deliveries_sweep,
    delivery_attempt,
    event_publish,
    subscription_add,
    subscription_remove,
    topic_register,
)

__all__ = [
    "dead_letters_retry",
    "deliveries_sweep",
    "delivery_attempt",
    "event_publish",
    "subscription_add",
    "subscription_remove",
    "topic_register",
]
