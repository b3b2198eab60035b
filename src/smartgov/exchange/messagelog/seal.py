"""Sealing the message log: a signed checkpoint of its head, start and newest batch, outside the database.

The checkpoint goes to the platform's store (``smartgov.platform.checkpoints``), under the name ``exchange-log``.
It vouches only for what was checked: the records taken in since the previous checkpoint (links and keyed
hashes), with the start, the legacy part and the sealed batch where the previous checkpoint had them. A log that
contradicts the previous checkpoint is not sealed (``LogSealRefused``). The head's row is locked meanwhile, so
no record is taken in and the archive does not move the start while a checkpoint is being written.
"""

from typing import Any

from django.db import transaction

from smartgov.exchange.messagelog.verify import LOG, LogFault, log_compare, log_compare_batch, log_state, log_walk
from smartgov.exchange.models import LogChainHead
from smartgov.platform.checkpoints import Checkpoint, checkpoint_append, checkpoint_latest


class LogSealRefused(Exception):
    """The message log contradicts its newest checkpoint (or its key): it is not sealed."""

    def __init__(self, reason: str, record: int | None = None) -> None:
        super().__init__(f"at record {record}: {reason}" if record is not None else reason)
        self.reason, self.record = reason, record


def log_check_since_checkpoint(head: LogChainHead) -> Checkpoint | None:
    """Check what changed since the newest checkpoint (``LogSealRefused`` when it does not hold); returns that
    checkpoint. Call it with the head's row locked."""
    try:
        latest = checkpoint_latest(LOG)
    except ValueError as exc:
        raise LogSealRefused(f"the newest checkpoint does not verify: {exc}") from None
    try:
        if latest is None:
            log_walk(head, after=(head.anchor_id, head.anchor))
        else:
            log_compare(head, latest.state, latest.describe())
            sealed_id, sealed_hash = latest.state["head"]
            after = (int(sealed_id), str(sealed_hash)) if sealed_id > head.anchor_id else (head.anchor_id, head.anchor)
            log_walk(head, after=after)
            log_compare_batch(head, latest.state, latest.describe())
    except LogFault as fault:
        raise LogSealRefused(fault.reason, fault.record) from None
    return latest


def log_seal(*, accept_break: str = "") -> Checkpoint | None:
    """Write the next checkpoint of the message log; ``None`` when nothing changed since the last one.
    ``accept_break``: seal the log as it is although it contradicts the newest checkpoint (a restore), recording
    the reason; the log is still checked from its start."""
    with transaction.atomic():
        head = LogChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            return None
        state = log_state(head)
        note: dict[str, Any] = {}
        if accept_break:
            try:
                previous = checkpoint_latest(LOG)
            except ValueError:
                previous = None
            try:
                log_walk(head, after=(head.anchor_id, head.anchor))
            except LogFault as fault:
                raise LogSealRefused(fault.reason, fault.record) from None
            note = {"break": accept_break, "previous": previous.number if previous is not None else None}
        else:
            latest = log_check_since_checkpoint(head)
            if latest is not None and latest.state == state:
                return None
        return checkpoint_append(log=LOG, state=state, note=note)
