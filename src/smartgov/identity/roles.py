"""Roles scoped to agencies and administrative units: granting, revoking and the access checkpoint."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from smartgov.identity.models import RoleAssignment, SecurityEvent, User
from smartgov.identity.services import security_event_record
from smartgov.platform.errors import Conflict, DomainError, Forbidden, NotFound
from smartgov.platform.models import AdminUnit, Agency
from smartgov.platform.services.audit import audit_record

Role = RoleAssignment.Role
#: Roles that only make sense inside an agency (their queues and documents belong to one).
AGENCY_ROLES = {Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER, Role.DATA_STEWARD}
#: Roles that act on the whole platform.
PLATFORM_ROLES = {Role.PLATFORM_ADMIN, Role.SOC_ANALYST, Role.IOC_OPERATOR}


def role_grant(
    *, actor: User | None, user: User, role: str, agency: Agency | None = None, admin_unit: AdminUnit | None = None
) -> RoleAssignment:
    if role not in Role.values:
        raise DomainError(_("Unknown role: %(role)s") % {"role": role})
    if role in AGENCY_ROLES and agency is None:
        raise DomainError(_("This role is held in an agency: choose the agency."))
    if user.kind != User.Kind.STAFF:
        raise DomainError(_("Only civil servants' accounts can hold roles."))
    with transaction.atomic():
        if RoleAssignment.objects.filter(user=user, role=role, agency=agency, admin_unit=admin_unit).exists():
            raise Conflict(_("The account already holds this role in this scope."))
        assignment = RoleAssignment.objects.create(
            user=user, role=role, agency=agency, admin_unit=admin_unit, granted_at=timezone.now(), granted_by=actor
        )
        scope = {"agency": agency.code if agency else None, "admin_unit": admin_unit.code if admin_unit else None}
        audit_record(actor=actor, action="identity.role.grant", obj=assignment, changes={"role": [None, role], **scope})
        security_event_record(
            kind=SecurityEvent.Kind.PRIVILEGE_CHANGE,
            severity=SecurityEvent.Severity.WARNING if role in PLATFORM_ROLES else SecurityEvent.Severity.INFO,
            user=user,
            details={"change": "grant", "role": role, "by": actor.pk if actor else None, **scope},
        )
    return assignment


def role_revoke(*, actor: User | None, assignment_id: int) -> None:
    with transaction.atomic():
        assignment = RoleAssignment.objects.select_for_update().filter(pk=assignment_id).first()
        if assignment is None:
            raise NotFound(_("No such role assignment."))
        audit_record(
            actor=actor, action="identity.role.revoke", obj=assignment, changes={"role": [assignment.role, None]}
        )
        security_event_record(
            kind=SecurityEvent.Kind.PRIVILEGE_CHANGE,
            severity=SecurityEvent.Severity.INFO,
            user=assignment.user,
            details={"change": "revoke", "role": assignment.role, "by": actor.pk if actor else None},
        )
        assignment.delete()


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
