"""Writes of the identity app."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from smartgov.identity.models import SecurityEvent, User
from smartgov.identity.validators import mask_personal_id

_NEVER = ("password", "token", "secret", "otp", "code")


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    ip = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")
    return ip or None


def _masked(username: str) -> str:
    compact = username.strip()
    return mask_personal_id(compact) if compact.isdigit() and len(compact) >= 9 else compact[:150]


def security_event_record(
    *,
    kind: str,
    severity: str = SecurityEvent.Severity.INFO,
    request: HttpRequest | None = None,
    user: User | None = None,
    username: str = "",
    details: dict[str, Any] | None = None,
) -> SecurityEvent:
    """Write one security event (its own row; not rolled back with the caller's failure)."""
    safe = {k: v for k, v in (details or {}).items() if not any(word in k.lower() for word in _NEVER)}
    return SecurityEvent.objects.create(
        occurred_at=timezone.now(),
        kind=kind,
        severity=severity,
        user=user,
        username=_masked(username or (user.get_username() if user else "")),
        ip_address=_client_ip(request),
        user_agent=(request.headers.get("User-Agent", "") if request else "")[:250],
        request_id=getattr(request, "request_id", "") if request else "",
        details=safe,
    )
