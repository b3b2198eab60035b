"""Every database write of the message log (the ``messagelog`` package keeps the journal, the chain's rules, the
keys, verification and sealing):

- ``log_ingest``: journal lines taken into ``MessageRecord``, chained under the head's lock, exactly once (how
  far each journal file was read is saved in the same transaction);
- ``log_batches_sign`` / ``log_batches_timestamp``: runs of records signed with the gateway's Ed25519 key,
  RFC 3161 time-stamped when configured;
- ``log_archive``: records past retention exported with their batches and removed; the anchor moves, sealed.

They run in ``smartgov exchange serve``'s supervising process, the Celery beat job ``exchange.ship_message_log``
and ``smartgov exchange ingest`` — never in a web worker's thread.
"""

import base64
import contextlib
import gzip
import hashlib
import json
import logging
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from smartgov.exchange.messagelog.archive import batch_line, record_line
from smartgov.exchange.messagelog.batches import batch_digest, batch_message, key_id, log_signing_key
from smartgov.exchange.messagelog.chain import as_chained, chain_hash, row_from_line
from smartgov.exchange.messagelog.journal import journal_files, writer_alive
from smartgov.exchange.messagelog.seal import log_check_since_checkpoint
from smartgov.exchange.messagelog.verify import LOG, log_state
from smartgov.exchange.models import JournalOffset, LogBatch, LogChainHead, MessageRecord
from smartgov.platform.chainkey import chain_keys
from smartgov.platform.checkpoints import checkpoint_append
from smartgov.platform.timestamps import timestamp_fetch

logger = logging.getLogger(__name__)


# --- taking the journals in ------------------------------------------------------------------------------------
def log_ingest(*, directory: str | Path | None = None, limit: int = 5000) -> int:
    """Take new journal lines into the message log, chained. Returns how many records were added."""
    folder = Path(directory or settings.SMARTGOV_EXCHANGE_JOURNAL_DIR)
    if not folder.exists():
        return 0
    added = 0
    for path in journal_files(folder):
        while True:
            n = _ingest_file(path, limit)
            added += n
            if n < limit:
                break
        _forget_if_done(path)
    return added


def _ingest_file(path: Path, limit: int) -> int:
    key = chain_keys()[0]
    with contextlib.suppress(IntegrityError):  # another shipper made it at the same moment
        LogChainHead.objects.get_or_create(pk=1)
    with transaction.atomic():
        # the write lock first (an UPDATE of the head row: a row lock on PostgreSQL, the write lock on SQLite),
        # then read where we are: two shippers never take the same lines
        LogChainHead.objects.filter(pk=1).update(last_id=F("last_id"))
        head = LogChainHead.objects.get(pk=1)
        offset_row, _ = JournalOffset.objects.get_or_create(name=path.name)
        try:
            with path.open("rb") as stream:
                stream.seek(offset_row.offset)
                data = stream.read(limit * 4096)
        except FileNotFoundError:
            return 0
        end = data.rfind(b"\n")
        if end < 0:
            return 0
        lines = data[: end + 1].splitlines()[:limit]
        consumed = sum(len(line) + 1 for line in lines)
        rows = []
        prev = head.last_hash
        for raw in lines:
            row = row_from_line(json.loads(raw))
            row.prev_hash = prev
            row.hash = prev = chain_hash(key, prev, as_chained(row))
            rows.append(row)
        MessageRecord.objects.bulk_create(rows, batch_size=500)  # ids come back (RETURNING) on every database used
        if head.legacy_last_id is None:  # the first records chained under the key: the legacy part ends here
            head.legacy_last_id = head.last_id
        head.last_id, head.last_hash = rows[-1].pk, prev
        head.save(update_fields=["last_id", "last_hash", "legacy_last_id"])
        offset_row.offset += consumed
        offset_row.save(update_fields=["offset"])
    return len(rows)


def _forget_if_done(path: Path) -> None:
    """A journal fully taken whose writer has gone (or that has been quiet for an hour) is removed."""
    try:
        size, mtime = path.stat().st_size, path.stat().st_mtime
    except FileNotFoundError:
        return
    offset = JournalOffset.objects.filter(name=path.name).values_list("offset", flat=True).first() or 0
    if offset >= size and (not writer_alive(path.name) or time.time() - mtime > 3600):
        path.unlink(missing_ok=True)
        JournalOffset.objects.filter(name=path.name).delete()


# --- signed batches ---------------------------------------------------------------------------------------------
def log_batches_sign(*, max_age: timedelta = timedelta(seconds=30)) -> int:
    """Sign full batches, and a partial one whose oldest record waited longer than ``max_age``."""
    size = settings.SMARTGOV_EXCHANGE_BATCH
    key = log_signing_key()
    signed = 0
    while True:
        with transaction.atomic():
            pending = list(
                MessageRecord.objects.select_for_update()
                .filter(batch__isnull=True)
                .order_by("id")
                .values_list("id", "hash", "request_at")[:size]
            )
            if not pending:
                return signed
            if len(pending) < size and timezone.now() - pending[0][2] < max_age:
                return signed
            first_id, last_id, last_hash = pending[0][0], pending[-1][0], pending[-1][1]
            signature = key.sign(batch_message(first_id, last_id, len(pending), last_hash))
            batch = LogBatch.objects.create(
                first_id=first_id,
                last_id=last_id,
                count=len(pending),
                last_hash=last_hash,
                signature=base64.b64encode(signature).decode(),
                key_id=key_id(key.public_key()),
                signed_at=timezone.now(),
            )
            MessageRecord.objects.filter(id__gte=first_id, id__lte=last_id, batch__isnull=True).update(batch=batch)
            signed += 1
        log_batches_timestamp()  # outside the lock: the time-stamping authority is another server


def log_batches_timestamp(*, limit: int = 100) -> int:
    """Have the signed batches without a token time-stamped by ``SMARTGOV_EXCHANGE_TSA_URL`` (RFC 3161, over the
    SHA-256 of the signed message). An authority that does not answer is tried again at the next round."""
    url = settings.SMARTGOV_EXCHANGE_TSA_URL
    if not url:
        return 0
    stamped = 0
    for batch in LogBatch.objects.filter(timestamp_token__isnull=True).order_by("first_id")[:limit]:
        try:
            token = timestamp_fetch(url, batch_digest(batch))
        except Exception:  # the authority is down or refused: the batch stays signed, stamped later
            logger.warning("time-stamping authority %s failed; retrying later", url)
            return stamped
        LogBatch.objects.filter(pk=batch.pk).update(timestamp_token=token, timestamped_at=timezone.now())
        stamped += 1
    return stamped


# --- archive ------------------------------------------------------------------------------------------------------
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
            stream.write(json.dumps(batch_line(batch)) + "\n")
        for row in records.iterator(chunk_size=2000):
            stream.write(json.dumps(record_line(row), ensure_ascii=False) + "\n")
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
