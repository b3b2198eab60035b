"""The full-online part of the Hai Phong demo: a citizen's dossiers taken through the real services.

Nguyễn Thị Mai registers a birth with two extract copies (16,000 đồng): the ward accepts it, she pays through
the sandbox gateway (a signed notice, as a real gateway sends), a specialist handles it, the ward's chairwoman
approves it and the result is signed with the ward's certificate from the demo CA and handed over; she rates it.
A second dossier waits for its fee (status 6), so whoever tries the demo can pay it in the sandbox; a third is
newly submitted, for the one-stop officer's queue. Everything leaves the same audit rows, events, receipts,
notifications and document-store entries as real use. Runs once: a citizen with dossiers is left alone.
"""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from fpdf import FPDF

from smartgov.identity.selectors import User
from smartgov.platform.demo import DemoContext, DemoStep
from smartgov.platform.models import Agency
from smartgov.procedures.gateways import SandboxGateway, gateway_get
from smartgov.procedures.models import Dossier, Procedure
from smartgov.procedures.services import attachments
from smartgov.procedures.services import dossiers as svc
from smartgov.procedures.services.catalog import catalog_import
from smartgov.procedures.services.payments import payment_notice_receive, payment_start

CITIZEN = "031195001234"
WARD = "Phường Thành Đông"


def _blank_pdf() -> bytes:
    """A one-page PDF: what the demo attaches (the upload inspection parses it, so it must be a real one)."""
    document = FPDF()
    document.add_page()
    return bytes(document.output())


PDF = _blank_pdf()


def _birth(child: str, born: str, copies: int) -> dict[str, object]:
    return {
        "ho_ten_tre": child,
        "ngay_sinh": born,
        "gioi_tinh": "Nữ",
        "noi_sinh": "Bệnh viện Phụ sản Hải Phòng",
        "ho_ten_me": "Nguyễn Thị Mai",
        "quan_he": "Mẹ",
        "so_ban": copies,
    }


def _submitted(applicant: User, ward: Agency, form: dict[str, object]) -> Dossier:
    procedure = Procedure.objects.get(code="1.001193")
    draft = svc.dossier_draft_save(applicant=applicant, procedure=procedure, receiving_agency=ward, form_data=form)
    for component in procedure.components:
        if component["required"]:
            upload = SimpleUploadedFile(f"{component['code']}.pdf", PDF, content_type="application/pdf")
            attachments.attachment_add(
                applicant=applicant, dossier_id=draft.pk, component=component["code"], upload=upload
            )
    return svc.dossier_submit(applicant=applicant, dossier_id=draft.pk).dossier


def demo_full_online() -> int:
    """Returns how many dossiers it made (0 when the demo citizen has some already)."""
    users = get_user_model().objects
    citizen = users.filter(username=CITIZEN).first()
    if citizen is None or Dossier.objects.filter(applicant=citizen).exists():
        return 0
    ward = Agency.objects.get(kind=Agency.Kind.COMMUNE_COMMITTEE, admin_unit__name=WARD)
    officer = users.get(username="motcua.thanhdong")
    specialist = users.get(username="chuyenvien.thanhdong")
    leader = users.get(username="lanhdao.thanhdong")
    today = timezone.localdate()

    paid = _submitted(citizen, ward, _birth("Nguyễn An Nhiên", (today.replace(day=1)).isoformat(), 2))
    svc.dossier_accept(officer=officer, dossier_id=paid.pk)  # a fee: status 6, the clock stops
    payment, _checkout = payment_start(payer=citizen, dossier_id=paid.pk, gateway="sandbox", return_url="")
    sandbox = gateway_get("sandbox")
    assert isinstance(sandbox, SandboxGateway)  # noqa: S101 - the demo runs with the sandbox on
    notice = sandbox.answer(reference=payment.reference, amount=str(payment.amount_vnd), paid=True)
    payment_notice_receive(gateway="sandbox", params=notice)
    svc.dossier_assign(officer=leader, dossier_id=paid.pk, specialist=specialist)
    svc.dossier_approve(leader=leader, dossier_id=paid.pk, note="Đồng ý cấp trích lục")  # signs the result
    svc.dossier_return_result(officer=officer, dossier_id=paid.pk)
    svc.dossier_rate(applicant=citizen, dossier_id=paid.pk, rating=5, comment="Nhanh, không phải đến phường.")

    waiting = _submitted(citizen, ward, _birth("Nguyễn An Khuê", today.isoformat(), 1))
    svc.dossier_accept(officer=officer, dossier_id=waiting.pk)  # 8,000 đồng due: pay it in the sandbox

    _submitted(citizen, ward, _birth("Nguyễn Minh Châu", today.isoformat(), 0))  # free: waits for the officer
    return 3


def _load_catalog(ctx: DemoContext) -> int:
    """The demo's procedure catalog (procedures/data/catalog.json), imported like any catalog file."""
    path = Path(__file__).resolve().parent / "data" / "catalog.json"
    report = catalog_import(data=json.loads(path.read_text(encoding="utf-8")), actor=None)
    return len(report.created) + len(report.updated)


def _load_dossiers(ctx: DemoContext, count: int = 3000) -> int:
    """A year of past dossiers, so the officers' queues and the indicators have something to show."""
    if Dossier.objects.exists():
        return 0
    call_command("dossiers_generate", count=count, force=True, verbosity=0)
    return count


def _national_portal(ctx: DemoContext) -> int:
    from smartgov.procedures.demo_portal import demo_national_portal

    return demo_national_portal(ctx)


#: The public services' part of the demo. The citizen's full-online dossiers come after the exchange's registry
#: (a birth registered is published to the Department of Health).
STEPS = [
    DemoStep("catalog", _load_catalog, after=("platform.locality",)),
    DemoStep("dossiers", _load_dossiers, after=("procedures.catalog", "identity.accounts")),
    DemoStep("full_online", lambda ctx: demo_full_online(), after=("procedures.dossiers", "exchange.registry")),
    DemoStep("national_portal", _national_portal, after=("procedures.full_online", "exchange.registry")),
]
