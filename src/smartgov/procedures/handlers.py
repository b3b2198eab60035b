"""Subscribers of the public services (discovered at start-up by the platform).

National Public Service Portal synchronisation: every status change of a dossier (codes 1–10) is pushed to
``SMARTGOV_PORTAL_SYNC_URL`` as JSON through the platform's outbound client, signed in the Standard Webhooks
format with ``SMARTGOV_PORTAL_SYNC_SECRET`` (``webhook-id`` is the event id, so the receiver can drop a repeat;
``webhook-timestamp``; ``webhook-signature``): delivery is at least once, with the outbox's retries and back-off,
and in order per dossier — the consumer is ``ordered``, so the outbox holds an event back while an earlier one
of the same dossier is not yet accepted by the portal. A dossier received from the portal (services/intake.py)
carries its ``national_code`` too. A change to "finished" or "returned" carries the signed
result too: its verification code, the SHA-256 of the PDF and the public verification address, so the portal
shows the citizen where to check it. The backlog (changes the portal has not accepted yet) is on the leaders' page
``/mot-cua/dong-bo-cong-quoc-gia/`` and in ``smartgov outbox status``.
"""

import json

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from smartgov.platform import outbound
from smartgov.platform.events import subscriber
from smartgov.platform.models import OutboxEvent
from smartgov.platform.webhooks import webhook_headers
from smartgov.procedures.domain.status import Status
from smartgov.procedures.models import DossierResult, PortalDossier

CONSUMER = "procedures.portal_sync"


class PortalSyncError(Exception):
    """The portal did not take the status change; the outbox retries later."""


@subscriber("procedures.dossier.*", name=CONSUMER, ordered=True)
def portal_sync(event: OutboxEvent) -> None:
    url = settings.SMARTGOV_PORTAL_SYNC_URL
    if not url or "status" not in event.payload or event.payload.get("status") == 0:
        return  # synchronisation off, or not a status change (ratings, warnings), or a draft
    message = {
        "event_id": str(event.id),
        "dossier_code": event.payload.get("code"),
        "procedure_code": event.payload.get("procedure"),
        "status": event.payload["status"],
        "previous_status": event.payload.get("from_status"),
        "changed_at": event.occurred_at.isoformat(),
    }
    # a dossier received from the portal (services/intake.py) is reported under its national code too
    national = PortalDossier.objects.filter(dossier_id=event.payload.get("dossier")).values_list("national_code")
    if found := national.first():
        message["national_code"] = found[0]
    if event.payload["status"] in (Status.FINISHED, Status.RETURNED):
        result = DossierResult.objects.filter(dossier_id=event.payload.get("dossier")).first()
        if result is not None:
            message["result"] = {
                "code": result.code,
                "sha256": result.sha256,
                "signed_at": result.signed_at.isoformat(),
                "signed_by": result.signer,
                "verify_url": f"{settings.SMARTGOV_SITE_URL}{reverse('procedures:verify')}?"
                + urlencode({"ma": result.code}),
            }
    _push(url, message, event_id=str(event.id))


@subscriber("procedures.portal.refused", name="procedures.portal_refusal_sync")
def portal_refusal_sync(event: OutboxEvent) -> None:
    """A dossier from the portal the intake could not take: the portal learns it was not accepted (status 3) and
    why, under its national code (there is no local dossier)."""
    url = settings.SMARTGOV_PORTAL_SYNC_URL
    if not url:
        return
    message = {
        "event_id": str(event.id),
        "national_code": event.payload.get("national_code"),
        "procedure_code": event.payload.get("procedure_code"),
        "status": int(Status.NOT_ACCEPTED),
        "previous_status": None,
        "reason": f"{event.payload.get('reason', '')}: {event.payload.get('detail', '')}"[:600],
        "changed_at": event.occurred_at.isoformat(),
    }
    _push(url, message, event_id=str(event.id))


def _push(url: str, message: dict[str, object], *, event_id: str) -> None:
    body = json.dumps(message, ensure_ascii=False).encode()
    if not settings.SMARTGOV_PORTAL_SYNC_SECRET:
        raise PortalSyncError("SMARTGOV_PORTAL_SYNC_SECRET is not set: the push cannot be signed")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        **webhook_headers(secret=settings.SMARTGOV_PORTAL_SYNC_SECRET, msg_id=event_id, body=body),
    }
    try:
        answer = outbound.request("POST", url, headers=headers, body=body, timeout=10, max_bytes=1024 * 1024)
    except outbound.OutboundError as exc:
        raise PortalSyncError(f"portal unreachable: {type(exc).__name__}") from exc
    if answer.status >= 300:
        raise PortalSyncError(f"portal answered {answer.status}")
