"""Attacks on the message log by someone holding the database's credentials, each found by
`smartgov exchange verify`.

The attacker edits rows with raw SQL and recomputes the chain with plain SHA-256 over the published record
format: everything but the key, which is not in the database, and the gateway's signing key, which signs the
batches. The checkpoints are in a folder the database cannot reach. Each attack leaves the database consistent
in itself where that is possible, and the real command exits 1 naming the record.
"""

from contextlib import redirect_stdout
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from smartgov.exchange.messagelog.chain import GENESIS, as_chained, legacy_chain_hash
from smartgov.exchange.messagelog.verify import log_verify
from smartgov.exchange.models import LogBatch, LogChainHead, MessageRecord
from smartgov.exchange.services.messagelog import log_batches_sign, log_ingest

pytestmark = pytest.mark.django_db(transaction=True)


def _calls(exchange, n: int) -> None:
    headers = {"X-Road-Client": exchange.civil_id, "X-SmartGov-Api-Key": exchange.key}
    for _ in range(n):
        assert exchange.http.get(f"{exchange.url}/citizens/031195001234", headers=headers).status_code == 200
    assert log_ingest() == n


def _log(exchange, settings, *, records: int, batch: int) -> list[MessageRecord]:
    """``records`` calls logged, signed in batches of ``batch``, sealed."""
    settings.SMARTGOV_EXCHANGE_BATCH = batch
    _calls(exchange, records)
    log_batches_sign(max_age=timedelta(0))
    call_command("exchange", "seal")
    return list(MessageRecord.objects.order_by("id"))


def _verify() -> tuple[int, str]:
    """``smartgov exchange verify``: its exit status and what it printed (on one line)."""
    out = StringIO()
    with redirect_stdout(out):
        try:
            call_command("exchange", "verify")
            status = 0
        except SystemExit as exit_:
            status = int(exit_.code or 0)
    return status, " ".join(out.getvalue().split())


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _recompute(from_id: int) -> str:
    """Re-hash every record from ``from_id`` on the only way possible without the key: SHA-256 over the
    published canonical form; the head follows. Returns the new last hash."""
    before = MessageRecord.objects.filter(id__lt=from_id).order_by("-id").first()
    prev = before.hash if before is not None else GENESIS
    for row in MessageRecord.objects.filter(id__gte=from_id).order_by("id"):
        new = legacy_chain_hash(prev, as_chained(row))
        _sql("UPDATE exchange_messagerecord SET prev_hash = %s, hash = %s WHERE id = %s", [prev, new, row.id])
        prev = new
    _sql("UPDATE exchange_logchainhead SET last_hash = %s", [prev])
    return prev


def _without_checkpoints() -> None:
    store = Path(settings.SMARTGOV_AUDIT_CHECKPOINT_DIR)
    store.rename(store.with_name(store.name + "-aside"))


def test_a_record_edited_and_the_chain_recomputed_is_found(exchange, settings):
    rows = _log(exchange, settings, records=10, batch=4)
    victim = rows[5]
    _sql("UPDATE exchange_messagerecord SET status = 500 WHERE id = %s", [victim.id])
    last = _recompute(victim.id)
    for batch in LogBatch.objects.all():  # the batches' hashes follow too; their signatures cannot
        fresh = MessageRecord.objects.get(pk=batch.last_id).hash
        _sql("UPDATE exchange_logbatch SET last_hash = %s WHERE id = %s", [fresh, batch.id])
    assert LogChainHead.objects.get().last_hash == last
    status, out = _verify()
    assert status == 1
    assert f"BROKEN at record {victim.id}: the record's content does not match its hash" in out


def test_the_last_signed_batch_deleted_with_its_head_contradicts_the_checkpoint(exchange, settings):
    rows = _log(exchange, settings, records=9, batch=3)
    last_batch = LogBatch.objects.order_by("-last_id").first()
    assert last_batch.last_id == rows[-1].id
    _sql("UPDATE exchange_messagerecord SET batch_id = NULL WHERE batch_id = %s", [last_batch.id])
    _sql("DELETE FROM exchange_logbatch WHERE id = %s", [last_batch.id])
    _sql("DELETE FROM exchange_messagerecord WHERE id >= %s", [rows[6].id])
    _sql("UPDATE exchange_logchainhead SET last_id = %s, last_hash = %s", [rows[5].id, rows[5].hash])
    status, out = _verify()
    assert status == 1
    assert f"BROKEN at record {rows[6].id}:" in out
    assert f"sealed the log up to record {rows[8].id}, signed batches up to record {rows[8].id}" in out
    assert f"the database ends at record {rows[5].id}: the newest records were deleted" in out
    with pytest.raises(SystemExit):
        call_command("exchange", "seal")  # the periodic seal does not bless it
    _without_checkpoints()
    assert _verify()[0] == 0  # consistent in itself: only the checkpoint proves the deletion


def test_the_first_records_deleted_and_the_anchor_rewritten_contradict_the_checkpoint(exchange, settings):
    rows = _log(exchange, settings, records=9, batch=3)
    first_batch = LogBatch.objects.order_by("first_id").first()
    _sql("UPDATE exchange_messagerecord SET batch_id = NULL WHERE batch_id = %s", [first_batch.id])
    _sql("DELETE FROM exchange_logbatch WHERE id = %s", [first_batch.id])
    _sql("DELETE FROM exchange_messagerecord WHERE id <= %s", [rows[2].id])
    _sql("UPDATE exchange_logchainhead SET anchor_id = %s, anchor = %s", [rows[2].id, rows[2].hash])
    status, out = _verify()
    assert status == 1
    assert f"BROKEN at record {rows[2].id}: the log's start was moved from record 0 (checkpoint 1 of" in out
    assert "first records were deleted and the anchor rewritten" in out
    with pytest.raises(SystemExit):
        call_command("exchange", "seal")
    _without_checkpoints()
    assert _verify()[0] == 0  # an archive moves the start too: only the checkpoint tells them apart


def test_a_recent_record_neither_signed_nor_sealed_edited_is_found(exchange, settings):
    _log(exchange, settings, records=6, batch=3)
    _calls(exchange, 3)  # taken in after the checkpoint, not yet in a batch
    recent = list(MessageRecord.objects.filter(batch__isnull=True).order_by("id"))
    assert len(recent) == 3
    victim = recent[1]
    _sql("UPDATE exchange_messagerecord SET client = %s WHERE id = %s", ["VN-HP/GOV/000.00.04.H31/KHAC", victim.id])
    _recompute(victim.id)
    status, out = _verify()
    assert status == 1 and f"BROKEN at record {victim.id}: the record's content does not match its hash" in out
    with pytest.raises(SystemExit):
        call_command("exchange", "seal")


def test_records_from_before_the_key_verify_as_written_and_their_end_is_sealed(exchange, settings):
    settings.SMARTGOV_EXCHANGE_BATCH = 100
    _calls(exchange, 3)
    rows = list(MessageRecord.objects.order_by("id"))
    _recompute(rows[0].id)  # the log as the previous version chained it: SHA-256, no key, no legacy end yet
    _sql("UPDATE exchange_logchainhead SET legacy_last_id = NULL", [])
    assert log_verify().ok
    _calls(exchange, 2)  # the first ingest under the key: the legacy part ends at the third record
    assert LogChainHead.objects.get().legacy_last_id == rows[-1].id
    call_command("exchange", "seal")
    assert _verify()[0] == 0
    # an attacker makes every record "legacy", edits one and recomputes everything with SHA-256
    newest = MessageRecord.objects.order_by("-id").first()
    _sql("UPDATE exchange_logchainhead SET legacy_last_id = %s", [newest.id])
    _sql("UPDATE exchange_messagerecord SET status = 404 WHERE id = %s", [newest.id])
    _recompute(rows[0].id)
    assert log_verify().ok is False
    status, out = _verify()
    assert status == 1 and "the end of the legacy (unkeyed) records moved since checkpoint 1" in out


def test_archiving_moves_the_start_with_a_checkpoint_of_its_own(exchange, settings, tmp_path):
    from django.utils import timezone

    from smartgov.exchange.services.messagelog import log_archive
    from smartgov.platform.checkpoints import checkpoints_check

    rows = _log(exchange, settings, records=6, batch=3)
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert log_archive(before=tomorrow, out=tmp_path / "archive.jsonl.gz") == 6
    store = checkpoints_check("exchange-log")
    assert store.latest is not None and store.latest.note["archive"]["last_id"] == rows[-1].id
    assert store.latest.state["anchor"] == [rows[-1].id, rows[-1].hash]
    _calls(exchange, 2)
    call_command("exchange", "seal")
    status, out = _verify()
    assert status == 0 and "OK: 2 records" in out and "against checkpoint 3" in out
