"""Every write of notifications: making and sending them, marking them read, the person's choices, erasure.

Exactly once per channel, even when a worker dies mid-send and the task is delivered again:

- the deliveries of an event are made once: one row per (event, person, channel), so the outbox delivering the
  event again finds them made;
- a delivery is sent by the delivery engine in ``HOLD`` mode, inside the transaction that marks it done, holding
  its row lock: a second worker given the same delivery skips it (``skip_locked``) or, after the commit, finds it
  done; a worker that dies mid-send loses its connection, the database rolls back and releases the row, and the
  task, acknowledged only after it ran (``acks_late``, ``reject_on_worker_lost``), goes to another worker, which
  sends it once;
- the in-app message is written in that same transaction: exactly once by construction. For e-mail and SMS the
  delivery's id goes with the message (``Message-ID``, the SMS gateway's client reference), so a gateway that
  accepted a message just before the worker died refuses the repeat.
"""

import logging
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from smartgov.identity.selectors import User
from smartgov.notifications.messages import render
from smartgov.notifications.models import Channel, Delivery, Notification, Preference, PushSubscription
from smartgov.notifications.selectors import channels_for, preference_of
from smartgov.platform import delivery as delivery_engine
from smartgov.platform.delivery import DeliveryFailed, State
from smartgov.platform.sms import sms_send

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


def deliveries_create(
    *, event_id: uuid.UUID, user: User, kind: str, context: dict[str, Any], url: str = ""
) -> list[Delivery]:
    """The deliveries of one event to one person (made once, whatever the number of calls), each handed to a
    worker when the transaction commits."""
    made = []
    for channel in channels_for(user):
        # a concurrent delivery of the same event: get_or_create finds the row the other one made
        now = timezone.now()
        delivery, created = Delivery.objects.get_or_create(
            event_id=event_id,
            user=user,
            channel=channel,
            defaults={"kind": kind, "context": context, "url": url, "created_at": now, "next_at": now},
        )
        if created:
            made.append(delivery)
    delivery_engine.hand_over(NOTIFICATIONS, [d.pk for d in made])
    return made


class ChannelError(DeliveryFailed):
    """The channel did not take the message; the delivery stays pending and is tried again."""


def _send(delivery: Delivery) -> None:
    """The notifications kind's handler: render the message in the person's language and send it."""
    user = delivery.user
    title, body = render(delivery.kind, delivery.context, preference_of(user).language)
    link = f"{settings.SMARTGOV_SITE_URL}{delivery.url}" if delivery.url else ""
    if delivery.channel == Channel.IN_APP:
        Notification.objects.create(
            user=user, delivery=delivery, title=title, body=body, url=delivery.url, created_at=timezone.now()
        )
    elif delivery.channel == Channel.EMAIL:
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].rstrip(">") or "smartgov.local"
        message = EmailMessage(
            subject=title,
            body=f"{body}\n\n{link}".strip(),
            to=[user.email],
            headers={"Message-ID": f"<{delivery.pk}@{domain}>"},
        )
        try:
            message.send()
        except OSError as exc:
            raise ChannelError(f"e-mail: {type(exc).__name__}") from exc
    elif delivery.channel == Channel.PUSH:
        _push(delivery, title, body)
    else:
        try:
            sms_send(to=user.phone, text=f"{body} {link}".strip()[:459], reference=str(delivery.pk))
        except Exception as exc:
            raise ChannelError(f"sms: {type(exc).__name__}") from exc


def _push(delivery: Delivery, title: str, body: str) -> None:
    """To every device the person turned notifications on. A device its push service forgot is deleted; when one
    fails the delivery is tried again, and a device that had it shows the repeat in its place (same ``tag``)."""
    from smartgov.notifications import push

    message = {"title": title, "body": body, "url": delivery.url, "tag": str(delivery.pk)}
    failed = 0
    for subscription in PushSubscription.objects.filter(user=delivery.user):
        try:
            push.push_send(
                endpoint=subscription.endpoint, p256dh=subscription.p256dh, auth=subscription.auth, message=message
            )
        except push.Gone:
            subscription.delete()
        except push.PushFailed as exc:
            logger.warning("push to %s failed: %s", subscription.pk, exc)
            failed += 1
    if failed:
        raise ChannelError(f"push: {failed} device(s)")


def _dispatch(delivery_id: uuid.UUID) -> None:
    from smartgov.notifications.tasks import deliver

    deliver.delay(str(delivery_id))


NOTIFICATIONS: delivery_engine.Kind[Delivery] = delivery_engine.kind_register(
    delivery_engine.Kind(
        name="notifications",
        model=Delivery,
        handler=_send,
        mode=delivery_engine.Mode.HOLD,
        max_attempts=MAX_ATTEMPTS,
        first_backoff=timedelta(seconds=5),
        max_backoff=timedelta(minutes=10),
        order_by=("created_at",),
        dispatch=_dispatch,
    )
)


def delivery_send(*, delivery_id: uuid.UUID | str) -> str:
    """Send one delivery if it is waiting and due: ``sent``, ``skipped`` (sent already, not due, or another
    worker is on it), or ChannelError (left pending for a retry; a dead letter after MAX_ATTEMPTS)."""
    outcome = delivery_engine.attempt(NOTIFICATIONS, delivery_id)
    if not outcome.ran:
        return "skipped"
    if outcome.done:
        return "sent"
    logger.warning("notification %s not sent: %s", delivery_id, outcome.error)
    raise ChannelError(outcome.error)


def delivery_wait(*, delivery_id: uuid.UUID | str) -> float | None:
    """Seconds until a waiting delivery is due again (None when it is not waiting any more)."""
    due = Delivery.objects.filter(pk=delivery_id, state=State.PENDING).values_list("next_at", flat=True).first()
    return None if due is None else max(0.0, (due - timezone.now()).total_seconds())


def deliveries_sweep(*, batch: int = 500) -> int:
    """Send the deliveries whose time has come (a lost hand-over, a retry after an outage). Returns how many were
    sent."""
    return delivery_engine.sweep(NOTIFICATIONS, batch=batch)


def notifications_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def preference_save(*, user: User, email: bool, sms: bool, language: str) -> Preference:
    if language not in dict(settings.LANGUAGES):
        language = "vi"
    preference, _ = Preference.objects.update_or_create(
        user=user, defaults={"email": email, "sms": sms, "language": language}
    )
    return preference


#: Bounds of what a browser hands us (push addresses are a few hundred characters; the keys 87 and 22).
_PUSH_LIMITS = {"endpoint": 800, "p256dh": 200, "auth": 100}
#: Devices per person: a phone, a tablet, a few browsers.
MAX_PUSH_DEVICES = 10


def push_subscribe(*, user: User, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Keep the device's subscription for ``user`` (idempotent: the same endpoint again updates its keys; an
    endpoint another account had moves to this one, the browser's new owner). Refuses what is not a push address."""
    from urllib.parse import urlsplit

    from django.utils.translation import gettext as _

    from smartgov.platform.errors import DomainError

    values = {"endpoint": endpoint.strip(), "p256dh": p256dh.strip(), "auth": auth.strip()}
    parts = urlsplit(values["endpoint"])
    if (
        parts.scheme != "https"
        or not parts.hostname
        or not all(values.values())
        or any(len(values[name]) > limit for name, limit in _PUSH_LIMITS.items())
    ):
        raise DomainError(_("This browser gave no valid push subscription."), code="push_invalid")
    with transaction.atomic():
        subscription, created = PushSubscription.objects.update_or_create(
            endpoint=values["endpoint"],
            defaults={"user": user, "p256dh": values["p256dh"], "auth": values["auth"], "created_at": timezone.now()},
        )
        if created:
            extra = PushSubscription.objects.filter(user=user).order_by("-created_at")[MAX_PUSH_DEVICES:]
            PushSubscription.objects.filter(pk__in=[s.pk for s in extra]).delete()
    return subscription


def push_unsubscribe(*, user: User, endpoint: str) -> int:
    deleted, _ = PushSubscription.objects.filter(user=user, endpoint=endpoint.strip()).delete()
    return deleted


def notifications_erase(*, user: User) -> None:
    """An erased account gets no more messages and keeps none: its messages, queue, preferences and devices go."""
    with transaction.atomic():
        PushSubscription.objects.filter(user=user).delete()
        Notification.objects.filter(user=user).delete()
        Delivery.objects.filter(user=user).delete()
        Preference.objects.filter(user=user).delete()
