"""The second factor of an account, and its security events."""

from django.db.models import QuerySet
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticToken

from smartgov.identity.models import SecurityEvent, User


def has_second_factor(user: User) -> bool:
    return any(True for _device in devices_for_user(user, confirmed=True))


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def security_events_recent(*, user: User, limit: int = 10) -> QuerySet[SecurityEvent]:
    """The account's latest security events (sign-ins, failures, changes), newest first."""
    return SecurityEvent.objects.filter(user=user)[:limit]
