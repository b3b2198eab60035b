"""Sealing the audit log: a signed checkpoint of every chain's head, written outside the database.

A checkpoint vouches only for what was checked: the rows appended since the previous checkpoint are verified
(keys, links, no gaps) and the chains' starts and the legacy chain must be where the previous checkpoint had
them. A database that contradicts the previous checkpoint is not sealed: ``AuditSealRefused`` says why, and
the periodic task logs it as an error. After a known break (a database restored from a backup), an operator
seals the database as it now is with ``accept_break``: the checkpoint records the reason, and
``smartgov audit verify`` shows it from then on.
"""

import logging

from smartgov.platform.checkpoints import Checkpoint, checkpoint_append, checkpoint_latest
from smartgov.platform.selectors.audit import LOG, AuditFault, audit_chains_check, audit_heads, audit_state

logger = logging.getLogger(__name__)


class AuditSealRefused(Exception):
    """The database contradicts the newest checkpoint (or its own key): it is not sealed."""

    def __init__(self, reason: str, *, where: str = "") -> None:
        super().__init__(f"at {where}: {reason}" if where else reason)
        self.reason, self.where = reason, where


def audit_seal(*, accept_break: str = "") -> Checkpoint | None:
    """Write the next checkpoint of the audit log; ``None`` when nothing changed since the last one."""
    try:
        latest = checkpoint_latest(LOG)
    except ValueError as exc:
        raise AuditSealRefused(f"the newest checkpoint does not verify: {exc}") from None
    heads = audit_heads()
    state = audit_state(heads)
    if latest is not None and latest.state == state and not accept_break:
        return None
    sealed = None if accept_break else (latest.state if latest is not None else None)
    try:
        audit_chains_check(
            heads,
            sealed,
            checkpoint=latest.describe() if latest is not None and sealed is not None else "the genesis",
            incremental=sealed is not None,
        )
    except AuditFault as fault:
        where = f"chain {fault.chain} seq {fault.seq}" if fault.chain is not None else ""
        raise AuditSealRefused(fault.reason, where=where) from None
    note = {}
    if accept_break:
        note = {"break": accept_break, "previous": latest.number if latest is not None else None}
    checkpoint = checkpoint_append(log=LOG, state=state, note=note)
    logger.info("audit log sealed: %s", checkpoint.describe())
    return checkpoint
