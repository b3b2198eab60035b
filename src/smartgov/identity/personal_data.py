"""Identity's sections of the person's own copy of their data: the account, consents, sign-ins, requests."""

from typing import Any

from smartgov.identity.authz import role_assignments
from smartgov.identity.models import (
    ConsentRecord,
    DataRequest,
    FederatedIdentity,
    PersonalDataAccess,
    SecurityEvent,
    User,
    UserSession,
)
from smartgov.platform.models import AuditEntry
from smartgov.platform.personal_data import personal_data_exporter


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


@personal_data_exporter("account")
def _export_account(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "kind": user.kind,
        "full_name": user.full_name,
        "personal_id": user.personal_id,
        "tax_code": user.tax_code,
        "email": user.email,
        "email_verified_at": _when(user.email_verified_at),
        "phone": user.phone,
        "phone_verified_at": _when(user.phone_verified_at),
        "date_joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
        "roles": [
            {"role": r.role, "agency": r.agency.code if r.agency else None, "granted_at": _when(r.granted_at)}
            for r in role_assignments(user)
        ],
        "linked_identities": [
            {"provider": f.provider, "linked_at": _when(f.linked_at)}
            for f in FederatedIdentity.objects.filter(user=user)
        ],
    }


@personal_data_exporter("consents")
def _export_consents(user: User) -> list[dict[str, Any]]:
    return [
        {
            "purpose": c.purpose,
            "decision": c.action,
            "at": _when(c.decided_at),
            "notice_version": c.notice_version,
            "notice_sha256": c.notice_digest,
        }
        for c in ConsentRecord.objects.filter(user=user).order_by("decided_at", "pk")
    ]


@personal_data_exporter("sign_in")
def _export_sign_in(user: User) -> dict[str, Any]:
    from oauth2_provider.models import get_access_token_model

    tokens = get_access_token_model().objects.filter(user=user).select_related("application")
    return {
        "sessions": [
            {"signed_in_at": _when(s.signed_in_at), "ip_address": s.ip_address, "browser": s.user_agent}
            for s in UserSession.objects.filter(user=user)
        ],
        "security_events": [
            {"at": _when(e.occurred_at), "kind": e.kind, "ip_address": e.ip_address}
            for e in SecurityEvent.objects.filter(user=user)[:500]
        ],
        "systems_signed_in_to": sorted({t.application.name for t in tokens if t.application}),
    }


@personal_data_exporter("requests_and_accesses")
def _export_requests(user: User) -> dict[str, Any]:
    return {
        "data_requests": [
            {"kind": r.kind, "status": r.status, "submitted_at": _when(r.submitted_at), "answer": r.answer}
            for r in DataRequest.objects.filter(user=user)
        ],
        "staff_views_of_my_data": [
            {"at": _when(a.accessed_at), "by": str(a.viewer) if a.viewer else None, "where": a.place}
            for a in PersonalDataAccess.objects.filter(subject=user).select_related("viewer")[:1000]
        ],
        "my_actions": [
            {"at": _when(e.occurred_at), "action": e.action}
            for e in AuditEntry.objects.filter(actor_id=user.pk).order_by("-occurred_at")[:1000]
        ],
    }
