"""The result document of a dossier: drawn as PDF from the procedure's template, signed by the agency's
certificate (PAdES baseline B, with pyHanko), and checked again by anyone on the verification page.

A signature is *valid* only when the signed bytes are intact, the signature covers the whole file (nothing
added after signing), and the signing certificate chains to a trusted root (the government CA in production,
the local CA in the demo: platform/pki.py).
"""

import hashlib
import io
import secrets
import string
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from smartgov.platform.aio import outside_event_loop
from smartgov.platform.errors import NotFound
from smartgov.platform.files import PDF, upload_inspect
from smartgov.platform.models import Agency
from smartgov.platform.pki import agency_pkcs12_file, signing_passphrase, trust_roots
from smartgov.procedures.documents import _document, _facts, _header, _local, qr_block
from smartgov.procedures.models import Dossier, DossierResult
from smartgov.procedures.selectors import result_by_digest

#: Room for the signature container in the PDF (hex: 6 KB of DER — the signature, the signer's certificate and
#: its chain), so pyHanko signs once instead of first signing a dummy to measure.
SIGNATURE_BYTES = 12_288
_CODE_ALPHABET = string.ascii_uppercase.replace("O", "").replace("I", "") + "23456789"


def result_code_new() -> str:
    """``KQ-XXXX-XXXX``: printed on the result, typed on the verification page."""
    body = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    return f"KQ-{body[:4]}-{body[4:]}"


class _Values(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "…"


def result_text(dossier: Dossier) -> tuple[str, str]:
    """The title and text of the result, the template's ``{field}`` replaced by the form's values."""
    procedure = dossier.procedure
    title = procedure.result_title or "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
    template = procedure.result_body or (
        "{co_quan} xác nhận đã giải quyết xong hồ sơ {ma_ho_so} của {nguoi_nop} về thủ tục “{thu_tuc}”."
    )
    values = _Values({k: v for k, v in (dossier.form_data or {}).items() if isinstance(v, str | int | float)})
    values.update(
        co_quan=dossier.current_agency.name,
        ma_ho_so=dossier.code or "",
        nguoi_nop=dossier.applicant_name,
        thu_tuc=procedure.name,
    )
    try:
        body = template.format_map(values)
    except (ValueError, IndexError, AttributeError):  # a broken template must not stop the approval
        body = template
    return title.format_map(values) if "{" in title else title, body


def result_pdf(dossier: Dossier, *, code: str, verify_url: str, signed_by: Agency) -> bytes:
    title, body = result_text(dossier)
    pdf = _document()
    _header(pdf, dossier, title.upper(), f"Mã xác thực: {code}")
    pdf.set_font("BeVietnamPro", "", 12)
    pdf.multi_cell(0, 7, body, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    _facts(
        pdf,
        [
            ("Thủ tục", f"{dossier.procedure.name} (mã {dossier.procedure.code})"),
            ("Người nộp", dossier.applicant_name),
            ("Ngày nộp", _local(dossier.submitted_at)),
            ("Ngày ký", _local(timezone.now())),
        ],
    )
    pdf.ln(6)
    pdf.set_font("BeVietnamPro", "B", 11)
    pdf.cell(0, 6, signed_by.name.upper()[:70], align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("BeVietnamPro", "", 10)
    pdf.cell(0, 6, "(Đã ký số)", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    qr_block(pdf, verify_url, caption=f"Kiểm tra tính xác thực: {verify_url}", size=32)
    return bytes(pdf.output())


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


@dataclass(frozen=True)
class Signed:
    data: bytes
    signer: str
    serial: str


@cache
def _signer(path: Path, modified_ns: int) -> signers.SimpleSigner:
    """The signer of one PKCS#12 file, kept while the file is unchanged (a renewed certificate is a new file)."""
    signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=signing_passphrase())
    if signer is None:
        raise RuntimeError(f"cannot read the signing certificate {path}")
    return signer


def pdf_sign(data: bytes, *, agency: Agency, reason: str) -> Signed:
    """Sign ``data`` with the agency's certificate: PAdES (ETSI.CAdES.detached), SHA-256."""
    path = agency_pkcs12_file(agency)
    signer = _signer(path, path.stat().st_mtime_ns)
    cert = signer.signing_cert
    assert cert is not None  # noqa: S101 - loaded from a signing bundle
    meta = signers.PdfSignatureMetadata(
        field_name="KyDienTu",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=agency.name,
    )
    out = outside_event_loop(
        lambda: signers.sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(data)), meta, signer=signer, bytes_reserved=SIGNATURE_BYTES
        )
    )
    return Signed(data=out.getvalue(), signer=cert.subject.human_friendly, serial=format(cert.serial_number, "x"))


@dataclass(frozen=True)
class Verification:
    valid: bool
    problem: str = ""
    signer: str = ""
    signed_at: datetime | None = None
    intact: bool = False
    trusted: bool = False
    whole_file: bool = False


def pdf_verify(data: bytes) -> Verification:
    """Check the first signature of a PDF: intact, covering the whole file, chaining to a trusted root."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError) as exc:
        return Verification(valid=False, problem=f"unreadable: {type(exc).__name__}")
    if not signatures:
        return Verification(valid=False, problem="unsigned")
    roots = [_asn1(r) for r in trust_roots()]
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        status = outside_event_loop(lambda: validate_pdf_signature(signatures[0], context))
    except Exception as exc:
        return Verification(valid=False, problem=f"invalid: {type(exc).__name__}")
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    return Verification(
        valid=bool(status.intact and status.valid and status.trusted and whole),
        problem="" if status.intact and whole else ("modified after signing" if status.intact else "content changed"),
        signer=status.signing_cert.subject.human_friendly if status.signing_cert else "",
        signed_at=status.signer_reported_dt,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        whole_file=whole,
    )


def upload_verify(upload: UploadedFile) -> tuple[Verification, DossierResult | None]:
    """Check an uploaded PDF (the verification page and the API): its signature, and the result this platform
    issued with exactly these bytes, if any. The file passes the platform's inspection first (a bomb or a file
    with active content never reaches the signature validator)."""
    data = upload_inspect(upload, max_bytes=settings.SMARTGOV_UPLOAD_MAX_BYTES, accept={PDF: "pdf"}).content
    return pdf_verify(data), result_by_digest(hashlib.sha256(data).hexdigest())


def result_response(dossier: Dossier) -> FileResponse:
    """The dossier's signed result, shown in the browser (the caller has passed the dossier's checkpoint)."""
    result = DossierResult.objects.filter(dossier=dossier).first()
    if result is None:
        raise NotFound(_("This dossier has no result yet."))
    response = FileResponse(result.file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ket-qua-{dossier.code}.pdf"'
    return response
