"""A stand-in for the National Public Service Portal (Cổng Dịch vụ công quốc gia), for the demo and the tests —
served by the platform itself at ``/mo-phong/cong-dvc-quoc-gia/`` while ``SMARTGOV_PORTAL_STANDIN`` is on (never
in production), like the population database's stand-in of the data-exchange gateway.

It plays the two ends the city's one-stop system talks to:

- the **feed** of dossiers citizens submitted there (``standin_submit`` from its page; ``standin_feed`` answers
  the intake's ``GET …/api/ho-so?after=<cursor>&limit=<n>``, called through the gateway), each record in the
  portal's wire format that ``services/intake.py`` reads;
- the **status receiver** the status synchronisation pushes to (``standin_status_receive``: a Standard Webhooks
  signature checked with ``SMARTGOV_PORTAL_SYNC_SECRET``, each ``webhook-id`` kept once), so its page shows, per
  dossier, every status the city reported.
"""

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartgov.platform.errors import DomainError, NotFound
from smartgov.platform.webhooks import webhook_verify
from smartgov.procedures.models import PortalStandinDossier, PortalStandinStatus

#: Largest page of the feed.
FEED_LIMIT = 50


def standin_on() -> None:
    if not settings.SMARTGOV_PORTAL_STANDIN:
        raise NotFound(_("No such page."))


def standin_submit(
    *,
    procedure_code: str,
    agency_code: str,
    applicant: Mapping[str, str],
    form: Mapping[str, Any],
    documents: list[tuple[str, str, bytes]],
    paid_vnd: int | None = None,
) -> PortalStandinDossier:
    """A citizen submits a dossier on the stand-in portal (``documents``: component, file name, content; a
    ``paid_vnd`` when they paid the fee there). It gets the portal's code and waits in the feed."""
    standin_on()
    now = timezone.now()
    with transaction.atomic():
        row = PortalStandinDossier.objects.create(national_code=f"tmp-{now.timestamp()}", submitted_at=now, record={})
        row.national_code = f"G22-{timezone.localtime(now):%y%m%d}-{row.pk:06d}"
        row.record = {
            "national_code": row.national_code,
            "procedure_code": procedure_code,
            "agency_code": agency_code,
            "submitted_at": now.isoformat(),
            "applicant": dict(applicant),
            "form": dict(form),
            "documents": [
                {"component": c, "name": name, "content_base64": base64.b64encode(data).decode()}
                for c, name, data in documents
            ],
            "payment": (
                {"reference": f"NPP{row.pk:09d}", "amount_vnd": paid_vnd, "paid_at": now.isoformat()}
                if paid_vnd
                else None
            ),
        }
        row.save()
    return row


def standin_feed(*, after: str, limit: int) -> dict[str, Any]:
    """The feed's page after ``after``: ``{"items": [record + "cursor"], "more": bool}``."""
    standin_on()
    if after and not after.isdigit():
        raise DomainError(_("The cursor is not one this feed gave."))
    limit = max(1, min(limit, FEED_LIMIT))
    rows = list(PortalStandinDossier.objects.filter(pk__gt=int(after or 0)).order_by("pk")[: limit + 1])
    return {"items": [{**r.record, "cursor": str(r.pk)} for r in rows[:limit]], "more": len(rows) > limit}


def standin_status_receive(*, headers: Mapping[str, str], body: bytes) -> bool:
    """A status change pushed by the city: kept once if its signature verifies. Returns whether it did."""
    standin_on()
    secret = settings.SMARTGOV_PORTAL_SYNC_SECRET
    if not secret or not webhook_verify(secret=secret, headers=headers, body=body):
        return False
    try:
        message = json.loads(body)
        status = int(message["status"])
    except (ValueError, KeyError, TypeError) as exc:
        raise DomainError(_("The status change is not valid JSON.")) from exc
    PortalStandinStatus.objects.get_or_create(
        event_id=str(headers.get("webhook-id", ""))[:64],
        defaults={
            "national_code": str(message.get("national_code") or "")[:60],
            "dossier_code": str(message.get("dossier_code") or "")[:40],
            "status": status,
            "received_at": timezone.now(),
            "message": message,
        },
    )
    return True


@dataclass
class StandinRow:
    dossier: PortalStandinDossier
    statuses: list[PortalStandinStatus] = field(default_factory=list)

    @property
    def local_code(self) -> str:
        return next((s.dossier_code for s in self.statuses if s.dossier_code), "")

    @property
    def result(self) -> dict[str, Any] | None:
        return next((s.message["result"] for s in reversed(self.statuses) if s.message.get("result")), None)


def standin_dossiers(*, limit: int = 50) -> list[StandinRow]:
    """The stand-in's latest dossiers, each with the statuses the city reported for it, in order."""
    standin_on()
    rows = [StandinRow(d) for d in PortalStandinDossier.objects.order_by("-pk")[:limit]]
    by_code = {r.dossier.national_code: r for r in rows}
    for status in PortalStandinStatus.objects.filter(national_code__in=by_code).order_by("pk"):
        by_code[status.national_code].statuses.append(status)
    return rows
