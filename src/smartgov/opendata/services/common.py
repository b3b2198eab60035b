"""What the dataset and resource services share: who acts, the publishing check, the event payload, and the
dataset's bookkeeping after one of its resources changed."""

from typing import Any

from django.utils import timezone

from smartgov.identity import authz
from smartgov.opendata.models import Dataset
from smartgov.opendata.services.access import PUBLISH
from smartgov.platform.services.audit import audit_record
from smartgov.platform.services.outbox import event_publish


def actor_account(actor: Any) -> Any:
    """The account to audit for ``actor`` (a principal, a request or an account; None: the system)."""
    return None if actor is None else authz.principal_of(actor).user


def publish_check(actor: Any, agency: Any) -> None:
    """Refuse (``PermissionDenied``) unless ``actor`` may publish for ``agency``; the system (None) may."""
    if actor is not None:
        authz.authorize(actor, PUBLISH, agency)


def payload(dataset: Dataset, changed: list[str]) -> dict[str, Any]:
    return {
        "id": str(dataset.uuid),
        "name": dataset.name,
        "title": dataset.title,
        "owner": dataset.owner.code,
        "private": dataset.private,
        "state": dataset.state,
        "fields": changed,
    }


def dataset_touch(*, dataset: Dataset, actor: Any, action: str, changes: dict[str, Any]) -> None:
    """After a resource changed (inside its transaction): the dataset's modification time, the audit row and the
    dataset's ``updated`` event naming ``resources``."""
    dataset.modified_at = timezone.now()
    dataset.save(update_fields=["modified_at"])
    audit_record(actor=actor_account(actor), action=action, obj=dataset, changes=changes)
    event_publish(topic="opendata.dataset.updated", payload=payload(dataset, ["resources"]), obj=dataset)
