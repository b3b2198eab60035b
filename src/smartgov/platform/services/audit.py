"""Writing the audit log: one hash-chained row per change, in the caller's transaction."""

import hashlib
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from smartgov.platform.models import AuditChainHead, AuditEntry

GENESIS_HASH = "0" * 64
PENDING_PREFIX = "pending:"
#: Keys whose values never enter a log: the audit log, security events, anything a person may read later.
SECRET_MARKERS = ("password", "token", "secret", "otp", "private_key", "recovery_code")


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record() must be called inside the service's transaction.atomic() block")


def scrub_secrets(changes: Any) -> Any:
    """Drop values whose key names a secret: the audit log must never hold a password or a token."""
    if isinstance(changes, dict):
        return {
            key: ("[removed]" if any(m in str(key).lower() for m in SECRET_MARKERS) else scrub_secrets(value))
            for key, value in changes.items()
        }
    if isinstance(changes, list):
        return [scrub_secrets(value) for value in changes]
    return changes


def entry_digest(entry: AuditEntry, prev_hash: str) -> str:
    """The hash of ``entry`` chained to ``prev_hash``: SHA-256 over canonical JSON (same on every database)."""
    occurred = entry.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    content = {
        "id": entry.id,
        "occurred_at": occurred,
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "changes": entry.changes,
        "request_id": entry.request_id,
        "ip_address": entry.ip_address,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def _lock_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditChainHead.objects.bulk_create(
            [AuditChainHead(pk=1, last_entry_id=0, last_hash=GENESIS_HASH)], ignore_conflicts=True
        )
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def audit_record(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    actor_label: str = "",
    request: HttpRequest | None = None,
) -> AuditEntry:
    """Append who did ``action`` to which object. Call it inside the service's transaction."""
    _require_transaction()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:250]
    if not actor_label:
        actor_label = f"user:{actor.pk} {actor.get_username()}" if actor is not None else "system"
    request_id = ""
    ip_address = None
    if request is not None:
        request_id = getattr(request, "request_id", "")
        ip_address = request.META.get("REMOTE_ADDR") or None

    head = _lock_head()
    entry = AuditEntry(
        occurred_at=timezone.now(),
        actor_id=actor.pk if actor is not None else None,
        actor_label=actor_label[:200],
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:250],
        changes=json.loads(json.dumps(scrub_secrets(changes or {}), default=str)),
        request_id=request_id,
        ip_address=ip_address,
        prev_hash=head.last_hash,
        hash=PENDING_PREFIX + uuid.uuid4().hex,
    )
    entry.save()  # the id is part of the hash, so it is known only after the insert
    entry.hash = entry_digest(entry, head.last_hash)
    # The triggers allow exactly this one update: a pending hash filled in, in the same transaction.
    AuditEntry.objects.filter(pk=entry.pk).update(hash=entry.hash)
    head.last_entry_id = entry.id
    head.last_hash = entry.hash
    head.save(update_fields=["last_entry_id", "last_hash"])
    return entry


@contextmanager
def audit_maintenance() -> Iterator[None]:
    """Allow changes to audit rows within the current connection (the triggers refuse them otherwise).

    Used by the test suite's table flush and by archive/retention jobs; whatever it changes in the chain is
    reported by ``smartgov audit verify``.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('smartgov.audit_maintenance', 'on', false)")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('smartgov.audit_maintenance', 'off', false)")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT OR REPLACE INTO platform_auditguard (id, open) VALUES (1, 1)")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("INSERT OR REPLACE INTO platform_auditguard (id, open) VALUES (1, 0)")
    else:
        yield
