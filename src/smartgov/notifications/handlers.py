"""The events people are told about: a dossier's moves that concern its applicant."""

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from smartgov.identity.selectors import user_get
from smartgov.notifications.services import deliveries_create
from smartgov.platform.events import subscriber
from smartgov.platform.models import OutboxEvent

#: dossier move → what the applicant is told
KINDS = {
    "submit": "submitted",
    "accept": "accepted",
    "request_payment": "payment_due",
    "pay": "paid",
    "request_supplement": "supplement",
    "refuse": "refused",
    "apologise": "apology",
    "approve": "result_ready",
    "return_result": "returned",
    "stop": "stopped",
}


@subscriber("procedures.dossier.*", name="notifications.dossier")
def dossier_moved(event: OutboxEvent) -> None:
    """Everything the message says comes with the event (``procedures.events.DossierMoved``)."""
    action = event.topic.removeprefix("procedures.dossier.")
    kind = KINDS.get(action)
    if kind is None:
        return
    facts = event.payload
    applicant = user_get(int(facts["applicant"]))
    if applicant is None:
        return
    if action == "accept" and facts["fee_due"]:
        kind = "payment_due"
    due_at = parse_datetime(facts["due_at"]) if facts.get("due_at") else None
    context = {
        "code": facts["code"],
        "procedure": facts["procedure_name"],
        "due": timezone.localtime(due_at).strftime("%H:%M %d/%m/%Y") if due_at else "—",
        "amount_vnd": facts["fee_vnd"],
    }
    deliveries_create(event_id=event.id, user=applicant, kind=kind, context=context, url=facts["url"])
