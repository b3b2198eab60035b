"""Writing the audit log: one keyed, chained row per change, in the caller's transaction.

An append computes the row's HMAC from its chain's head (``AuditChain``) before the insert, so the row is never
updated afterwards. The chain is the one this database connection appended to last (at first: picked from the
connection's server process id). On PostgreSQL an append is usually one statement: the connection remembers the
head it left, and a compare-and-swap moves it and inserts the row; if the head moved meanwhile, the append locks
a head first, taking the next free chain rather than waiting when another transaction holds this one
(``SKIP LOCKED``). So concurrent writers do not queue behind one head, and a write pays one round trip for its
audit row. On SQLite (one writer at a time anyway): lock, insert, move the head.
"""

import hashlib
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest
from django.utils import timezone

from smartgov.platform.auditguard import MAINTENANCE_SETTING, guard_install, guard_uninstall
from smartgov.platform.chainkey import chain_keys, chain_mac
from smartgov.platform.models import AuditChain, AuditEntry
from smartgov.platform.net import client_address

GENESIS_HASH = "0" * 64
#: Keys whose values never enter a log: the audit log, security events, anything a person may read later.
SECRET_MARKERS = ("password", "token", "secret", "otp", "private_key", "recovery_code")
#: The (chain, seq, hash) a database connection appended last: its chain, and the head as it left it.
_LAST_HEAD = "_smartgov_audit_head"


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


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _canonical(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_message(entry: AuditEntry, prev_hash: str) -> bytes:
    """What a chained row's HMAC covers: the previous hash, the row's chain and place, and its content, as
    canonical JSON (sorted keys, UTC time with microseconds: the same bytes on every database)."""
    content = {
        "chain": entry.chain,
        "seq": entry.seq,
        "occurred_at": _utc(entry.occurred_at),
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
    return f"smartgov-audit/2|{prev_hash}|{_canonical(content)}".encode()


def legacy_entry_digest(entry: AuditEntry, prev_hash: str) -> str:
    """The hash of a legacy row (written before the keyed chains): SHA-256 over the previous hash and the row,
    its id included."""
    content = {
        "id": entry.id,
        "occurred_at": _utc(entry.occurred_at),
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
    return hashlib.sha256((prev_hash + _canonical(content)).encode()).hexdigest()


def _preferred_chain(connection: BaseDatabaseWrapper, chains: int) -> int:
    last = getattr(connection, _LAST_HEAD, None)
    if last is not None and last[0] < chains:
        return int(last[0])
    pid = getattr(getattr(connection.connection, "info", None), "backend_pid", None)  # psycopg 3, no query
    return int(pid if pid is not None else os.getpid() * 31 + threading.get_ident()) % chains


def _chain_lock(connection: BaseDatabaseWrapper, chains: int) -> tuple[int, int, str]:
    """Lock a chain's head for this transaction: (chain, last seq, last hash)."""
    table = connection.ops.quote_name(AuditChain._meta.db_table)
    preferred = _preferred_chain(connection, chains)
    with connection.cursor() as cursor:
        for _attempt in range(2):
            row = None
            if connection.features.has_select_for_update_skip_locked:
                # the preferred chain, or the next one no other transaction holds
                cursor.execute(
                    f"SELECT id, seq, last_hash FROM {table} WHERE id < %s "  # noqa: S608 - a table name
                    "ORDER BY (id + %s - %s) %% %s LIMIT 1 FOR UPDATE SKIP LOCKED",  # nosec B608  # a table name
                    [chains, chains, preferred, chains],
                )
                row = cursor.fetchone()
            if row is None:  # every chain is busy (or SQLite, whose writers queue anyway): wait for ours
                suffix = " FOR UPDATE" if connection.features.has_select_for_update else ""
                sql = f"SELECT id, seq, last_hash FROM {table} WHERE id = %s{suffix}"  # noqa: S608  # nosec B608
                cursor.execute(sql, [preferred])  # the table's quoted name and a fixed suffix; values are parameters
                row = cursor.fetchone()
            if row is not None:
                return int(row[0]), int(row[1]), str(row[2])
            AuditChain.objects.using(connection.alias).bulk_create(
                [AuditChain(id=n) for n in range(chains)], ignore_conflicts=True
            )
    raise RuntimeError("the audit chain heads cannot be created")


_APPEND_SQL = """WITH head AS (
    UPDATE {chains} SET seq = %s, last_hash = %s WHERE id = %s AND seq = %s AND last_hash = %s RETURNING id
)
INSERT INTO {entries} (occurred_at, actor_id, actor_label, action, object_type, object_id, object_repr, changes,
                       request_id, ip_address, chain, seq, prev_hash, hash)
SELECT %s::timestamptz, %s::bigint, %s, %s, %s, %s, %s, %s::jsonb, %s, %s::inet, %s, %s, %s, %s FROM head
RETURNING id"""


def _append(connection: BaseDatabaseWrapper, key: bytes, entry: AuditEntry, head: tuple[int, int, str]) -> bool:
    """Append ``entry`` to the chain after ``head`` (chain, seq, hash) in one statement, if the head is still there
    (compare and swap: the head's row lock orders concurrent appends). ``False``: the head has moved on."""
    chain, seq, prev_hash = head
    entry.chain, entry.seq, entry.prev_hash = chain, seq + 1, prev_hash
    entry.hash = chain_mac(key, entry_message(entry, prev_hash))
    sql = _APPEND_SQL.format(
        chains=connection.ops.quote_name(AuditChain._meta.db_table),
        entries=connection.ops.quote_name(AuditEntry._meta.db_table),
    )
    params = [
        *(entry.seq, entry.hash, chain, seq, prev_hash),
        *(entry.occurred_at, entry.actor_id, entry.actor_label, entry.action, entry.object_type, entry.object_id),
        *(entry.object_repr, json.dumps(entry.changes), entry.request_id, entry.ip_address),
        *(chain, entry.seq, prev_hash, entry.hash),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    entry.id = row[0]
    entry._state.adding, entry._state.db = False, connection.alias
    return True


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
        ip_address = client_address(request)

    key = chain_keys()[0]
    connection = transaction.get_connection()
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
    )
    chains = settings.SMARTGOV_AUDIT_CHAINS
    if connection.vendor == "postgresql":
        # Most appends: this connection appended to its chain last, and nobody else did since; the head it
        # remembers is still the head, and one statement moves it and inserts the row. Otherwise (first append,
        # another writer came by, a rolled-back transaction): lock a head, then the same statement.
        last = getattr(connection, _LAST_HEAD, None)
        if not (last is not None and last[0] < chains and _append(connection, key, entry, last)):
            head = _chain_lock(connection, chains)
            if not _append(connection, key, entry, head):
                raise RuntimeError("the locked audit chain head moved")
    else:
        chain, seq, prev_hash = _chain_lock(connection, chains)
        entry.chain, entry.seq, entry.prev_hash = chain, seq + 1, prev_hash
        entry.hash = chain_mac(key, entry_message(entry, prev_hash))
        entry.save(force_insert=True)
        AuditChain.objects.filter(pk=chain).update(seq=entry.seq, last_hash=entry.hash)
    setattr(connection, _LAST_HEAD, (entry.chain, entry.seq, entry.hash))
    return entry


@contextmanager
def audit_maintenance(*, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Allow changes to audit rows within this block (the triggers refuse them otherwise).

    PostgreSQL: sets ``smartgov.audit_maintenance`` for this connection; the triggers still refuse unless the
    connection's role is a member of ``smartgov_audit_maintainer`` (the application's role is not). SQLite:
    drops the triggers and creates them again afterwards. Used by the test suite's table flush; whatever it
    changes in a chain is reported by ``smartgov audit verify``.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', false)", [MAINTENANCE_SETTING])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'off', false)", [MAINTENANCE_SETTING])
    elif connection.vendor == "sqlite":
        guard_uninstall(connection)
        try:
            yield
        finally:
            guard_install(connection)
    else:
        yield
