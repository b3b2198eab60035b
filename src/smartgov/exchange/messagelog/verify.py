"""Proving the message log: the chain under its key, every batch signature, and the newest signed checkpoint.

- a record edited, even with the chain recomputed after it, no longer matches its keyed hash (the key is not in
  the database) or its signed batch;
- the newest records deleted and the head moved back (signed batches included): the checkpoint is ahead;
- the first records deleted and the anchor rewritten: the checkpoint has the start elsewhere;
- a recent record, not yet in a batch or a checkpoint, edited: its keyed hash.
"""

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature

from smartgov.exchange.messagelog.batches import batch_message, log_signing_key, timestamp_check
from smartgov.exchange.messagelog.chain import as_chained, chain_message, legacy_chain_hash
from smartgov.exchange.models import LogBatch, LogChainHead, MessageRecord
from smartgov.platform.chainkey import MacChecker
from smartgov.platform.checkpoints import checkpoints_check

#: The message log's name in the platform's checkpoint store.
LOG = "exchange-log"
Progress = Callable[[int], None] | None


@dataclass
class Verdict:
    ok: bool
    records: int
    batches: int
    bad_record: int | None = None
    reason: str = ""
    #: The checkpoint the database was compared with (its number), if any.
    checkpoint: int | None = None
    notes: tuple[str, ...] = ()


class LogFault(Exception):
    def __init__(self, reason: str, record: int | None = None) -> None:
        super().__init__(reason)
        self.reason, self.record = reason, record


def log_state(head: LogChainHead) -> dict[str, Any]:
    """The log as a checkpoint states it: its head, its start, where the legacy records end, its newest batch."""
    batch = LogBatch.objects.order_by("-last_id").values_list("last_id", "last_hash").first()
    return {
        "head": [head.last_id, head.last_hash],
        "anchor": [head.anchor_id, head.anchor],
        "legacy_last_id": head.legacy_last_id,
        "batch": list(batch) if batch is not None else None,
    }


def log_compare(head: LogChainHead, sealed: dict[str, Any], checkpoint: str) -> None:
    """The head, the start and the legacy part against what ``checkpoint`` sealed."""
    anchor_id, anchor = sealed["anchor"]
    if [head.anchor_id, head.anchor] != [anchor_id, anchor]:
        raise LogFault(
            f"the log's start was moved from record {anchor_id} ({checkpoint}) to record {head.anchor_id}: "
            "its first records were deleted and the anchor rewritten",
            head.anchor_id,
        )
    sealed_id, _sealed_hash = sealed["head"]
    batch = sealed.get("batch")
    if head.last_id < sealed_id:
        batches = f", signed batches up to record {batch[0]}" if batch else ""
        raise LogFault(
            f"{checkpoint} sealed the log up to record {sealed_id}{batches}; the database ends at record "
            f"{head.last_id}: the newest records were deleted and the head moved back",
            head.last_id + 1,
        )
    legacy = sealed.get("legacy_last_id")
    if head.legacy_last_id != legacy and not (
        legacy is None and head.legacy_last_id is not None and head.legacy_last_id >= sealed_id
    ):
        raise LogFault(f"the end of the legacy (unkeyed) records moved since {checkpoint}", head.legacy_last_id)


def log_compare_batch(head: LogChainHead, sealed: dict[str, Any], checkpoint: str) -> None:
    """The newest signed batch ``checkpoint`` sealed is still there, as it was (unless archived since)."""
    batch = sealed.get("batch")
    if batch and batch[0] > head.anchor_id:
        found = LogBatch.objects.filter(last_id=batch[0]).values_list("last_hash", flat=True).first()
        if found != batch[1]:
            raise LogFault(
                f"the signed batch ending at record {batch[0]} that {checkpoint} sealed is gone or changed", batch[0]
            )


def _hash_matches(row: MessageRecord, prev: str, legacy_last_id: int | None, checker: MacChecker) -> bool:
    chained = as_chained(row)
    if legacy_last_id is None or row.id <= legacy_last_id:
        return legacy_chain_hash(prev, chained) == row.hash
    return checker.matches(chain_message(prev, chained), row.hash)


def log_walk(
    head: LogChainHead,
    *,
    after: tuple[int, str],
    pin: tuple[int, str] | None = None,
    batches: dict[int, LogBatch] | None = None,
    progress: Progress = None,
) -> int:
    """Check the records after ``after`` (id, hash) up to the head: each linked to the one before, each hash right
    (``pin``: the (id, hash) a checkpoint sealed); with ``batches``, each signed batch's signature and range."""
    checker = MacChecker()
    public = log_signing_key().public_key() if batches is not None else None
    prev, count, batch_records, last_id = after[1], 0, 0, after[0]
    first_of_batch: int | None = None
    rows = MessageRecord.objects.filter(id__gt=after[0], id__lte=head.last_id).order_by("id")
    for row in rows.iterator(chunk_size=2000):
        if row.prev_hash != prev:
            raise LogFault("the link to the previous record is broken: records before it were deleted", row.id)
        if not _hash_matches(row, prev, head.legacy_last_id, checker):
            raise LogFault("the record's content does not match its hash: it was edited", row.id)
        if pin is not None and row.id == pin[0] and row.hash != pin[1]:
            raise LogFault("the record is not the one the checkpoint sealed", row.id)
        prev, last_id, count = row.hash, row.id, count + 1
        first_of_batch = row.id if first_of_batch is None else first_of_batch
        batch_records += 1
        batch = batches.get(row.id) if batches is not None else None
        if batch is not None and public is not None:
            message = batch_message(batch.first_id, batch.last_id, batch.count, batch.last_hash)
            try:
                public.verify(base64.b64decode(batch.signature), message)
            except InvalidSignature:
                raise LogFault("the batch signature is invalid", row.id) from None
            if batch.last_hash != row.hash or batch.count != batch_records or batch.first_id != first_of_batch:
                raise LogFault("the signed batch does not match the records", row.id)
            if batch.timestamp_token is not None and (problem := timestamp_check(batch)):
                raise LogFault(problem, row.id)
            first_of_batch, batch_records = None, 0
        if progress is not None:
            progress(1)
    if (last_id, prev) != (head.last_id, head.last_hash):
        raise LogFault("records are missing at the end of the log (the head is further on)", last_id + 1)
    beyond = MessageRecord.objects.filter(id__gt=head.last_id).order_by("-id").values_list("id", flat=True).first()
    if beyond is not None:  # taken in since the head was read, or a head moved back over records still there
        now = LogChainHead.objects.filter(pk=1).values_list("last_id", flat=True).first() or 0
        if beyond > now:
            raise LogFault(f"records up to {beyond} lie beyond the head ({now}): the head was moved back", now + 1)
    return count


def log_verify(*, progress: Progress = None) -> Verdict:
    """Recompute the chain over every record, check every batch signature and compare with the newest
    checkpoint; stop at the first fault."""
    store = checkpoints_check(LOG)
    latest = store.latest
    number = latest.number if latest is not None else None
    batches = {b.last_id: b for b in LogBatch.objects.all()}
    if store.problem:
        return Verdict(False, 0, len(batches), None, f"the checkpoint store is damaged: {store.problem}", number)
    head = LogChainHead.objects.filter(pk=1).first()
    try:
        if head is None:
            if latest is not None:
                raise LogFault(f"the chain head is gone, but {latest.describe()} sealed the log")
            if MessageRecord.objects.exists():
                raise LogFault("records without a chain head")
            return Verdict(True, 0, 0)
        if latest is not None:
            log_compare(head, latest.state, latest.describe())
        sealed = latest.state["head"] if latest is not None else None
        pin = (int(sealed[0]), str(sealed[1])) if sealed is not None and sealed[0] > head.anchor_id else None
        count = log_walk(head, after=(head.anchor_id, head.anchor), pin=pin, batches=batches, progress=progress)
        if latest is not None:
            log_compare_batch(head, latest.state, latest.describe())
    except LogFault as fault:
        return Verdict(False, 0, len(batches), fault.record, fault.reason, number)
    notes = [f"checkpoint {n} recorded a break: {reason}" for n, reason in store.breaks]
    if latest is None and count:
        notes.append("the log was never sealed: deleted newest or first records cannot be proved")
    return Verdict(True, count, len(batches), checkpoint=number, notes=tuple(notes))
