"""Archiving the message log past its retention: whole signed batches out to a file, the start moved, sealed."""

import base64
import gzip
import hashlib
import json
from datetime import date, datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from smartgov.exchange.messagelog.chain import as_chained
from smartgov.exchange.messagelog.seal import log_check_since_checkpoint
from smartgov.exchange.messagelog.verify import LOG, log_state
from smartgov.exchange.models import LogBatch, LogChainHead, MessageRecord
from smartgov.platform.checkpoints import checkpoint_append


def _batch_line(batch: LogBatch) -> dict[str, object]:
    return {
        "batch": {
            "first_id": batch.first_id,
            "last_id": batch.last_id,
            "count": batch.count,
            "last_hash": batch.last_hash,
            "signature": batch.signature,
            "key_id": batch.key_id,
            "signed_at": batch.signed_at.isoformat(),
        }
    }


def _b64(data: bytes | memoryview | None) -> str | None:
    return base64.b64encode(bytes(data)).decode() if data is not None else None


def _record_line(row: MessageRecord) -> dict[str, object]:
    return {
        "record": {
            **as_chained(row),
            "id": row.id,
            "prev_hash": row.prev_hash,
            "hash": row.hash,
            "request_body": _b64(row.request_body),
            "response_body": _b64(row.response_body),
            "encrypted": row.encrypted,
        }
    }


def log_archive(*, before: date, out: Path) -> int:
    """Write the signed batches whose records all came before ``before`` (with those records, bodies included,
    as gzip JSON lines: the batches first, then the records) and remove them from the database.

    The chain head keeps the last archived record (id and hash) as the anchor the remaining log links to, so
    ``log_verify`` still proves it; a checkpoint noting the archive (its file's SHA-256) seals the new start.
    A log that contradicts its newest checkpoint is not archived (``LogSealRefused``)."""
    cutoff = datetime.combine(before, datetime.min.time(), tzinfo=timezone.get_current_timezone())
    batches = []
    for batch in LogBatch.objects.order_by("first_id"):
        newest = MessageRecord.objects.filter(id__gte=batch.first_id, id__lte=batch.last_id).order_by("-request_at")
        last_time = newest.values_list("request_at", flat=True).first()
        if last_time is None or last_time >= cutoff:
            break
        batches.append(batch)
    if not batches:
        return 0
    last = batches[-1]
    records = MessageRecord.objects.filter(id__lte=last.last_id).order_by("id")
    moved = 0
    with gzip.open(out, "wt", encoding="utf-8") as stream:
        for batch in batches:
            stream.write(json.dumps(_batch_line(batch)) + "\n")
        for row in records.iterator(chunk_size=2000):
            stream.write(json.dumps(_record_line(row), ensure_ascii=False) + "\n")
            moved += 1
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    with transaction.atomic():
        head = LogChainHead.objects.select_for_update().get(pk=1)
        log_check_since_checkpoint(head)  # the part archived away was checked before it goes
        head.anchor_id, head.anchor = last.last_id, last.last_hash
        head.save(update_fields=["anchor_id", "anchor"])
        records.delete()
        LogBatch.objects.filter(pk__in=[b.pk for b in batches]).delete()
        note = {"archive": {"file": out.name, "sha256": digest, "records": moved, "last_id": last.last_id}}
        checkpoint_append(log=LOG, state=log_state(head), note=note)
    return moved
