"""Security events: sign-ins, failures, lock-outs, changes of privilege and of the second factor (their own rows,
kept even when the caller's transaction fails)."""

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.http import HttpRequest
from django.utils import timezone

from smartgov.identity.models import SecurityEvent, User
from smartgov.identity.validators import mask_account_name
from smartgov.platform.net import client_address
from smartgov.platform.services.audit import scrub_secrets

#: The client's address (platform/net.py: X-Forwarded-For only through trusted proxies); the name identity's
#: callers know it by.
client_ip = client_address


def security_event_record(
    *,
    kind: str,
    severity: str = SecurityEvent.Severity.INFO,
    request: HttpRequest | None = None,
    user: User | None = None,
    username: str = "",
    details: dict[str, Any] | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
) -> SecurityEvent:
    """Write one security event (its own row; not rolled back with the caller's failure)."""
    safe = scrub_secrets(details or {})
    return SecurityEvent.objects.create(
        occurred_at=timezone.now(),
        kind=kind,
        severity=severity,
        user=user,
        username=mask_account_name(username or (user.get_username() if user else "")),
        ip_address=client_ip(request) or ip_address or None,
        user_agent=(request.headers.get("User-Agent", "") if request else user_agent)[:250],
        request_id=getattr(request, "request_id", "") if request else "",
        details=safe,
    )


def sign_in_failures_clear(*, request: HttpRequest | None, user: User) -> int:
    """After a successful sign-in, forget the wrong passwords of this account from this address, and only those.

    Other accounts' failures from the same address stay (or signing in to one's own account would reset the
    guessing of another's, issue 13), and so do this account's failures from other addresses."""
    ip = client_ip(request)
    if ip is None:
        return 0
    return AxesProxyHandler.reset_attempts(ip_address=ip, username=user.get_username())
