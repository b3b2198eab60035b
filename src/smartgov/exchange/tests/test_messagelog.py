"""The message log: every call journalled before the answer, chained, signed in Ed25519 batches; editing one
stored record makes verification fail at that record; archives keep the chain provable."""

import gzip
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from smartgov.exchange.messagelog.verify import log_verify
from smartgov.exchange.models import LogBatch, LogChainHead, MessageRecord
from smartgov.exchange.services.messagelog import log_batches_sign, log_ingest

pytestmark = pytest.mark.django_db(transaction=True)


def _calls(exchange, n: int) -> list[str]:
    headers = {"X-Road-Client": exchange.civil_id, "X-SmartGov-Api-Key": exchange.key}
    ids = []
    for i in range(n):
        answer = exchange.http.get(
            f"{exchange.url}/citizens/{'031195001234' if i % 2 else '030088004321'}", headers=headers
        )
        assert answer.status_code == 200
        ids.append(answer.headers["X-Road-Request-Id"])
    return ids


def test_the_chain_verifies_and_one_edited_record_breaks_it_there(exchange, settings):
    settings.SMARTGOV_EXCHANGE_BATCH = 4
    _calls(exchange, 10)
    assert log_ingest() == 10
    assert log_batches_sign() == 2  # two full batches; the last two records wait for more or for time
    assert log_batches_sign(max_age=timedelta(0)) == 1
    verdict = log_verify()
    assert verdict.ok and verdict.records == 10 and verdict.batches == 3
    call_command("exchange", "verify")

    victim = MessageRecord.objects.order_by("id")[6]
    MessageRecord.objects.filter(pk=victim.pk).update(status=500)  # someone edits the stored record
    verdict = log_verify()
    assert not verdict.ok and verdict.bad_record == victim.pk and "content" in verdict.reason
    with pytest.raises(SystemExit):
        call_command("exchange", "verify")
    MessageRecord.objects.filter(pk=victim.pk).update(status=200)
    assert log_verify().ok

    MessageRecord.objects.filter(pk=victim.pk).update(hash="f" * 64)  # rewriting its hash too breaks the next link
    verdict = log_verify()
    assert not verdict.ok and verdict.bad_record in (victim.pk, victim.pk + 1)


def test_a_forged_batch_signature_or_a_removed_tail_is_found(exchange, settings):
    settings.SMARTGOV_EXCHANGE_BATCH = 3
    _calls(exchange, 6)
    log_ingest()
    log_batches_sign()
    batch = LogBatch.objects.order_by("first_id").last()
    good = batch.signature
    LogBatch.objects.filter(pk=batch.pk).update(signature=good[:-4] + ("AAA=" if not good.endswith("AAA=") else "BBB="))
    verdict = log_verify()
    assert not verdict.ok and verdict.bad_record == batch.last_id and "signature" in verdict.reason
    LogBatch.objects.filter(pk=batch.pk).update(signature=good)
    last = MessageRecord.objects.order_by("-id").first()
    MessageRecord.objects.filter(batch=batch).update(batch=None)
    LogBatch.objects.filter(pk=batch.pk).delete()
    MessageRecord.objects.filter(pk=last.pk).delete()  # the newest record removed, with its batch
    verdict = log_verify()
    assert not verdict.ok and "missing at the end" in verdict.reason


def test_journal_lines_are_taken_once(exchange):
    _calls(exchange, 3)
    assert log_ingest() == 3
    assert log_ingest() == 0
    _calls(exchange, 2)
    assert log_ingest() == 2
    assert (
        MessageRecord.objects.count() == 5
        and LogChainHead.objects.get().last_id == MessageRecord.objects.order_by("-id").first().id
    )


def test_bodies_are_kept_encrypted_when_configured(exchange, settings):
    import base64
    import os

    from smartgov.exchange.messagelog.journal import body_open

    settings.SMARTGOV_EXCHANGE_LOG_BODIES = True
    settings.SMARTGOV_EXCHANGE_LOG_KEY = base64.b64encode(os.urandom(32)).decode()
    _calls(exchange, 1)
    log_ingest()
    record = MessageRecord.objects.get()
    assert record.encrypted and b"Mai" not in bytes(record.response_body)
    assert "Trần Văn Bình" in body_open(bytes(record.response_body), encrypted=True).decode()
    assert log_verify().ok


def test_archive_past_retention_keeps_the_rest_provable(exchange, settings, tmp_path):
    settings.SMARTGOV_EXCHANGE_BATCH = 2
    _calls(exchange, 6)
    log_ingest()
    log_batches_sign()
    old = list(MessageRecord.objects.order_by("id").values_list("id", flat=True)[:4])
    MessageRecord.objects.filter(id__in=old).update(request_at=timezone.now() - timedelta(days=400))
    # moving the time is an edit too: re-chain the test data (with the key) as if the calls had been made then
    from smartgov.exchange.messagelog.chain import GENESIS, as_chained, chain_hash
    from smartgov.platform.chainkey import chain_keys

    prev = GENESIS
    for row in MessageRecord.objects.order_by("id"):
        row.prev_hash, row.hash = prev, chain_hash(chain_keys()[0], prev, as_chained(row))
        prev = row.hash
        row.save(update_fields=["prev_hash", "hash"])
    LogChainHead.objects.update(last_hash=prev)
    MessageRecord.objects.update(batch=None)
    LogBatch.objects.all().delete()
    log_batches_sign(max_age=timedelta(0))
    assert log_verify().ok
    out = tmp_path / "archive.jsonl.gz"
    call_command(
        "exchange", "archive", "--before", (timezone.localdate() - timedelta(days=180)).isoformat(), "--out", str(out)
    )
    with gzip.open(out, "rt", encoding="utf-8") as stream:
        lines = [json.loads(line) for line in stream]
    assert [next(iter(line)) for line in lines] == ["batch", "batch", "record", "record", "record", "record"]
    assert MessageRecord.objects.count() == 2
    verdict = log_verify()  # the remaining records link to the archived part's last hash
    assert verdict.ok and verdict.records == 2 and verdict.checkpoint == 1  # the archive sealed the new start
    head = LogChainHead.objects.get()
    assert (head.anchor_id, head.anchor) == (old[-1], lines[-1]["record"]["hash"])
    call_command("exchange", "seal")
    assert log_verify().ok
