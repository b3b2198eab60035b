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


# --- How the session signed in: the ``acr`` and ``amr`` of the ID tokens it gets (RFC 8176 method names) ---------
#: Session key: the methods of the first step ("pwd" for a password; an upstream provider's own ``amr``).
SIGN_IN_METHODS = "smartgov_amr"
#: The authentication context classes SmartGov asserts: one factor, or two.
ACR_ONE_FACTOR = "urn:smartgov:acr:1fa"
ACR_TWO_FACTORS = "urn:smartgov:acr:2fa"


def authentication_context(first_step: list[str] | None, *, second_factor_passed: bool) -> dict[str, Any]:
    """``{"acr": …, "amr": […]}`` of a session whose first step used ``first_step`` (``["pwd"]`` when unknown) and
    which did or did not pass SmartGov's second factor ("otp", and "mfa" with it)."""
    methods = [str(m) for m in (first_step or ["pwd"]) if isinstance(m, str) and m][:8] or ["pwd"]
    if second_factor_passed:
        methods = [*dict.fromkeys([*methods, "otp", "mfa"])]
    two = second_factor_passed or "mfa" in methods
    return {"acr": ACR_TWO_FACTORS if two else ACR_ONE_FACTOR, "amr": methods}
