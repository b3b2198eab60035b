"""The public part of the API: the catalog, following a dossier, the payment methods, checking a signed result."""

from django.http import HttpRequest
from ninja import File, Query, Router
from ninja.files import UploadedFile

from smartgov.platform.text import SEARCH_MAX_CHARS
from smartgov.procedures.api.schemas import ProcedureDetailOut, ProcedureOut, PublicDossierOut, VerificationOut
from smartgov.procedures.domain.status import Status
from smartgov.procedures.gateways import gateways_available
from smartgov.procedures.results import upload_verify
from smartgov.procedures.selectors import procedure_by_code, procedures_search
from smartgov.procedures.services.tracking import dossier_track

router = Router(tags=["public services"])


@router.get("/procedures", response=list[ProcedureOut], summary="Find procedures")
def list_procedures(
    request: HttpRequest,
    q: str = Query("", max_length=SEARCH_MAX_CHARS, description="Words of the name (diacritics optional) or code"),
    sector: str = "",
    level: str = "",
    agency: str = "",
) -> list[ProcedureOut]:
    found = procedures_search(query=q, sector=sector, level=level, agency=agency)[:200]
    return [ProcedureOut.of(p) for p in found]


@router.get("/procedures/{code}", response=ProcedureDetailOut, summary="One procedure with its form")
def get_procedure(request: HttpRequest, code: str) -> ProcedureDetailOut:
    p = procedure_by_code(code)
    return ProcedureDetailOut(**ProcedureOut.of(p).dict(), legal_basis=p.legal_basis, form_schema=p.form_schema)


@router.get(
    "/lookup",
    response=PublicDossierOut,
    summary="Follow a dossier by its code and phone or personal ID",
    description="Wrong tries are limited per dossier code and per address; past the limit: 429 (Retry-After).",
)
def lookup(request: HttpRequest, code: str, secret: str) -> PublicDossierOut:
    d = dossier_track(request=request, code=code, secret=secret)
    return PublicDossierOut(
        code=d.code or "",
        procedure_name=d.procedure.name,
        status=d.status,
        status_label=str(Status(d.status).label),
        submitted_at=d.submitted_at,
        due_at=d.due_at,
        returned_at=d.returned_at,
    )


@router.get("/payment-methods", response=list[dict[str, str]], summary="The payment methods offered")
def payment_methods(request: HttpRequest) -> list[dict[str, str]]:
    return [{"code": g.code, "label": g.label} for g in gateways_available()]


@router.post("/results/verify", response=VerificationOut, summary="Check a signed result's PDF")
def verify_result(request: HttpRequest, file: File[UploadedFile]) -> VerificationOut:
    check, match = upload_verify(file)
    return VerificationOut(**vars(check), result_code=match.code if match else None)
