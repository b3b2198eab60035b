"""Reading and verifying the audit log."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

from smartgov.platform.models import AuditChainHead, AuditEntry
from smartgov.platform.services.audit import GENESIS_HASH, entry_digest


@dataclass(frozen=True)
class AuditVerifyResult:
    ok: bool
    checked: int
    broken_id: int | None = None
    reason: str = ""


def audit_verify(*, progress: Callable[[int], None] | None = None, chunk_size: int = 2000) -> AuditVerifyResult:
    """Recompute the chain from the first row; report the first row that was edited or follows a deletion.

    - a row whose content no longer gives its hash was edited;
    - a row whose ``prev_hash`` is not the previous row's hash follows deleted (or inserted) rows;
    - a chain that ends before the head's last entry lost its newest rows.
    """
    prev_hash = GENESIS_HASH
    last_id = 0
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=chunk_size):
        if entry.prev_hash != prev_hash:
            return AuditVerifyResult(False, checked, entry.id, "rows before this one were deleted or altered")
        if entry_digest(entry, prev_hash) != entry.hash:
            return AuditVerifyResult(False, checked, entry.id, "this row was edited")
        prev_hash = entry.hash
        last_id = entry.id
        checked += 1
        if progress is not None:
            progress(1)
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_entry_id != last_id or head.last_hash != prev_hash):
        return AuditVerifyResult(
            False, checked, head.last_entry_id, "the newest rows were deleted (the chain ends before its head)"
        )
    if head is None and checked:
        return AuditVerifyResult(False, checked, None, "the chain head is missing")
    return AuditVerifyResult(True, checked)


def audit_for_object(*, object_type: str, object_id: str) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(object_type=object_type, object_id=object_id).order_by("id")


def audit_tail(*, limit: int = 20) -> list[AuditEntry]:
    return list(reversed(AuditEntry.objects.order_by("-id")[:limit]))
