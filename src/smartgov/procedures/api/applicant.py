"""The applicant's dossiers: drafts, documents, submitting, paying, withdrawing, answering a supplement request,
rating, the receipt and the signed result."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import File, Form, Router
from ninja import Status as Reply
from ninja.files import UploadedFile

from smartgov.platform.errors import NotFound
from smartgov.platform.models import Agency
from smartgov.procedures.api.common import AUTH, EVENTS, me
from smartgov.procedures.api.schemas import (
    CheckoutOut,
    DossierOut,
    DraftIn,
    NoteIn,
    PaymentIn,
    PaymentOut,
    RatingIn,
    ReuseIn,
    StoredDocumentOut,
    SupplementIn,
    VersionIn,
)
from smartgov.procedures.documents import receipt_response
from smartgov.procedures.forms import FormInvalid, field_error, form_errors
from smartgov.procedures.gateways import return_url
from smartgov.procedures.models import Dossier, Procedure
from smartgov.procedures.results import result_response
from smartgov.procedures.selectors import documents_of, dossier_for_applicant, procedure_by_code
from smartgov.procedures.services import attachments
from smartgov.procedures.services import dossiers as svc
from smartgov.procedures.services.payments import payment_start

router = Router(tags=["public services"])


def _agency(code: str) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise NotFound(_("No such agency: %(code)s") % {"code": code})
    return agency


@router.get("/dossiers", response=list[DossierOut], auth=AUTH, summary="My dossiers")
def my_dossiers(request: HttpRequest) -> list[DossierOut]:
    mine = Dossier.objects.filter(applicant=me(request)).select_related(
        "procedure", "receiving_agency", "current_agency"
    )
    return [DossierOut.of(d) for d in mine.select_related("result").prefetch_related(EVENTS)[:100]]


@router.post("/dossiers", response={201: DossierOut}, auth=AUTH, summary="Start a draft")
def create_draft(request: HttpRequest, payload: DraftIn) -> Reply[DossierOut]:
    procedure = procedure_by_code(payload.procedure_code)
    dossier = svc.dossier_draft_save(
        applicant=me(request),
        procedure=procedure,
        receiving_agency=_receiving(procedure, payload.receiving_agency),
        form_data=payload.form_data,
    )
    return Reply(201, DossierOut.of(dossier))


def _receiving(procedure: Procedure, code: str) -> Agency:
    """The agency the dossier goes to; a wrong one is the ``receiving_agency`` field's error."""
    if not code.strip():
        raise field_error(("receiving_agency",), _("Choose where to submit the dossier."), "required")
    try:
        agency = _agency(code)
    except NotFound as exc:
        raise field_error(("receiving_agency",), exc.message, "not_found") from exc
    if procedure.level == Procedure.Level.COMMUNE:
        if agency.kind != Agency.Kind.COMMUNE_COMMITTEE:
            raise field_error(
                ("receiving_agency",), _("A commune-level procedure is received by a commune's People's Committee.")
            )
    elif procedure.agency is not None and agency != procedure.agency:
        raise field_error(
            ("receiving_agency",), _("This procedure is received by %(agency)s.") % {"agency": procedure.agency.name}
        )
    return agency


@router.post(
    "/dossiers/check",
    response={204: None},
    auth=AUTH,
    summary="Check a form before submitting (nothing is saved)",
    description="The checks of a submission (receiving agency, every rule of the procedure's form) without "
    "creating a draft: 204 when the form is complete and valid, otherwise 422 with one entry per field in `errors` "
    '(`loc` such as `["form_data", "ngay_sinh"]`). Documents are checked when the draft is submitted.',
)
def check_form(request: HttpRequest, payload: DraftIn) -> Reply[None]:
    procedure = procedure_by_code(payload.procedure_code)
    errors = form_errors(procedure.form_schema, payload.form_data)
    try:
        _receiving(procedure, payload.receiving_agency)
    except FormInvalid as exc:
        errors = exc.field_errors + errors
    if errors:
        raise FormInvalid(errors)
    return Reply(204, None)


@router.delete("/dossiers/{dossier_id}", response={204: None}, auth=AUTH, summary="Delete my draft")
def delete_draft(request: HttpRequest, dossier_id: int) -> Reply[None]:
    svc.dossier_draft_delete(applicant=me(request), dossier_id=dossier_id)
    return Reply(204, None)


@router.get("/dossiers/{dossier_id}", response=DossierOut, auth=AUTH, summary="One of my dossiers")
def get_dossier(request: HttpRequest, dossier_id: int) -> DossierOut:
    return DossierOut.of(dossier_for_applicant(user=me(request), dossier_id=dossier_id))


@router.put("/dossiers/{dossier_id}", response=DossierOut, auth=AUTH, summary="Save the draft's form")
def save_draft(request: HttpRequest, dossier_id: int, payload: DraftIn) -> DossierOut:
    procedure = procedure_by_code(payload.procedure_code)
    dossier = svc.dossier_draft_save(
        applicant=me(request),
        procedure=procedure,
        receiving_agency=_receiving(procedure, payload.receiving_agency),
        form_data=payload.form_data,
        dossier_id=dossier_id,
    )
    return DossierOut.of(dossier)


@router.post("/dossiers/{dossier_id}/attachments", response={201: dict}, auth=AUTH, summary="Attach a document")
def attach(
    request: HttpRequest, dossier_id: int, component: Form[str], file: File[UploadedFile]
) -> Reply[dict[str, Any]]:
    a = attachments.attachment_add(applicant=me(request), dossier_id=dossier_id, component=component, upload=file)
    return Reply(201, {"id": a.pk, "component": a.component, "content_type": a.content_type, "size": a.size})


@router.post(
    "/dossiers/{dossier_id}/attachments/reuse",
    response={201: dict},
    auth=AUTH,
    summary="Attach a document from my document store (no upload)",
)
def attach_reused(request: HttpRequest, dossier_id: int, payload: ReuseIn) -> Reply[dict[str, Any]]:
    a = attachments.attachment_reuse(
        applicant=me(request), dossier_id=dossier_id, component=payload.component, document_id=payload.document
    )
    return Reply(201, {"id": a.pk, "component": a.component, "content_type": a.content_type, "size": a.size})


@router.get("/dossiers/{dossier_id}/payments", response=list[PaymentOut], auth=AUTH, summary="Payments of my dossier")
def list_payments(request: HttpRequest, dossier_id: int) -> list[PaymentOut]:
    dossier = dossier_for_applicant(user=me(request), dossier_id=dossier_id)
    return [PaymentOut.from_orm(p) for p in dossier.payments.all()]


@router.post("/dossiers/{dossier_id}/payments", response={201: CheckoutOut}, auth=AUTH, summary="Start paying the fee")
def start_payment(request: HttpRequest, dossier_id: int, payload: PaymentIn) -> Reply[CheckoutOut]:
    payment, checkout = payment_start(
        payer=me(request),
        dossier_id=dossier_id,
        gateway=payload.gateway,
        return_url=return_url(request, payload.gateway),
    )
    return Reply(
        201,
        CheckoutOut(
            reference=payment.reference,
            amount_vnd=payment.amount_vnd,
            gateway=checkout.gateway,
            redirect_url=checkout.redirect_url,
            qr_payload=checkout.qr_payload,
            bank_name=checkout.bank_name,
            account_number=checkout.account_number,
            account_name=checkout.account_name,
            description=checkout.description,
        ),
    )


@router.get("/dossiers/{dossier_id}/result.pdf", auth=AUTH, summary="The signed result (PDF)")
def result_file(request: HttpRequest, dossier_id: int) -> HttpResponseBase:
    return result_response(dossier_for_applicant(user=me(request), dossier_id=dossier_id))


@router.get("/documents", response=list[StoredDocumentOut], auth=AUTH, summary="My document store")
def my_documents(request: HttpRequest) -> list[StoredDocumentOut]:
    return [StoredDocumentOut.from_orm(d) for d in documents_of(owner=me(request))[:500]]


@router.post("/dossiers/{dossier_id}/submit", response=DossierOut, auth=AUTH, summary="Submit the draft")
def submit(request: HttpRequest, dossier_id: int, payload: VersionIn) -> DossierOut:
    return DossierOut.of(
        svc.dossier_submit(applicant=me(request), dossier_id=dossier_id, version=payload.version).dossier
    )


@router.get("/dossiers/{dossier_id}/receipt.pdf", auth=AUTH, summary="The receipt (form 01) as PDF")
def receipt(request: HttpRequest, dossier_id: int) -> HttpResponse:
    return receipt_response(request, dossier_for_applicant(user=me(request), dossier_id=dossier_id))


@router.post("/dossiers/{dossier_id}/withdraw", response=DossierOut, auth=AUTH, summary="Withdraw")
def withdraw(request: HttpRequest, dossier_id: int, payload: NoteIn) -> DossierOut:
    return DossierOut.of(
        svc.dossier_withdraw(applicant=me(request), dossier_id=dossier_id, reason=payload.note).dossier
    )


@router.post("/dossiers/{dossier_id}/supplement", response=DossierOut, auth=AUTH, summary="Answer a supplement request")
def supplement(request: HttpRequest, dossier_id: int, payload: SupplementIn) -> DossierOut:
    move = svc.dossier_supplement(applicant=me(request), dossier_id=dossier_id, form_data=payload.form_data)
    return DossierOut.of(move.dossier)


@router.post("/dossiers/{dossier_id}/rating", response=DossierOut, auth=AUTH, summary="Rate the service")
def rate(request: HttpRequest, dossier_id: int, payload: RatingIn) -> DossierOut:
    dossier = svc.dossier_rate(
        applicant=me(request), dossier_id=dossier_id, rating=payload.rating, comment=payload.comment
    )
    return DossierOut.of(dossier)
