"""Writes to the gateway's registry: members, subsystems, services and their endpoints, access rights, and the
clients' credentials (certificates from the platform's CA, API keys). Each write is audited; each one moves the
registry's version so running gateways pick it up within a second (registry.py)."""

import hashlib
import secrets
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from smartgov.exchange.models import (
    AccessRight,
    ApiKey,
    ClientCertificate,
    ClientGroup,
    Endpoint,
    Member,
    MemberClass,
    Service,
    Subsystem,
)
from smartgov.exchange.registry import api_key_digest, client_id_of
from smartgov.platform.errors import Conflict, DomainError
from smartgov.platform.models import Agency
from smartgov.platform.pki import ca_file, client_certificate_issue, private_file_write
from smartgov.platform.services.audit import audit_record

METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "*"}
RESERVED = {"listClients", "listMethods", "allowedMethods", "getOpenAPI"}


def client_text(subsystem: Subsystem) -> str:
    return str(client_id_of(subsystem))


def member_register(*, actor: Any, member_class: str, code: str, name: str, agency: Agency | None = None) -> Member:
    with transaction.atomic():
        klass, _created = MemberClass.objects.get_or_create(code=member_class, defaults={"description": member_class})
        member, created = Member.objects.update_or_create(
            member_class=klass, code=code, defaults={"name": name, "agency": agency}
        )
        audit_record(actor=actor, action="exchange.member.register", obj=member, changes={"name": name, "new": created})
    return member


def subsystem_register(*, actor: Any, member: Member, code: str, name: str = "") -> Subsystem:
    with transaction.atomic():
        subsystem, created = Subsystem.objects.update_or_create(member=member, code=code, defaults={"name": name})
        audit_record(actor=actor, action="exchange.subsystem.register", obj=subsystem, changes={"new": created})
    return subsystem


def _endpoints_of(openapi: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for path, operations in (openapi.get("paths") or {}).items():
        for method in operations:
            if method.upper() in METHODS:
                found.append((method.upper(), path))
    return found


def service_register(
    *,
    actor: Any,
    provider: Subsystem,
    code: str,
    title: str,
    url: str,
    openapi: dict[str, Any] | None = None,
    endpoints: list[tuple[str, str]] | None = None,
    timeout_ms: int = 30_000,
) -> Service:
    """Register (or update) a service; its endpoints come from the OpenAPI document unless given."""
    if code in RESERVED:
        raise DomainError(
            _("%(code)s is a metadata service of the gateway and cannot be a service code.") % {"code": code}
        )
    wanted = endpoints if endpoints is not None else _endpoints_of(openapi or {})
    for method, path in wanted:
        if method not in METHODS or (not path.startswith("/") and path != "**"):
            raise DomainError(
                _("Endpoint %(method)s %(path)s is not a method and a path.") % {"method": method, "path": path}
            )
    with transaction.atomic():
        service, created = Service.objects.update_or_create(
            provider=provider,
            code=code,
            defaults={"title": title, "url": url, "openapi": openapi or {}, "timeout_ms": timeout_ms},
        )
        for method, path in wanted:
            Endpoint.objects.get_or_create(service=service, method=method, path=path)
        audit_record(
            actor=actor,
            action="exchange.service.register",
            obj=service,
            changes={"url": url, "endpoints": len(wanted), "new": created},
        )
    return service


def service_enable(*, actor: Any, service: Service, enabled: bool) -> Service:
    with transaction.atomic():
        service.enabled = enabled
        service.save(update_fields=["enabled"])
        audit_record(actor=actor, action="exchange.service.enable", obj=service, changes={"enabled": enabled})
    return service


def access_grant(
    *,
    actor: Any,
    service: Service,
    subsystem: Subsystem | None = None,
    group: ClientGroup | None = None,
    endpoint: Endpoint | None = None,
) -> AccessRight:
    if (subsystem is None) == (group is None):
        raise DomainError(_("Grant the right to one subsystem or one group."))
    if endpoint is not None and endpoint.service_id != service.pk:
        raise DomainError(_("The endpoint belongs to another service."))
    with transaction.atomic():
        right, created = AccessRight.objects.get_or_create(
            service=service,
            subsystem=subsystem,
            group=group,
            endpoint=endpoint,
            defaults={"granted_at": timezone.now()},
        )
        if created:
            audit_record(
                actor=actor,
                action="exchange.access.grant",
                obj=right,
                changes={"service": str(service), "to": str(subsystem or group), "endpoint": str(endpoint or "*")},
            )
    return right


def access_revoke(*, actor: Any, right: AccessRight) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="exchange.access.revoke", obj=right, changes={"right": str(right)})
        right.delete()


def group_add(*, actor: Any, code: str, description: str, subsystems: list[Subsystem]) -> ClientGroup:
    with transaction.atomic():
        group, _created = ClientGroup.objects.get_or_create(code=code, defaults={"description": description})
        group.subsystems.add(*subsystems)
        audit_record(
            actor=actor, action="exchange.group.add", obj=group, changes={"members": [str(s) for s in subsystems]}
        )
    return group


def api_key_issue(*, actor: Any, subsystem: Subsystem, label: str = "") -> tuple[ApiKey, str]:
    """A new key for an internal caller: returned once, only its digest is kept."""
    key = "sgk_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        row = ApiKey.objects.create(
            subsystem=subsystem, prefix=key[:12], digest=api_key_digest(key), label=label, created_at=timezone.now()
        )
        audit_record(actor=actor, action="exchange.api_key.issue", obj=row, changes={"subsystem": str(subsystem)})
    return row, key


def api_key_revoke(*, actor: Any, key: ApiKey) -> ApiKey:
    with transaction.atomic():
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="exchange.api_key.revoke", obj=key)
    return key


def certificate_issue(*, actor: Any, subsystem: Subsystem, days: int = 365) -> tuple[ClientCertificate, bytes, bytes]:
    """A TLS client certificate for the subsystem from the platform's CA. Returns (row, key PEM, certificate PEM);
    the key is not kept."""
    key_pem, cert = client_certificate_issue(
        common_name=client_text(subsystem), organisation=subsystem.member.name, days=days
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    with transaction.atomic():
        row = ClientCertificate.objects.create(
            subsystem=subsystem,
            serial=format(cert.serial_number, "X"),
            fingerprint=hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest(),
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            pem=cert_pem.decode(),
            issued_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            action="exchange.certificate.issue",
            obj=row,
            changes={"subsystem": str(subsystem), "serial": row.serial},
        )
    return row, key_pem, cert_pem


def certificate_files_write(folder: Path, *, key_pem: bytes, cert_pem: bytes) -> None:
    """What a client installs: ``client.pem``, ``client.key.pem`` (private) and the CA's ``ca.pem``."""
    folder.mkdir(parents=True, exist_ok=True)
    private_file_write(folder / "client.key.pem", key_pem)
    (folder / "client.pem").write_bytes(cert_pem)
    (folder / "ca.pem").write_bytes(ca_file().read_bytes())


def certificate_renew(
    *, actor: Any, certificate: ClientCertificate, days: int = 365
) -> tuple[ClientCertificate, bytes, bytes]:
    """A new certificate (new key) for the same subsystem; the old one stays valid until it ends or is revoked,
    so the client can switch without a gap."""
    if certificate.revoked_at is not None:
        raise Conflict(_("A revoked certificate cannot be renewed: issue a new one."))
    return certificate_issue(actor=actor, subsystem=certificate.subsystem, days=days)


def certificate_revoke(*, actor: Any, certificate: ClientCertificate, reason: str) -> ClientCertificate:
    with transaction.atomic():
        if certificate.revoked_at is None:
            certificate.revoked_at = timezone.now()
            certificate.revocation_reason = reason[:200]
            certificate.save(update_fields=["revoked_at", "revocation_reason"])
            audit_record(actor=actor, action="exchange.certificate.revoke", obj=certificate, changes={"reason": reason})
    return certificate


def registry_entry_save(*, actor: Any, entry: Model, fields: list[str], created: bool) -> Model:
    """Save an entry of the registry edited by hand (the admin), audited as ``exchange.<model>.add|change``."""
    with transaction.atomic():
        entry.save()
        audit_record(
            actor=actor,
            action=f"exchange.{entry._meta.model_name}.{'add' if created else 'change'}",
            obj=entry,
            changes={"fields": fields},
        )
    return entry


def registry_entry_delete(*, actor: Any, entry: Model) -> None:
    """Delete an entry of the registry by hand (the admin), audited as ``exchange.<model>.delete``."""
    with transaction.atomic():
        audit_record(actor=actor, action=f"exchange.{entry._meta.model_name}.delete", obj=entry)
        entry.delete()
