"""The one door for the officers' moves, for the page and the API alike: a move's name from ``domain/moves.py``
``MOVES`` and its inputs as a client sends them, read and handed to the move's service."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from smartgov.identity.selectors import User
from smartgov.platform.errors import DomainError, NotFound
from smartgov.platform.models import Agency
from smartgov.platform.money import format_vnd
from smartgov.procedures.domain.moves import MOVES
from smartgov.procedures.domain.status import Status
from smartgov.procedures.services.dossiers import (
    Moved,
    Officer,
    dossier_accept,
    dossier_apologise,
    dossier_approve,
    dossier_assign,
    dossier_pause,
    dossier_refuse,
    dossier_request_payment,
    dossier_request_supplement,
    dossier_resume,
    dossier_return_result,
    dossier_stop,
    dossier_transfer,
)


def dossier_officer_move(
    *,
    officer: Officer,
    dossier_id: int,
    move: str,
    version: int | None = None,
    inputs: dict[str, Any] | None = None,
) -> Moved:
    """One door for the officers' moves, for the page and the API alike: ``move`` is a name of ``MOVES`` and
    ``inputs`` its inputs as a client sends them (an agency's code, an account name, an ISO 8601 moment, đồng)."""
    declared = MOVES.get(move)
    if declared is None:
        raise NotFound(_("No such action."))
    given = inputs or {}
    values: dict[str, Any] = {}
    for field in declared.inputs:
        raw = given.get(field.name)
        value = (
            _input(field.kind, raw) if raw not in (None, "") else ("" if field.kind in ("text", "longtext") else None)
        )
        if field.required and value in (None, "") and field.missing is not None:
            raise DomainError(str(field.missing))
        values[field.name] = value
    return _SERVICES[move](officer=officer, dossier_id=dossier_id, version=version, **values)


def _input(kind: str, raw: Any) -> Any:
    """An input as the move's service takes it."""
    if kind == "agency":
        return Agency.objects.filter(code=str(raw)).first()
    if kind == "account":
        return User.objects.filter(username=str(raw), is_active=True).first()
    if kind == "datetime":
        moment = raw if isinstance(raw, datetime) else parse_datetime(str(raw))
        if moment is None:
            return None
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
    if kind == "amount":
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().isdigit():
            return int(raw)
        raise DomainError(_("The amount is a whole number of đồng, more than zero."))
    return str(raw)


def _approve(*, officer: Officer, **rest: Any) -> Moved:
    return dossier_approve(leader=officer, **rest)


#: The service of each officers' move (its keyword arguments are the move's inputs).
_SERVICES: dict[str, Callable[..., Moved]] = {
    "accept": dossier_accept,
    "request_supplement": dossier_request_supplement,
    "refuse": dossier_refuse,
    "transfer": dossier_transfer,
    "assign": dossier_assign,
    "approve": _approve,
    "stop": dossier_stop,
    "apologise": dossier_apologise,
    "pause": dossier_pause,
    "resume": dossier_resume,
    "request_payment": dossier_request_payment,
    "return_result": dossier_return_result,
}


def _when(moment: datetime | None) -> str:
    return date_format(timezone.localtime(moment), "H:i d/m/Y") if moment else "—"


def move_message(move: str, moved: Moved) -> str:
    """What a move did and to whom, in one sentence for the officer who made it (the page's message and the
    API's ``message``): "Đã chuyển hồ sơ … cho Sở Tư pháp (bước Thẩm định, xử lý; hạn bước …)." — never a bare
    "Done.", which left the officer to guess where the dossier went."""
    d, event = moved.dossier, moved.event
    facts: dict[str, str] = {
        "code": d.code or "",
        "applicant": d.applicant_name,
        "agency": d.current_agency.name,
        "receiving": d.receiving_agency.name,
        "due": _when(d.due_at),
        "step_due": _when(event.step_due_at),
        "fee": format_vnd(d.fee_vnd),
        "specialist": str(d.assignee) if d.assignee else "",
    }
    steps = d.procedure.workflow or []
    facts["step"] = str(steps[d.step].get("name", "")) if 0 <= d.step < len(steps) else ""
    if move == "accept":
        if d.status == Status.FINANCIAL_OBLIGATION:
            return _("Accepted dossier %(code)s; %(applicant)s has been asked to pay the fee of %(fee)s.") % facts
        return _("Accepted dossier %(code)s; the result is due at %(due)s.") % facts
    if move == "transfer":
        if facts["step"] and event.step_due_at:
            return _("Handed dossier %(code)s over to %(agency)s (step %(step)s, due %(step_due)s).") % facts
        return _("Handed dossier %(code)s over to %(agency)s.") % facts
    texts = {
        "request_supplement": _("Sent %(applicant)s the request to supplement dossier %(code)s (form 02)."),
        "refuse": _("Refused dossier %(code)s; the written refusal (form 03) was sent to %(applicant)s."),
        "assign": _("Assigned dossier %(code)s to %(specialist)s (%(agency)s)."),
        "approve": _("Approved the result of dossier %(code)s; it went back to %(agency)s to be handed over."),
        "stop": _("Stopped processing dossier %(code)s; %(applicant)s was told the reasons."),
        "apologise": _("Sent %(applicant)s the apology (form 04) for dossier %(code)s; new appointment %(due)s."),
        "pause": _("Paused processing of dossier %(code)s at %(agency)s: the clock is stopped."),
        "resume": _("Resumed processing of dossier %(code)s; the result is now due at %(due)s."),
        "request_payment": _("Asked %(applicant)s to pay %(fee)s for dossier %(code)s."),
        "return_result": _("Handed the result of dossier %(code)s over to %(applicant)s."),
    }
    return texts[move] % facts if move in texts else _("Done.")
