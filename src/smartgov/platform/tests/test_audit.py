"""The audit log: keyed chains, append-only triggers, tamper detection, secrets never stored. The attacks of
someone holding the database's credentials are in test_audit_tamper.py."""

import itertools
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from smartgov.platform.chainkey import chain_keys, chain_mac
from smartgov.platform.models import AuditChain, AuditEntry
from smartgov.platform.selectors.audit import audit_verify
from smartgov.platform.services.audit import GENESIS_HASH, audit_maintenance, audit_record, entry_message

pytestmark = pytest.mark.django_db


def _write(n: int) -> list[AuditEntry]:
    entries = []
    for i in range(n):
        with transaction.atomic():
            entries.append(
                audit_record(
                    actor=None,
                    action="platform.test.write",
                    object_type="platform.test",
                    object_id=str(i),
                    changes={"b": [None, i], "a": {"z": "Thành Đông", "y": [1, 2]}},
                )
            )
    return entries


def _tamper(sql: str, params: list) -> None:
    with audit_maintenance(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_chain_links_every_row_and_survives_the_database_roundtrip():
    entries = _write(30)
    assert entries[0].prev_hash == GENESIS_HASH and entries[0].seq == 1
    chain = entries[0].chain
    for earlier, later in itertools.pairwise(entries):  # one connection: one chain, no gaps
        assert (later.chain, later.seq, later.prev_hash) == (chain, earlier.seq + 1, earlier.hash)
    key = chain_keys()[0]
    for stored in AuditEntry.objects.order_by("id"):  # read back: jsonb key order, datetime precision
        assert chain_mac(key, entry_message(stored, stored.prev_hash)) == stored.hash
    result = audit_verify()
    assert result.ok and result.checked == 30
    head = AuditChain.objects.get(pk=chain)
    assert (head.seq, head.last_hash) == (30, entries[-1].hash)


def test_edited_row_is_reported_at_that_row():
    entries = _write(10)
    _tamper("UPDATE platform_auditentry SET action = %s WHERE id = %s", ["platform.test.forged", entries[4].id])
    result = audit_verify()
    assert not result.ok
    assert (result.broken_id, result.chain, result.seq) == (entries[4].id, entries[4].chain, 5)
    assert "edited" in result.reason


def test_deleted_middle_row_is_reported_where_the_gap_is():
    entries = _write(10)
    _tamper("DELETE FROM platform_auditentry WHERE id = %s", [entries[5].id])
    result = audit_verify()
    assert (result.ok, result.broken_id, result.seq) == (False, entries[6].id, 6)
    assert "missing" in result.reason


def test_deleted_newest_rows_are_reported():
    entries = _write(5)
    _tamper("DELETE FROM platform_auditentry WHERE id >= %s", [entries[3].id])
    result = audit_verify()
    assert not result.ok
    assert "newest rows" in result.reason and result.seq == 4


def test_verify_command_exit_status():
    entries = _write(3)
    out = StringIO()
    call_command("audit", "verify", verbosity=0, stdout=out)
    _tamper("UPDATE platform_auditentry SET changes = %s WHERE id = %s", ['{"b": [null, 99]}', entries[1].id])
    with pytest.raises(CommandError, match=f"chain {entries[1].chain} seq 2 \\(entry #{entries[1].id}\\)"):
        call_command("audit", "verify", verbosity=0)


def test_database_refuses_update_and_delete():
    (entry,) = _write(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="platform.test.forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "platform.test.write"


def test_secrets_never_reach_the_log():
    with transaction.atomic():
        entry = audit_record(
            actor=None,
            action="identity.user.update",
            object_type="identity.user",
            object_id="1",
            changes={"password": ["old", "new"], "otp_secret": "JBSW", "email": ["a@x.vn", "b@x.vn"]},
        )
    entry.refresh_from_db()
    assert entry.changes["password"] == "[removed]"
    assert entry.changes["otp_secret"] == "[removed]"
    assert entry.changes["email"] == ["a@x.vn", "b@x.vn"]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="transaction"):
        audit_record(actor=None, action="platform.test.write", object_type="x", object_id="1")


def test_object_and_actor_are_described(django_user_model):
    user = django_user_model.objects.create_user(username="canbo", password="a-long-password-1")
    with transaction.atomic():
        entry = audit_record(actor=user, action="identity.user.touch", obj=user, changes={})
    assert entry.object_type == "identity.user"
    assert entry.object_id == str(user.pk)
    assert entry.actor_label == f"user:{user.pk} canbo"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("chains", [16, 1])
def test_concurrent_appends_keep_valid_gap_free_chains(settings, chains):
    """Six writers at once: on sixteen chains they mostly keep out of each other's way; on one chain every
    append races the others (the remembered head is stale, the compare-and-swap fails, the head is locked)."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrency of the chain heads is exercised on PostgreSQL")
    settings.SMARTGOV_AUDIT_CHAINS = chains
    errors: list[BaseException] = []

    def writer(worker: int) -> None:
        from django.db import connections

        try:
            for i in range(10):
                with transaction.atomic():
                    audit_record(actor=None, action="platform.test.write", object_type="w", object_id=f"{worker}-{i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    result = audit_verify()
    assert result.ok and result.checked == 60
    used = AuditChain.objects.filter(seq__gt=0)
    assert sum(used.values_list("seq", flat=True)) == 60
    if chains == 1:
        assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, 61))


def test_a_rolled_back_append_leaves_no_gap():
    (first,) = _write(1)
    with pytest.raises(RuntimeError, match="failed"), transaction.atomic():
        audit_record(actor=None, action="platform.test.write", object_type="x", object_id="lost")
        raise RuntimeError("the service failed after its audit row")  # the row and the head's move roll back
    (second,) = _write(1)  # the head this connection remembers is gone: it appends after the real head
    assert (second.chain, second.seq, second.prev_hash) == (first.chain, 2, first.hash)
    assert audit_verify().ok
