"""Attacks on the audit log by someone holding the database's credentials, each found by `smartgov audit verify`.

The attacker writes raw SQL, drops (SQLite) or disables (PostgreSQL, as the tables' owner) the triggers when
the guard is in the way, and recomputes chains with plain SHA-256 over the published row format: everything
but the key, which is not in the database. Each attack is checked both ways: the database is consistent in
itself afterwards (so only the key or the checkpoint can tell), and the real command exits 1 naming the place.
"""

import base64
import hashlib
import json
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from smartgov.platform.auditguard import MAINTAINER_ROLE
from smartgov.platform.models import AuditChain, AuditEntry, AuditLegacyHead
from smartgov.platform.selectors.audit import audit_verify
from smartgov.platform.services.audit import GENESIS_HASH, audit_record, entry_message, legacy_entry_digest
from smartgov.platform.services.audit_seal import audit_seal

pytestmark = pytest.mark.django_db


def _write(n: int, tag: str = "w") -> list[AuditEntry]:
    entries = []
    for i in range(n):
        with transaction.atomic():
            entries.append(
                audit_record(
                    actor=None,
                    action="platform.agency.update",
                    object_type="platform.agency",
                    object_id=f"{tag}{i}",
                    changes={"name": ["Sở Tư pháp", f"Sở Tư pháp {i}"]},
                )
            )
    return entries


def _verify_fails(match: str) -> str:
    with pytest.raises(CommandError, match=match) as caught:
        call_command("audit", "verify", verbosity=0)
    return str(caught.value)


def _verify_passes() -> None:
    call_command("audit", "verify", verbosity=0)


class Attacker:
    """Raw SQL on the audit tables, the guard out of the way while it works and put back afterwards."""

    def __enter__(self) -> "Attacker":
        self.cursor = connection.cursor()
        if connection.vendor == "sqlite":
            self.cursor.execute("DROP TRIGGER platform_auditentry_no_update")
            self.cursor.execute("DROP TRIGGER platform_auditentry_no_delete")
        else:
            self.cursor.execute("ALTER TABLE platform_auditentry DISABLE TRIGGER USER")
        return self

    def __exit__(self, *exc: object) -> None:
        if connection.vendor == "sqlite":
            from smartgov.platform.auditguard import SQLITE_INSTALL

            for statement in SQLITE_INSTALL:
                self.cursor.execute(statement)
        else:
            self.cursor.execute("ALTER TABLE platform_auditentry ENABLE TRIGGER USER")
        self.cursor.close()

    def sql(self, statement: str, params: list | None = None) -> None:
        self.cursor.execute(statement, params or [])

    def recompute(self, chain: int, from_seq: int) -> None:
        """Re-hash the chain from ``from_seq`` to its head the only way possible without the key: SHA-256 over
        the row's published canonical form, and move the head's hash along."""
        prev = AuditEntry.objects.get(chain=chain, seq=from_seq - 1).hash if from_seq > 1 else GENESIS_HASH
        for entry in AuditEntry.objects.filter(chain=chain, seq__gte=from_seq).order_by("seq"):
            new = hashlib.sha256(entry_message(entry, prev)).hexdigest()
            self.sql("UPDATE platform_auditentry SET prev_hash = %s, hash = %s WHERE id = %s", [prev, new, entry.id])
            prev = new
        self.sql("UPDATE platform_auditchain SET last_hash = %s WHERE id = %s", [prev, chain])


def _without_checkpoints() -> Path:
    """Move the checkpoint store aside (what verification would say without it); returns where it went."""
    store = Path(settings.SMARTGOV_AUDIT_CHECKPOINT_DIR)
    aside = store.with_name(store.name + "-aside")
    store.rename(aside)
    return aside


# --- the four attacks on the chains -----------------------------------------------------------------------------
def test_a_row_edited_and_the_chain_recomputed_is_found_by_its_key():
    entries = _write(12)
    call_command("audit", "seal")
    victim = entries[4]
    with Attacker() as attacker:
        attacker.sql("UPDATE platform_auditentry SET object_repr = %s WHERE id = %s", ["forged", victim.id])
        attacker.recompute(victim.chain, victim.seq)
    stored = AuditEntry.objects.get(pk=victim.id)
    after = AuditEntry.objects.get(chain=victim.chain, seq=victim.seq + 1)
    assert after.prev_hash == stored.hash  # the chain is consistent again: only the key tells
    assert AuditChain.objects.get(pk=victim.chain).last_hash == AuditEntry.objects.order_by("-id").first().hash
    message = _verify_fails("BROKEN")
    assert f"chain {victim.chain} seq {victim.seq} (entry #{victim.id})" in message
    assert "edited" in message and "HMAC" in message


def test_the_newest_rows_deleted_and_the_head_moved_back_contradict_the_checkpoint():
    entries = _write(10)
    call_command("audit", "seal")
    chain = entries[0].chain
    with Attacker() as attacker:
        attacker.sql("DELETE FROM platform_auditentry WHERE chain = %s AND seq > 7", [chain])
        attacker.sql("UPDATE platform_auditchain SET seq = 7, last_hash = %s WHERE id = %s", [entries[6].hash, chain])
    message = _verify_fails(f"chain {chain} seq 8")
    assert "sealed the chain up to seq 10, the database ends at seq 7" in message
    assert "newest rows were deleted" in message
    with pytest.raises(CommandError, match="NOT sealed"):  # the periodic seal does not bless it either
        call_command("audit", "seal")
    _without_checkpoints()
    _verify_passes()  # the database alone is consistent: the checkpoint is what proves the deletion


def test_the_first_rows_deleted_and_the_anchor_rewritten_contradict_the_checkpoint():
    entries = _write(10)
    call_command("audit", "seal")
    chain = entries[0].chain
    with Attacker() as attacker:
        attacker.sql("DELETE FROM platform_auditentry WHERE chain = %s AND seq <= 3", [chain])
        attacker.sql(
            "UPDATE platform_auditchain SET anchor_seq = 3, anchor_hash = %s WHERE id = %s", [entries[2].hash, chain]
        )
    message = _verify_fails(f"chain {chain} seq 3")
    assert "start was moved from seq 0 (checkpoint 1 of" in message and "first rows were deleted" in message
    with pytest.raises(CommandError, match=f"NOT sealed at chain {chain} seq 3"):
        call_command("audit", "seal")


def test_a_recent_row_not_yet_sealed_edited_is_found_by_its_key():
    _write(8)
    call_command("audit", "seal")
    recent = _write(5, tag="r")  # after the checkpoint
    victim = recent[2]
    with Attacker() as attacker:
        attacker.sql("UPDATE platform_auditentry SET changes = %s WHERE id = %s", ['{"name": ["a", "b"]}', victim.id])
        attacker.recompute(victim.chain, victim.seq)
    message = _verify_fails(f"chain {victim.chain} seq {victim.seq} \\(entry #{victim.id}\\)")
    assert "edited" in message
    with pytest.raises(CommandError, match=f"NOT sealed at chain {victim.chain} seq {victim.seq}"):
        call_command("audit", "seal")


# --- the guard ------------------------------------------------------------------------------------------------
@pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3", reason="SQLite")
def test_sqlite_the_guard_has_no_switch_a_row_write_can_flip():
    (entry,) = _write(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:  # yesterday's switch
        cursor.execute("UPDATE platform_auditguard SET open = 1")
    with transaction.atomic(), connection.cursor() as cursor:  # even rebuilt, no trigger looks at it
        cursor.execute("CREATE TABLE platform_auditguard (id integer PRIMARY KEY, open integer NOT NULL)")
        cursor.execute("INSERT INTO platform_auditguard (id, open) VALUES (1, 1)")
    for statement in ("UPDATE platform_auditentry SET action = 'forged'", "DELETE FROM platform_auditentry"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'")
        triggers = cursor.fetchall()
    assert len(triggers) == 2 and all(" WHEN " not in sql.upper() for (sql,) in triggers)
    assert AuditEntry.objects.get(pk=entry.pk).action == entry.action


@pytest.fixture
def login_roles(django_db_blocker):
    """Login roles (not superusers) on the test database, dropped afterwards."""
    made: list[str] = []

    def make(*, grants: bool = True) -> str:
        role = f"smartgov_test_{uuid.uuid4().hex[:10]}"
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE ROLE {role} LOGIN NOSUPERUSER")
        made.append(role)
        if grants:
            call_command("db", "grants", "--role", role, verbosity=0)
        return role

    yield make
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for role in made:
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


def _login(role: str) -> psycopg.Connection:
    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"], user=role, host=db["HOST"] or "localhost", port=db["PORT"] or 5432, autocommit=True
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_the_applications_role_cannot_change_rows_or_open_the_guard(login_roles):
    if connection.vendor != "postgresql":
        pytest.skip("database roles are PostgreSQL's")
    (entry,) = _write(1)
    app = login_roles()
    with _login(app) as db:
        db.execute(  # what the application does: insert rows, move a chain's head
            "INSERT INTO platform_auditentry (occurred_at, actor_label, action, object_type, object_id, object_repr,"
            " changes, request_id, prev_hash, hash, chain, seq) VALUES (now(), 'x', 'a', 't', '1', '', '{}', '',"
            " %s, %s, 999, 1)",
            [GENESIS_HASH, "f" * 64],
        )
        db.execute("UPDATE platform_auditchain SET seq = seq WHERE id = %s", [entry.chain])
        attempts = [
            "UPDATE platform_auditentry SET action = 'forged'",
            "DELETE FROM platform_auditentry",
            "TRUNCATE platform_auditentry",
            "ALTER TABLE platform_auditentry DISABLE TRIGGER USER",
            "DROP TRIGGER platform_auditentry_append_only ON platform_auditentry",
            f"SET ROLE {MAINTAINER_ROLE}",
        ]
        db.execute("SET smartgov.audit_maintenance = 'on'")  # anybody may set a custom setting: it is not enough
        for statement in attempts:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                db.execute(statement)
    # the privileges are one fence, the trigger another: with UPDATE granted by mistake, the trigger still refuses
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT UPDATE, DELETE ON platform_auditentry TO {app}")
    with _login(app) as db:
        db.execute("SET smartgov.audit_maintenance = 'on'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            db.execute("UPDATE platform_auditentry SET action = 'forged'")
    assert AuditEntry.objects.get(pk=entry.pk).action == entry.action


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_a_maintainer_opens_the_guard_only_on_purpose(login_roles):
    if connection.vendor != "postgresql":
        pytest.skip("database roles are PostgreSQL's")
    (entry,) = _write(1)
    maintainer = login_roles(grants=False)
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT {MAINTAINER_ROLE} TO {maintainer}")
        cursor.execute(f"GRANT SELECT, UPDATE ON platform_auditentry TO {maintainer}")
    with _login(maintainer) as db:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            db.execute("UPDATE platform_auditentry SET object_repr = 'archived'")
        db.execute("SET smartgov.audit_maintenance = 'on'")
        db.execute("UPDATE platform_auditentry SET object_repr = 'archived'")
    assert AuditEntry.objects.get(pk=entry.pk).object_repr == "archived"
    with pytest.raises(CommandError, match=f"member of {MAINTAINER_ROLE}"):
        call_command("db", "grants", "--role", maintainer)
    _verify_fails("edited")  # and verification reports what maintenance changed


@pytest.mark.postgres
def test_postgres_grants_refuse_a_role_that_could_drop_the_triggers():
    if connection.vendor != "postgresql":
        pytest.skip("database roles are PostgreSQL's")
    with pytest.raises(CommandError, match="superuser"):
        call_command("db", "grants", "--role", connection.settings_dict["USER"] or "postgres")
    with pytest.raises(CommandError, match="no role"):
        call_command("db", "grants", "--role", "smartgov_no_such_role")


# --- the checkpoints themselves -------------------------------------------------------------------------------
def _checkpoint_lines() -> tuple[Path, list[bytes]]:
    (path,) = sorted((Path(settings.SMARTGOV_AUDIT_CHECKPOINT_DIR) / "audit").glob("*.jsonl"))
    return path, path.read_bytes().splitlines()


def test_a_checkpoint_rewritten_or_removed_from_the_middle_is_found():
    _write(3)
    call_command("audit", "seal")
    _write(2)
    call_command("audit", "seal")
    _write(2)
    call_command("audit", "seal")
    assert audit_seal() is None  # nothing new: no checkpoint
    _verify_passes()
    path, lines = _checkpoint_lines()
    assert len(lines) == 3
    forged = json.loads(lines[2])
    forged["state"]["chains"] = {k: [v[0] - 2, v[1]] for k, v in forged["state"]["chains"].items()}
    path.write_bytes(b"\n".join([*lines[:2], json.dumps(forged).encode()]) + b"\n")
    _verify_fails("checkpoint 3's signature is invalid")
    path.write_bytes(b"\n".join([lines[0], lines[2]]) + b"\n")
    _verify_fails("checkpoint 2 is missing")


def test_checkpoints_are_time_stamped_when_an_authority_is_configured(settings, time_stamping_authorities):
    authority = time_stamping_authorities()
    settings.SMARTGOV_AUDIT_TSA_URL = authority.url
    settings.SMARTGOV_AUDIT_TSA_ROOTS = [str(authority.root_file)]
    _write(2)
    call_command("audit", "seal")
    authority.up = False  # an authority that does not answer: the checkpoint is signed all the same
    _write(1)
    call_command("audit", "seal")
    authority.up = True
    _write(1)
    call_command("audit", "seal")
    _path, lines = _checkpoint_lines()
    tokens = [json.loads(line)["timestamp"] for line in lines]
    assert tokens[0] and tokens[1] is None and tokens[2]
    _verify_passes()
    stranger = time_stamping_authorities()  # a token from an authority that is not trusted
    settings.SMARTGOV_AUDIT_TSA_URL = stranger.url
    _write(1)
    call_command("audit", "seal")
    _verify_fails("not signed by a trusted authority")


def test_an_acknowledged_break_is_sealed_and_shown():
    entries = _write(6)
    call_command("audit", "seal")
    chain = entries[0].chain
    with Attacker() as attacker:  # a restore from last night's backup looks exactly like this
        attacker.sql("DELETE FROM platform_auditentry WHERE chain = %s AND seq > 4", [chain])
        attacker.sql("UPDATE platform_auditchain SET seq = 4, last_hash = %s WHERE id = %s", [entries[3].hash, chain])
    _verify_fails("newest rows were deleted")
    call_command("audit", "seal", "--accept-break", "restored from the backup of 2026-12-01")
    result = audit_verify()
    assert result.ok and result.checkpoint == 2
    assert result.notes == ("checkpoint 2 recorded a break: restored from the backup of 2026-12-01",)


# --- rows from before the keyed chains ------------------------------------------------------------------------
def _legacy_rows(n: int) -> list[AuditEntry]:
    """Rows as the previous version wrote them: no chain, SHA-256 by id, ending at the legacy head."""
    from django.utils import timezone

    prev, rows = GENESIS_HASH, []
    with Attacker() as attacker:
        for i in range(n):
            entry = AuditEntry.objects.create(
                occurred_at=timezone.now(),
                actor_label="system",
                action="platform.old.write",
                object_type="platform.old",
                object_id=str(i),
                changes={"i": i},
                prev_hash=prev,
                hash=uuid.uuid4().hex,
            )
            entry.hash = legacy_entry_digest(entry, prev)
            attacker.sql("UPDATE platform_auditentry SET hash = %s WHERE id = %s", [entry.hash, entry.id])
            prev = entry.hash
            rows.append(entry)
    AuditLegacyHead.objects.create(pk=1, last_entry_id=rows[-1].id, last_hash=prev)
    return rows


def test_legacy_rows_are_verified_as_written_and_sealed_by_the_first_checkpoint():
    legacy = _legacy_rows(5)
    _write(3)
    _verify_passes()
    call_command("audit", "seal")
    with Attacker() as attacker:  # legacy rows were never keyed: edit one and recompute their SHA-256 chain
        attacker.sql("UPDATE platform_auditentry SET object_id = 'forged' WHERE id = %s", [legacy[1].id])
        prev = legacy[0].hash
        for row in AuditEntry.objects.filter(chain__isnull=True, id__gt=legacy[0].id).order_by("id"):
            new = legacy_entry_digest(row, prev)
            attacker.sql("UPDATE platform_auditentry SET prev_hash = %s, hash = %s WHERE id = %s", [prev, new, row.id])
            prev = new
        attacker.sql("UPDATE platform_auditlegacyhead SET last_hash = %s", [prev])
    _verify_fails("legacy chain's head is not where checkpoint 1")
    _without_checkpoints()
    _verify_passes()  # consistent in itself: the checkpoint sealed the legacy chain's end


def test_a_chain_key_kept_in_a_file_is_made_once_and_private(settings, tmp_path):
    from smartgov.platform.chainkey import chain_keys

    settings.SMARTGOV_AUDIT_KEY = ""
    settings.SMARTGOV_PKI_DIR = str(tmp_path / "pki")
    first = chain_keys()[0]
    key_file = tmp_path / "pki" / "audit-hmac.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert base64.b64decode(key_file.read_text()) == first == chain_keys()[0]
    _write(2)
    _verify_passes()
    settings.SMARTGOV_AUDIT_KEY = base64.b64encode(b"k" * 32).decode()  # a new key; the old one retired
    settings.SMARTGOV_AUDIT_KEYS_RETIRED = [key_file.read_text().strip()]
    _write(2)
    _verify_passes()
    settings.SMARTGOV_AUDIT_KEYS_RETIRED = []  # the old key forgotten: its rows no longer verify
    _verify_fails("edited")
