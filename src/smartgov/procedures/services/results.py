"""Issuing the signed result of a dossier when its processing is approved, into the applicant's store."""

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from smartgov.platform.models import Agency
from smartgov.platform.services.audit import audit_record
from smartgov.procedures.models import Dossier, DossierResult, StoredDocument
from smartgov.procedures.results import pdf_sign, result_code_new, result_pdf
from smartgov.procedures.services.store import document_store_add


def result_issue(*, dossier: Dossier, signed_by: Agency) -> DossierResult:
    """Draw the result from the procedure's template, sign it with ``signed_by``'s certificate, keep it and put
    it in the applicant's store. Call inside the approving transaction (the dossier row is locked)."""
    code = result_code_new()  # 8 characters of 32: a clash is refused by the unique index, never overwritten
    verify_url = f"{settings.SMARTGOV_SITE_URL}{reverse('procedures:verify')}?{urlencode({'ma': code})}"
    pdf = result_pdf(dossier, code=code, verify_url=verify_url, signed_by=signed_by)
    signed = pdf_sign(pdf, agency=signed_by, reason=f"Kết quả giải quyết hồ sơ {dossier.code}")
    digest = hashlib.sha256(signed.data).hexdigest()
    result = DossierResult(
        dossier=dossier,
        code=code,
        sha256=digest,
        size=len(signed.data),
        signed_at=timezone.now(),
        signer=signed.signer[:300],
        certificate_serial=signed.serial[:64],
    )
    result.file.save(f"{dossier.code}-{code}.pdf", ContentFile(signed.data))
    document_store_add(
        owner=dossier.applicant,
        kind=StoredDocument.Kind.RESULT,
        title=f"{dossier.procedure.name} — {dossier.code}",
        file_name=result.file.name,
        content_type="application/pdf",
        size=result.size,
        sha256=digest,
        source_dossier=dossier,
    )
    audit_record(
        actor=None,
        actor_label=f"signing:{signed_by.code}",
        action="procedures.result.sign",
        obj=result,
        changes={"dossier": dossier.pk, "sha256": digest, "certificate": result.certificate_serial},
    )
    return result
