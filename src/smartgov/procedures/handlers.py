"""Subscribers of the public services (discovered at start-up by the platform).

National Public Service Portal synchronisation: every status change of a dossier (codes 1–10) is pushed to
``SMARTGOV_PORTAL_SYNC_URL`` as JSON, signed with HMAC-SHA256 (``X-SmartGov-Signature``), carrying the event
id (``X-SmartGov-Event-Id``) so the receiver can drop a repeat: delivery is at least once, with the outbox's
retries and back-off, and in order per dossier — an event waits while an earlier one of the same dossier is
not yet accepted by the portal. A change to "finished" or "returned" carries the signed result too: its
verification code, the SHA-256 of the PDF and the public verification address, so the portal shows the citizen
where to check it. The backlog (changes the portal has not accepted yet) is on the leaders' page
``/mot-cua/dong-bo-cong-quoc-gia/`` and in ``smartgov outbox status``.
"""

import hashlib
import hmac
import json

import requests
from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from smartgov.platform.events import subscriber
from smartgov.platform.models import ConsumerReceipt, OutboxEvent
from smartgov.procedures.models import DossierResult
from smartgov.procedures.status import Status

CONSUMER = "procedures.portal_sync"


class PortalSyncError(Exception):
    """The portal did not take the status change; the outbox retries later."""


@subscriber("procedures.dossier.*", name=CONSUMER)
def portal_sync(event: OutboxEvent) -> None:
    url = settings.SMARTGOV_PORTAL_SYNC_URL
    if not url or "status" not in event.payload or event.payload.get("status") == 0:
        return  # synchronisation off, or not a status change (ratings, warnings), or a draft
    earlier = (
        OutboxEvent.objects.filter(
            topic__startswith="procedures.dossier.",
            aggregate_type=event.aggregate_type,
            aggregate_id=event.aggregate_id,
            occurred_at__lt=event.occurred_at,
        )
        .exclude(pk__in=ConsumerReceipt.objects.filter(consumer=CONSUMER).values("event"))
        .exists()
    )
    if earlier:
        raise PortalSyncError("an earlier status change of this dossier is not synchronised yet")
    message = {
        "event_id": str(event.id),
        "dossier_code": event.payload.get("code"),
        "procedure_code": event.payload.get("procedure"),
        "status": event.payload["status"],
        "previous_status": event.payload.get("from_status"),
        "changed_at": event.occurred_at.isoformat(),
    }
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
    body = json.dumps(message, ensure_ascii=False).encode()
    signature = hmac.new(settings.SMARTGOV_PORTAL_SYNC_SECRET.encode(), body, hashlib.sha256).hexdigest()
    try:
        answer = requests.post(
            url,
            data=body,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "X-SmartGov-Event-Id": str(event.id),
                "X-SmartGov-Signature": f"sha256={signature}",
            },
            timeout=10,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        raise PortalSyncError(f"portal unreachable: {type(exc).__name__}") from exc
    if answer.status_code >= 300:
        raise PortalSyncError(f"portal answered {answer.status_code}")
