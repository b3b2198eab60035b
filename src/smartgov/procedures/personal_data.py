"""The public services' section of the person's own copy of their data: their document store."""

from typing import Any

from smartgov.identity.selectors import User
from smartgov.platform.personal_data import personal_data_exporter
from smartgov.procedures.models import StoredDocument


@personal_data_exporter("document_store")
def _export_document_store(user: User) -> list[dict[str, Any]]:
    return [
        {
            "title": d.title,
            "kind": d.kind,
            "sha256": d.sha256,
            "added_at": d.created_at.isoformat(),
            "kept_until": d.retain_until.isoformat() if d.retain_until else None,
            "shared_with": [
                {"agency": s.agency.name, "purpose": s.purpose, "until": s.expires_at.isoformat()}
                for s in d.shares.all()
            ],
        }
        for d in StoredDocument.objects.filter(owner=user).prefetch_related("shares__agency")
    ]
