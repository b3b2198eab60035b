"""Where an account is signed in."""

from django.contrib.sessions.models import Session
from django.utils import timezone

from smartgov.identity.models import User, UserSession


def session_list(*, user: User) -> list[UserSession]:
    """The account's live sessions (those Django still holds and that have not expired)."""
    live = set(
        Session.objects.filter(
            session_key__in=UserSession.objects.filter(user=user).values("session_key"), expire_date__gt=timezone.now()
        ).values_list("session_key", flat=True)
    )
    return [s for s in UserSession.objects.filter(user=user) if s.session_key in live]
