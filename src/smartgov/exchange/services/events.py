"""Cross-agency events: publish/subscribe across agencies (e.g. ``ho-tich.khai-sinh``, a birth registered), by webhook.

A *topic* has one publishing subsystem; other subsystems subscribe to it with a webhook address and get a secret
(shown once, when subscribing). Publishing stores the event and one *delivery* per active subscription in one
transaction; once that commits, each delivery is handed to the task queue (``exchange.deliver_event``). If the
broker is down nothing is lost: the periodic sweep (``exchange.sweep_events``) sends whatever is due.

Each delivery is a ``POST`` of a JSON body::

    {"id": "<event uuid>", "topic": "<code>", "published_at": "<ISO 8601>", "publisher": "<X-Road client id>",
     "payload": {...}}

signed in the Standard Webhooks format (``smartgov.platform.webhooks``): ``webhook-id`` (the event's id),
``webhook-timestamp`` and ``webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`` with the
subscription's ``whsec_`` secret, plus ``X-SmartGov-Topic``; subscribers check it with ``webhook_verify``, which
also refuses stale timestamps (replays). It goes out through the platform's outbound client (no redirect
followed, time and size limits, no private address unless allowed). A 2xx answer delivers it; anything else
(another status, a redirect, a timeout, a refused connection) is retried after 10 s, 20 s, 40 s … (at most an
hour) and after ``MAX_ATTEMPTS`` failures the delivery becomes a dead letter, until an operator revives it with
:func:`dead_letters_retry`.

**At least once.** Deliveries are the delivery engine's ``webhooks`` kind in ``LEASE`` mode
(``smartgov.platform.delivery``): the HTTP call is made outside any database transaction, after the sender has
claimed the delivery for ``LEASE`` (well beyond the request's timeout), so the same delivery is not sent twice at
the same time; a failure is recorded only while the claim is still the sender's; a worker that dies after
sending lets it go out again when the lease runs out. Subscribers deduplicate by ``webhook-id``.
"""

import json
import logging
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartgov.exchange.models import EventDelivery, EventMessage, Subscription, Subsystem, Topic
from smartgov.exchange.services.registry import client_text
from smartgov.platform import delivery, outbound
from smartgov.platform.delivery import DeadLetter, DeliveryFailed, State
from smartgov.platform.errors import DomainError, Forbidden, NotFound
from smartgov.platform.services.audit import audit_record
from smartgov.platform.webhooks import webhook_headers, webhook_secret_new

logger = logging.getLogger(__name__)

#: After this many failed attempts a delivery is a dead letter.
MAX_ATTEMPTS = 8
FIRST_BACKOFF = timedelta(seconds=10)
MAX_BACKOFF = timedelta(hours=1)
#: Seconds to connect, and seconds for the whole call.
TIMEOUT = 10
#: How long a claimed delivery is left alone by other senders: longer than a request may take.
LEASE = timedelta(seconds=6 * TIMEOUT)
#: How much of a refusing subscriber's answer is kept in ``last_error``, and how much of an answer is read at all.
ERROR_SNIPPET = 200
ANSWER_LIMIT = 1024 * 1024

PENDING = State.PENDING
DONE = State.DONE
DEAD = State.DEAD


# --- topics and subscriptions ----------------------------------------------------------------------------------
def topic_register(*, actor: Any, code: str, title: str, publisher: Subsystem) -> Topic:
    """Register (or update) a topic and the one subsystem allowed to publish it."""
    with transaction.atomic():
        topic, created = Topic.objects.update_or_create(code=code, defaults={"title": title, "publisher": publisher})
        audit_record(
            actor=actor,
            action="exchange.topic.register",
            obj=topic,
            changes={"title": title, "publisher": str(publisher), "new": created},
        )
    return topic


def subscription_add(*, actor: Any, topic: Topic, subscriber: Subsystem, url: str) -> tuple[Subscription, str]:
    """Subscribe ``subscriber``'s webhook to ``topic``. Returns the subscription and its signing secret, which the
    subscriber needs to verify deliveries. Subscribing the same address again reactivates it with a new secret."""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise DomainError(_("%(url)s is not an http(s) address.") % {"url": url}) from exc
    secret = webhook_secret_new()
    with transaction.atomic():
        subscription, created = Subscription.objects.update_or_create(
            topic=topic,
            subscriber=subscriber,
            url=url,
            defaults={"secret": secret, "active": True},
            create_defaults={"secret": secret, "active": True, "created_at": timezone.now()},
        )
        audit_record(
            actor=actor,
            action="exchange.subscription.add",
            obj=subscription,
            changes={"topic": topic.code, "subscriber": str(subscriber), "url": url, "new": created},
        )
    return subscription, secret


def subscription_remove(*, actor: Any, subscription: Subscription) -> Subscription:
    """Stop a subscription. Its deliveries still waiting become dead letters (kept, visible, not sent)."""
    with transaction.atomic():
        subscription.active = False
        subscription.save(update_fields=["active"])
        dropped = EventDelivery.objects.filter(subscription=subscription, state=PENDING).update(
            state=DEAD, last_error="subscription removed"
        )
        audit_record(
            actor=actor,
            action="exchange.subscription.remove",
            obj=subscription,
            changes={"topic": subscription.topic.code, "url": subscription.url, "pending_dropped": dropped},
        )
    return subscription


# --- publishing -------------------------------------------------------------------------------------------------
def event_publish(*, publisher: Subsystem, topic_code: str, payload: dict[str, Any]) -> EventMessage:
    """Store an event and its deliveries; they are handed to the task queue once the transaction commits."""
    topic = Topic.objects.filter(code=topic_code).first()
    if topic is None:
        raise NotFound(_("There is no topic %(code)s.") % {"code": topic_code})
    if topic.publisher_id != publisher.pk or not publisher.enabled:
        raise Forbidden(
            _("%(publisher)s may not publish events of the topic %(code)s.")
            % {"publisher": client_text(publisher), "code": topic_code}
        )
    if not isinstance(payload, dict):
        raise DomainError(_("The payload of an event must be a JSON object."))
    with transaction.atomic():
        now = timezone.now()
        event = EventMessage.objects.create(topic=topic, payload=payload, published_at=now)
        subscriptions = Subscription.objects.filter(topic=topic, active=True, subscriber__enabled=True)
        EventDelivery.objects.bulk_create(
            [
                EventDelivery(event=event, subscription_id=pk, next_at=now)
                for pk in subscriptions.values_list("pk", flat=True)
            ]
        )
        ids = list(EventDelivery.objects.filter(event=event).values_list("pk", flat=True))
        transaction.on_commit(lambda: _hand_over(ids))
    return event


def event_publish_by(*, publisher_id: int, topic_code: str, payload: dict[str, Any]) -> EventMessage:
    """``event_publish`` for the subsystem the gateway authenticated (known by its id in the registry snapshot)."""
    return event_publish(publisher=Subsystem.objects.get(pk=publisher_id), topic_code=topic_code, payload=payload)


def event_publish_if_registered(*, topic_code: str, payload: dict[str, Any]) -> EventMessage | None:
    """Publish ``payload`` on ``topic_code`` as the topic's publisher, when the topic is registered (None when not)."""
    topic = Topic.objects.select_related("publisher").filter(code=topic_code).first()
    if topic is None:
        return None
    return event_publish(publisher=topic.publisher, topic_code=topic_code, payload=payload)


def subscription_move(*, actor: Any, subscription: Subscription, url: str) -> Subscription:
    """Point a subscription at another address (the demo's subscriber moves with the site)."""
    with transaction.atomic():
        old = subscription.url
        subscription.url = url
        subscription.save(update_fields=["url"])
        audit_record(actor=actor, action="exchange.subscription.move", obj=subscription, changes={"url": [old, url]})
    return subscription


def _hand_over(delivery_ids: list[int]) -> None:
    delivery.dispatch(WEBHOOKS, delivery_ids)


def _dispatch(delivery_id: int) -> None:
    from smartgov.exchange.tasks import deliver_event

    deliver_event.delay(delivery_id)


# --- delivering ------------------------------------------------------------------------------------------------
def _body(event: EventMessage) -> bytes:
    topic = event.topic
    message = {
        "id": str(event.id),
        "topic": topic.code,
        "published_at": event.published_at.isoformat(),
        "publisher": client_text(topic.publisher),
        "payload": event.payload,
    }
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()


def _send(row: EventDelivery) -> None:
    """The webhooks kind's handler: POST the event to the subscription's webhook; a 2xx answer delivers it."""
    delivery_row = EventDelivery.objects.select_related(
        "event__topic__publisher__member__member_class", "subscription__subscriber"
    ).get(pk=row.pk)
    subscription, event = delivery_row.subscription, delivery_row.event
    if not subscription.active:
        raise DeadLetter("subscription removed")
    if not subscription.subscriber.enabled:
        raise DeadLetter("subscriber disabled")
    body = _body(event)
    headers = {
        "Content-Type": "application/json",
        "X-SmartGov-Topic": event.topic.code,
        **webhook_headers(secret=subscription.secret, msg_id=str(event.id), body=body),
    }
    try:
        answer = outbound.request(
            "POST", subscription.url, headers=headers, body=body, timeout=TIMEOUT, connect_timeout=TIMEOUT,
            max_bytes=ANSWER_LIMIT,
        )  # fmt: skip
    except outbound.OutboundError as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
    if not answer.ok:
        snippet = answer.body[:ERROR_SNIPPET].decode("utf-8", "replace").strip()
        status = f"HTTP {answer.status} {answer.reason}".strip()
        raise DeliveryFailed(status + (f": {snippet}" if snippet else ""))


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure: 10 s, 20 s, 40 s … at most an hour."""
    return WEBHOOKS.backoff(attempts)


WEBHOOKS: delivery.Kind[EventDelivery] = delivery.kind_register(
    delivery.Kind(
        name="webhooks",
        model=EventDelivery,
        handler=_send,
        mode=delivery.Mode.LEASE,
        max_attempts=MAX_ATTEMPTS,
        first_backoff=FIRST_BACKOFF,
        max_backoff=MAX_BACKOFF,
        lease=LEASE,
        target="subscription_id",
        dispatch=_dispatch,
    )
)


def delivery_attempt(*, delivery_id: int | str) -> str:
    """Send one delivery if it is pending and due. Returns its state afterwards (``"missing"`` if it is gone).

    A delivery that is not due — waiting for its back-off, or claimed by another sender right now — is left alone;
    a delivered one is never sent again."""
    return delivery.attempt(WEBHOOKS, delivery_id).state


def deliveries_sweep(*, batch: int = 200) -> int:
    """Attempt pending deliveries whose time has come, oldest first. Returns how many this sweep delivered.

    Once a subscriber fails in this sweep, its other due deliveries wait for the next sweep: a subscriber that is
    down costs one timeout per sweep, not one per waiting event."""
    return delivery.sweep(WEBHOOKS, batch=batch)


def dead_letters_retry(*, actor: Any, topic: Topic | None = None) -> int:
    """Put dead deliveries (of one topic, or all) back in the queue with a fresh count of attempts; the sweep sends
    them. Deliveries of removed subscriptions and disabled subscribers stay dead. Returns how many were revived."""
    with transaction.atomic():
        dead = EventDelivery.objects.filter(
            state=DEAD, subscription__active=True, subscription__subscriber__enabled=True
        )
        if topic is not None:
            dead = dead.filter(event__topic=topic)
        revived = delivery.retry_now(WEBHOOKS, dead)
        audit_record(
            actor=actor,
            action="exchange.event.dead_letters_retry",
            obj=topic,
            object_type="" if topic is not None else "exchange.eventdelivery",
            changes={"topic": topic.code if topic is not None else "*", "revived": revived},
        )
    return revived
