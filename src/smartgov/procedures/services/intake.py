"""Dossiers submitted on the National Public Service Portal (Cổng Dịch vụ công quốc gia), received by the city's
one-stop shop into the same workflow as its own.

Since mid-2025 the city runs no online portal of its own: citizens apply on the national one, signed in with
VNeID, and the province's one-stop system takes their dossiers from it. It does so the way provincial systems
integrate with the national portal — it **pulls**: ``portal_intake_pull`` (the beat job ``portal_intake``, every
minute) asks the portal's feed, through the data-exchange gateway as the one-stop shop's client, for the dossiers
after its cursor, and hands each to ``portal_dossier_receive``. The portal never calls in, so the city exposes no
endpoint for it and the gateway's rights and message log cover every exchange (docs/procedures.md).

``portal_dossier_receive`` takes one record of the feed, in one transaction with the cursor's move:

- **once**: the national code is unique; the same dossier again returns the one already received;
- **whole or not at all**: the applicant's account, the dossier, its documents, the payment, the process-control
  line, the audit row, the outbox event and the cursor commit together;
- **checked**: a record that is malformed, names an unknown procedure or agency, fails the procedure's form, lacks
  a required document or carries a document the platform's inspection refuses (``platform.files``: a PDF with
  JavaScript, a bomb…) is not received: a ``PortalIntakeRefusal`` keeps the code, the reason and the payload's
  SHA-256 (never the payload: it holds personal data), and the cursor moves past it;
- **the same dossier as any other**: the receiving agency's own code and appointment (working-day calendar), the
  fee from the procedure's schedule, marked paid when the portal collected it (a ``Payment`` of gateway ``dvcqg``
  with the portal's payment reference), the applicant's citizen account found by personal ID or created as a
  first VNeID sign-in creates it; the move is a ``submit``, so notifications, indicators and the status
  synchronisation (``handlers.portal_sync``, which adds the national code) treat it as every submission.
"""

import base64
import binascii
import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as SchemaError

from smartgov.identity.selectors import User
from smartgov.identity.services import account_create
from smartgov.platform.errors import DomainError
from smartgov.platform.files import FileRefused
from smartgov.platform.models import Agency
from smartgov.platform.services.outbox import event_publish
from smartgov.procedures.domain.fees import fee_for
from smartgov.procedures.domain.status import Status
from smartgov.procedures.events import PortalDossierRefused
from smartgov.procedures.forms import form_validate
from smartgov.procedures.models import (
    Dossier,
    Payment,
    PortalDossier,
    PortalIntakeCursor,
    PortalIntakeRefusal,
    Procedure,
)
from smartgov.procedures.services.attachments import attachment_store
from smartgov.procedures.services.deadlines import dossier_code_next, due_from
from smartgov.procedures.services.dossiers import _record
from smartgov.procedures.uploads import CheckedUpload, upload_check

logger = logging.getLogger(__name__)

FEED = "dvcqg"
#: The gateway code of a fee the national portal collected (its payment platform's transaction).
PORTAL_GATEWAY = "dvcqg"
#: At most this many documents in one record (the largest procedure has a dozen components).
MAX_DOCUMENTS = 30


# --- The feed's record (the portal's wire format, docs/procedures.md) --------------------------------------------
class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class ApplicantIn(_Strict):
    personal_id: str = Field(min_length=9, max_length=20)
    full_name: str = Field(min_length=1, max_length=150)
    phone: str = Field(default="", max_length=20)


class DocumentIn(_Strict):
    component: str = Field(min_length=1, max_length=40)
    name: str = Field(default="", max_length=500)
    content_base64: str = Field(min_length=1)


class PaymentIn(_Strict):
    reference: str = Field(min_length=1, max_length=64)
    amount_vnd: int = Field(ge=0, le=10**12)
    paid_at: datetime


class RecordIn(_Strict):
    national_code: str = Field(min_length=4, max_length=60, pattern=r"^[0-9A-Za-z.\-_/]+$")
    procedure_code: str = Field(min_length=1, max_length=40)
    agency_code: str = Field(min_length=1, max_length=40)
    submitted_at: datetime
    applicant: ApplicantIn
    form: dict[str, Any] = Field(default_factory=dict)
    documents: list[DocumentIn] = Field(default_factory=list, max_length=MAX_DOCUMENTS)
    payment: PaymentIn | None = None


@dataclass(frozen=True)
class Received:
    """What became of one record: ``portal`` when received (``duplicate``: it had been already), else refused."""

    national_code: str
    portal: PortalDossier | None = None
    duplicate: bool = False
    refusal: PortalIntakeRefusal | None = None


@dataclass
class Pulled:
    received: int = 0
    duplicates: int = 0
    refused: int = 0
    error: str = ""
    codes: list[str] = field(default_factory=list)


class Refused(Exception):
    """A record the intake does not take: ``reason`` is a short code, ``detail`` says why (no personal data)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason, self.detail = reason, detail


def _sha256(raw: Any) -> str:
    data = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(data).hexdigest()


def _parse(raw: Any) -> RecordIn:
    if not isinstance(raw, dict):
        raise Refused("malformed", "the record is not a JSON object")
    try:
        return RecordIn.model_validate(raw)
    except SchemaError as exc:
        fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})[:10]
        raise Refused("malformed", "invalid or missing: " + ", ".join(fields)) from exc


def _procedure_and_agency(record: RecordIn) -> tuple[Procedure, Agency]:
    procedure = Procedure.objects.select_related("agency").filter(code=record.procedure_code, active=True).first()
    if procedure is None:
        raise Refused("unknown_procedure", f"no active procedure {record.procedure_code} in the city's catalog")
    agency = Agency.objects.filter(code=record.agency_code).first()
    if agency is None:
        raise Refused("unknown_agency", f"no agency {record.agency_code}")
    if procedure.level == Procedure.Level.COMMUNE:
        if agency.kind != Agency.Kind.COMMUNE_COMMITTEE:
            raise Refused("wrong_agency", "a commune-level procedure is received by a commune's People's Committee")
    elif procedure.agency is not None and agency != procedure.agency:
        raise Refused("wrong_agency", f"{procedure.code} is received by {procedure.agency.code}")
    return procedure, agency


def _documents(record: RecordIn, procedure: Procedure) -> list[tuple[str, CheckedUpload]]:
    """Each document decoded and passed through the platform's inspection (before any lock is taken)."""
    components = {c["code"] for c in procedure.components}
    checked = []
    limit = settings.SMARTGOV_UPLOAD_MAX_BYTES
    for n, document in enumerate(record.documents, start=1):
        if document.component not in components:
            raise Refused("unknown_component", f"document {n}: the procedure has no component {document.component}")
        if len(document.content_base64) > (limit // 3 + 1) * 4 + 4:
            raise Refused("document_too_large", f"document {n} is over {limit} bytes")
        try:
            content = base64.b64decode(document.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise Refused("malformed", f"document {n} is not base64") from exc
        upload = SimpleUploadedFile(document.name or f"{document.component}.pdf", content)
        try:
            checked.append((document.component, upload_check(upload)))
        except FileRefused as exc:
            kind = "hostile_document" if getattr(exc, "hostile", False) else "document_refused"
            raise Refused(kind, f"document {n}: {exc}"[:500]) from exc
    missing = [c["code"] for c in procedure.components if c.get("required")]
    missing = [c for c in missing if c not in {component for component, _checked in checked}]
    if missing:
        raise Refused("documents_missing", "required components missing: " + ", ".join(missing))
    return checked


def _applicant(record: RecordIn) -> User:
    """The citizen's account: found by personal ID, or created as a first VNeID sign-in creates it (no password:
    the person signs in through VNeID, or sets one by "forgot password")."""
    personal_id = "".join(record.applicant.personal_id.split())
    try:  # the account's own rules for a personal ID (12 digits, a province's code, a checkable birth year)
        User._meta.get_field("personal_id").run_validators(personal_id)
    except ValidationError as exc:
        raise Refused("bad_personal_id", "the applicant's personal identification number is not valid") from exc
    user = User.objects.filter(personal_id=personal_id).first()
    if user is not None:
        if user.kind != User.Kind.CITIZEN or not user.is_active:
            raise Refused("applicant_not_citizen", f"{user.masked_username} is not an active citizen account")
        return user
    try:
        return account_create(
            actor=None,
            actor_label=_("National Public Service Portal"),
            username=personal_id,
            password=None,
            kind=User.Kind.CITIZEN,
            personal_id=personal_id,
            full_name=record.applicant.full_name,
            phone=record.applicant.phone,
        )
    except ValidationError as exc:
        raise Refused("bad_applicant", "the applicant's account cannot be created: " + "; ".join(exc.messages)) from exc


def _refuse(*, national_code: str, raw_sha256: str, refused: Refused, procedure_code: str = "") -> PortalIntakeRefusal:
    """Record the refusal (once per payload) and, when the record named its dossier, tell the portal it was not
    accepted (``procedures.portal.refused``, pushed by ``handlers.portal_refusal_sync`` as status 3)."""
    refusal, created = PortalIntakeRefusal.objects.get_or_create(
        payload_sha256=raw_sha256,
        defaults={
            "national_code": national_code[:60],
            "refused_at": timezone.now(),
            "reason": refused.reason,
            "detail": refused.detail[:500],
        },
    )
    logger.warning("portal dossier %s refused: %s %s", national_code[:60], refused.reason, refused.detail[:200])
    if created and national_code:
        event_publish(
            topic="procedures.portal.refused",
            payload=PortalDossierRefused(
                national_code=national_code[:60],
                procedure_code=procedure_code[:40],
                reason=refused.reason,
                detail=refused.detail[:500],
            ),
            obj=refusal,
        )
    return refusal


def _cursor_move(cursor: str | None, *, expected: str | None) -> None:
    """Move the feed's cursor in the caller's transaction, only from where this run found it."""
    if cursor is None:
        return
    _cursor_row()
    moved = PortalIntakeCursor.objects.filter(feed=FEED, cursor=expected or "").update(cursor=cursor[:200])
    if not moved:
        raise DomainError(_("Another intake moved the portal's cursor meanwhile."))


def portal_dossier_receive(raw: Any, *, cursor: str | None = None, after: str | None = None) -> Received:
    """Receive one dossier record of the portal's feed (``cursor``: where the feed will be once it is taken,
    moved from ``after`` in the same transaction). See the module's docstring."""
    raw_sha256 = _sha256(raw)
    code = str(raw.get("national_code", ""))[:60] if isinstance(raw, dict) else ""
    procedure_code = str(raw.get("procedure_code", ""))[:40] if isinstance(raw, dict) else ""
    try:
        record = _parse(raw)
        code = record.national_code
        existing = PortalDossier.objects.select_related("dossier").filter(national_code=code).first()
        if existing is not None:
            with transaction.atomic():
                _cursor_move(cursor, expected=after)
            return Received(code, existing, duplicate=True)
        procedure, agency = _procedure_and_agency(record)
        try:
            form_validate(procedure.form_schema, record.form)
        except (DomainError, ValidationError) as exc:
            raise Refused("form_invalid", str(exc)[:500]) from exc
        documents = _documents(record, procedure)
    except Refused as refused:
        with transaction.atomic():
            refusal = _refuse(national_code=code, raw_sha256=raw_sha256, refused=refused, procedure_code=procedure_code)
            _cursor_move(cursor, expected=after)
        return Received(code, refusal=refusal)
    try:
        with transaction.atomic():
            portal = _create(record, procedure=procedure, agency=agency, documents=documents, sha256=raw_sha256)
            _cursor_move(cursor, expected=after)
    except IntegrityError:  # the same dossier received at the same moment by another run: that one holds it
        existing = PortalDossier.objects.select_related("dossier").filter(national_code=code).first()
        if existing is None:
            raise
        return Received(code, existing, duplicate=True)
    except Refused as refused:
        with transaction.atomic():
            refusal = _refuse(national_code=code, raw_sha256=raw_sha256, refused=refused, procedure_code=procedure_code)
            _cursor_move(cursor, expected=after)
        return Received(code, refusal=refusal)
    return Received(code, portal)


def _create(
    record: RecordIn, *, procedure: Procedure, agency: Agency, documents: list[tuple[str, CheckedUpload]], sha256: str
) -> PortalDossier:
    applicant = _applicant(record)
    now = timezone.now()
    dossier = Dossier(
        procedure=procedure,
        applicant=applicant,
        applicant_name=record.applicant.full_name,
        applicant_phone=record.applicant.phone or applicant.phone,
        receiving_agency=agency,
        current_agency=agency,
        status=Status.SUBMITTED,
        channel=Dossier.Channel.ONLINE,
        form_data=record.form,
        created_at=now,
        submitted_at=now,
    )
    dossier.fee_vnd = fee_for(fee_vnd=procedure.fee_vnd, schedule=procedure.fee_schedule, form_data=record.form)
    # the local code and the appointment run from the moment the one-stop shop receives it, as at the counter
    dossier.code = dossier_code_next(agency=agency, moment=now)
    dossier.due_at = due_from(procedure, now)
    payment = record.payment
    if (
        payment is not None
        and Payment.objects.filter(gateway=PORTAL_GATEWAY, transaction_no=payment.reference).exists()
    ):
        raise Refused("payment_reused", "the portal's payment reference was already used for another dossier")
    paid = payment is not None and dossier.fee_vnd > 0 and payment.amount_vnd >= dossier.fee_vnd
    if paid and payment is not None:
        dossier.paid_at = payment.paid_at
    dossier.save()
    for component, checked in documents:
        attachment_store(dossier=dossier, component=component, checked=checked, owner=applicant, at=now)
    if payment is not None:
        from smartgov.procedures.services.payments import _reference

        Payment.objects.create(
            reference=_reference(),
            dossier=dossier,
            payer=applicant,
            gateway=PORTAL_GATEWAY,
            amount_vnd=payment.amount_vnd,
            state=Payment.State.PAID if paid else Payment.State.MISMATCH,
            created_at=now,
            paid_at=payment.paid_at,
            paid_amount_vnd=payment.amount_vnd,
            transaction_no=payment.reference,
        )
    portal = PortalDossier.objects.create(
        national_code=record.national_code,
        dossier=dossier,
        submitted_at=record.submitted_at,
        received_at=now,
        payment_reference=payment.reference if payment else "",
        paid_vnd=payment.amount_vnd if payment else None,
        payload_sha256=sha256,
    )
    note = _("Received from the National Public Service Portal (national code %(code)s).") % {
        "code": record.national_code
    }
    _record(
        dossier,
        action="submit",
        actor=applicant,
        old_status=Status.DRAFT,
        note=note,
        changes={"national_code": record.national_code, "source": FEED},
    )
    return portal


# --- The pull ---------------------------------------------------------------------------------------------------
def _cursor_row() -> PortalIntakeCursor:
    row, _created = PortalIntakeCursor.objects.get_or_create(feed=FEED)
    return row


def portal_intake_pull(*, batch: int | None = None, pages: int | None = None) -> Pulled:
    """Ask the portal's feed (through the gateway) for the dossiers after the cursor and receive each, page after
    page until the feed has no more or ``pages`` were taken. A failure of the feed leaves the cursor where it was,
    for the next run; it is kept on the cursor's row (``last_error``) for the intake page."""
    from smartgov.exchange.services.client import ExchangeUnavailable, exchange_call

    service = settings.SMARTGOV_PORTAL_INTAKE_SERVICE
    outcome = Pulled()
    if not service:
        outcome.error = "intake off: SMARTGOV_PORTAL_INTAKE_SERVICE is not set"
        return outcome
    batch = batch or settings.SMARTGOV_PORTAL_INTAKE_BATCH
    for _page in range(pages or settings.SMARTGOV_PORTAL_INTAKE_PAGES):
        after = _cursor_row().cursor
        try:
            answer = exchange_call(service=service, path="/ho-so?" + urlencode({"after": after, "limit": batch}))
        except ExchangeUnavailable as exc:
            outcome.error = f"gateway unavailable: {type(exc).__name__}"
            break
        if answer.error or answer.status != 200:
            outcome.error = f"feed answered {answer.status} {answer.error}".strip()
            break
        try:
            page = answer.json()
            items, more = page["items"], bool(page.get("more"))
            if not isinstance(items, list):
                raise TypeError("items")
        except (ValueError, KeyError, TypeError) as exc:
            outcome.error = f"the feed's answer is not a page of dossiers ({type(exc).__name__})"
            break
        for item in items:
            next_cursor = str(item.get("cursor", "")) if isinstance(item, dict) else ""
            if not next_cursor:
                outcome.error = "a record of the feed has no cursor"
                break
            got = portal_dossier_receive(item, cursor=next_cursor, after=after)
            after = next_cursor
            if got.refusal is not None:
                outcome.refused += 1
            elif got.duplicate:
                outcome.duplicates += 1
            else:
                outcome.received += 1
                outcome.codes.append(got.national_code)
        if outcome.error or not more or not items:
            break
    PortalIntakeCursor.objects.filter(feed=FEED).update(pulled_at=timezone.now(), last_error=outcome.error[:300])
    return outcome


# --- The one-stop shop's view of the intake ----------------------------------------------------------------------
@dataclass(frozen=True)
class IntakeState:
    enabled: bool
    cursor: PortalIntakeCursor | None
    received: list[PortalDossier]
    refused: list[PortalIntakeRefusal]


SHOWN = 100


def _require_one_stop(user: User) -> None:
    from smartgov.identity import authz
    from smartgov.platform.errors import Forbidden

    Role = authz.Role
    if not authz.holds(user, Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER, Role.PLATFORM_ADMIN):
        raise Forbidden(_("Only civil servants who handle dossiers see the dossiers from the national portal."))


def portal_intake_state(*, user: User) -> IntakeState:
    """The intake's cursor and last run, the latest dossiers received for the agencies where ``user`` works (all
    of them for a platform administrator) and the latest refusals (codes and reasons: no personal data)."""
    from smartgov.identity import authz

    _require_one_stop(user)
    agencies = authz.agencies_with(user, authz.Role.ONE_STOP_OFFICER, authz.Role.SPECIALIST, authz.Role.LEADER)
    received = PortalDossier.objects.select_related("dossier", "dossier__procedure", "dossier__receiving_agency")
    if agencies != authz.ALL:
        received = received.filter(dossier__receiving_agency__in=agencies)
    return IntakeState(
        enabled=bool(settings.SMARTGOV_PORTAL_INTAKE_SERVICE),
        cursor=PortalIntakeCursor.objects.filter(feed=FEED).first(),
        received=list(received.order_by("-received_at")[:SHOWN]),
        refused=list(PortalIntakeRefusal.objects.order_by("-refused_at")[:SHOWN]),
    )


def portal_intake_fetch_now(*, user: User) -> Pulled:
    """Read the portal's feed now rather than at the next minute (audited)."""
    from smartgov.platform.services.audit import audit_record

    _require_one_stop(user)
    pulled = portal_intake_pull()
    with transaction.atomic():
        audit_record(
            actor=user,
            action="procedures.portal_intake.fetch",
            object_type="procedures.portalintakecursor",
            object_repr=FEED,
            changes={"received": pulled.received, "refused": pulled.refused, "error": pulled.error},
        )
    return pulled
