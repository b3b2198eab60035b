"""JSON API of the public services: the catalog, the applicant's dossiers and the officers' actions.

Signed-in browsers use their session (with the CSRF token); other systems send an OpenID Connect access token
issued by SmartGov (``Authorization: Bearer …``). Every action goes through the same services as the pages.
"""

from datetime import datetime
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile

from smartgov.identity import authz
from smartgov.identity.selectors import User
from smartgov.platform.errors import DomainError, NotFound
from smartgov.platform.models import Agency
from smartgov.procedures.documents import receipt_response
from smartgov.procedures.domain.moves import moves_allowed
from smartgov.procedures.domain.status import Status
from smartgov.procedures.gateways import gateways_available, return_url
from smartgov.procedures.models import Dossier, DossierEvent, DossierResult, Procedure
from smartgov.procedures.results import result_response, upload_verify
from smartgov.procedures.selectors import (
    documents_of,
    dossier_for_applicant,
    dossier_for_staff,
    dossier_public_lookup,
    officer_queue,
    procedure_by_code,
    procedures_search,
)
from smartgov.procedures.services import dossiers as svc
from smartgov.procedures.services.citizens import applicant_check
from smartgov.procedures.services.payments import payment_start
from smartgov.procedures.services.portal import portal_sync_retry, portal_sync_state

AUTH = authz.API_AUTH
EVENTS = Prefetch("events", queryset=DossierEvent.objects.select_related("agency"))
router = Router(tags=["public services"])


# --- Schemas ------------------------------------------------------------------------------------------------
class ComponentOut(Schema):
    code: str
    name: str
    required: bool = False


class ProcedureOut(Schema):
    code: str = Field(description="National procedure code")
    name: str
    sector: str
    level: str
    agency_code: str | None
    online_level: str
    processing_time: float
    processing_unit: str
    fee_vnd: int
    fee_note: str
    fee_schedule: dict[str, Any]
    components: list[ComponentOut]

    @staticmethod
    def of(p: Procedure) -> "ProcedureOut":
        return ProcedureOut(
            code=p.code,
            name=p.name,
            sector=p.sector.name,
            level=p.level,
            agency_code=p.agency.code if p.agency else None,
            online_level=p.online_level,
            processing_time=float(p.processing_time),
            processing_unit=p.processing_unit,
            fee_vnd=p.fee_vnd,
            fee_note=p.fee_note,
            fee_schedule=p.fee_schedule,
            components=[ComponentOut(**c) for c in p.components],
        )


class ProcedureDetailOut(ProcedureOut):
    legal_basis: str
    form_schema: dict[str, Any]


class EventOut(Schema):
    at: datetime
    action: str
    from_status: int
    to_status: int
    agency: str | None
    note: str


class DossierOut(Schema):
    id: int
    code: str | None
    procedure_code: str
    procedure_name: str
    status: int = Field(description="National Public Service Portal status code (0 = draft, local only)")
    status_label: str
    receiving_agency: str
    current_agency: str
    submitted_at: datetime | None
    due_at: datetime | None
    finished_at: datetime | None
    returned_at: datetime | None
    supplement_requested: bool
    paused: bool
    fee_vnd: int = Field(description="Fee computed at submission from the procedure's schedule, whole đồng")
    paid_at: datetime | None = Field(description="When the fee was paid online")
    result_code: str | None = Field(description="Verification code of the signed result, once issued")
    version: int = Field(description="Send it back with an action: a stale version is refused (409)")
    form_data: dict[str, Any]
    events: list[EventOut]

    @staticmethod
    def of(d: Dossier) -> "DossierOut":
        return DossierOut(
            id=d.pk,
            code=d.code,
            procedure_code=d.procedure.code,
            procedure_name=d.procedure.name,
            status=d.status,
            status_label=str(Status(d.status).label),
            receiving_agency=d.receiving_agency.code,
            current_agency=d.current_agency.code,
            submitted_at=d.submitted_at,
            due_at=d.due_at,
            finished_at=d.finished_at,
            returned_at=d.returned_at,
            supplement_requested=d.supplement_requested_at is not None,
            paused=d.paused_at is not None,
            fee_vnd=d.fee_vnd,
            paid_at=d.paid_at,
            result_code=_result_code(d),
            version=d.version,
            form_data=d.form_data,
            events=[
                EventOut(
                    at=e.at,
                    action=e.action,
                    from_status=e.from_status,
                    to_status=e.to_status,
                    agency=e.agency.code if e.agency else None,
                    note=e.note,
                )
                for e in _events(d)
            ],
        )


def _result_code(d: Dossier) -> str | None:
    if d.status not in (Status.FINISHED, Status.RETURNED):
        return None  # no result before approval: spares the query
    try:
        return d.result.code  # the lists join it (select_related); one query for a single dossier
    except DossierResult.DoesNotExist:
        return None


def _events(d: Dossier) -> Any:
    prefetched = getattr(d, "_prefetched_objects_cache", {})
    return prefetched["events"] if "events" in prefetched else d.events.select_related("agency")


class PublicDossierOut(Schema):
    code: str
    procedure_name: str
    status: int
    status_label: str
    submitted_at: datetime | None
    due_at: datetime | None
    returned_at: datetime | None


class DraftIn(Schema):
    procedure_code: str
    receiving_agency: str = Field(description="Agency code; commune-level procedures: any commune's committee")
    form_data: dict[str, Any] = {}


class VersionIn(Schema):
    version: int | None = None


class NoteIn(VersionIn):
    note: str = ""


class PaymentIn(Schema):
    gateway: str = Field(description="One of the gateways listed by GET /payment-methods")


class CheckoutOut(Schema):
    reference: str
    amount_vnd: int
    gateway: str
    redirect_url: str = Field(description="Send the payer here (redirect gateways)")
    qr_payload: str = Field(description="VietQR (EMVCo) payload to show as a QR code (bank transfer)")
    bank_name: str
    account_number: str
    account_name: str
    description: str = Field(description="Transfer description that identifies the payment")


class PaymentOut(Schema):
    reference: str
    gateway: str
    amount_vnd: int
    state: str
    created_at: datetime
    paid_at: datetime | None
    receipt_number: str


class ReuseIn(Schema):
    component: str
    document: int = Field(description="Id of a document in the applicant's store")


class StoredDocumentOut(Schema):
    id: int
    kind: str
    title: str
    content_type: str
    size: int
    sha256: str
    component: str
    created_at: datetime
    retain_until: Any


class VerificationOut(Schema):
    valid: bool
    problem: str
    signer: str
    signed_at: datetime | None
    intact: bool
    trusted: bool
    whole_file: bool
    result_code: str | None = Field(description="The platform's result with exactly these bytes, if any")


class RatingIn(Schema):
    rating: int = Field(ge=1, le=5)
    comment: str = ""


class SupplementIn(Schema):
    form_data: dict[str, Any] | None = None


# --- Catalog ------------------------------------------------------------------------------------------------
@router.get("/procedures", response=list[ProcedureOut], summary="Find procedures")
def list_procedures(
    request: HttpRequest, q: str = "", sector: str = "", level: str = "", agency: str = ""
) -> list[ProcedureOut]:
    found = procedures_search(query=q, sector=sector, level=level, agency=agency)[:200]
    return [ProcedureOut.of(p) for p in found]


@router.get("/procedures/{code}", response=ProcedureDetailOut, summary="One procedure with its form")
def get_procedure(request: HttpRequest, code: str) -> ProcedureDetailOut:
    p = procedure_by_code(code)
    return ProcedureDetailOut(**ProcedureOut.of(p).dict(), legal_basis=p.legal_basis, form_schema=p.form_schema)


@router.get("/lookup", response=PublicDossierOut, summary="Follow a dossier by its code and phone or personal ID")
def lookup(request: HttpRequest, code: str, secret: str) -> PublicDossierOut:
    d = dossier_public_lookup(code=code, secret=secret)
    return PublicDossierOut(
        code=d.code or "",
        procedure_name=d.procedure.name,
        status=d.status,
        status_label=str(Status(d.status).label),
        submitted_at=d.submitted_at,
        due_at=d.due_at,
        returned_at=d.returned_at,
    )


# --- The applicant -------------------------------------------------------------------------------------------
def _agency(code: str) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise NotFound(_("No such agency: %(code)s") % {"code": code})
    return agency


def _me(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@router.get("/dossiers", response=list[DossierOut], auth=AUTH, summary="My dossiers")
def my_dossiers(request: HttpRequest) -> list[DossierOut]:
    mine = Dossier.objects.filter(applicant=_me(request)).select_related(
        "procedure", "receiving_agency", "current_agency"
    )
    return [DossierOut.of(d) for d in mine.select_related("result").prefetch_related(EVENTS)[:100]]


@router.post("/dossiers", response={201: DossierOut}, auth=AUTH, summary="Start a draft")
def create_draft(request: HttpRequest, payload: DraftIn) -> Reply[DossierOut]:
    procedure = procedure_by_code(payload.procedure_code)
    dossier = svc.dossier_draft_save(
        applicant=_me(request),
        procedure=procedure,
        receiving_agency=_receiving(procedure, payload.receiving_agency),
        form_data=payload.form_data,
    )
    return Reply(201, DossierOut.of(dossier))


def _receiving(procedure: Procedure, code: str) -> Agency:
    agency = _agency(code)
    if procedure.level == Procedure.Level.COMMUNE:
        if agency.kind != Agency.Kind.COMMUNE_COMMITTEE:
            raise DomainError(_("A commune-level procedure is received by a commune's People's Committee."))
    elif procedure.agency is not None and agency != procedure.agency:
        raise DomainError(_("This procedure is received by %(agency)s.") % {"agency": procedure.agency.name})
    return agency


@router.get("/dossiers/{dossier_id}", response=DossierOut, auth=AUTH, summary="One of my dossiers")
def get_dossier(request: HttpRequest, dossier_id: int) -> DossierOut:
    return DossierOut.of(dossier_for_applicant(user=_me(request), dossier_id=dossier_id))


@router.put("/dossiers/{dossier_id}", response=DossierOut, auth=AUTH, summary="Save the draft's form")
def save_draft(request: HttpRequest, dossier_id: int, payload: DraftIn) -> DossierOut:
    procedure = procedure_by_code(payload.procedure_code)
    dossier = svc.dossier_draft_save(
        applicant=_me(request),
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
    a = svc.attachment_add(applicant=_me(request), dossier_id=dossier_id, component=component, upload=file)
    return Reply(201, {"id": a.pk, "component": a.component, "content_type": a.content_type, "size": a.size})


@router.post(
    "/dossiers/{dossier_id}/attachments/reuse",
    response={201: dict},
    auth=AUTH,
    summary="Attach a document from my document store (no upload)",
)
def attach_reused(request: HttpRequest, dossier_id: int, payload: ReuseIn) -> Reply[dict[str, Any]]:
    a = svc.attachment_reuse(
        applicant=_me(request), dossier_id=dossier_id, component=payload.component, document_id=payload.document
    )
    return Reply(201, {"id": a.pk, "component": a.component, "content_type": a.content_type, "size": a.size})


@router.get("/payment-methods", response=list[dict[str, str]], summary="The payment methods offered")
def payment_methods(request: HttpRequest) -> list[dict[str, str]]:
    return [{"code": g.code, "label": g.label} for g in gateways_available()]


@router.get("/dossiers/{dossier_id}/payments", response=list[PaymentOut], auth=AUTH, summary="Payments of my dossier")
def list_payments(request: HttpRequest, dossier_id: int) -> list[PaymentOut]:
    dossier = dossier_for_applicant(user=_me(request), dossier_id=dossier_id)
    return [PaymentOut.from_orm(p) for p in dossier.payments.all()]


@router.post("/dossiers/{dossier_id}/payments", response={201: CheckoutOut}, auth=AUTH, summary="Start paying the fee")
def start_payment(request: HttpRequest, dossier_id: int, payload: PaymentIn) -> Reply[CheckoutOut]:
    payment, checkout = payment_start(
        payer=_me(request),
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
    return result_response(dossier_for_applicant(user=_me(request), dossier_id=dossier_id))


@router.get("/documents", response=list[StoredDocumentOut], auth=AUTH, summary="My document store")
def my_documents(request: HttpRequest) -> list[StoredDocumentOut]:
    return [StoredDocumentOut.from_orm(d) for d in documents_of(owner=_me(request))[:500]]


@router.post("/results/verify", response=VerificationOut, summary="Check a signed result's PDF")
def verify_result(request: HttpRequest, file: File[UploadedFile]) -> VerificationOut:
    check, match = upload_verify(file)
    return VerificationOut(**vars(check), result_code=match.code if match else None)


@router.post("/dossiers/{dossier_id}/submit", response=DossierOut, auth=AUTH, summary="Submit the draft")
def submit(request: HttpRequest, dossier_id: int, payload: VersionIn) -> DossierOut:
    return DossierOut.of(
        svc.dossier_submit(applicant=_me(request), dossier_id=dossier_id, version=payload.version).dossier
    )


@router.get("/dossiers/{dossier_id}/receipt.pdf", auth=AUTH, summary="The receipt (form 01) as PDF")
def receipt(request: HttpRequest, dossier_id: int) -> HttpResponse:
    return receipt_response(request, dossier_for_applicant(user=_me(request), dossier_id=dossier_id))


@router.post("/dossiers/{dossier_id}/withdraw", response=DossierOut, auth=AUTH, summary="Withdraw")
def withdraw(request: HttpRequest, dossier_id: int, payload: NoteIn) -> DossierOut:
    return DossierOut.of(
        svc.dossier_withdraw(applicant=_me(request), dossier_id=dossier_id, reason=payload.note).dossier
    )


@router.post("/dossiers/{dossier_id}/supplement", response=DossierOut, auth=AUTH, summary="Answer a supplement request")
def supplement(request: HttpRequest, dossier_id: int, payload: SupplementIn) -> DossierOut:
    move = svc.dossier_supplement(applicant=_me(request), dossier_id=dossier_id, form_data=payload.form_data)
    return DossierOut.of(move.dossier)


@router.post("/dossiers/{dossier_id}/rating", response=DossierOut, auth=AUTH, summary="Rate the service")
def rate(request: HttpRequest, dossier_id: int, payload: RatingIn) -> DossierOut:
    dossier = svc.dossier_rate(
        applicant=_me(request), dossier_id=dossier_id, rating=payload.rating, comment=payload.comment
    )
    return DossierOut.of(dossier)


# --- Officers ---------------------------------------------------------------------------------------------------
@router.get("/queue", response=list[DossierOut], auth=AUTH, summary="Dossiers held by my agencies")
def queue(request: HttpRequest, status: int | None = None) -> list[DossierOut]:
    return [
        DossierOut.of(d)
        for d in officer_queue(user=_me(request), status=status).select_related("result").prefetch_related(EVENTS)[:200]
    ]


@router.get("/queue/{dossier_id}", response=DossierOut, auth=AUTH, summary="A dossier, for its officers")
def staff_dossier(request: HttpRequest, dossier_id: int) -> DossierOut:
    return DossierOut.of(dossier_for_staff(request=request, dossier_id=dossier_id))


@router.get("/queue/{dossier_id}/receipt.pdf", auth=AUTH, summary="The receipt (form 01), for its officers")
def staff_receipt(request: HttpRequest, dossier_id: int) -> HttpResponse:
    return receipt_response(request, dossier_for_staff(request=request, dossier_id=dossier_id))


class MoveInputOut(Schema):
    name: str
    kind: str = Field(description="text, longtext, agency (its code), account (its name), datetime, amount (đồng)")
    label: str
    required: bool


class MoveOut(Schema):
    name: str = Field(description="POST /queue/{id}/moves/{name} makes it")
    label: str
    target_status: int | None = Field(description="The status it leads to (empty: the status stays)")
    inputs: list[MoveInputOut]


class MoveIn(VersionIn):
    """The inputs of any move; each move reads those it declares (GET /queue/{id}/moves)."""

    note: str | None = None
    reason: str | None = None
    to_agency: str | None = Field(None, description="Agency code (transfer)")
    specialist: str | None = Field(None, description="Account name of the specialist (assign)")
    new_due_at: datetime | None = Field(None, description="The new appointment (apologise, form 04)")
    amount_vnd: int | None = Field(None, gt=0, description="The obligation in đồng; empty: the fee of the dossier")


@router.get(
    "/queue/{dossier_id}/moves", response=list[MoveOut], auth=AUTH,
    summary="The moves I may make on this dossier now, with their inputs",
)  # fmt: skip
def dossier_moves(request: HttpRequest, dossier_id: int) -> list[MoveOut]:
    dossier = dossier_for_staff(request=request, dossier_id=dossier_id)
    return [
        MoveOut(
            name=m.name,
            label=str(m.label),
            target_status=m.target,
            inputs=[MoveInputOut(name=i.name, kind=i.kind, label=str(i.label), required=i.required) for i in m.inputs],
        )
        for m in moves_allowed(request, dossier)
    ]


@router.post(
    "/queue/{dossier_id}/moves/{move}", response=DossierOut, auth=AUTH,
    summary="Make a move (accept, request_supplement, refuse, transfer, assign, approve, stop, apologise, pause, "
    "resume, request_payment, return_result)",
)  # fmt: skip
def dossier_move(request: HttpRequest, dossier_id: int, move: str, payload: MoveIn) -> DossierOut:
    done = svc.dossier_officer_move(
        officer=authz.principal_of(request),
        dossier_id=dossier_id,
        move=move,
        version=payload.version,
        inputs=payload.dict(exclude={"version"}, exclude_none=True),
    )
    return DossierOut.of(done.dossier)


# --- the officers' views of payments, the national population database, the national portal's backlog ---------
class NoticeOut(Schema):
    received_at: datetime
    outcome: str = Field(description="applied, duplicate, forged, unknown, mismatch, failed, second_charge, late")


class StaffPaymentOut(PaymentOut):
    paid_amount_vnd: int | None = Field(description="What the gateway said was paid")
    transaction_no: str
    notices: list[NoticeOut]


@router.get(
    "/queue/{dossier_id}/payments", response=list[StaffPaymentOut], auth=AUTH,
    summary="A dossier's payments and every notice the gateways sent, for its officers",
)  # fmt: skip
def staff_payments(request: HttpRequest, dossier_id: int) -> list[StaffPaymentOut]:
    dossier = dossier_for_staff(request=request, dossier_id=dossier_id)
    return [
        StaffPaymentOut(
            reference=p.reference,
            gateway=p.gateway,
            amount_vnd=p.amount_vnd,
            state=p.state,
            created_at=p.created_at,
            paid_at=p.paid_at,
            receipt_number=p.receipt_number,
            paid_amount_vnd=p.paid_amount_vnd,
            transaction_no=p.transaction_no,
            notices=[NoticeOut(received_at=c.received_at, outcome=c.outcome) for c in p.callbacks.all()],
        )
        for p in dossier.payments.prefetch_related("callbacks")
    ]


class CheckLineOut(Schema):
    key: str
    label: str
    national: str = Field(description="What the national population database says")
    declared: str = Field(description="What the applicant declared (empty: nothing to compare)")
    matches: bool | None


class CitizenCheckOut(Schema):
    personal_id: str
    request_id: str = Field(description="The gateway's X-Road-Request-Id: the call in its message log")
    lines: list[CheckLineOut]


@router.post(
    "/queue/{dossier_id}/citizen-check", response=CitizenCheckOut, auth=AUTH,
    summary="Check the applicant in the national population database (through the data-exchange gateway)",
)  # fmt: skip
def citizen_check(request: HttpRequest, dossier_id: int) -> CitizenCheckOut:
    dossier = dossier_for_staff(request=request, dossier_id=dossier_id)
    found = applicant_check(dossier=dossier, officer=_me(request))
    return CitizenCheckOut(
        personal_id=found.personal_id,
        request_id=found.request_id,
        lines=[CheckLineOut(**vars(line)) for line in found.lines],
    )


class PortalWaitingOut(Schema):
    event_id: str
    dossier_code: str
    status: int
    occurred_at: datetime
    attempts: int
    next_attempt_at: datetime


class PortalSyncOut(Schema):
    enabled: bool
    pending: int
    failing: int
    oldest: datetime | None
    synced_last_day: int
    waiting: list[PortalWaitingOut]


def _portal_state(request: HttpRequest) -> PortalSyncOut:
    state = portal_sync_state(user=_me(request))
    return PortalSyncOut(
        enabled=state.enabled,
        pending=state.pending,
        failing=state.failing,
        oldest=state.oldest,
        synced_last_day=state.synced_last_day,
        waiting=[
            PortalWaitingOut(
                event_id=str(e.id),
                dossier_code=e.payload.get("code") or "",
                status=e.payload["status"],
                occurred_at=e.occurred_at,
                attempts=e.attempts,
                next_attempt_at=e.next_at,
            )
            for e in state.waiting
        ],
    )


@router.get(
    "/portal-sync", response=PortalSyncOut, auth=AUTH, summary="Status changes the national portal has not accepted"
)
def portal_sync(request: HttpRequest) -> PortalSyncOut:
    return _portal_state(request)


@router.post("/portal-sync/retry", response=PortalSyncOut, auth=AUTH, summary="Push the portal's backlog again now")
def portal_sync_retry_now(request: HttpRequest) -> PortalSyncOut:
    portal_sync_retry(user=_me(request))
    return _portal_state(request)
