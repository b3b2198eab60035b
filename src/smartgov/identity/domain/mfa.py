"""Who must sign in with a second factor, and the constants of the second factor."""

from typing import Any

from smartgov.identity.models import User

#: How many one-time recovery codes an account gets at a time.
RECOVERY_CODES = 10
#: Session key set at sign-in when the account has a second factor it chose to turn on.
SECOND_FACTOR_PENDING = "smartgov_second_factor_pending"


def second_factor_required(user: Any) -> bool:
    """Civil servants and the admin site's accounts always sign in with a second factor."""
    return bool(user.is_authenticated and (user.kind == User.Kind.STAFF or user.is_staff or user.is_superuser))
