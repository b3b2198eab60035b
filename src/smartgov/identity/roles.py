"""Roles scoped to agencies and administrative units: the access checkpoint (granting and revoking are services)."""

from django.db.models import Q
from django.utils.translation import gettext as _

from smartgov.identity.authz import AGENCY_ROLES, PLATFORM_ROLES, Role
from smartgov.identity.models import RoleAssignment, User
from smartgov.platform.errors import Forbidden
from smartgov.platform.models import AdminUnit, Agency

__all__ = ["AGENCY_ROLES", "PLATFORM_ROLES", "has_role", "require_role", "roles_held"]


def has_role(user: User, role: str, *, agency: Agency | None = None, admin_unit: AdminUnit | None = None) -> bool:
    """Whether ``user`` holds ``role`` for this agency/unit. A role held without a scope covers every scope; a
    platform administrator holds every role everywhere."""
    if not user.is_authenticated or not user.is_active or user.pk is None:
        return False
    held = RoleAssignment.objects.filter(user=user)
    if held.filter(role=Role.PLATFORM_ADMIN, agency__isnull=True, admin_unit__isnull=True).exists():
        return True
    held = held.filter(role=role)
    if agency is not None:
        held = held.filter(Q(agency=agency) | Q(agency__isnull=True))
    if admin_unit is not None:
        held = held.filter(Q(admin_unit=admin_unit) | Q(admin_unit__isnull=True))
    return held.exists()


def roles_held(user: User, *, agency: Agency | None = None) -> set[str]:
    """Every role ``user`` holds that covers ``agency`` (held there or without a scope), in one query; a
    platform administrator holds them all. For checking several roles at once, as ``has_role`` would."""
    if not user.is_authenticated or not user.is_active or user.pk is None:
        return set()
    held = RoleAssignment.objects.filter(user=user)
    if agency is not None:
        held = held.filter(Q(agency=agency) | Q(agency__isnull=True) | Q(role=Role.PLATFORM_ADMIN))
    rows = list(held.values_list("role", "agency_id", "admin_unit_id"))
    if any(role == Role.PLATFORM_ADMIN and a is None and u is None for role, a, u in rows):
        return set(Role.values)
    return {role for role, _agency, _unit in rows if role != Role.PLATFORM_ADMIN}


def require_role(user: User, role: str, *, agency: Agency | None = None, admin_unit: AdminUnit | None = None) -> None:
    """The checkpoint: raise Forbidden unless ``user`` holds ``role`` in that scope."""
    if not has_role(user, role, agency=agency, admin_unit=admin_unit):
        raise Forbidden(_("You do not have the role this needs."))
