"""The exchange's event contract (docs/kernel.md §1, §5): it publishes no topic on the platform's outbox, so it
declares none.

Cross-agency events — topics, webhook subscriptions, publishing and deliveries through the gateway — are the
exchange's own records, written by ``smartgov.exchange.services.events``.
"""

from smartgov.platform.events import Topic

TOPICS: list[Topic] = []
