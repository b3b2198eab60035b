"""Remembering where an account signs in, and ending those sessions ("sign out everywhere")."""

from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from smartgov.identity.models import SecurityEvent, User, UserSession
from smartgov.identity.services.security import security_event_record
from smartgov.platform.net import client_address
from smartgov.platform.services.audit import audit_record


def session_record(*, request: HttpRequest, user: User) -> None:
    """Called at sign-in: remember this browser's session."""
    if not request.session.session_key:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "signed_in_at": timezone.now(),
            "ip_address": client_address(request),
            "user_agent": request.headers.get("User-Agent", "")[:250],
        },
    )


def sessions_end_all(*, user: User) -> int:
    """Sign the account out of every browser (a reset password, an erased account). Returns how many."""
    sessions = UserSession.objects.filter(user=user)
    keys = list(sessions.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    sessions.delete()
    return len(keys)


def sessions_end_others(*, request: HttpRequest, actor: User) -> int:
    """Sign the account out of every other browser. Returns how many sessions were ended."""
    current = request.session.session_key
    with transaction.atomic():
        others = UserSession.objects.filter(user=actor).exclude(session_key=current)
        keys = list(others.values_list("session_key", flat=True))
        Session.objects.filter(session_key__in=keys).delete()
        others.delete()
        audit_record(actor=actor, action="identity.sessions.end_others", obj=actor, changes={"ended": len(keys)})
    security_event_record(
        kind=SecurityEvent.Kind.SESSIONS_ENDED, request=request, user=actor, details={"ended": len(keys)}
    )
    return len(keys)
