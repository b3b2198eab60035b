"""Events: publish/subscribe across agencies (e.g. ``ho-tich.khai-sinh``, a birth registered), by webhook.

A *topic* has one publishing subsystem; other subsystems subscribe to it with a webhook address and get a secret
(shown once, when subscribing). Publishing stores the event and one *delivery* per active subscription in one
transaction; once that commits, each delivery is handed to the task queue (``exchange.deliver_event``). If the
broker is down nothing is lost: the periodic sweep (``exchange.sweep_events``) sends whatever is due.

Each delivery is a ``POST`` of a JSON body::

    {"id": "<event uuid>", "topic": "<code>", "published_at": "<ISO 8601>", "publisher": "<X-Road client id>",
     "payload": {...}}

signed in ``X-SmartGov-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>``; subscribers
check it with :func:`signature_verify`, which also refuses stale timestamps (replays). A 2xx answer delivers it;
anything else (another status, a redirect, a timeout, a refused connection) is retried after 10 s, 20 s, 40 s …
(at most an hour) and after ``MAX_ATTEMPTS`` failures the delivery becomes a dead letter, until an operator
revives it with :func:`dead_letters_retry`.

**At least once.** The contract is at-least-once: a subscriber may get the same event twice and must deduplicate
by ``X-SmartGov-Event-Id`` (the event's ``id``). The HTTP call is made outside any database transaction, so a
slow subscriber never holds a row lock or (on SQLite) the database's write lock. Instead, a sender *claims* the
delivery: in a short transaction, under ``SELECT … FOR UPDATE SKIP LOCKED``, it checks that the delivery is
pending and due, and moves ``next_at`` forward by ``LEASE`` (well beyond the request's timeout). Every other
worker and the sweep then see it as not due and leave it alone, so the same delivery is not sent twice at the
same time. After the call, a second short transaction records the outcome. A failure is recorded only if the
claim is still ours (``next_at`` unchanged), so a sender whose lease ran out does not overwrite a newer
attempt's result; a success is always recorded (the subscriber did get it). If the worker dies between sending
and recording, the lease runs out and the delivery is sent again — which at-least-once allows.
"""

import hashlib
import hmac
import json
import logging
import secrets
import time
from datetime import timedelta
from typing import Any

import requests
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartgov.exchange.models import EventDelivery, EventMessage, Subscription, Subsystem, Topic
from smartgov.exchange.services import client_text
from smartgov.platform.errors import DomainError, Forbidden, NotFound
from smartgov.platform.services.audit import audit_record

logger = logging.getLogger(__name__)

#: After this many failed attempts a delivery is a dead letter.
MAX_ATTEMPTS = 8
FIRST_BACKOFF = timedelta(seconds=10)
MAX_BACKOFF = timedelta(hours=1)
#: Seconds to connect, and seconds to wait for the answer (each).
TIMEOUT = 10
#: How long a claimed delivery is left alone by other senders: longer than a request may take.
LEASE = timedelta(seconds=6 * TIMEOUT)
#: How much of a refusing subscriber's answer is kept in ``last_error``.
ERROR_SNIPPET = 200
SIGNATURE_TOLERANCE = 300

PENDING = EventDelivery.State.PENDING
DELIVERED = EventDelivery.State.DELIVERED
DEAD = EventDelivery.State.DEAD


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
    secret = secrets.token_urlsafe(32)
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


def _hand_over(delivery_ids: list[int]) -> None:
    from smartgov.exchange.tasks import deliver_event

    for delivery_id in delivery_ids:
        try:
            deliver_event.delay(delivery_id)
        except Exception:  # the broker is down: the sweep delivers it later, nothing is lost
            logger.exception("could not hand event delivery %s to the task queue; the sweep will send it", delivery_id)


# --- delivering ------------------------------------------------------------------------------------------------
def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure: 10 s, 20 s, 40 s … at most an hour."""
    doublings = min(max(attempts - 1, 0), 20)  # 10 s * 2**20 is already far beyond the cap; no overflow
    return min(FIRST_BACKOFF * (1 << doublings), MAX_BACKOFF)


def delivery_attempt(*, delivery_id: int | str) -> str:
    """Send one delivery if it is pending and due. Returns its state afterwards (``"missing"`` if it is gone).

    A delivery that is not due — waiting for its back-off, or claimed by another sender right now — is left alone;
    a delivered one is never sent again."""
    return _attempt(delivery_id)[0]


def _attempt(delivery_id: int | str) -> tuple[str, bool]:
    """``delivery_attempt``, also telling whether this call sent a request."""
    now = timezone.now()
    with transaction.atomic():
        locking = EventDelivery.objects.select_for_update(
            skip_locked=connection.features.has_select_for_update_skip_locked
        )
        row = locking.filter(pk=delivery_id).first()
        if row is None:  # gone, or another sender holds the lock right now
            state = EventDelivery.objects.filter(pk=delivery_id).values_list("state", flat=True).first()
            return (state or "missing"), False
        if row.state != PENDING or row.next_at > now:
            return row.state, False
        delivery = EventDelivery.objects.select_related(
            "event__topic__publisher__member__member_class", "subscription__subscriber"
        ).get(pk=row.pk)
        subscription = delivery.subscription
        if not subscription.active or not subscription.subscriber.enabled:
            row.state = DEAD
            row.last_error = "subscription removed" if not subscription.active else "subscriber disabled"
            row.save(update_fields=["state", "last_error"])
            return row.state, False
        claimed_until = now + LEASE
        row.next_at = claimed_until
        row.save(update_fields=["next_at"])

    event = delivery.event
    body = _body(event)
    error = _send(subscription, event, body)

    with transaction.atomic():
        row = EventDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if row is None:
            return "missing", True
        done = timezone.now()
        if error is None:
            if row.state != DELIVERED:
                row.state = DELIVERED
                row.delivered_at = done
                row.save(update_fields=["state", "delivered_at"])
            return row.state, True
        if row.state != PENDING or row.next_at != claimed_until:
            return row.state, True  # our lease ran out and another sender took over: its outcome counts
        row.attempts += 1
        row.last_error = error[:500]
        row.next_at = done + backoff(row.attempts)
        if row.attempts >= MAX_ATTEMPTS:
            row.state = DEAD
            logger.warning("event delivery %s is a dead letter after %s attempts: %s", row.pk, row.attempts, error)
        row.save(update_fields=["attempts", "last_error", "next_at", "state"])
        return row.state, True


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


def _send(subscription: Subscription, event: EventMessage, body: bytes) -> str | None:
    """POST the body to the webhook. Returns None when it answered 2xx, else what went wrong."""
    headers = {
        "Content-Type": "application/json",
        "X-SmartGov-Event-Id": str(event.id),
        "X-SmartGov-Topic": event.topic.code,
        "X-SmartGov-Signature": signature_make(subscription.secret, body),
    }
    try:
        answer = requests.post(
            subscription.url, data=body, headers=headers, timeout=TIMEOUT, allow_redirects=False, stream=True
        )
    except requests.RequestException as exc:
        return f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # a bug or an odd address must not leave the delivery claimed forever
        logger.exception("event delivery to %s failed", subscription.url)
        return f"{type(exc).__name__}: {exc}"
    with answer:
        if 200 <= answer.status_code < 300:
            return None
        try:  # stream=True: read only the beginning of whatever a refusing subscriber sends back
            snippet = answer.raw.read(ERROR_SNIPPET, decode_content=True).decode("utf-8", "replace").strip()
        except Exception:
            snippet = ""
    return f"HTTP {answer.status_code} {answer.reason or ''}".strip() + (f": {snippet}" if snippet else "")


def deliveries_sweep(*, batch: int = 200) -> int:
    """Attempt pending deliveries whose time has come, oldest first. Returns how many this sweep delivered.

    Once a subscriber fails in this sweep, its other due deliveries wait for the next sweep: a subscriber that is
    down costs one timeout per sweep, not one per waiting event."""
    due = EventDelivery.objects.filter(state=PENDING, next_at__lte=timezone.now())
    rows = list(due.order_by("next_at", "pk").values_list("pk", "subscription_id")[:batch])
    delivered = 0
    failing: set[int] = set()
    for delivery_id, subscription_id in rows:
        if subscription_id in failing:
            continue
        state, sent = _attempt(delivery_id)
        if sent and state == DELIVERED:
            delivered += 1
        elif sent:
            failing.add(subscription_id)
    return delivered


def dead_letters_retry(*, actor: Any, topic: Topic | None = None) -> int:
    """Put dead deliveries (of one topic, or all) back in the queue with a fresh count of attempts; the sweep sends
    them. Deliveries of removed subscriptions and disabled subscribers stay dead. Returns how many were revived."""
    with transaction.atomic():
        dead = EventDelivery.objects.filter(
            state=DEAD, subscription__active=True, subscription__subscriber__enabled=True
        )
        if topic is not None:
            dead = dead.filter(event__topic=topic)
        revived = dead.update(state=PENDING, attempts=0, next_at=timezone.now())
        audit_record(
            actor=actor,
            action="exchange.event.dead_letters_retry",
            obj=topic,
            object_type="" if topic is not None else "exchange.eventdelivery",
            changes={"topic": topic.code if topic is not None else "*", "revived": revived},
        )
    return revived


# --- signatures ------------------------------------------------------------------------------------------------
def _digest(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_make(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    """The ``X-SmartGov-Signature`` header for ``body``: ``t=<unix seconds>,v1=<hex HMAC-SHA256>``."""
    stamp = int(time.time()) if timestamp is None else timestamp
    return f"t={stamp},v1={_digest(secret, stamp, body)}"


def signature_verify(secret: str, header: str, body: bytes, *, tolerance: int = SIGNATURE_TOLERANCE) -> bool:
    """What a subscriber runs on each delivery: is ``header`` a signature of ``body`` with ``secret``, made less
    than ``tolerance`` seconds ago (or ahead)? Compares in constant time; a malformed header is simply refused."""
    stamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            continue
        if key == "t":
            if stamp is not None or not (value.isascii() and value.isdigit()):
                return False
            stamp = int(value)
        elif key == "v1":
            candidates.append(value)
    if stamp is None or not candidates or abs(time.time() - stamp) > tolerance:
        return False
    expected = _digest(secret, stamp, body).encode()
    return any(hmac.compare_digest(expected, candidate.encode()) for candidate in candidates)
