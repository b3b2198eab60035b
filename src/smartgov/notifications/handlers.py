"""The events people are told about: a dossier's moves that concern its applicant."""

from smartgov.notifications.services import deliveries_create
from smartgov.platform.events import subscriber
from smartgov.platform.models import OutboxEvent
from smartgov.procedures.selectors import dossier_notice_facts
from smartgov.procedures.status import Status

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
    action = event.topic.removeprefix("procedures.dossier.")
    kind = KINDS.get(action)
    if kind is None:
        return
    facts = dossier_notice_facts(int(event.payload["dossier"]))
    if facts is None:
        return
    if action == "accept" and event.payload.get("status") == Status.FINANCIAL_OBLIGATION:
        kind = "payment_due"
    deliveries_create(event_id=event.id, user=facts["applicant"], kind=kind, context=facts["context"], url=facts["url"])
