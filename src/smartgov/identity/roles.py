"""Kept for callers outside identity until they move to ``identity.authz`` (who holds what) and
``identity.services`` (granting and revoking): thin aliases of the authorisation API. Identity itself does not
use this module."""

from typing import Any

from smartgov.identity import authz
from smartgov.identity.authz import AGENCY_ROLES, PLATFORM_ROLES, Role
from smartgov.identity.models import User

__all__ = ["AGENCY_ROLES", "PLATFORM_ROLES", "has_role", "roles_held"]


def has_role(user: User, role: str, *, agency: Any = None, admin_unit: Any = None) -> bool:
    """``authz.holds(user, role, agency=…, admin_unit=…)``."""
    return authz.holds(user, role, agency=agency, admin_unit=admin_unit)


def roles_held(user: User, *, agency: Any = None) -> set[str]:
    """``authz.roles_in(user, agency)``, without a platform-administrator role held in a scope (only the unscoped
    one makes a platform administrator, who holds every role)."""
    held = set(authz.roles_in(user, agency))
    return held if held == set(Role.values) else held - {Role.PLATFORM_ADMIN}
