"""The officers' part of the API: the queue of their agencies, a dossier, its moves (declared once in
domain/moves.py), its payments and the check of the applicant in the national population database."""

from django.http import HttpRequest, HttpResponse
from ninja import Router

from smartgov.identity import authz
from smartgov.procedures.api.common import AUTH, EVENTS, me
from smartgov.procedures.api.schemas import (
    CheckLineOut,
    CitizenCheckOut,
    DossierOut,
    MovedOut,
    MoveIn,
    MoveInputOut,
    MoveOut,
    NoticeOut,
    StaffPaymentOut,
)
from smartgov.procedures.documents import receipt_response
from smartgov.procedures.domain.moves import moves_allowed
from smartgov.procedures.selectors import dossier_for_staff, officer_queue
from smartgov.procedures.services import moves
from smartgov.procedures.services.citizens import applicant_check

router = Router(tags=["public services"])


@router.get("/queue", response=list[DossierOut], auth=AUTH, summary="Dossiers held by my agencies")
def queue(request: HttpRequest, status: int | None = None) -> list[DossierOut]:
    return [
        DossierOut.of(d)
        for d in officer_queue(user=me(request), status=status).select_related("result").prefetch_related(EVENTS)[:200]
    ]


@router.get("/queue/{dossier_id}", response=DossierOut, auth=AUTH, summary="A dossier, for its officers")
def staff_dossier(request: HttpRequest, dossier_id: int) -> DossierOut:
    return DossierOut.of(dossier_for_staff(request=request, dossier_id=dossier_id))


@router.get("/queue/{dossier_id}/receipt.pdf", auth=AUTH, summary="The receipt (form 01), for its officers")
def staff_receipt(request: HttpRequest, dossier_id: int) -> HttpResponse:
    return receipt_response(request, dossier_for_staff(request=request, dossier_id=dossier_id))


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
    "/queue/{dossier_id}/moves/{move}", response=MovedOut, auth=AUTH,
    summary="Make a move (accept, request_supplement, refuse, transfer, assign, approve, stop, apologise, pause, "
    "resume, request_payment, return_result)",
)  # fmt: skip
def dossier_move(request: HttpRequest, dossier_id: int, move: str, payload: MoveIn) -> MovedOut:
    done = moves.dossier_officer_move(
        officer=authz.principal_of(request),
        dossier_id=dossier_id,
        move=move,
        version=payload.version,
        inputs=payload.dict(exclude={"version"}, exclude_none=True),
    )
    return MovedOut(**DossierOut.of(done.dossier).dict(), message=moves.move_message(move, done))


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


@router.post(
    "/queue/{dossier_id}/citizen-check", response=CitizenCheckOut, auth=AUTH,
    summary="Check the applicant in the national population database (through the data-exchange gateway)",
)  # fmt: skip
def citizen_check(request: HttpRequest, dossier_id: int) -> CitizenCheckOut:
    dossier = dossier_for_staff(request=request, dossier_id=dossier_id)
    found = applicant_check(dossier=dossier, officer=me(request))
    return CitizenCheckOut(
        personal_id=found.personal_id,
        request_id=found.request_id,
        lines=[CheckLineOut(**vars(line)) for line in found.lines],
    )
