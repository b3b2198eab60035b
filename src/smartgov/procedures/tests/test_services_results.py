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
from smartgov.procedures.models import Attachment, Dossier, DossierResult, Procedure, StoredDocument
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


# --- what the result says (result_templates.py) and how the verification page names the signer ---------------
def _pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _finished_with(hp, *, code="1.001193", form=None):
    dossier = submitted(hp, code=code, form=form)
    svc.dossier_accept(officer=hp.officer, dossier_id=dossier.pk)
    svc.dossier_assign(officer=hp.leader, dossier_id=dossier.pk, specialist=hp.specialist)
    return svc.dossier_approve(leader=hp.leader, dossier_id=dossier.pk).dossier


def test_the_birth_extract_names_the_child_the_birth_and_the_parents(hp):
    form = {**BIRTH, "ho_ten_cha": "Trần Văn Đức", "ngay_sinh_cha": "1990-04-30", "dan_toc": "Kinh"}
    data = DossierResult.objects.get(dossier=_finished_with(hp, form=form)).file.read()
    assert pdf_verify(data).valid  # still signed, and the signature covers the new content
    text = " ".join(_pdf_text(data).split())
    assert "TRÍCH LỤC KHAI SINH" in text
    for line in (
        "Họ, chữ đệm, tên: Nguyễn An Nhiên",
        "Ngày, tháng, năm sinh: 20/11/2026",  # day/month/year, not the form's 2026-11-20
        "Giới tính: Nữ",
        "Nơi sinh: Bệnh viện Phụ sản Hải Phòng",
        "Họ, chữ đệm, tên người mẹ: Nguyễn Thị Mai",
        "Họ, chữ đệm, tên người cha: Trần Văn Đức",
        "Ngày sinh người cha: 30/04/1990",
        "Người đi đăng ký khai sinh: Nguyễn Thị Mai (Mẹ)",
        "Ủy ban nhân dân phường Thành Đông đã đăng ký khai sinh",
    ):
        assert line in text  # the diacritics survive the font subsetting and come back out of the PDF


def test_an_empty_field_reads_as_a_dash_and_a_procedure_without_template_lists_its_form(hp, monkeypatch):
    from smartgov.procedures import result_templates

    dossier = submitted(hp)  # no father's name, no ethnicity
    content = result_templates.result_content(dossier)
    rows = dict(content.rows)
    assert rows["Họ, chữ đệm, tên người cha"] == "—" and rows["Dân tộc"] == "—"
    assert rows["Người đi đăng ký khai sinh"] == f"{dossier.applicant_name} (Mẹ)"

    monkeypatch.delitem(result_templates.TEMPLATES, "1.001193")
    generic = result_templates.result_content(dossier)
    assert generic.title == "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
    listed = dict(generic.rows)
    assert listed["Họ, chữ đệm và tên của trẻ"] == "Nguyễn An Nhiên" and listed["Ngày sinh"] == "20/11/2026"
    assert listed["Nơi sinh"] == "Bệnh viện Phụ sản Hải Phòng" and listed["Họ tên mẹ"] == "Nguyễn Thị Mai"
    assert "Họ tên cha" not in listed  # the generic paper lists what the form was given
    assert dossier.code in generic.text and "Thành Đông" in generic.text


def test_the_catalogs_title_and_text_replace_the_templates(hp):
    from smartgov.procedures.result_templates import result_content

    dossier = submitted(hp)
    Procedure.objects.filter(code="1.001193").update(
        result_title="Trích lục khai sinh của {ho_ten_tre}", result_body="Cấp cho {nguoi_nop} ngày {ngay_sinh}{x"
    )
    content = result_content(Dossier.objects.get(pk=dossier.pk))  # the catalog read again
    assert content.title == "Trích lục khai sinh của Nguyễn An Nhiên"
    assert content.text == "Cấp cho {nguoi_nop} ngày {ngay_sinh}{x"  # broken: kept as written, never a crash
    assert dict(content.rows)["Nơi sinh"] == "Bệnh viện Phụ sản Hải Phòng"


def test_the_certificate_holder_in_plain_words(hp):
    from smartgov.procedures.results import CertificateHolder

    raw = "Common Name: Ủy ban nhân dân phường Thành Đông; Organizational Unit: 000.21.07.H31; " \
        "Organization: Ủy ban nhân dân phường Thành Đông; Country: VN"  # fmt: skip
    holder = CertificateHolder.from_subject(raw)
    assert holder.agency == hp.ward
    assert holder.plain == "Ủy ban nhân dân phường Thành Đông (mã 000.21.07.H31), Việt Nam"
    assert CertificateHolder.from_subject(raw.replace("; ", ", ")) == holder  # both ways asn1crypto joins them
    stranger = CertificateHolder.from_subject(
        "Common Name: Công ty A, chi nhánh 2; Organization: Tập đoàn B; Country: JP"
    )
    assert stranger.agency is None and stranger.plain == "Công ty A, chi nhánh 2, Tập đoàn B, JP"
    assert CertificateHolder.from_subject("").plain == ""


HOLDER = "Ủy ban nhân dân phường Thành Đông (mã 000.21.07.H31), Việt Nam"


def test_the_verification_page_names_the_agency_and_says_when_a_pdf_is_not_signed(hp, client):
    from smartgov.procedures.demo import PDF

    result = DossierResult.objects.get(dossier=finished(hp))
    by_code = client.get(reverse("procedures:verify"), {"ma": result.code}).content.decode()
    signed = client.post(
        reverse("procedures:verify"), {"tep": SimpleUploadedFile("kq.pdf", result.file.read(), "application/pdf")}
    ).content.decode()
    for html in (by_code, signed):
        assert "Cơ quan ký" in html and HOLDER in html
        assert "Common Name" not in html and "Organizational Unit" not in html
    officer_page = staff_client(hp.officer).get(reverse("procedures:officer-dossier", args=[result.dossier_id]))
    assert HOLDER in officer_page.content.decode() and "Common Name" not in officer_page.content.decode()
    unsigned = client.post(reverse("procedures:verify"), {"tep": SimpleUploadedFile("a.pdf", PDF, "application/pdf")})
    html = unsigned.content.decode()
    assert unsigned.status_code == 200 and unsigned.context["check"].unsigned
    assert "Tệp PDF này không có chữ ký số" in html and "Không nên tin cậy tệp này" not in html
