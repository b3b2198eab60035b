"""The one-stop shop's papers as PDF, drawn with fpdf2 in Be Vietnam Pro (TrueType from the npm package
@expo-google-fonts/be-vietnam-pro, served by no one else): form 01, the receipt with the appointment and a
QR code to the dossier's status page."""

from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from smartgov.platform.errors import DomainError, NotFound
from smartgov.platform.money import format_vnd, vnd_in_words
from smartgov.platform.qr import qr_png
from smartgov.procedures.models import Dossier, DossierEvent, Payment

FONT_DIR = Path(settings.BASE_DIR) / "node_modules" / "@expo-google-fonts" / "be-vietnam-pro"


@cache
def _fonts() -> dict[str, Path]:
    fonts = {
        "": FONT_DIR / "400Regular" / "BeVietnamPro_400Regular.ttf",
        "B": FONT_DIR / "600SemiBold" / "BeVietnamPro_600SemiBold.ttf",
    }
    missing = [str(p) for p in fonts.values() if not p.exists()]
    if missing:
        raise RuntimeError(f"the PDF fonts are missing ({', '.join(missing)}): run `npm ci` (make install)")
    return fonts


def _document() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=18)
    for style, path in _fonts().items():
        pdf.add_font("BeVietnamPro", style=style, fname=str(path))
    pdf.set_margins(20, 18, 20)
    pdf.add_page()
    return pdf


def _local(moment: object) -> str:
    return timezone.localtime(moment).strftime("%H giờ %M, ngày %d/%m/%Y") if moment else "—"  # type: ignore[arg-type]


def _header(pdf: FPDF, dossier: Dossier, title: str, form: str) -> None:
    """The heading every one-stop-shop paper shares: agency, national motto, dossier code, title, form number."""
    agency = dossier.receiving_agency
    pdf.set_font("BeVietnamPro", "B", 10)
    pdf.cell(80, 5, agency.name.upper()[:60], new_x="RIGHT", new_y="TOP", align="C")
    pdf.cell(0, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font("BeVietnamPro", "", 10)
    pdf.cell(80, 5, "", new_x="RIGHT", new_y="TOP")
    pdf.cell(0, 5, "Độc lập - Tự do - Hạnh phúc", new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.ln(2)
    pdf.cell(0, 5, f"Mã hồ sơ: {dossier.code}", new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(6)
    pdf.set_font("BeVietnamPro", "B", 14)
    pdf.multi_cell(0, 7, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("BeVietnamPro", "", 9)
    pdf.cell(0, 5, f"({form})", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _facts(pdf: FPDF, rows: list[tuple[str, str]], *, label_width: float = 45) -> None:
    for label, value in rows:
        pdf.set_font("BeVietnamPro", "B", 11)
        pdf.cell(label_width, 6.5, f"{label}:", new_x="RIGHT", new_y="TOP")
        pdf.set_font("BeVietnamPro", "", 11)
        pdf.multi_cell(0, 6.5, value, new_x="LMARGIN", new_y="NEXT")


def qr_block(pdf: FPDF, url: str, *, caption: str, size: float, gap: float = 0) -> None:
    """A QR code of ``url`` at the left margin, ``gap`` mm below the text, its caption beside it."""
    pdf.image(qr_png(url, scale=6), x=pdf.l_margin, y=pdf.get_y() + gap, w=size, h=size)
    pdf.set_xy(pdf.l_margin + size + 6, pdf.get_y() + gap + size * 0.3)
    pdf.set_font("BeVietnamPro", "", 8)
    pdf.multi_cell(0, 4.5, caption)


def receipt_pdf(dossier: Dossier, *, status_url: str) -> bytes:
    """Form 01: receipt of the dossier and appointment to return the result (Decree 118/2025)."""
    pdf = _document()
    agency = dossier.receiving_agency
    _header(pdf, dossier, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Mẫu số 01")
    rows = [
        ("Cơ quan tiếp nhận", agency.name),
        ("Người nộp hồ sơ", dossier.applicant_name),
        ("Số điện thoại", dossier.applicant_phone or "—"),
        ("Thủ tục", f"{dossier.procedure.name} (mã {dossier.procedure.code})"),
        ("Hình thức nộp", dossier.get_channel_display()),
        ("Thời điểm nộp", _local(dossier.submitted_at)),
        ("Phí, lệ phí", format_vnd(dossier.fee_vnd, "vi") if dossier.fee_vnd else "Miễn phí"),
    ]
    _facts(pdf, rows)
    pdf.ln(2)
    pdf.set_font("BeVietnamPro", "B", 11)
    pdf.cell(0, 6.5, "Thành phần hồ sơ đã nộp:", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("BeVietnamPro", "", 11)
    names = {c["code"]: c["name"] for c in dossier.procedure.components}
    attached = list(dossier.attachments.order_by("pk"))
    for number, attachment in enumerate(attached, start=1):
        pdf.multi_cell(
            0, 6, f"{number}. {names.get(attachment.component, attachment.component)}", new_x="LMARGIN", new_y="NEXT"
        )
    if not attached:
        pdf.cell(0, 6, "—", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("BeVietnamPro", "B", 12)
    pdf.multi_cell(0, 7, f"Thời gian trả kết quả: {_local(dossier.due_at)}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("BeVietnamPro", "", 10)
    pdf.multi_cell(
        0,
        5.5,
        "Tra cứu tình trạng hồ sơ bằng mã QR dưới đây hoặc tại trang Tra cứu hồ sơ của Cổng Dịch vụ công, "
        "với mã hồ sơ và số điện thoại hoặc số định danh cá nhân của người nộp.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    qr_block(pdf, status_url, caption=status_url, size=38, gap=3)
    return bytes(pdf.output())


#: The papers written for a move of the process-control form: form number and title.
NOTICES = {
    "request_supplement": ("Mẫu số 02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Nội dung cần bổ sung, hoàn thiện"),
    "refuse": ("Mẫu số 03", "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ", "Lý do từ chối"),
    "apologise": ("Mẫu số 04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "Lý do chậm trễ"),
}


def notice_pdf(dossier: Dossier, event: DossierEvent) -> bytes:
    """Forms 02, 03 and 04: the written request for a supplement, refusal, or apology with a new appointment."""
    form, title, reason_label = NOTICES[event.action]
    pdf = _document()
    _header(pdf, dossier, title, form)
    rows = [
        ("Kính gửi", dossier.applicant_name),
        ("Thủ tục", f"{dossier.procedure.name} (mã {dossier.procedure.code})"),
        ("Ngày nộp", _local(dossier.submitted_at)),
        ("Ngày lập phiếu", _local(event.at)),
    ]
    if event.action == "apologise":
        rows.append(("Ngày hẹn trả mới", _local(dossier.due_at)))
    _facts(pdf, rows)
    pdf.ln(3)
    pdf.set_font("BeVietnamPro", "B", 11)
    pdf.cell(0, 6.5, f"{reason_label}:", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("BeVietnamPro", "", 11)
    pdf.multi_cell(0, 6.5, event.note or "—", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    closing = {
        "request_supplement": "Đề nghị Ông/Bà bổ sung, hoàn thiện hồ sơ theo nội dung trên. Thời hạn giải quyết "
        "được tính lại từ khi nhận đủ hồ sơ.",
        "refuse": "Cơ quan tiếp nhận xin thông báo không tiếp nhận hồ sơ vì lý do trên.",
        "apologise": "Cơ quan giải quyết xin lỗi Ông/Bà vì sự chậm trễ và hẹn trả kết quả vào ngày nêu trên.",
    }[event.action]
    pdf.multi_cell(0, 6, closing, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("BeVietnamPro", "B", 11)
    signer = f"{event.actor}" if event.actor else ""
    pdf.cell(0, 6, "NGƯỜI LẬP PHIẾU", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("BeVietnamPro", "", 11)
    pdf.cell(0, 6, f"{signer} — {(event.agency or dossier.current_agency).name}", align="R")
    return bytes(pdf.output())


# --- As HTTP responses (the pages and the API serve the same papers) -------------------------------
def receipt_response(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    if not dossier.code:
        raise DomainError(_("A draft has no receipt: submit it first."))
    status_url = request.build_absolute_uri(reverse("procedures:lookup") + "?" + urlencode({"ma": dossier.code}))
    response = HttpResponse(receipt_pdf(dossier, status_url=status_url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="giay-tiep-nhan-{dossier.code}.pdf"'
    return response


def notice_response(dossier: Dossier, event_id: int) -> HttpResponse:
    """Form 02, 03 or 04 written for one move of the dossier, as PDF."""
    event = dossier.events.select_related("actor", "agency").filter(pk=event_id, action__in=NOTICES).first()
    if event is None:
        raise NotFound(_("No such document."))
    response = HttpResponse(notice_pdf(dossier, event), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="phieu-{event.action}-{dossier.code}.pdf"'
    return response


def payment_receipt_pdf(payment: Payment) -> bytes:
    """The electronic receipt of a fee paid online (biên lai thu phí, lệ phí điện tử)."""
    dossier = payment.dossier
    pdf = _document()
    _header(pdf, dossier, "BIÊN LAI THU PHÍ, LỆ PHÍ ĐIỆN TỬ", f"Số biên lai: {payment.receipt_number}")
    _facts(
        pdf,
        [
            ("Đơn vị thu", dossier.receiving_agency.name),
            ("Người nộp", dossier.applicant_name),
            ("Thủ tục", f"{dossier.procedure.name} (mã {dossier.procedure.code})"),
            ("Nội dung thu", dossier.procedure.fee_note or "Phí, lệ phí giải quyết thủ tục hành chính"),
            ("Số tiền", format_vnd(payment.amount_vnd, "vi")),
            ("Bằng chữ", vnd_in_words(payment.amount_vnd)),
            ("Hình thức", f"Thanh toán trực tuyến ({payment.gateway})"),
            ("Mã giao dịch", payment.transaction_no),
            ("Mã thanh toán", payment.reference),
            ("Thời điểm", _local(payment.paid_at)),
        ],
    )
    pdf.ln(6)
    pdf.set_font("BeVietnamPro", "", 9)
    pdf.multi_cell(
        0,
        5,
        "Biên lai điện tử được lập tự động khi cổng thanh toán xác nhận giao dịch; có giá trị như biên lai giấy.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())


def payment_receipt_response(payment: Payment) -> HttpResponse:
    response = HttpResponse(payment_receipt_pdf(payment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-lai-{payment.receipt_number}.pdf"'
    return response
