"""The API's schemas (docs/kernel.md §2: API schemas are not models): what each operation reads and answers."""

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from smartgov.procedures.domain.status import Status
from smartgov.procedures.models import Dossier, DossierResult, Procedure


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


class MovedOut(DossierOut):
    """The dossier after a move, with what the move did in one sentence (shown to the officer as it is)."""

    message: str = Field(description="What happened and to whom, in the request's language")


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

    note: str | None = Field(None, max_length=4000)
    reason: str | None = Field(None, max_length=4000)
    to_agency: str | None = Field(None, max_length=64, description="Agency code (transfer)")
    specialist: str | None = Field(None, max_length=150, description="Account name of the specialist (assign)")
    new_due_at: datetime | None = Field(None, description="The new appointment (apologise, form 04)")
    amount_vnd: int | None = Field(
        None, gt=0, le=10_000_000_000, description="The obligation in đồng; empty: the fee of the dossier"
    )


class NoticeOut(Schema):
    received_at: datetime
    outcome: str = Field(description="applied, duplicate, forged, unknown, mismatch, failed, second_charge, late")


class StaffPaymentOut(PaymentOut):
    paid_amount_vnd: int | None = Field(description="What the gateway said was paid")
    transaction_no: str
    notices: list[NoticeOut]


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
