"""Signed results and the citizen's document store: the approval signs the result (PAdES, the agency's
certificate from the local CA), anyone verifies it, one changed byte makes it invalid; the result and the
uploads land in the store, are reused without a new upload, counted by the indicators, shared with consent."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from smartgov.platform.errors import Conflict, DomainError, NotFound
from smartgov.procedures.domain.status import Status
from smartgov.procedures.kpi import kpis
from smartgov.procedures.models import Attachment, DossierResult, Procedure, StoredDocument
from smartgov.procedures.results import pdf_verify
from smartgov.procedures.services import attachments, store
from smartgov.procedures.services import dossiers as svc
from smartgov.procedures.services.store import documents_purge_expired
from smartgov.procedures.tests.factories import BIRTH, submitted
from smartgov.procedures.tests.fixtures import staff_client

pytestmark = pytest.mark.django_db


def finished(hp, *, applicant=None):
    dossier = submitted(hp, applicant=applicant)
    svc.dossier_accept(officer=hp.officer, dossier_id=dossier.pk)
    svc.dossier_assign(officer=hp.leader, dossier_id=dossier.pk, specialist=hp.specialist)
    return svc.dossier_approve(leader=hp.leader, dossier_id=dossier.pk).dossier


def test_approval_signs_the_result_and_puts_it_in_the_store(hp):
    dossier = finished(hp)
    result = DossierResult.objects.get(dossier=dossier)
    data = result.file.read()
    check = pdf_verify(data)
    assert check.valid and check.intact and check.trusted and check.whole_file
    assert "Thành Đông" in check.signer
    assert result.code.startswith("KQ-") and len(data) == result.size
    stored = StoredDocument.objects.get(owner=hp.mai, kind="result")
    assert stored.sha256 == result.sha256 and stored.retain_until is None


def test_one_changed_byte_or_an_appended_page_makes_it_invalid(hp):
    data = DossierResult.objects.get(dossier=finished(hp)).file.read()
    start = data.index(b"/Contents") - 400  # inside the signed range
    changed = bytearray(data)
    changed[start] = changed[start] ^ 0x01
    assert not pdf_verify(bytes(changed)).valid
    assert not pdf_verify(data + b"\n%%appended\n").valid
    assert pdf_verify(b"%PDF-1.7 not really").problem.startswith(("unreadable", "unsigned"))


def test_verification_page_by_code_and_by_file(hp, client):
    result = DossierResult.objects.get(dossier=finished(hp))
    page = client.get(reverse("procedures:verify"), {"ma": result.code.lower()})
    assert page.status_code == 200 and result.dossier.code in page.content.decode()
    assert client.get(reverse("procedures:verify"), {"ma": "KQ-NOPE-NOPE"}).status_code == 404
    data = result.file.read()
    ok = client.post(reverse("procedures:verify"), {"tep": SimpleUploadedFile("kq.pdf", data, "application/pdf")})
    assert ok.status_code == 200 and ok.context["check"].valid and ok.context["matches"] == result
    tampered = bytearray(data)
    tampered[data.index(b"/Contents") - 400] ^= 0x01
    bad = client.post(
        reverse("procedures:verify"), {"tep": SimpleUploadedFile("kq.pdf", bytes(tampered), "application/pdf")}
    )
    assert bad.status_code == 200 and not bad.context["check"].valid and bad.context["matches"] is None
    assert client.post(reverse("procedures:verify"), {}).status_code == 400


def test_reuse_needs_no_upload_and_counts_in_the_indicators(hp):
    first = submitted(hp)
    uploads = StoredDocument.objects.filter(owner=hp.mai, kind="upload")
    assert uploads.count() == 1  # the same file for three components: one entry
    document = uploads.get()
    procedure = Procedure.objects.get(code="1.001193")
    draft = svc.dossier_draft_save(applicant=hp.mai, procedure=procedure, receiving_agency=hp.ward, form_data=BIRTH)
    for component in procedure.components:
        if component["required"]:
            attachments.attachment_reuse(
                applicant=hp.mai, dossier_id=draft.pk, component=component["code"], document_id=document.pk
            )
    second = svc.dossier_submit(applicant=hp.mai, dossier_id=draft.pk).dossier
    reused = Attachment.objects.filter(dossier=second)
    assert all(a.reused_from_id == document.pk and a.file.name == document.file.name for a in reused)
    with pytest.raises(NotFound):  # someone else's document
        attachments.attachment_reuse(
            applicant=hp.binh, dossier_id=first.pk, component="to_khai", document_id=document.pk
        )
    with pytest.raises(Conflict):  # a submitted dossier takes no more documents
        attachments.attachment_reuse(
            applicant=hp.mai, dossier_id=second.pk, component="to_khai", document_id=document.pk
        )
    svc.dossier_accept(officer=hp.officer, dossier_id=second.pk)
    svc.dossier_assign(officer=hp.leader, dossier_id=second.pk, specialist=hp.specialist)
    svc.dossier_approve(leader=hp.leader, dossier_id=second.pk)
    month = timezone.localdate().replace(day=1)
    row = next(r for r in kpis(start=month, end=timezone.localdate()) if r.agency_code == hp.ward.code)
    assert row.received == 2 and row.reused_components == 1 and row.results_digitised == 1


def test_sharing_with_an_agency_with_consent(hp):
    finished(hp)
    document = StoredDocument.objects.get(owner=hp.mai, kind="result")
    with pytest.raises(DomainError):
        store.document_share(owner=hp.mai, document_id=document.pk, agency=hp.home_affairs, purpose="", days=30)
    share = store.document_share(
        owner=hp.mai, document_id=document.pk, agency=hp.home_affairs, purpose="Hồ sơ hưởng chế độ", days=30
    )
    client = staff_client(hp.dept_specialist)
    listing = client.get(reverse("procedures:shared-documents"))
    assert listing.status_code == 200 and document.title in listing.content.decode()
    opened = client.get(reverse("procedures:shared-document", args=[share.pk]))
    assert opened.status_code == 200
    ward = staff_client(hp.officer)  # the ward was not given it
    assert ward.get(reverse("procedures:shared-document", args=[share.pk])).status_code == 404
    store.document_share_revoke(owner=hp.mai, share_id=share.pk)
    assert client.get(reverse("procedures:shared-document", args=[share.pk])).status_code == 404


def test_retention_purges_expired_uploads_only(hp):
    finished(hp)
    StoredDocument.objects.filter(kind="upload").update(retain_until=timezone.localdate() - dt.timedelta(days=1))
    assert documents_purge_expired() == 1
    assert list(StoredDocument.objects.values_list("kind", flat=True)) == ["result"]
    assert Attachment.objects.exists()  # the dossier keeps its own documents


def test_a_result_appears_on_the_applicants_page_and_downloads(hp, client):
    dossier = finished(hp)
    client.force_login(hp.mai)
    page = client.get(reverse("procedures:my-dossier", args=[dossier.pk]))
    assert reverse("procedures:my-result", args=[dossier.pk]) in page.content.decode()
    response = client.get(reverse("procedures:my-result", args=[dossier.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert dossier.status == Status.FINISHED


def test_signing_works_where_an_event_loop_is_running(hp):
    """pyHanko starts its own event loop; under an ASGI server (or a browser-driving test) one already runs."""
    import asyncio

    from smartgov.procedures.results import pdf_sign, result_pdf

    unsigned = result_pdf(finished(hp), code="KQ-THU-0001", verify_url="http://testserver/", signed_by=hp.ward)

    async def inside_a_loop():
        return pdf_sign(unsigned, agency=hp.ward, reason="thử")

    signed = asyncio.run(inside_a_loop())
    assert pdf_verify(signed.data).intact
