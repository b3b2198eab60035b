"""The citizen's electronic data store ("kho dữ liệu điện tử", Decree 45/2020 and 107/2021): every result
they received and every document they uploaded, reusable in a new dossier without uploading it again (the
once-only principle), shareable with an agency for a purpose and a time, kept by retention rules.

A stored document points at the same file as the attachment or result it came from: storing is free, and
removing a document from the store never removes a dossier's own records.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartgov.identity.selectors import User
from smartgov.platform.errors import DomainError, NotFound
from smartgov.platform.models import Agency
from smartgov.platform.services.audit import audit_record
from smartgov.procedures.models import DocumentShare, Dossier, StoredDocument

Kind = StoredDocument.Kind


def _retain_until(kind: str) -> Any:
    days = settings.SMARTGOV_DOCUMENT_RETENTION_DAYS.get(kind)
    return timezone.localdate() + timedelta(days=days) if days else None


def document_store_add(
    *,
    owner: User,
    kind: str,
    title: str,
    file_name: str,
    content_type: str,
    size: int,
    sha256: str,
    component: str = "",
    source_dossier: Dossier | None = None,
) -> StoredDocument:
    """Keep a document in the owner's store (the same content again keeps one entry, its retention renewed)."""
    document, created = StoredDocument.objects.get_or_create(
        owner=owner,
        sha256=sha256,
        kind=kind,
        defaults={
            "title": title[:300],
            "file": file_name,
            "content_type": content_type,
            "size": size,
            "component": component,
            "source_dossier": source_dossier,
            "created_at": timezone.now(),
            "retain_until": _retain_until(kind),
        },
    )
    if not created and document.retain_until is not None:
        document.retain_until = _retain_until(kind)
        document.save(update_fields=["retain_until"])
    return document


def document_share(*, owner: User, document_id: int, agency: Agency, purpose: str, days: int) -> DocumentShare:
    """Let ``agency`` see one of the owner's documents for ``purpose``, for ``days`` days (the owner's consent)."""
    if not purpose.strip():
        raise DomainError(_("Say what the agency needs the document for."))
    if not 1 <= days <= 365:
        raise DomainError(_("A document can be shared for 1 to 365 days."))
    with transaction.atomic():
        document = StoredDocument.objects.filter(pk=document_id, owner=owner).first()
        if document is None:
            raise NotFound(_("No such document in your store."))
        now = timezone.now()
        share = DocumentShare.objects.create(
            document=document,
            agency=agency,
            purpose=purpose.strip()[:300],
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        audit_record(
            actor=owner,
            action="procedures.document.share",
            obj=share,
            changes={"document": document.pk, "agency": agency.code, "days": days},
        )
    return share


def document_share_revoke(*, owner: User, share_id: int) -> DocumentShare:
    with transaction.atomic():
        share = DocumentShare.objects.select_for_update().filter(pk=share_id, document__owner=owner).first()
        if share is None:
            raise NotFound(_("No such share."))
        if share.revoked_at is None:
            share.revoked_at = timezone.now()
            share.save(update_fields=["revoked_at"])
            audit_record(actor=owner, action="procedures.document.unshare", obj=share)
    return share


def document_remove(*, owner: User, document_id: int) -> None:
    """Take a document out of the owner's store (the dossiers it was used in keep their copy)."""
    with transaction.atomic():
        document = StoredDocument.objects.filter(pk=document_id, owner=owner).first()
        if document is None:
            raise NotFound(_("No such document in your store."))
        audit_record(actor=owner, action="procedures.document.remove", obj=document, changes={"kind": document.kind})
        document.delete()


def documents_purge_expired() -> int:
    """Remove the stored documents whose retention ended (daily job)."""
    with transaction.atomic():
        expired = StoredDocument.objects.filter(retain_until__lt=timezone.localdate())
        count = expired.count()
        if count:
            audit_record(
                actor=None, actor_label="retention", action="procedures.document.purge", changes={"count": count}
            )
            expired.delete()
    return count
