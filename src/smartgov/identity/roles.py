"""Kept for callers outside identity until they move to ``identity.authz`` (who holds what) and
``identity.services`` (granting and revoking): thin aliases of the authorisation API. Identity itself does not
use this module."""

from typing import Any

from django.utils.translation import gettext as _

from smartgov.identity import authz
from smartgov.identity.authz import AGENCY_ROLES, PLATFORM_ROLES, Role
from smartgov.identity.models import User
from smartgov.platform.errors import Forbidden

__all__ = ["AGENCY_ROLES", "PLATFORM_ROLES", "has_role", "require_role", "roles_held"]


def has_role(user: User, role: str, *, agency: Any = None, admin_unit: Any = None) -> bool:
    """``authz.holds(user, role, agency=…, admin_unit=…)``."""
    return authz.holds(user, role, agency=agency, admin_unit=admin_unit)


def roles_held(user: User, *, agency: Any = None) -> set[str]:
    """``authz.roles_in(user, agency)``, without a platform-administrator role held in a scope (only the unscoped
    one makes a platform administrator, who holds every role)."""
    held = set(authz.roles_in(user, agency))
    return held if held == set(Role.values) else held - {Role.PLATFORM_ADMIN}


def require_role(user: User, role: str, *, agency: Any = None, admin_unit: Any = None) -> None:
    """Raise Forbidden unless ``user`` holds ``role`` in that scope."""
    if not authz.holds(user, role, agency=agency, admin_unit=admin_unit):
        raise Forbidden(_("You do not have the role this needs."))
