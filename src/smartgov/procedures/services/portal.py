"""The backlog of status changes the National Public Service Portal has not accepted yet, and retrying it.

The changes themselves are pushed by ``procedures.handlers.portal_sync`` (an ordered consumer of the outbox); this
module only reads what it has not delivered (waiting or dead-lettered outbox events without its receipt) and lets a
leader try again now instead of waiting for the back-off.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from smartgov.identity import authz
from smartgov.identity.selectors import User
from smartgov.platform.delivery import State
from smartgov.platform.errors import Forbidden
from smartgov.platform.models import ConsumerReceipt, OutboxEvent
from smartgov.platform.services.audit import audit_record
from smartgov.platform.services.outbox import outbox_deliver, outbox_retry
from smartgov.procedures.handlers import CONSUMER

Role = authz.Role


@dataclass(frozen=True)
class PortalSyncState:
    enabled: bool
    endpoint: str
    pending: int
    failing: int
    synced_last_day: int
    #: The oldest waiting changes (at most ``SHOWN``), oldest first.
    waiting: list[OutboxEvent]

    @property
    def oldest(self) -> datetime | None:
        return self.waiting[0].occurred_at if self.waiting else None


SHOWN = 200


def _require_leader(user: User) -> None:
    if not authz.holds(user, Role.LEADER, Role.PLATFORM_ADMIN):
        raise Forbidden(_("Only leaders and platform administrators see the portal synchronisation."))


def portal_backlog(*, user: User) -> QuerySet[OutboxEvent]:
    """Status changes not yet accepted by the portal, oldest first (drafts and non-status events excluded)."""
    _require_leader(user)
    return (
        OutboxEvent.objects.filter(
            topic__startswith="procedures.dossier.", payload__has_key="status", state__in=[State.PENDING, State.DEAD]
        )
        .exclude(payload__status=0)
        .exclude(pk__in=ConsumerReceipt.objects.filter(consumer=CONSUMER).values("event"))
        .order_by("occurred_at")
    )


def portal_sync_state(*, user: User) -> PortalSyncState:
    backlog = portal_backlog(user=user)
    return PortalSyncState(
        enabled=bool(settings.SMARTGOV_PORTAL_SYNC_URL),
        endpoint=settings.SMARTGOV_PORTAL_SYNC_URL,
        pending=backlog.count(),
        failing=backlog.filter(attempts__gt=0).count(),
        waiting=list(backlog[:SHOWN]),
        synced_last_day=ConsumerReceipt.objects.filter(
            consumer=CONSUMER, processed_at__gte=timezone.now() - timedelta(days=1)
        ).count(),
    )


def portal_sync_retry(*, user: User, limit: int = 500) -> tuple[int, int]:
    """Try the backlog again now, oldest first, dead letters included. Returns (delivered, still pending)."""
    backlog = portal_backlog(user=user)
    ids = list(backlog.values_list("id", flat=True)[:limit])
    with transaction.atomic():
        outbox_retry(events=OutboxEvent.objects.filter(pk__in=ids))
        audit_record(
            actor=user,
            action="procedures.portal_sync.retry",
            object_type="platform.outboxevent",
            object_repr=_("Portal synchronisation backlog"),
            changes={"events": len(ids)},
        )
    delivered = sum(outbox_deliver(event_id=event_id) for event_id in ids)
    return delivered, backlog.count()
