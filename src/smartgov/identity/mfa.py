"""Second factor: TOTP (an authenticator app) with one-time recovery codes. Mandatory for staff."""

import secrets

import django_otp
import segno
from django.db import transaction
from django.http import HttpRequest
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from smartgov.identity.models import SecurityEvent, User
from smartgov.identity.services import security_event_record
from smartgov.platform.services.audit import audit_record

RECOVERY_CODES = 10


def second_factor_required(user: User) -> bool:
    return bool(user.is_authenticated and (user.kind == User.Kind.STAFF or user.is_staff or user.is_superuser))


def has_second_factor(user: User) -> bool:
    return any(True for _device in devices_for_user(user, confirmed=True))


def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator the person is setting up (one at a time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG QR code (no image service, no CDN)."""
    return str(segno.make(device.config_url, error="m").svg_inline(omitsize=True, dark="#1c1c1c", light="#ffffff"))


def totp_enrolment_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator with a first code; returns fresh recovery codes, or None for a wrong code."""
    user = device.user
    if not device.verify_token(token.strip().replace(" ", "")):
        security_event_record(
            kind=SecurityEvent.Kind.MFA_FAILED,
            severity=SecurityEvent.Severity.WARNING,
            request=request,
            user=user,
            details={"stage": "enrolment"},
        )
        return None
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODES)]
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        StaticDevice.objects.filter(user=user).delete()
        recovery = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
        StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
        audit_record(actor=user, action="identity.mfa.enable", obj=user, changes={"totp": [None, "confirmed"]})
    django_otp.login(request, device)
    return codes


def second_factor_verify(*, request: HttpRequest, token: str) -> bool:
    """Check a code from the authenticator or a recovery code; on success the session is verified."""
    user: User = request.user  # type: ignore[assignment]
    code = token.strip().replace(" ", "")
    for device in devices_for_user(user, confirmed=True):
        if code and device.verify_is_allowed()[0] and device.verify_token(code):
            django_otp.login(request, device)
            return True
    security_event_record(
        kind=SecurityEvent.Kind.MFA_FAILED, severity=SecurityEvent.Severity.WARNING, request=request, user=user
    )
    return False
