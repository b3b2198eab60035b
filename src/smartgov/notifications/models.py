"""Notifications to people: one delivery per event, person and channel (e-mail, SMS, in the platform)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from smartgov.platform.delivery.models import Deliverable


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In SmartGov")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    PUSH = "push", _("Notification on a device")


class Delivery(Deliverable):
    """One message to one person on one channel for one event, delivered by the delivery engine (``HOLD`` mode).
    Unique per (event, person, channel): the event delivered again by the outbox finds its deliveries made; a
    delivery is sent in the transaction that marks it done, holding its row, so a worker that dies mid-send leaves
    it pending for the retry."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event_id = models.UUIDField(_("event"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("message"), max_length=40)
    #: What the message says about (dossier code, amounts…), filled into the template in the person's language.
    context = models.JSONField(default=dict)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta(Deliverable.Meta):
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["event_id", "user", "channel"], name="delivery_once_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id} ({self.channel})"


class Notification(models.Model):
    """A message shown in the platform (the in-app channel)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    delivery = models.OneToOneField(Delivery, on_delete=models.SET_NULL, null=True, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"))
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        # the header's unread count on every page: only unread rows are indexed, so it stays small
        indexes = [
            models.Index(fields=["user"], condition=models.Q(read_at__isnull=True), name="notification_unread_idx")
        ]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """How a person wants to be told (the in-app channel is always on)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    email = models.BooleanField(_("by e-mail"), default=True)
    sms = models.BooleanField(_("by SMS"), default=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="vi")

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user_id)


class PushSubscription(models.Model):
    """One browser or installed app that agreed to receive our Web Push messages for a person (the endpoint and the
    keys the browser gave; the message is encrypted to ``p256dh`` and ``auth``, so the push service cannot read it).
    A push service that answers 404 or 410 for it has forgotten it: it is deleted then."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    endpoint = models.URLField(_("push address"), max_length=800, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.endpoint[:40]}"
