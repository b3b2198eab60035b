"""The result document of a dossier: drawn as PDF from the procedure's template (result_templates.py), signed by
the agency's certificate (PAdES baseline B, with pyHanko), and checked again by anyone on the verification page.

A signature is *valid* only when the signed bytes are intact, the signature covers the whole file (nothing
added after signing), and the signing certificate chains to a trusted root (the government CA in production,
the local CA in the demo: platform/pki.py).
"""

import hashlib
import io
import re
import secrets
import string
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

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
from smartgov.procedures.result_templates import result_content
from smartgov.procedures.selectors import result_by_digest

#: Room for the signature container in the PDF (hex: 6 KB of DER — the signature, the signer's certificate and
#: its chain), so pyHanko signs once instead of first signing a dummy to measure.
SIGNATURE_BYTES = 12_288
_CODE_ALPHABET = string.ascii_uppercase.replace("O", "").replace("I", "") + "23456789"


def result_code_new() -> str:
    """``KQ-XXXX-XXXX``: printed on the result, typed on the verification page."""
    body = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    return f"KQ-{body[:4]}-{body[4:]}"


def result_pdf(dossier: Dossier, *, code: str, verify_url: str, signed_by: Agency) -> bytes:
    """The result as the agency issues it: the procedure's template (result_templates.py) filled from the form —
    the substance of the decision — then the dossier's facts, the signing agency, and the QR code to verify."""
    content = result_content(dossier)
    pdf = _document()
    _header(pdf, dossier, content.title.upper(), f"Mã xác thực: {code}")
    pdf.set_font("BeVietnamPro", "", 12)
    pdf.multi_cell(0, 7, content.text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    if content.rows:
        _facts(pdf, content.rows, label_width=70)
        pdf.ln(3)
    if content.closing:
        pdf.set_font("BeVietnamPro", "", 10)
        pdf.multi_cell(0, 5.5, content.closing, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.set_font("BeVietnamPro", "", 9)
    pdf.multi_cell(
        0,
        5,
        f"Thủ tục: {dossier.procedure.name} (mã {dossier.procedure.code}). Người nộp: {dossier.applicant_name}. "
        f"Ngày nộp: {_local(dossier.submitted_at)}. Ngày ký: {_local(timezone.now())}.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(5)
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


#: The subject attributes a signing certificate names, as asn1crypto writes them (``Name.human_friendly``).
_SUBJECT_LABELS = {
    "Common Name": "name",
    "Organization": "organisation",
    "Organizational Unit": "unit",
    "Locality": "locality",
    "State/Province": "province",
    "Country": "country",
}
_COUNTRIES = {"VN": "Việt Nam"}


@dataclass(frozen=True)
class CertificateHolder:
    """Who a signing certificate was issued to, read from its subject (``Common Name: …; Organization: …``): an
    agency's certificate names the agency (common name and organisation) and its code (organisational unit)."""

    name: str = ""
    organisation: str = ""
    unit: str = ""
    locality: str = ""
    province: str = ""
    country: str = ""

    @classmethod
    def from_subject(cls, subject: str) -> "CertificateHolder":
        """Parse asn1crypto's ``human_friendly`` form of the subject, the form the results keep (attributes joined by
        ``, `` or ``; ``); a label it does not know is left out, a value with a comma in it stays whole (the split
        is on the known labels only)."""
        labels = "|".join(re.escape(label) for label in _SUBJECT_LABELS)
        parts = re.split(rf"(?:^|[;,] )({labels}): ", subject)
        values = {_SUBJECT_LABELS[parts[i]]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
        return cls(**values)

    @property
    def agency(self) -> Agency | None:
        """The platform's agency holding the certificate: by the code in the organisational unit, else by name."""
        if self.unit:
            found = Agency.objects.filter(code=self.unit).first()
            if found is not None:
                return found
        return Agency.objects.filter(name=self.name).first() if self.name else None

    @property
    def plain(self) -> str:
        """The holder in words: "Ủy ban nhân dân phường Thành Đông (mã 000.21.07.H31), Hải Phòng, Việt Nam"."""
        words = self.name or self.organisation
        if self.organisation and self.organisation != words:
            words = f"{words}, {self.organisation}"
        if self.unit:
            code = _("code %(code)s") % {"code": self.unit}
            words = f"{words} ({code})"
        place = [p for p in (self.locality, self.province, _COUNTRIES.get(self.country, self.country)) if p]
        return ", ".join([words, *place]) if words else ", ".join(place)


@dataclass(frozen=True)
class Verification:
    valid: bool
    problem: str = ""
    signer: str = ""
    signed_at: datetime | None = None
    intact: bool = False
    trusted: bool = False
    whole_file: bool = False

    @property
    def holder(self) -> CertificateHolder:
        return CertificateHolder.from_subject(self.signer)

    @property
    def unsigned(self) -> bool:
        """The file is a PDF but carries no digital signature at all (not a broken one)."""
        return self.problem == "unsigned"

    @property
    def unreadable(self) -> bool:
        return self.problem.startswith("unreadable")


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
