"""The one door for the officers' moves, for the page and the API alike: a move's name from ``domain/moves.py``
``MOVES`` and its inputs as a client sends them, read and handed to the move's service."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from smartgov.identity.selectors import User
from smartgov.platform.errors import DomainError, NotFound
from smartgov.platform.models import Agency
from smartgov.procedures.domain.moves import MOVES
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
