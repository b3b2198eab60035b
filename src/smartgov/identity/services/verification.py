"""Proving an e-mail address or a phone number belongs to the person, and resetting a forgotten password.

- E-mail: a signed link (``django.core.signing``, valid two days) bound to the account and the address, so
  changing the address makes old links useless.
- Phone: a 6-digit code by SMS, kept only as an HMAC, valid ten minutes, five tries, one code a minute.
- Password reset: a link with Django's password-reset token (invalid once the password changes or after
  ``PASSWORD_RESET_TIMEOUT``), sent only to a *verified* e-mail address and/or phone number. The page answers
  the same whether or not the account exists.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from smartgov.identity.models import SecurityEvent, User, VerificationCode
from smartgov.identity.selectors.accounts import account_for_identifier
from smartgov.identity.services.security import security_event_record
from smartgov.platform.errors import DomainError
from smartgov.platform.services.audit import audit_record
from smartgov.platform.sms import sms_send

EMAIL_SALT = "smartgov.identity.email-verify"
EMAIL_LINK_SECONDS = 2 * 24 * 3600


def _code_hash(user_id: int, code: str) -> str:
    key = force_bytes(settings.SECRET_KEY)
    return hmac.new(key, f"{user_id}:{code}".encode(), hashlib.sha256).hexdigest()


def email_verification_send(*, request: HttpRequest, actor: User) -> None:
    """E-mail a link that proves the address; the link is signed and names the account and the address."""
    if not actor.email:
        raise DomainError(_("Add an e-mail address to your profile first."))
    token = signing.dumps({"u": actor.pk, "e": actor.email}, salt=EMAIL_SALT, compress=True)
    link = request.build_absolute_uri(reverse("identity:email-verify", args=[token]))
    context = {"user": actor, "link": link, "hours": EMAIL_LINK_SECONDS // 3600}
    send_mail(
        subject=_("Confirm your e-mail address for SmartGov"),
        message=render_to_string("identity/email/verify_email.txt", context),
        from_email=None,
        recipient_list=[actor.email],
    )


def email_verify(*, token: str) -> User:
    """Mark the address in a verification link as proven. Raises DomainError for a bad, old or stale link."""
    try:
        data = signing.loads(token, salt=EMAIL_SALT, max_age=EMAIL_LINK_SECONDS)
    except signing.SignatureExpired as exc:
        raise DomainError(_("This link has expired. Ask for a new one from your profile.")) from exc
    except signing.BadSignature as exc:
        raise DomainError(_("This link is not valid.")) from exc
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=data.get("u"), is_active=True).first()
        if user is None or user.email != data.get("e"):
            raise DomainError(_("This link is for an e-mail address that is no longer on the account."))
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email_verified_at"])
            audit_record(
                actor=user, action="identity.email.verify", obj=user, changes={"email_verified": [False, True]}
            )
    return user


def phone_code_send(*, request: HttpRequest, actor: User) -> None:
    """Send a fresh 6-digit code to the account's phone (at most one a minute)."""
    if not actor.phone:
        raise DomainError(_("Add a phone number to your profile first."))
    now = timezone.now()
    interval = timedelta(seconds=settings.SMARTGOV_PHONE_CODE_INTERVAL_SECONDS)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).first()  # one sender at a time per account
        if VerificationCode.objects.filter(user=actor, created_at__gt=now - interval).exists():
            raise DomainError(_("A code was sent less than a minute ago. Wait a moment before asking again."))
        code = f"{secrets.randbelow(10**6):06d}"
        VerificationCode.objects.filter(user=actor, used_at__isnull=True).update(used_at=now)  # old codes die
        VerificationCode.objects.create(
            user=actor,
            target=actor.phone,
            code_hash=_code_hash(actor.pk, code),
            created_at=now,
            expires_at=now + timedelta(seconds=settings.SMARTGOV_PHONE_CODE_SECONDS),
        )
    minutes = settings.SMARTGOV_PHONE_CODE_SECONDS // 60
    sms_send(
        to=actor.phone,
        text=_("SmartGov: your verification code is %(code)s, valid %(minutes)d minutes. Never share it.")
        % {"code": code, "minutes": minutes},
    )


def phone_verify(*, request: HttpRequest, actor: User, code: str) -> bool:
    """Check a code; on success the phone number is verified. Wrong codes count against the code's tries."""
    now = timezone.now()
    code = "".join(code.split())
    with transaction.atomic():
        pending = (
            VerificationCode.objects.select_for_update()
            .filter(user=actor, target=actor.phone, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if pending is not None and pending.attempts < settings.SMARTGOV_PHONE_CODE_ATTEMPTS:
            if hmac.compare_digest(pending.code_hash, _code_hash(actor.pk, code)):
                pending.used_at = now
                pending.save(update_fields=["used_at"])
                User.objects.filter(pk=actor.pk).update(phone_verified_at=now)
                actor.phone_verified_at = now
                audit_record(
                    actor=actor, action="identity.phone.verify", obj=actor, changes={"phone_verified": [False, True]}
                )
                return True
            pending.attempts += 1
            pending.save(update_fields=["attempts"])
    security_event_record(
        kind=SecurityEvent.Kind.VERIFICATION_FAILED,
        severity=SecurityEvent.Severity.WARNING,
        request=request,
        user=actor,
        details={"channel": "phone", "attempts": pending.attempts if pending else None},
    )
    return False


def password_reset_request(*, request: HttpRequest, identifier: str) -> None:
    """Send a reset link to the account's verified e-mail and phone. Says nothing about whether it exists."""
    user = account_for_identifier(identifier)
    security_event_record(
        kind=SecurityEvent.Kind.PASSWORD_RESET,
        request=request,
        user=user,
        username=identifier,
        details={"known": user is not None},
    )
    if user is None:
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = request.build_absolute_uri(reverse("identity:password-reset-confirm", args=[uid, token]))
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    if user.email and user.email_verified_at:
        send_mail(
            subject=_("Reset your SmartGov password"),
            message=render_to_string(
                "identity/email/password_reset.txt", {"user": user, "link": link, "minutes": minutes}
            ),
            from_email=None,
            recipient_list=[user.email],
        )
    if user.phone and user.phone_verified_at:
        sms_send(
            to=user.phone,
            text=_("SmartGov: reset your password within %(minutes)d minutes: %(link)s")
            % {"minutes": minutes, "link": link},
        )
