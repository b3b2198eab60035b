"""Taking journal lines into the database, chained, exactly once."""

import contextlib
import json
import os
import time
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from smartgov.exchange.messagelog.chain import as_chained, chain_hash, row_from_line
from smartgov.exchange.models import JournalOffset, LogChainHead, MessageRecord
from smartgov.platform.chainkey import chain_keys


def _pid_alive(name: str) -> bool:
    try:
        os.kill(int(name.split("-", 1)[0]), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def _journal_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.jsonl"), key=lambda p: (p.stat().st_mtime, p.name))


def log_ingest(*, directory: str | Path | None = None, limit: int = 5000) -> int:
    """Take new journal lines into the message log, chained. Returns how many records were added."""
    folder = Path(directory or settings.SMARTGOV_EXCHANGE_JOURNAL_DIR)
    if not folder.exists():
        return 0
    added = 0
    for path in _journal_files(folder):
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
    if offset >= size and (not _pid_alive(path.name) or time.time() - mtime > 3600):
        path.unlink(missing_ok=True)
        JournalOffset.objects.filter(name=path.name).delete()
