"""The national portal's backlog, for leaders: what it has not accepted yet, and pushing it again now."""

from django.http import HttpRequest
from ninja import Router

from smartgov.procedures.api.common import AUTH, me
from smartgov.procedures.api.schemas import PortalSyncOut, PortalWaitingOut
from smartgov.procedures.services.portal import portal_sync_retry, portal_sync_state

router = Router(tags=["public services"])


def _portal_state(request: HttpRequest) -> PortalSyncOut:
    state = portal_sync_state(user=me(request))
    return PortalSyncOut(
        enabled=state.enabled,
        pending=state.pending,
        failing=state.failing,
        oldest=state.oldest,
        synced_last_day=state.synced_last_day,
        waiting=[
            PortalWaitingOut(
                event_id=str(e.id),
                dossier_code=e.payload.get("code") or "",
                status=e.payload["status"],
                occurred_at=e.occurred_at,
                attempts=e.attempts,
                next_attempt_at=e.next_at,
            )
            for e in state.waiting
        ],
    )


@router.get(
    "/portal-sync", response=PortalSyncOut, auth=AUTH, summary="Status changes the national portal has not accepted"
)
def portal_sync(request: HttpRequest) -> PortalSyncOut:
    return _portal_state(request)


@router.post("/portal-sync/retry", response=PortalSyncOut, auth=AUTH, summary="Push the portal's backlog again now")
def portal_sync_retry_now(request: HttpRequest) -> PortalSyncOut:
    portal_sync_retry(user=me(request))
    return _portal_state(request)
