"""Making and sending notifications.

Exactly once per channel, even when a worker dies mid-send and the task is delivered again:

- the deliveries of an event are made once: one row per (event, person, channel), so the outbox delivering the
  event again finds them made;
- a delivery is sent inside the transaction that marks it sent, holding its row lock: a second worker given the
  same delivery skips it (``skip_locked``) or, after the commit, finds it sent; a worker that dies mid-send loses
  its connection, the database rolls back and releases the row, and the task, acknowledged only after it ran
  (``acks_late``, ``reject_on_worker_lost``), goes to another worker, which sends it once;
- the in-app message is written in that same transaction: exactly once by construction. For e-mail and SMS the
  delivery's id goes with the message (``Message-ID``, the SMS gateway's client reference), so a gateway that
  accepted a message just before the worker died refuses the repeat.
"""

import logging
import uuid
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from smartgov.identity.models import User
from smartgov.notifications.messages import render
from smartgov.notifications.models import Channel, Delivery, Notification, Preference
from smartgov.platform.sms import sms_send

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


def preference_of(user: User) -> Preference:
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def channels_for(user: User) -> list[str]:
    """In the platform always; e-mail and SMS when the person wants them and proved the address or number."""
    preference = preference_of(user)
    channels = [Channel.IN_APP.value]
    if preference.email and user.email and user.email_verified_at:
        channels.append(Channel.EMAIL.value)
    if preference.sms and user.phone and user.phone_verified_at:
        channels.append(Channel.SMS.value)
    return channels


def deliveries_create(
    *, event_id: uuid.UUID, user: User, kind: str, context: dict[str, Any], url: str = ""
) -> list[Delivery]:
    """The deliveries of one event to one person (made once, whatever the number of calls), each handed to a
    worker when the transaction commits."""
    from smartgov.notifications.tasks import deliver

    made = []
    for channel in channels_for(user):
        # a concurrent delivery of the same event: get_or_create finds the row the other one made
        delivery, created = Delivery.objects.get_or_create(
            event_id=event_id,
            user=user,
            channel=channel,
            defaults={"kind": kind, "context": context, "url": url, "created_at": timezone.now()},
        )
        if created:
            made.append(delivery)
            transaction.on_commit(partial(deliver.delay, str(delivery.pk)))
    return made


class ChannelError(Exception):
    """The channel did not take the message; the delivery stays pending and is tried again."""


def _send(delivery: Delivery, title: str, body: str) -> None:
    user = delivery.user
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
    else:
        try:
            sms_send(to=user.phone, text=f"{body} {link}".strip()[:459], reference=str(delivery.pk))
        except Exception as exc:
            raise ChannelError(f"sms: {type(exc).__name__}") from exc


def delivery_send(*, delivery_id: uuid.UUID | str) -> str:
    """Send one delivery if it is still waiting: ``sent``, ``skipped`` (sent already, or another worker is on
    it), or ChannelError (left pending for a retry; failed for good after MAX_ATTEMPTS)."""
    try:
        with transaction.atomic():
            delivery = (
                Delivery.objects.select_for_update(skip_locked=True)
                .select_related("user")
                .filter(pk=delivery_id, state=Delivery.State.PENDING)
                .first()
            )
            if delivery is None:
                return "skipped"
            language = preference_of(delivery.user).language
            title, body = render(delivery.kind, delivery.context, language)
            _send(delivery, title, body)
            delivery.state = Delivery.State.SENT
            delivery.sent_at = timezone.now()
            delivery.attempts += 1
            delivery.last_error = ""
            delivery.save(update_fields=["state", "sent_at", "attempts", "last_error"])
    except ChannelError as exc:
        with transaction.atomic():
            failed = Delivery.objects.select_for_update().get(pk=delivery_id)
            failed.attempts += 1
            failed.last_error = str(exc)[:300]
            if failed.attempts >= MAX_ATTEMPTS:
                failed.state = Delivery.State.FAILED
            failed.save(update_fields=["attempts", "last_error", "state"])
        logger.warning("notification %s not sent (attempt %d): %s", delivery_id, failed.attempts, exc)
        raise
    return "sent"


def deliveries_sweep(*, older_than: timedelta = timedelta(minutes=2), batch: int = 500) -> int:
    """Hand the deliveries still waiting to the workers again (a lost hand-over, a retry after an outage)."""
    from smartgov.notifications.tasks import deliver

    waiting = Delivery.objects.filter(
        state=Delivery.State.PENDING, created_at__lt=timezone.now() - older_than
    ).values_list("pk", flat=True)[:batch]
    count = 0
    for pk in waiting:
        deliver.delay(str(pk))
        count += 1
    return count


def notifications_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def preference_save(*, user: User, email: bool, sms: bool, language: str) -> Preference:
    if language not in dict(settings.LANGUAGES):
        language = "vi"
    preference, _ = Preference.objects.update_or_create(
        user=user, defaults={"email": email, "sms": sms, "language": language}
    )
    return preference
