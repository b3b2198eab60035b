"""Writes of the identity app."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from smartgov.identity.authz import AGENCY_ROLES, PLATFORM_ROLES, Role
from smartgov.identity.models import RoleAssignment, SecurityEvent, User
from smartgov.identity.validators import mask_account_name, mask_personal_id
from smartgov.platform.errors import Conflict, DomainError, NotFound
from smartgov.platform.models import AdminUnit, Agency
from smartgov.platform.services.audit import audit_record, scrub_secrets


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    ip = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")
    return ip or None


def compact_identifier(typed: str) -> str:
    """What people type for a personal ID or tax code ("031 195 001 234", "0100109106-001") made canonical:
    digit groups joined; other account names only trimmed."""
    joined = "".join(typed.split())
    return joined if joined.replace("-", "").isdigit() else typed.strip()


def security_event_record(
    *,
    kind: str,
    severity: str = SecurityEvent.Severity.INFO,
    request: HttpRequest | None = None,
    user: User | None = None,
    username: str = "",
    details: dict[str, Any] | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
) -> SecurityEvent:
    """Write one security event (its own row; not rolled back with the caller's failure)."""
    safe = scrub_secrets(details or {})
    return SecurityEvent.objects.create(
        occurred_at=timezone.now(),
        kind=kind,
        severity=severity,
        user=user,
        username=mask_account_name(username or (user.get_username() if user else "")),
        ip_address=_client_ip(request) or ip_address or None,
        user_agent=(request.headers.get("User-Agent", "") if request else user_agent)[:250],
        request_id=getattr(request, "request_id", "") if request else "",
        details=safe,
    )


def account_register(
    *,
    kind: str,
    identifier: str,
    full_name: str,
    password: str,
    phone: str,
    email: str = "",
    request: HttpRequest | None = None,
) -> User:
    """Create a citizen's or business's account; the identifier (personal ID or tax code) is the sign-in name."""
    from django.db import IntegrityError, transaction
    from django.utils.translation import gettext as _

    from smartgov.platform.errors import Conflict
    from smartgov.platform.services.audit import audit_record
    from smartgov.platform.services.outbox import event_publish

    if kind not in (User.Kind.CITIZEN, User.Kind.BUSINESS):
        raise ValueError("only citizens and businesses register themselves")
    user = User(
        username=identifier,
        kind=kind,
        full_name=full_name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        personal_id=identifier if kind == User.Kind.CITIZEN else None,
        tax_code=identifier if kind == User.Kind.BUSINESS else None,
    )
    user.set_password(password)
    try:
        with transaction.atomic():
            if User.objects.filter(username=identifier).exists():
                raise IntegrityError("taken")
            user.save()
            audit_record(
                actor=user,
                action="identity.account.register",
                obj=user,
                object_repr=mask_personal_id(identifier),
                changes={"kind": [None, kind]},
                request=request,
            )
            event_publish(topic="identity.account.registered", payload={"user": user.pk, "kind": kind}, obj=user)
    except IntegrityError as exc:  # also the race of two submissions at once (unique username)
        raise Conflict(_("An account with this identifier already exists. Sign in, or reset your password.")) from exc
    return user


def profile_update(*, request: HttpRequest | None, user: User, full_name: str, email: str, phone: str) -> list[str]:
    """Change one's own name and contact details; a changed address or number must be verified again."""
    from django.db import transaction

    from smartgov.platform.services.audit import audit_record

    wanted = {"full_name": full_name.strip(), "email": email.strip(), "phone": phone.strip()}
    with transaction.atomic():
        fresh = User.objects.select_for_update().get(pk=user.pk)
        changed = [field for field, value in wanted.items() if getattr(fresh, field) != value]
        if not changed:
            return []
        changes = {field: [getattr(fresh, field), wanted[field]] for field in changed}
        for field in changed:
            setattr(fresh, field, wanted[field])
        if "email" in changed:
            fresh.email_verified_at = None
        if "phone" in changed:
            fresh.phone_verified_at = None
        fresh.save()
        audit_record(actor=fresh, action="identity.profile.update", obj=fresh, changes=changes, request=request)
    for field in ("full_name", "email", "phone", "email_verified_at", "phone_verified_at"):
        setattr(user, field, getattr(fresh, field))
    return changed


# --- Roles ---------------------------------------------------------------------------------------------------
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
