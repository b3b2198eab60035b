"""Every change of a dossier: a service with its rules, in one transaction with its audit row, its line in the
process-control form and its outbox event. Two people acting on one dossier at once: the dossier row is
locked, the second finds the status moved on (or a stale ``version``) and gets a Conflict, nothing changes."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from smartgov.identity import authz
from smartgov.identity.selectors import User
from smartgov.platform.errors import Conflict, DomainError, NotFound
from smartgov.platform.models import Agency
from smartgov.platform.services.audit import audit_record
from smartgov.platform.services.outbox import event_publish
from smartgov.procedures.domain.fees import fee_for
from smartgov.procedures.domain.moves import move_guard
from smartgov.procedures.domain.status import BIRTH_REGISTRATION, TRANSITIONS, Status
from smartgov.procedures.events import BirthRegistered, DossierMoved
from smartgov.procedures.forms import FormInvalid, documents_errors, field_error, form_errors, form_validate
from smartgov.procedures.models import Dossier, DossierEvent, Procedure
from smartgov.procedures.services.deadlines import clock_restart, dossier_code_next, due_from, step_due
from smartgov.procedures.services.results import result_issue

#: Who makes an officers' move: the account, or a principal (an access token's scopes then count).
Officer = User | authz.Principal


@dataclass(frozen=True)
class Moved:
    """What a move did, for the caller's message."""

    dossier: Dossier
    event: DossierEvent


def _locked(dossier_id: int, *, version: int | None) -> Dossier:
    dossier = (
        Dossier.objects.select_for_update()
        .select_related("procedure", "receiving_agency", "current_agency")
        .filter(pk=dossier_id)
        .first()
    )
    if dossier is None:
        raise NotFound(_("No such dossier."))
    if version is not None and dossier.version != version:
        raise Conflict(_("Someone else changed this dossier a moment ago. Reload it to see what changed."))
    return dossier


def _check_move(dossier: Dossier, action: str) -> int:
    """The applicant's (and the payment's) moves: legal from the dossier's status? Returns the new status."""
    starts, target = TRANSITIONS[action]
    if dossier.status not in starts:
        raise Conflict(
            _("This cannot be done now: the dossier is “%(status)s”.") % {"status": Status(dossier.status).label}
        )
    return dossier.status if target is None else target


@contextmanager
def _moving(
    dossier_id: int,
    *,
    action: str,
    version: int | None,
    actor: Officer | None = None,
    applicant: User | None = None,
) -> Iterator[tuple[Dossier, int]]:
    """The start every move shares, in its transaction: lock the dossier (refusing a stale ``version``), check
    whose it is and that the move is legal now — the applicant's own dossier in a status ``TRANSITIONS`` allows,
    or for an officer (``actor``) a move ``moves_allowed`` grants (``domain/moves.py``). Yields the dossier,
    already set to the move's target status, and the old status."""
    with transaction.atomic():
        dossier = _locked(dossier_id, version=version)
        old = dossier.status
        if actor is not None:
            target = move_guard(actor, dossier, action).target
            dossier.status = old if target is None else target
        else:
            if applicant is None or dossier.applicant_id != applicant.pk:
                raise NotFound(_("No such dossier."))
            dossier.status = _check_move(dossier, action)
        yield dossier, old


def _record(
    dossier: Dossier,
    *,
    action: str,
    actor: Officer,
    old_status: int,
    note: str = "",
    agency: Agency | None = None,
    step_due_at: datetime | None = None,
    changes: dict[str, Any] | None = None,
) -> DossierEvent:
    now = timezone.now()
    account: User = authz.principal_of(actor).user
    dossier.version += 1
    dossier.save()
    event = DossierEvent.objects.create(
        dossier=dossier,
        at=now,
        action=action,
        from_status=old_status,
        to_status=dossier.status,
        actor=account,
        agency=agency or dossier.current_agency,
        note=note,
        step_due_at=step_due_at,
    )
    audit_record(
        actor=account,
        action=f"procedures.dossier.{action}",
        obj=dossier,
        changes={"status": [old_status, dossier.status], **(changes or {})},
    )
    event_publish(topic=f"procedures.dossier.{action}", payload=dossier_moved(dossier, old_status), obj=dossier)
    if action == "approve" and dossier.procedure.code in BIRTH_REGISTRATION:
        event_publish(topic="procedures.birth.registered", payload=birth_registered(dossier), obj=dossier)
    return event


def dossier_moved(dossier: Dossier, old_status: int) -> DossierMoved:
    """The facts of a move its consumers need (procedures/events.py)."""
    return DossierMoved(
        dossier=dossier.pk,
        code=dossier.code or "",
        procedure=dossier.procedure.code,
        procedure_name=dossier.procedure.name,
        status=dossier.status,
        from_status=old_status,
        fee_due=dossier.status == Status.FINANCIAL_OBLIGATION,
        applicant=dossier.applicant_id,
        receiving_agency=dossier.receiving_agency.code,
        current_agency=dossier.current_agency.code,
        due_at=dossier.due_at,
        fee_vnd=dossier.fee_vnd,
        url=reverse("procedures:my-dossier", args=[dossier.pk]),
    )


def birth_registered(dossier: Dossier) -> BirthRegistered:
    """What another agency learns of a birth registered here: the child, the date and place, the registering agency."""
    form = dossier.form_data
    return BirthRegistered(
        dossier_code=dossier.code or "",
        procedure_code=dossier.procedure.code,
        registered_by={"code": dossier.receiving_agency.code, "name": dossier.receiving_agency.name},
        registered_at=dossier.finished_at,
        child={
            "full_name": form.get("ho_ten_tre", ""),
            "date_of_birth": form.get("ngay_sinh", ""),
            "sex": form.get("gioi_tinh", ""),
            "place_of_birth": form.get("noi_sinh", ""),
        },
        mother=form.get("ho_ten_me", ""),
    )


def dossier_draft_save(
    *,
    applicant: User,
    procedure: Procedure,
    receiving_agency: Agency,
    form_data: dict[str, Any],
    dossier_id: int | None = None,
) -> Dossier:
    """Create or update the applicant's draft (not checked yet: a draft may be incomplete)."""
    if not procedure.active:
        raise DomainError(_("This procedure is not available online."))
    with transaction.atomic():
        if dossier_id is None:
            dossier = Dossier.objects.create(
                procedure=procedure,
                applicant=applicant,
                applicant_name=applicant.full_name or applicant.get_username(),
                applicant_phone=applicant.phone,
                receiving_agency=receiving_agency,
                current_agency=receiving_agency,
                form_data=form_data,
                created_at=timezone.now(),
            )
        else:
            found = Dossier.objects.select_for_update().filter(pk=dossier_id, applicant=applicant).first()
            if found is None:
                raise NotFound(_("No such dossier."))
            dossier = found
            if dossier.status != Status.DRAFT:
                raise Conflict(_("This dossier was already submitted; it can no longer be edited."))
            dossier.form_data = form_data
            dossier.receiving_agency = dossier.current_agency = receiving_agency
            dossier.version += 1
            dossier.save()
    return dossier


def dossier_submit(*, applicant: User, dossier_id: int, version: int | None = None) -> Moved:
    """Check the draft (form and required documents) and submit it: it gets its code and its appointment."""
    with _moving(dossier_id, action="submit", version=version, applicant=applicant) as (dossier, old):
        procedure = dossier.procedure
        attached = set(dossier.attachments.values_list("component", flat=True))
        errors = form_errors(procedure.form_schema, dossier.form_data)
        if errors := errors + documents_errors(procedure.components, attached):
            raise FormInvalid(errors)
        now = timezone.now()
        dossier.fee_vnd = fee_for(
            fee_vnd=procedure.fee_vnd, schedule=procedure.fee_schedule, form_data=dossier.form_data
        )
        dossier.code = dossier_code_next(agency=dossier.receiving_agency, moment=now)
        dossier.submitted_at = now
        dossier.due_at = due_from(procedure, now)
        event = _record(dossier, action="submit", actor=applicant, old_status=old)
    return Moved(dossier, event)


def dossier_accept(*, officer: Officer, dossier_id: int, version: int | None = None, note: str = "") -> Moved:
    """The one-stop shop accepts a complete, valid dossier; the appointment runs from now."""
    with _moving(dossier_id, action="accept", version=version, actor=officer) as (dossier, old):
        now = timezone.now()
        dossier.accepted_at = now
        dossier.due_at = due_from(dossier.procedure, now)
        dossier.due_soon_flagged_at = None
        if dossier.fee_vnd and dossier.paid_at is None:
            # a fee is due: the applicant pays online before processing starts, and the clock waits meanwhile
            dossier.status = Status.FINANCIAL_OBLIGATION
            dossier.paused_at = now
        event = _record(dossier, action="accept", actor=officer, old_status=old, note=note)
    return Moved(dossier, event)


def dossier_request_supplement(*, officer: Officer, dossier_id: int, reason: str, version: int | None = None) -> Moved:
    """Ask the applicant, in writing (form 02), for what is missing — once per dossier."""
    if not reason.strip():
        raise DomainError(_("Say what is missing or must be corrected."))
    with _moving(dossier_id, action="request_supplement", version=version, actor=officer) as (dossier, old):
        dossier.supplement_requested_at = timezone.now()
        event = _record(dossier, action="request_supplement", actor=officer, old_status=old, note=reason.strip())
    return Moved(dossier, event)


def dossier_supplement(*, applicant: User, dossier_id: int, form_data: dict[str, Any] | None = None) -> Moved:
    """The applicant answers the supplement request; the processing time runs again from the complete dossier."""
    with _moving(dossier_id, action="supplement", version=None, applicant=applicant) as (dossier, old):
        if form_data is not None:
            form_validate(dossier.procedure.form_schema, form_data)
            dossier.form_data = form_data
        dossier.due_at = due_from(dossier.procedure, timezone.now())
        # the one-stop shop that received it checks the completed dossier again
        dossier.current_agency = dossier.receiving_agency
        dossier.assignee = None
        dossier.step = 0
        event = _record(dossier, action="supplement", actor=applicant, old_status=old, agency=dossier.receiving_agency)
    return Moved(dossier, event)


def dossier_refuse(*, officer: Officer, dossier_id: int, reason: str, version: int | None = None) -> Moved:
    """Refuse to accept (form 03), with the reasons."""
    if not reason.strip():
        raise DomainError(_("Give the reasons for refusing."))
    with _moving(dossier_id, action="refuse", version=version, actor=officer) as (dossier, old):
        dossier.finished_at = timezone.now()
        event = _record(dossier, action="refuse", actor=officer, old_status=old, note=reason.strip())
    return Moved(dossier, event)


def dossier_draft_delete(*, applicant: User, dossier_id: int) -> str:
    """Delete the applicant's own draft with its documents (the files go once the transaction commits). A
    submitted dossier is never deleted: it can be withdrawn. Deleting twice finds nothing the second time.
    Returns the draft's name, for the caller's message."""
    with transaction.atomic():
        dossier = (
            Dossier.objects.select_for_update()
            .select_related("procedure")
            .filter(pk=dossier_id, applicant=applicant)
            .first()
        )
        if dossier is None:
            raise NotFound(_("No such dossier."))
        if dossier.status != Status.DRAFT:
            raise Conflict(_("Only a draft can be deleted; a submitted dossier can be withdrawn."))
        name = dossier.label
        files = [a.file for a in dossier.attachments.all()]
        audit_record(
            actor=applicant,
            action="procedures.dossier.draft_delete",
            obj=dossier,
            object_repr=name,
            changes={"procedure": dossier.procedure.code, "attachments": len(files)},
        )
        dossier.delete()
        transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files if f.name])
    return name


#: The longest reason for a withdrawal kept on the timeline.
REASON_MAX = 1000


def dossier_withdraw(*, applicant: User, dossier_id: int, reason: str) -> Moved:
    """The applicant withdraws a dossier not yet decided. Irreversible, so the reason is required; it is kept on
    the process-control form (the event's note) for the one-stop shop."""
    reason = reason.strip()
    with _moving(dossier_id, action="withdraw", version=None, applicant=applicant) as (dossier, old):
        # checked once the dossier is known to be the applicant's and withdrawable: a stranger learns nothing
        if not reason:
            raise field_error(("note",), _("Say why you withdraw the dossier."), "required")
        if len(reason) > REASON_MAX:
            raise field_error(
                ("note",), _("The reason must have at most %(count)s characters.") % {"count": REASON_MAX}, "maxLength"
            )
        dossier.finished_at = timezone.now()
        event = _record(dossier, action="withdraw", actor=applicant, old_status=old, note=reason)
    return Moved(dossier, event)


def dossier_transfer(
    *, officer: Officer, dossier_id: int, to_agency: Agency, note: str = "", version: int | None = None
) -> Moved:
    """Hand the dossier to another agency (the next step of the workflow, or a consultation)."""
    with _moving(dossier_id, action="transfer", version=version, actor=officer) as (dossier, old):
        from_agency = dossier.current_agency
        dossier.current_agency = to_agency
        dossier.assignee = None
        dossier.step += 1
        event = _record(
            dossier,
            action="transfer",
            actor=officer,
            old_status=old,
            note=note,
            agency=to_agency,
            step_due_at=step_due(dossier),
            changes={"from_agency": from_agency.code, "to_agency": to_agency.code},
        )
    return Moved(dossier, event)


def dossier_assign(*, officer: Officer, dossier_id: int, specialist: User, version: int | None = None) -> Moved:
    """A leader (or the one-stop shop) of the agency holding the dossier gives it to a specialist there."""
    with _moving(dossier_id, action="assign", version=version, actor=officer) as (dossier, old):
        if not authz.holds(specialist, authz.Role.SPECIALIST, agency=dossier.current_agency):
            raise DomainError(
                _("%(name)s is not a specialist of %(agency)s.")
                % {"name": specialist, "agency": dossier.current_agency.name}
            )
        dossier.assignee = specialist
        event = _record(
            dossier,
            action="assign",
            actor=officer,
            old_status=old,
            note=str(specialist),
            step_due_at=step_due(dossier),
        )
    return Moved(dossier, event)


def dossier_approve(*, leader: Officer, dossier_id: int, note: str = "", version: int | None = None) -> Moved:
    """The leader of the agency holding the dossier approves the result: processing is finished."""
    with _moving(dossier_id, action="approve", version=version, actor=leader) as (dossier, old):
        dossier.finished_at = timezone.now()
        approved_by = dossier.current_agency
        result_issue(dossier=dossier, signed_by=approved_by)
        # the result goes back to the one-stop shop that received the dossier, which hands it over
        dossier.current_agency = dossier.receiving_agency
        dossier.assignee = None
        event = _record(dossier, action="approve", actor=leader, old_status=old, note=note, agency=approved_by)
    return Moved(dossier, event)


def dossier_stop(*, officer: Officer, dossier_id: int, reason: str, version: int | None = None) -> Moved:
    if not reason.strip():
        raise DomainError(_("Give the reasons for stopping."))
    with _moving(dossier_id, action="stop", version=version, actor=officer) as (dossier, old):
        dossier.finished_at = timezone.now()
        event = _record(dossier, action="stop", actor=officer, old_status=old, note=reason.strip())
    return Moved(dossier, event)


def dossier_return_result(*, officer: Officer, dossier_id: int, version: int | None = None) -> Moved:
    """The one-stop shop of the receiving agency hands the result over."""
    with _moving(dossier_id, action="return_result", version=version, actor=officer) as (dossier, old):
        dossier.returned_at = timezone.now()
        event = _record(dossier, action="return_result", actor=officer, old_status=old)
    return Moved(dossier, event)


def dossier_apologise(
    *, officer: Officer, dossier_id: int, reason: str, new_due_at: datetime, version: int | None = None
) -> Moved:
    """Form 04: before the due date of a dossier that will be late, apologise and give a new appointment."""
    if not reason.strip():
        raise DomainError(_("Give the reason for the delay."))
    with _moving(dossier_id, action="apologise", version=version, actor=officer) as (dossier, old):
        now = timezone.now()
        assert dossier.due_at is not None  # noqa: S101 - MOVES["apologise"] refuses a dossier without one
        if new_due_at <= dossier.due_at:
            raise DomainError(_("The new appointment must be later than the current one."))
        previous = dossier.due_at
        dossier.due_at = new_due_at
        dossier.apologised_at = now
        dossier.due_soon_flagged_at = None
        event = _record(
            dossier,
            action="apologise",
            actor=officer,
            old_status=old,
            note=reason.strip(),
            changes={"due_at": [previous.isoformat(), new_due_at.isoformat()]},
        )
    return Moved(dossier, event)


def dossier_pause(*, officer: Officer, dossier_id: int, reason: str, version: int | None = None) -> Moved:
    """Stop the clock while processing waits on something outside the agency (reason required)."""
    if not reason.strip():
        raise DomainError(_("Give the reason for pausing."))
    with _moving(dossier_id, action="pause", version=version, actor=officer) as (dossier, old):
        dossier.paused_at = timezone.now()
        event = _record(dossier, action="pause", actor=officer, old_status=old, note=reason.strip())
    return Moved(dossier, event)


def dossier_request_payment(
    *, officer: Officer, dossier_id: int, amount_vnd: int | None = None, note: str = "", version: int | None = None
) -> Moved:
    """Status 6: the applicant must pay (the fee fixed at submission, or an obligation assessed now) before
    processing goes on; the clock waits meanwhile."""
    if amount_vnd is not None and (isinstance(amount_vnd, bool) or not isinstance(amount_vnd, int) or amount_vnd <= 0):
        raise DomainError(_("The amount is a whole number of đồng, more than zero."))
    with _moving(dossier_id, action="request_payment", version=version, actor=officer) as (dossier, old):
        if amount_vnd is not None:
            dossier.fee_vnd = amount_vnd
        if not dossier.fee_vnd:
            raise DomainError(_("This dossier has no fee to pay; give the amount of the obligation."))
        if dossier.paused_at is None:
            dossier.paused_at = timezone.now()
        event = _record(
            dossier,
            action="request_payment",
            actor=officer,
            old_status=old,
            note=note.strip(),
            changes={"fee_vnd": dossier.fee_vnd},
        )
    return Moved(dossier, event)


def dossier_resume(*, officer: Officer, dossier_id: int, version: int | None = None) -> Moved:
    """Resume processing: the appointment moves later by the working days the dossier was paused."""
    with _moving(dossier_id, action="resume", version=version, actor=officer) as (dossier, old):
        previous, paused_days = clock_restart(dossier)
        event = _record(
            dossier,
            action="resume",
            actor=officer,
            old_status=old,
            note=_("Paused for %(days)d working days.") % {"days": paused_days},
            changes={
                "due_at": [
                    previous.isoformat() if previous else None,
                    dossier.due_at.isoformat() if dossier.due_at else None,
                ]
            },
        )
    return Moved(dossier, event)


def dossier_rate(*, applicant: User, dossier_id: int, rating: int, comment: str = "") -> Dossier:
    """The applicant rates the service once the result is returned (1 to 5)."""
    if rating not in range(1, 6):
        raise DomainError(_("Choose a rating from 1 to 5."))
    with transaction.atomic():
        dossier = _locked(dossier_id, version=None)
        if dossier.applicant_id != applicant.pk:
            raise NotFound(_("No such dossier."))
        if dossier.status != Status.RETURNED:
            raise Conflict(_("A dossier is rated after its result is returned."))
        if dossier.rating is not None:
            raise Conflict(_("This dossier has already been rated."))
        dossier.rating = rating
        dossier.rating_comment = comment.strip()[:2000]
        dossier.version += 1
        dossier.save(update_fields=["rating", "rating_comment", "version"])
        audit_record(actor=applicant, action="procedures.dossier.rate", obj=dossier, changes={"rating": rating})
        event_publish(topic="procedures.dossier.rated", payload={"dossier": dossier.pk, "rating": rating}, obj=dossier)
    return dossier
