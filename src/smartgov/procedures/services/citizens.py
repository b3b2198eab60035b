"""An applicant checked against the national population database, through the data-exchange gateway.

The one-stop shop calls as its own client subsystem with its key and rights; the gateway logs the call with the
officer as ``X-Road-UserId``. The record is set beside what the applicant declared, field by field."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.dateparse import parse_date
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartgov.identity.selectors import User
from smartgov.platform.errors import Conflict, NotFound, Unavailable
from smartgov.platform.text import fold
from smartgov.procedures.models import Dossier

#: What the national record says, beside what was declared: (label, record key, form keys that declare it)
FIELDS: list[tuple[Promise, str, tuple[str, ...]]] = [
    (gettext_lazy("Full name"), "full_name", ("applicant_name",)),
    (gettext_lazy("Date of birth"), "date_of_birth", ()),
    (gettext_lazy("Sex"), "sex", ()),
    (gettext_lazy("Permanent address"), "permanent_address", ()),
    (gettext_lazy("Marital status"), "marital_status", ()),
]


@dataclass
class Line:
    key: str
    label: str
    national: str
    declared: str
    #: None when nothing was declared to compare with
    matches: bool | None


@dataclass
class Comparison:
    personal_id: str
    request_id: str
    lines: list[Line] = field(default_factory=list)


def applicant_check(*, dossier: Dossier, officer: User) -> Comparison:
    """Look the dossier's applicant up (the caller has passed the dossier's checkpoint)."""
    from smartgov.exchange.services.client import ExchangeUnavailable, exchange_call

    personal_id = dossier.applicant.personal_id or ""
    if not personal_id:
        raise Conflict(_("The applicant has no personal identification number to look up."))
    try:
        answer = exchange_call(
            service=settings.SMARTGOV_EXCHANGE_POPULATION_SERVICE,
            path=f"/citizens/{personal_id}",
            user_id=officer.username,
        )
    except ExchangeUnavailable as exc:
        raise Unavailable(_("The national population database cannot be reached through the gateway now.")) from exc
    if answer.error or answer.status >= 500:
        message = _("The national population database cannot be reached through the gateway now.")
        raise Unavailable(f"{message} ({answer.error})" if answer.error else message)
    if answer.status == 404:
        raise NotFound(_("The national population database has no citizen with this number."))
    record = answer.json()
    declared = {"applicant_name": dossier.applicant_name, **dossier.form_data}
    comparison = Comparison(personal_id=personal_id, request_id=answer.headers.get("X-Road-Request-Id", ""))
    for label, key, form_keys in FIELDS:
        mine = next((str(declared[k]) for k in form_keys if declared.get(k)), "")
        theirs = str(record.get(key, ""))
        if key == "date_of_birth" and (day := parse_date(theirs)) is not None:
            theirs = f"{day:%d/%m/%Y}"
        comparison.lines.append(
            Line(
                key=key,
                label=str(label),
                national=theirs,
                declared=mine,
                matches=fold(mine) == fold(theirs) if mine else None,
            )
        )
    return comparison
