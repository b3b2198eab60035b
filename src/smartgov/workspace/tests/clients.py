"""Signed-in test clients for the workspace's tests."""

from typing import Any

from django.test import Client


def signed_in(user: Any) -> Client:
    """A browser signed in as ``user``; a civil servant has passed the second factor."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    if user.kind == "staff":
        session = client.session
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="app", confirmed=True)
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client
