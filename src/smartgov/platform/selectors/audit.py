"""Reading and verifying the audit log.

``audit_verify`` proves the log against the key and the newest signed checkpoint:

- every row's HMAC (a row edited, even with its chain recomputed, fails: the key is not in the database);
- every chain gap-free from its start to its head, each row linked to the one before;
- every chain's start (anchor) where the checkpoint has it (first rows deleted and the anchor rewritten);
- every chain's head at or beyond the checkpoint's, through the very row the checkpoint sealed (newest rows
  deleted and the head moved back);
- the legacy rows (before the chains) by their SHA-256 chain, ending where the checkpoint has it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, QuerySet

from smartgov.platform.chainkey import MacChecker
from smartgov.platform.checkpoints import Checkpoint, checkpoints_check
from smartgov.platform.models import AuditChain, AuditEntry, AuditLegacyHead
from smartgov.platform.services.audit import GENESIS_HASH, entry_message, legacy_entry_digest

LOG = "audit"
Progress = Callable[[int], None] | None


@dataclass(frozen=True)
class AuditVerifyResult:
    ok: bool
    checked: int
    broken_id: int | None = None
    reason: str = ""
    chain: int | None = None
    seq: int | None = None
    #: The checkpoint the database was compared with (its number), if any.
    checkpoint: int | None = None
    notes: tuple[str, ...] = ()

    def where(self) -> str:
        if self.chain is not None:
            row = f" (entry #{self.broken_id})" if self.broken_id is not None else ""
            return f"chain {self.chain} seq {self.seq}{row}"
        if self.broken_id is not None:
            return f"legacy entry #{self.broken_id}"
        return "the checkpoint store" if self.checkpoint is None else f"checkpoint {self.checkpoint}"


class AuditFault(Exception):
    def __init__(self, reason: str, *, entry_id: int | None = None, chain: int | None = None, seq: int | None = None):
        super().__init__(reason)
        self.reason, self.entry_id, self.chain, self.seq = reason, entry_id, chain, seq


@dataclass(frozen=True)
class Head:
    chain: int
    seq: int
    hash: str
    anchor_seq: int
    anchor_hash: str


def audit_heads() -> dict[int, Head]:
    return {
        h[0]: Head(*h) for h in AuditChain.objects.values_list("id", "seq", "last_hash", "anchor_seq", "anchor_hash")
    }


def audit_state(heads: dict[int, Head] | None = None) -> dict[str, Any]:
    """The log as a checkpoint states it: each used chain's (seq, hash), each start that is not the genesis,
    and the legacy chain's end."""
    heads = audit_heads() if heads is None else heads
    legacy = AuditLegacyHead.objects.filter(pk=1).values_list("last_entry_id", "last_hash").first()
    return {
        "chains": {str(h.chain): [h.seq, h.hash] for h in sorted(heads.values(), key=lambda h: h.chain) if h.seq},
        "anchors": {
            str(h.chain): [h.anchor_seq, h.anchor_hash]
            for h in sorted(heads.values(), key=lambda h: h.chain)
            if (h.anchor_seq, h.anchor_hash) != (0, GENESIS_HASH)
        },
        "legacy": list(legacy) if legacy is not None else None,
    }


def _sealed(state: dict[str, Any], part: str, chain: int) -> tuple[int, str]:
    value = state.get(part, {}).get(str(chain))
    return (int(value[0]), str(value[1])) if value else (0, GENESIS_HASH)


def _walk(
    chain: int,
    *,
    after: tuple[int, str],
    head: Head,
    pin: tuple[int, str] | None,
    checker: MacChecker,
    progress: Progress,
    chunk_size: int,
) -> int:
    """Check chain ``chain`` from the row after ``after`` (seq, hash) to its head; ``pin``: a (seq, hash) that
    row must carry (what a checkpoint sealed). Returns the rows checked."""
    expected, prev = after[0] + 1, after[1]
    rows = AuditEntry.objects.filter(chain=chain, seq__gt=after[0], seq__lte=head.seq).order_by("seq")
    for entry in rows.iterator(chunk_size=chunk_size):
        assert entry.seq is not None  # noqa: S101 - filtered on
        if entry.seq != expected:
            missing = f"row {expected} is" if entry.seq == expected + 1 else f"rows {expected}–{entry.seq - 1} are"
            raise AuditFault(f"{missing} missing from the chain", entry_id=entry.id, chain=chain, seq=expected)
        if entry.prev_hash != prev:
            raise AuditFault(
                "the link to the previous row is broken: rows before it were deleted or altered",
                entry_id=entry.id,
                chain=chain,
                seq=entry.seq,
            )
        if not checker.matches(entry_message(entry, prev), entry.hash):
            raise AuditFault(
                "this row was edited: its HMAC does not match (the chain was recomputed without the key)",
                entry_id=entry.id,
                chain=chain,
                seq=entry.seq,
            )
        if pin is not None and entry.seq == pin[0] and entry.hash != pin[1]:
            raise AuditFault(
                "this row is not the one the checkpoint sealed", entry_id=entry.id, chain=chain, seq=entry.seq
            )
        prev, expected = entry.hash, expected + 1
        if progress is not None:
            progress(1)
    last = expected - 1
    if last < head.seq:
        raise AuditFault(
            f"the chain ends at seq {last} but its head says {head.seq}: the newest rows were deleted",
            chain=chain,
            seq=last + 1,
        )
    if prev != head.hash:
        raise AuditFault("the head's hash is not the last row's", chain=chain, seq=head.seq)
    beyond = AuditEntry.objects.filter(chain=chain, seq__gt=head.seq).aggregate(Max("seq"))["seq__max"]
    if beyond is not None:  # appended since the heads were read, or a head moved back over rows still there
        now = AuditChain.objects.filter(pk=chain).values_list("seq", flat=True).first() or 0
        if beyond > now:
            raise AuditFault(
                f"rows up to seq {beyond} lie beyond the head (seq {now}): the head was moved back",
                chain=chain,
                seq=now + 1,
            )
    return last - after[0]


def _check_legacy(sealed: dict[str, Any] | None, checkpoint: str, progress: Progress, chunk_size: int) -> int:
    """The legacy rows: SHA-256 chain by id from the genesis to the legacy head, which is where the checkpoint
    has it."""
    head = AuditLegacyHead.objects.filter(pk=1).values_list("last_entry_id", "last_hash").first()
    if sealed is not None and (list(head) if head else None) != sealed.get("legacy"):
        raise AuditFault(f"the legacy chain's head is not where {checkpoint} has it: rows were deleted")
    prev, last_id, checked = GENESIS_HASH, 0, 0
    for entry in AuditEntry.objects.filter(chain__isnull=True).order_by("id").iterator(chunk_size=chunk_size):
        if entry.prev_hash != prev:
            raise AuditFault("the link to the previous legacy row is broken: rows were deleted", entry_id=entry.id)
        if legacy_entry_digest(entry, prev) != entry.hash:
            raise AuditFault("this legacy row was edited", entry_id=entry.id)
        prev, last_id, checked = entry.hash, entry.id, checked + 1
        if progress is not None:
            progress(1)
    if (head is None and checked) or (head is not None and (last_id, prev) != tuple(head)):
        raise AuditFault("the legacy chain does not end at its head: its newest rows were deleted")
    return checked


def audit_chains_check(
    heads: dict[int, Head],
    sealed: dict[str, Any] | None,
    *,
    checkpoint: str = "the genesis",
    incremental: bool = False,
    progress: Progress = None,
    chunk_size: int = 2000,
) -> int:
    """Check every chain against ``sealed`` (a checkpoint's state; ``None``: none yet). ``incremental``: only the
    rows after what ``sealed`` covers (sealing); otherwise every row from each chain's start (verifying).
    Raises ``AuditFault``; returns the rows checked."""
    checker = MacChecker()
    state = sealed or {}
    checked = 0
    if not incremental or sealed is None:
        checked += _check_legacy(sealed, checkpoint, progress, chunk_size)
    elif sealed.get("legacy") != audit_state(heads)["legacy"]:
        raise AuditFault(f"the legacy chain's head is not where {checkpoint} has it: rows were deleted")
    sealed_chains: Iterable[str] = state.get("chains", {}).keys()
    for chain in sorted(set(heads) | {int(c) for c in sealed_chains}):
        sealed_seq, sealed_hash = _sealed(state, "chains", chain)
        anchor = _sealed(state, "anchors", chain)
        head = heads.get(chain)
        if head is None:
            raise AuditFault(
                f"the chain's head is gone; {checkpoint} sealed it up to seq {sealed_seq}: the chain was deleted",
                chain=chain,
                seq=sealed_seq,
            )
        if (head.anchor_seq, head.anchor_hash) != anchor:
            raise AuditFault(
                f"the chain's start was moved from seq {anchor[0]} ({checkpoint}) to seq {head.anchor_seq}: "
                "its first rows were deleted and the anchor rewritten",
                chain=chain,
                seq=head.anchor_seq,
            )
        if head.seq < sealed_seq:
            raise AuditFault(
                f"{checkpoint} sealed the chain up to seq {sealed_seq}, the database ends at seq {head.seq}: "
                "the newest rows were deleted and the head moved back",
                chain=chain,
                seq=head.seq + 1,
            )
        if incremental:
            after, pin = (max(sealed_seq, anchor[0]), sealed_hash if sealed_seq > anchor[0] else anchor[1]), None
        else:
            after, pin = anchor, ((sealed_seq, sealed_hash) if sealed_seq > anchor[0] else None)
        checked += _walk(
            chain, after=after, head=head, pin=pin, checker=checker, progress=progress, chunk_size=chunk_size
        )
    return checked


def audit_verify(*, progress: Progress = None, chunk_size: int = 2000) -> AuditVerifyResult:
    """Prove the whole log against the key and the newest checkpoint; report the first fault, where it is."""
    store = checkpoints_check(LOG)
    latest: Checkpoint | None = store.latest
    number = latest.number if latest is not None else None
    if store.problem:
        return AuditVerifyResult(
            False, 0, reason=f"the checkpoint store is damaged: {store.problem}", checkpoint=number
        )
    heads = audit_heads()
    try:
        checked = audit_chains_check(
            heads,
            latest.state if latest is not None else None,
            checkpoint=latest.describe() if latest is not None else "the genesis",
            progress=progress,
            chunk_size=chunk_size,
        )
        orphans = AuditEntry.objects.filter(chain__isnull=False).exclude(chain__in=list(heads))
        orphan = orphans.values_list("chain", flat=True).first()
        if orphan is not None and not AuditChain.objects.filter(pk=orphan).exists():  # not a chain new just now
            raise AuditFault("rows of a chain without a head: the head was deleted", chain=orphan)
    except AuditFault as fault:
        return AuditVerifyResult(
            False, 0, fault.entry_id, fault.reason, chain=fault.chain, seq=fault.seq, checkpoint=number
        )
    notes = [f"checkpoint {n} recorded a break: {reason}" for n, reason in store.breaks]
    if latest is None and checked:
        notes.append("the log was never sealed: deleted newest or first rows cannot be proved (run `audit seal`)")
    return AuditVerifyResult(True, checked, checkpoint=number, notes=tuple(notes))


def audit_for_object(*, object_type: str, object_id: str) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(object_type=object_type, object_id=object_id).order_by("id")


def audit_tail(*, limit: int = 20) -> list[AuditEntry]:
    return list(reversed(AuditEntry.objects.order_by("-id")[:limit]))
