"""Subscribers of the exchange (discovered at start-up by the platform).

A birth registered in the one-stop shop (``procedures.birth.registered``, carrying what other agencies may learn)
is published on the exchange's topic ``ho-tich.khai-sinh`` when that topic exists, for the agencies subscribed to
it — in Vietnam's linked procedure, social insurance issues the child's health-insurance card and the police records
the permanent residence.
"""

from smartgov.exchange.services.events import event_publish_if_registered
from smartgov.platform.events import subscriber
from smartgov.platform.models import OutboxEvent

BIRTH_TOPIC = "ho-tich.khai-sinh"


@subscriber("procedures.birth.registered", name="exchange.birth_registered")
def birth_registered(event: OutboxEvent) -> None:
    event_publish_if_registered(topic_code=BIRTH_TOPIC, payload=dict(event.payload))
