"""Notifications: made once per event, person and channel; sent once even when delivered again; in the person's
language; only to verified contacts they chose."""

import pytest
from django.core import mail
from django.utils import timezone

from smartgov.notifications.models import Delivery, Notification
from smartgov.notifications.services import deliveries_sweep, delivery_send, preference_save
from smartgov.platform.models import OutboxEvent
from smartgov.platform.services.outbox import outbox_deliver
from smartgov.platform.sms import LoggingSmsBackend

pytestmark = pytest.mark.django_db


def test_a_submission_is_told_once_on_every_channel(notify_verified, settings, notify_on_commit, submit_dossier):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    LoggingSmsBackend.sent = []
    dossier = notify_on_commit(submit_dossier, notify_verified)
    deliveries = Delivery.objects.filter(user=notify_verified.mai)
    assert sorted(deliveries.values_list("channel", "state")) == [
        ("email", "done"), ("in_app", "done"), ("sms", "done")
    ]  # fmt: skip
    assert Notification.objects.get(user=notify_verified.mai).title == f"Đã tiếp nhận hồ sơ {dossier.code}"
    assert len(mail.outbox) == 1 and dossier.code in mail.outbox[0].subject
    email_delivery = deliveries.get(channel="email")
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<{email_delivery.pk}@")
    assert [m.reference for m in LoggingSmsBackend.sent] == [str(deliveries.get(channel="sms").pk)]
    # the outbox delivers the same event again (a retry), a task runs twice: nothing new goes out
    event = OutboxEvent.objects.get(topic="procedures.dossier.submit")
    from smartgov.platform.models import ConsumerReceipt

    ConsumerReceipt.objects.filter(event=event).delete()
    notify_on_commit(outbox_deliver, event_id=event.id)
    for delivery in deliveries:
        assert delivery_send(delivery_id=delivery.pk) == "skipped"
    assert deliveries.count() == 3 and Notification.objects.count() == 1
    assert len(mail.outbox) == 1 and len(LoggingSmsBackend.sent) == 1


def test_unverified_contacts_and_preferences(hp, settings, notify_on_commit, submit_dossier):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    hp.binh.email = "binh@example.vn"  # not notify_verified
    hp.binh.save()
    notify_on_commit(submit_dossier, hp, applicant=hp.binh)
    assert list(Delivery.objects.filter(user=hp.binh).values_list("channel", flat=True)) == ["in_app"]
    assert mail.outbox == []


def test_english_and_opting_out(notify_verified, settings, notify_on_commit, submit_dossier):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    preference_save(user=notify_verified.mai, email=False, sms=False, language="en")
    dossier = notify_on_commit(submit_dossier, notify_verified)
    assert list(Delivery.objects.values_list("channel", flat=True)) == ["in_app"]
    assert Notification.objects.get().title == f"Dossier {dossier.code} received"


def test_a_failing_channel_stays_pending_and_is_swept(
    notify_verified, settings, monkeypatch, notify_on_commit, submit_dossier
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    def broken(self, *args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", broken)
    notify_on_commit(submit_dossier, notify_verified)
    email = Delivery.objects.get(channel="email")
    assert email.state == "pending" and email.attempts == 1 and "ConnectionRefusedError" in email.last_error
    monkeypatch.undo()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notify_on_commit(deliveries_sweep) == 0  # not due yet: the back-off
    Delivery.objects.filter(pk=email.pk).update(next_at=timezone.now())  # the back-off has passed
    assert notify_on_commit(deliveries_sweep) == 1
    email.refresh_from_db()
    assert email.state == "done" and len(mail.outbox) == 1
