"""Granting and revoking roles, scoped to agencies and administrative units. Each is audited and a security event;
who may do it is the policy beside each service (a platform administrator, or the admin site's superuser)."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartgov.identity import authz
from smartgov.identity.authz import AGENCY_ROLES, PLATFORM_ROLES, Principal, Role
from smartgov.identity.models import RoleAssignment, SecurityEvent, User
from smartgov.identity.services.security import security_event_record
from smartgov.platform.errors import Conflict, DomainError, NotFound
from smartgov.platform.models import AdminUnit, Agency
from smartgov.platform.services.audit import audit_record

#: The token scope of managing roles. No client is given it (the next issue defines the API's scopes), so only a
#: browser session may grant or revoke.
SCOPE = "identity.roles"


def _administers(principal: Principal, resource: Any) -> bool:
    """Platform administrators manage roles; so does the admin site's superuser (Django's admin lets them do all)."""
    return bool(principal.user.is_superuser) or authz.administers_platform(principal.user)


authz.policy("identity.role.grant", scope=SCOPE)(_administers)
authz.policy("identity.role.revoke", scope=SCOPE)(_administers)


def role_grant(
    *, actor: User | None, user: User, role: str, agency: Agency | None = None, admin_unit: AdminUnit | None = None
) -> RoleAssignment:
    """Give ``user`` the role ``role`` (in ``agency`` for the roles held in one). ``actor`` None is the system
    (demo data, commands)."""
    if actor is not None:
        authz.authorize(actor, "identity.role.grant", user)
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
    """Take a role away. ``actor`` None is the system."""
    with transaction.atomic():
        assignment = RoleAssignment.objects.select_for_update().filter(pk=assignment_id).first()
        if assignment is None:
            raise NotFound(_("No such role assignment."))
        if actor is not None:
            authz.authorize(actor, "identity.role.revoke", assignment)
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
