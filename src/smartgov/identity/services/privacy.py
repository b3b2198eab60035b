"""Personal data (Law 91/2025/QH15, Decree 356/2025): consents per purpose, correction and deletion requests
handled by data stewards, erasure, and the log of staff looking at someone's data.

Every app adds what it holds about a person in its ``personal_data.py`` (``smartgov.platform.personal_data``);
identity's own sections are in ``identity/personal_data.py``. Who may do what is the policy beside each service.
"""

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from smartgov.identity import authz
from smartgov.identity.authz import Principal, Role
from smartgov.identity.domain.privacy import CORRECTABLE, PURPOSES
from smartgov.identity.models import ConsentRecord, DataRequest, FederatedIdentity, PersonalDataAccess, User
from smartgov.identity.services.security import client_ip
from smartgov.identity.validators import mask_personal_id
from smartgov.platform.errors import Conflict, DomainError, NotFound
from smartgov.platform.personal_data import personal_data_erase
from smartgov.platform.services.audit import audit_record
from smartgov.platform.services.outbox import event_publish

#: The token scope of a person's own consents and requests. No client is given it yet (the next issue defines the
#: API's scopes): only the person's browser session acts on them.
SCOPE_OWN = "identity.privacy"
#: The token scope of the data stewards' work.
SCOPE_STEWARD = "identity.privacy.steward"


def _oneself(principal: Principal, subject: Any) -> bool:
    """The person, about their own account."""
    return subject is not None and principal.user.pk == subject.pk


def _owner(principal: Principal, data_request: Any) -> bool:
    """The person who sent the request."""
    return data_request is not None and principal.user.pk == data_request.user_id


def _steward(principal: Principal, data_request: Any) -> bool:
    """A data steward (anywhere: requests are about the platform's data, not one agency's)."""
    return authz.holds(principal.user, Role.DATA_STEWARD)


authz.policy("identity.consent.decide", scope=SCOPE_OWN)(_oneself)
authz.policy("identity.data_request.submit", scope=SCOPE_OWN)(_oneself)
authz.policy("identity.data_request.cancel", scope=SCOPE_OWN)(_owner)
authz.policy("identity.data_request.handle", scope=SCOPE_STEWARD)(_steward)


def consent_decide(*, request: HttpRequest | None, actor: User, purpose: str, give: bool) -> ConsentRecord:
    """Give or withdraw consent for one purpose. Deciding the same twice (a double click) records it once."""
    authz.authorize(request if request is not None else actor, "identity.consent.decide", actor)
    if purpose not in PURPOSES:
        raise DomainError(_("Unknown purpose: %(purpose)s") % {"purpose": purpose})
    spec = PURPOSES[purpose]
    action = ConsentRecord.Action.GIVEN if give else ConsentRecord.Action.WITHDRAWN
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).first()
        latest = ConsentRecord.objects.filter(user=actor, purpose=purpose).order_by("-decided_at", "-pk").first()
        if latest is not None and latest.action == action and latest.notice_version == spec.version:
            return latest
        record = ConsentRecord.objects.create(
            user=actor,
            purpose=purpose,
            action=action,
            decided_at=timezone.now(),
            notice_version=spec.version,
            notice_digest=spec.digest(),
            ip_address=client_ip(request),
            user_agent=(request.headers.get("User-Agent", "") if request else "")[:250],
        )
        audit_record(
            actor=actor,
            action=f"identity.consent.{action}",
            obj=record,
            changes={"purpose": purpose, "version": spec.version, "digest": record.notice_digest},
            request=request,
        )
        event_publish(topic=f"identity.consent.{action}", payload={"user": actor.pk, "purpose": purpose}, obj=record)
    return record


# --- Staff looking at someone's data -----------------------------------------------------------------------
def personal_data_view_record(*, request: HttpRequest, subject: User, place: str, reason: str = "") -> None:
    """Log that the signed-in member of staff is looking at ``subject``'s personal data (not one's own)."""
    viewer = request.user
    if not viewer.is_authenticated or viewer.pk == subject.pk:
        return
    PersonalDataAccess.objects.create(
        viewer=viewer,
        subject=subject,
        accessed_at=timezone.now(),
        place=place[:120],
        reason=reason[:200],
        request_id=getattr(request, "request_id", ""),
        ip_address=client_ip(request),
    )


# --- Correction and deletion requests ----------------------------------------------------------------------
def data_request_submit(
    *, request: HttpRequest | None, actor: User, kind: str, reason: str, proposed: dict[str, str] | None = None
) -> DataRequest:
    """A person asks for their data to be corrected or deleted (one open request of each kind at a time)."""
    authz.authorize(request if request is not None else actor, "identity.data_request.submit", actor)
    if kind not in DataRequest.Kind.values:
        raise DomainError(_("Unknown request type."))
    proposed = {k: v.strip() for k, v in (proposed or {}).items() if k in CORRECTABLE and v and v.strip()}
    if kind == DataRequest.Kind.CORRECTION and not proposed:
        raise DomainError(_("Say what should be corrected: at least one new value."))
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).first()
        if DataRequest.objects.filter(user=actor, kind=kind, status=DataRequest.Status.OPEN).exists():
            raise Conflict(_("You already have a request of this kind waiting. You can cancel it and send a new one."))
        data_request = DataRequest.objects.create(
            user=actor, kind=kind, reason=reason.strip()[:2000], proposed=proposed, submitted_at=timezone.now()
        )
        audit_record(
            actor=actor, action=f"identity.data_request.{kind}", obj=data_request, changes={"fields": sorted(proposed)}
        )
        event_publish(topic="identity.data_request.submitted", payload={"id": data_request.pk}, obj=data_request)
    return data_request


def data_request_cancel(*, actor: User, request_id: int) -> DataRequest:
    """The person withdraws their own open request (another person's request is not found)."""
    with transaction.atomic():
        data_request = DataRequest.objects.select_for_update().filter(pk=request_id).first()
        if data_request is None or not authz.permitted(actor, "identity.data_request.cancel", data_request):
            raise NotFound(_("No such request."))
        if data_request.status != DataRequest.Status.OPEN:
            raise Conflict(_("This request has already been handled."))
        data_request.status = DataRequest.Status.CANCELLED
        data_request.handled_at = timezone.now()
        data_request.save(update_fields=["status", "handled_at"])
        audit_record(actor=actor, action="identity.data_request.cancel", obj=data_request, changes={})
    return data_request


def data_request_resolve(
    *, request: HttpRequest, actor: User, request_id: int, accept: bool, answer: str
) -> DataRequest:
    """A data steward accepts (and the change is made) or refuses (with an answer) a request."""
    authz.authorize(request, "identity.data_request.handle")
    if not accept and not answer.strip():
        raise DomainError(_("Say why the request is refused."))
    with transaction.atomic():
        data_request = DataRequest.objects.select_for_update().filter(pk=request_id).first()
        if data_request is None:
            raise NotFound(_("No such request."))
        if data_request.status != DataRequest.Status.OPEN:
            raise Conflict(_("This request has already been handled."))
        authz.authorize(request, "identity.data_request.handle", data_request)
        subject = data_request.user
        if accept and subject is not None:
            if data_request.kind == DataRequest.Kind.CORRECTION:
                _apply_correction(actor=actor, subject=subject, proposed=data_request.proposed)
            else:
                account_erase(actor=actor, user=subject)
        data_request.status = DataRequest.Status.DONE if accept else DataRequest.Status.REFUSED
        data_request.handled_at = timezone.now()
        data_request.handled_by = actor
        data_request.answer = answer.strip()[:2000]
        data_request.save(update_fields=["status", "handled_at", "handled_by", "answer"])
        audit_record(
            actor=actor,
            action=f"identity.data_request.{data_request.status}",
            obj=data_request,
            changes={"status": [DataRequest.Status.OPEN, data_request.status]},
            request=request,
        )
        event_publish(
            topic="identity.data_request.handled", payload={"id": data_request.pk, "status": data_request.status}
        )
    return data_request


def _apply_correction(*, actor: User, subject: User, proposed: dict[str, str]) -> None:
    changes: dict[str, Any] = {}
    for field in CORRECTABLE:
        if field in proposed and getattr(subject, field) != proposed[field]:
            changes[field] = [getattr(subject, field), proposed[field]]
            setattr(subject, field, proposed[field])
    if "email" in changes:
        subject.email_verified_at = None
    if "phone" in changes:
        subject.phone_verified_at = None
    subject.full_clean(exclude=["password", "username", "personal_id", "tax_code"])
    subject.save()
    audit_record(actor=actor, action="identity.account.correct", obj=subject, changes=changes)


def account_erase(*, actor: User | None, user: User) -> None:
    """Delete what identifies the person and close the account. Records the law requires an agency to keep
    (dossiers, documents) stay with their own retention rules; their modules' erasers decide what goes."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from oauth2_provider.models import get_access_token_model, get_refresh_token_model

    from smartgov.identity.services.sessions import sessions_end_all

    masked = mask_personal_id(user.personal_id or user.tax_code or "")
    personal_data_erase(user)
    sessions_end_all(user=user)
    get_refresh_token_model().objects.filter(user=user).delete()
    get_access_token_model().objects.filter(user=user).delete()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    FederatedIdentity.objects.filter(user=user).delete()
    user.username = f"erased-{user.pk}"
    user.full_name = ""
    user.first_name = user.last_name = ""
    user.email = user.phone = ""
    user.email_verified_at = user.phone_verified_at = None
    user.personal_id = user.tax_code = None
    user.is_active = False
    user.set_unusable_password()
    user.save()
    audit_record(actor=actor, action="identity.account.erase", obj=user, object_repr=masked, changes={})
