"""Subscribers of the exchange (discovered at start-up by the platform).

A birth registered in the one-stop shop (a birth-registration dossier approved) is published on the topic
``ho-tich.khai-sinh`` when that topic exists, for the agencies subscribed to it — in Vietnam's linked procedure,
social insurance issues the child's health-insurance card and the police records the permanent residence.
"""

from smartgov.exchange.events import event_publish
from smartgov.exchange.models import Topic
from smartgov.platform.events import subscriber
from smartgov.platform.models import OutboxEvent
from smartgov.procedures.selectors import birth_registration_facts

BIRTH_TOPIC = "ho-tich.khai-sinh"


@subscriber("procedures.dossier.approve", name="exchange.birth_registered")
def birth_registered(event: OutboxEvent) -> None:
    topic = Topic.objects.select_related("publisher").filter(code=BIRTH_TOPIC).first()
    if topic is None:
        return
    facts = birth_registration_facts(int(event.payload["dossier"]))
    if facts is None:
        return
    event_publish(publisher=topic.publisher, topic_code=BIRTH_TOPIC, payload=facts)
