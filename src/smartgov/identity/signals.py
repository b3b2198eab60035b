"""Security events from Django's and django-axes' authentication signals (the receivers only call the service)."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from smartgov.identity.domain.mfa import SECOND_FACTOR_PENDING, SIGN_IN_METHODS, second_factor_required
from smartgov.identity.models import SecurityEvent
from smartgov.identity.selectors.mfa import has_second_factor
from smartgov.identity.services.security import security_event_record, sign_in_failures_clear
from smartgov.identity.services.sessions import session_record


@receiver(user_login_failed, dispatch_uid="identity.login_failed")
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    security_event_record(
        kind=SecurityEvent.Kind.LOGIN_FAILED,
        severity=SecurityEvent.Severity.WARNING,
        request=request,
        username=str(credentials.get("username", "")),
    )


@receiver(user_logged_in, dispatch_uid="identity.logged_in")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    security_event_record(kind=SecurityEvent.Kind.LOGIN, request=request, user=user)
    sign_in_failures_clear(request=request, user=user)
    if request is not None and hasattr(request, "session"):
        session_record(request=request, user=user)
        request.session[SIGN_IN_METHODS] = ["pwd"]  # a federated sign-in puts its provider's methods instead
        if not second_factor_required(user) and has_second_factor(user):
            request.session[SECOND_FACTOR_PENDING] = True


@receiver(user_locked_out, dispatch_uid="identity.locked_out")
def _locked_out(
    sender: Any, request: Any, username: str | None = None, ip_address: str | None = None, **kw: Any
) -> None:
    security_event_record(
        kind=SecurityEvent.Kind.LOCKOUT,
        severity=SecurityEvent.Severity.HIGH,
        request=request,
        username=username or "",
        details={"ip_address": ip_address},
    )
