"""Reads of personal data: consents, the person's copy of their data, the requests and who looked at their data."""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from smartgov.identity import authz
from smartgov.identity.domain.privacy import PURPOSES
from smartgov.identity.models import ConsentRecord, DataRequest, PersonalDataAccess, User
from smartgov.platform.errors import NotFound
from smartgov.platform.personal_data import personal_data_sections


def consent_state(*, user: User) -> dict[str, ConsentRecord | None]:
    """The latest decision for every purpose (None: never decided, which counts as no consent)."""
    latest: dict[str, ConsentRecord | None] = dict.fromkeys(PURPOSES)
    for record in ConsentRecord.objects.filter(user=user).order_by("decided_at", "pk"):
        if record.purpose in latest:
            latest[record.purpose] = record
    return latest


def has_consent(*, user: User, purpose: str) -> bool:
    record = ConsentRecord.objects.filter(user=user, purpose=purpose).order_by("-decided_at", "-pk").first()
    return record is not None and record.action == ConsentRecord.Action.GIVEN


def my_data_export(*, user: User) -> dict[str, Any]:
    """Everything the platform holds about ``user``, one section per module."""
    return {
        "generated_at": timezone.now().isoformat(),
        "format": "smartgov.my-data/1",
        **personal_data_sections(user),
    }


def data_requests_of(*, user: User, limit: int = 20) -> QuerySet[DataRequest]:
    """The person's own correction and deletion requests, newest first."""
    return DataRequest.objects.filter(user=user)[:limit]


def personal_data_accesses_of(*, user: User, limit: int = 20) -> QuerySet[PersonalDataAccess]:
    """Who among the staff looked at the person's data, newest first."""
    return PersonalDataAccess.objects.filter(subject=user).select_related("viewer")[:limit]


def data_requests_for_staff(*, user: Any, status: str) -> QuerySet[DataRequest]:
    """The data stewards' queue: requests in ``status``, oldest first. Raises PermissionDenied for anyone else."""
    authz.authorize(user, "identity.data_request.handle")
    return DataRequest.objects.select_related("user").filter(status=status).order_by("submitted_at")


def data_request_for_staff(*, user: Any, request_id: int) -> DataRequest:
    """The checkpoint of the request queue: data stewards only (PermissionDenied for anyone else)."""
    data_request = DataRequest.objects.select_related("user", "handled_by").filter(pk=request_id).first()
    authz.authorize(user, "identity.data_request.handle", data_request)
    if data_request is None:
        raise NotFound(_("No such request."))
    return data_request
