"""The applicant's documents on a dossier: uploaded (checked by content) or reused from the document store."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartgov.identity.selectors import User
from smartgov.platform.errors import Conflict, DomainError, NotFound
from smartgov.platform.services.audit import audit_record
from smartgov.procedures.domain.status import Status
from smartgov.procedures.models import Attachment, Dossier, StoredDocument
from smartgov.procedures.services.dossiers import _locked
from smartgov.procedures.services.store import document_store_add

if TYPE_CHECKING:
    from smartgov.procedures.uploads import CheckedUpload


def _attachable(dossier_id: int, *, applicant: User, component: str) -> Dossier:
    """The applicant's dossier, locked, if it takes documents now (a draft, or a supplement is asked) and the
    procedure has ``component``."""
    dossier = _locked(dossier_id, version=None)
    if dossier.applicant_id != applicant.pk:
        raise NotFound(_("No such dossier."))
    if dossier.status not in (Status.DRAFT, Status.SUPPLEMENT_REQUESTED):
        raise Conflict(_("Documents can be added to a draft or when a supplement is requested."))
    if component not in {c["code"] for c in dossier.procedure.components}:
        raise DomainError(_("This procedure has no such document component."))
    return dossier


def attachment_add(*, applicant: User, dossier_id: int, component: str, upload: Any) -> Attachment:
    """Attach a document to a draft or to a dossier waiting for a supplement (type checked by content)."""
    from smartgov.procedures.uploads import upload_check

    checked = upload_check(upload)  # before the dossier is locked: the inspection may take seconds
    with transaction.atomic():
        dossier = _attachable(dossier_id, applicant=applicant, component=component)
        attachment = attachment_store(dossier=dossier, component=component, checked=checked, owner=applicant)
        audit_record(
            actor=applicant,
            action="procedures.attachment.add",
            obj=attachment,
            changes={"dossier": dossier.pk, "component": component, "sha256": checked.sha256},
        )
    return attachment


def attachment_reuse(*, applicant: User, dossier_id: int, component: str, document_id: int) -> Attachment:
    """Attach a document from the applicant's store (once-only): the same stored file, no new upload."""
    with transaction.atomic():
        dossier = _attachable(dossier_id, applicant=applicant, component=component)
        document = StoredDocument.objects.filter(pk=document_id, owner=applicant).first()
        if document is None:
            raise NotFound(_("No such document in your store."))
        attachment = Attachment.objects.create(
            dossier=dossier,
            component=component,
            file=document.file.name,
            original_name=document.title[:200],
            content_type=document.content_type,
            size=document.size,
            sha256=document.sha256,
            uploaded_at=timezone.now(),
            reused_from=document,
        )
        audit_record(
            actor=applicant,
            action="procedures.attachment.reuse",
            obj=attachment,
            changes={"dossier": dossier.pk, "component": component, "document": document.pk},
        )
    return attachment


def attachment_store(
    *, dossier: Dossier, component: str, checked: "CheckedUpload", owner: User, at: datetime | None = None
) -> Attachment:
    """Keep an inspected file as ``dossier``'s document for ``component``, and in its owner's document store (the
    applicant's upload, and a dossier received from the national portal, alike); inside the caller's transaction."""
    attachment = Attachment(
        dossier=dossier,
        component=component,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_at=at or timezone.now(),
    )
    attachment.file.save(checked.sha256, checked.content, save=False)
    attachment.save()
    document_store_add(
        owner=owner,
        kind=StoredDocument.Kind.UPLOAD,
        title=checked.name,
        file_name=attachment.file.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        component=component,
        source_dossier=dossier,
    )
    return attachment
