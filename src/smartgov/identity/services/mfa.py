"""Second factor: TOTP (an authenticator app) with one-time recovery codes. Mandatory for staff."""

import secrets

import django_otp
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from smartgov.identity.domain.mfa import RECOVERY_CODES, second_factor_required
from smartgov.identity.models import SecurityEvent, User
from smartgov.identity.services.security import security_event_record
from smartgov.platform.errors import DomainError
from smartgov.platform.services.audit import audit_record


def totp_enrolment_start(*, actor: User) -> TOTPDevice:
    """The unconfirmed authenticator the person is setting up (one at a time)."""
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name="authenticator", confirmed=False)
    return device


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
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes_issue(user)
        audit_record(actor=user, action="identity.mfa.enable", obj=user, changes={"totp": [None, "confirmed"]})
    security_event_record(kind=SecurityEvent.Kind.MFA_CHANGED, request=request, user=user, details={"change": "enable"})
    django_otp.login(request, device)
    return codes


def _recovery_codes_issue(user: User) -> list[str]:
    """Replace the account's recovery codes with ten new ones (kept by django-otp; shown once)."""
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODES)]
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
    return codes


def _authenticator_code_ok(*, request: HttpRequest, user: User, token: str, stage: str) -> bool:
    """A current code from the authenticator app (not a recovery code): proof for changing the second factor."""
    code = token.strip().replace(" ", "")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None and code and device.verify_is_allowed()[0] and device.verify_token(code):
        return True
    security_event_record(
        kind=SecurityEvent.Kind.MFA_FAILED,
        severity=SecurityEvent.Severity.WARNING,
        request=request,
        user=user,
        details={"stage": stage},
    )
    return False


def recovery_codes_renew(*, request: HttpRequest, actor: User, token: str) -> list[str] | None:
    """New recovery codes (the old ones stop working), after a current authenticator code; None if wrong."""
    if not _authenticator_code_ok(request=request, user=actor, token=token, stage="renew_recovery_codes"):
        return None
    with transaction.atomic():
        codes = _recovery_codes_issue(actor)
        audit_record(actor=actor, action="identity.mfa.recovery_codes_renew", obj=actor, changes={})
    security_event_record(
        kind=SecurityEvent.Kind.MFA_CHANGED, request=request, user=actor, details={"change": "recovery_codes"}
    )
    return codes


def second_factor_disable(*, request: HttpRequest, actor: User, token: str) -> bool:
    """Turn the second factor off (citizens and businesses only), after a current authenticator code."""
    if second_factor_required(actor):
        raise DomainError(_("Civil servants must keep two-step sign-in turned on."))
    if not _authenticator_code_ok(request=request, user=actor, token=token, stage="disable"):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor).delete()
        StaticDevice.objects.filter(user=actor).delete()
        audit_record(actor=actor, action="identity.mfa.disable", obj=actor, changes={"totp": ["confirmed", None]})
    security_event_record(
        kind=SecurityEvent.Kind.MFA_CHANGED,
        severity=SecurityEvent.Severity.WARNING,
        request=request,
        user=actor,
        details={"change": "disable"},
    )
    return True


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
