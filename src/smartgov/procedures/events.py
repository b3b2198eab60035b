"""The topics the public services publish, with their payloads (docs/kernel.md §5, docs/events.md).

A dossier's move (``procedures.dossier.<move>``: submit, accept, transfer, approve, return_result, …) carries what its
consumers need — the national portal's synchronisation, the applicant's notifications, the analytics to come — so
none of them reads the dossier's tables.
"""

from datetime import datetime

from smartgov.platform.events import Payload, Topic


class DossierMoved(Payload):
    """A dossier changed status (or was handed on). ``status`` and ``from_status`` are the national status codes
    (1–10, Decree 118/2025); ``fee_due`` is true while it waits for its fee (status 6)."""

    dossier: int
    code: str
    procedure: str
    procedure_name: str
    status: int
    from_status: int
    fee_due: bool
    applicant: int
    receiving_agency: str
    current_agency: str
    due_at: datetime | None
    fee_vnd: int
    #: The applicant's page of the dossier (a path on this installation).
    url: str


class DossierRated(Payload):
    dossier: int
    rating: int


class DossierDueSoon(Payload):
    dossier: int
    code: str
    agency: int
    due_at: datetime | None


class BirthRegistered(Payload):
    """A birth registration was approved: what other agencies may learn (never the documents)."""

    dossier_code: str
    procedure_code: str
    registered_by: dict[str, str]
    registered_at: datetime | None
    child: dict[str, str]
    mother: str


class PaymentPaid(Payload):
    payment: int
    dossier: int
    amount_vnd: int


class PortalDossierRefused(Payload):
    """A dossier from the National Public Service Portal the intake could not take (services/intake.py): the portal
    is told it was not accepted (status 3), with the reason. No personal data."""

    national_code: str
    procedure_code: str
    reason: str
    detail: str


TOPICS = [
    Topic("procedures.dossier.*", DossierMoved, description="A dossier's move (the last part names the move)."),
    Topic("procedures.dossier.rated", DossierRated, description="The applicant rated the service."),
    Topic("procedures.dossier.due_soon", DossierDueSoon, description="A dossier's appointment is near."),
    Topic("procedures.birth.registered", BirthRegistered, description="A birth registration was approved."),
    Topic("procedures.payment.paid", PaymentPaid, description="A fee was paid online and applied."),
    Topic(
        "procedures.portal.refused",
        PortalDossierRefused,
        description="A dossier from the national portal was not taken in (reported back as not accepted).",
    ),
]
