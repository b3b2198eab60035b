"""Signing in through an upstream OpenID Connect provider (``identity.upstream``): which account the person is.
The first sign-in links the provider's subject to the account with the same personal ID, or creates a
citizen's account; later sign-ins follow the link.
"""

from typing import Any

from django.contrib.auth import login
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from smartgov.identity.domain.mfa import SIGN_IN_METHODS
from smartgov.identity.models import FederatedIdentity, SecurityEvent, User
from smartgov.identity.services.security import security_event_record
from smartgov.identity.upstream import UpstreamProvider
from smartgov.identity.validators import mask_personal_id, parse_personal_id
from smartgov.platform.errors import DomainError
from smartgov.platform.services.audit import audit_record
from smartgov.platform.services.outbox import event_publish


def federated_sign_in(*, request: HttpRequest, provider: UpstreamProvider, claims: dict[str, Any]) -> User:
    """Sign in the person the provider vouched for (``claims`` from its verified ID token and userinfo)."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise DomainError(_("The identity provider did not say who you are."))
    try:
        user = _linked_account(provider=provider, subject=subject, claims=claims)
    except IntegrityError:  # the same first sign-in twice at once: the other one made the link
        user = _linked_account(provider=provider, subject=subject, claims=claims)
    if not user.is_active:
        raise DomainError(_("This account is closed."))
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    upstream_methods = claims.get("amr")
    request.session[SIGN_IN_METHODS] = (
        [m for m in upstream_methods if isinstance(m, str)] if isinstance(upstream_methods, list) else []
    ) or ["fed"]
    security_event_record(
        kind=SecurityEvent.Kind.FEDERATED_LOGIN, request=request, user=user, details={"provider": provider.name}
    )
    return user


def _linked_account(*, provider: UpstreamProvider, subject: str, claims: dict[str, Any]) -> User:
    now = timezone.now()
    with transaction.atomic():
        link = (
            FederatedIdentity.objects.select_for_update()
            .select_related("user")
            .filter(provider=provider.name, subject=subject)
            .first()
        )
        if link is not None:
            link.last_login_at = now
            link.save(update_fields=["last_login_at"])
            return link.user
        raw_id = str(claims.get(provider.personal_id_claim) or "")
        try:
            personal_id = parse_personal_id(raw_id).number
        except Exception as exc:
            raise DomainError(_("The identity provider did not give a valid personal identification number.")) from exc
        user = User.objects.select_for_update().filter(personal_id=personal_id).first()
        created = user is None
        if user is None:
            user = _account_create(personal_id=personal_id, claims=claims, provider=provider)
        elif user.kind != User.Kind.CITIZEN:
            raise DomainError(_("This personal identification number belongs to an account that is not a citizen's."))
        FederatedIdentity.objects.create(
            user=user, provider=provider.name, subject=subject, linked_at=now, last_login_at=now
        )
        audit_record(
            actor=user,
            action="identity.federation.link",
            obj=user,
            object_repr=mask_personal_id(personal_id),
            changes={"provider": provider.name, "account_created": created},
        )
        event_publish(
            topic="identity.federation.linked", payload={"user": user.pk, "provider": provider.name}, obj=user
        )
    return user


def _account_create(*, personal_id: str, claims: dict[str, Any], provider: UpstreamProvider) -> User:
    now = timezone.now()
    email = str(claims.get("email") or "")
    phone = str(claims.get("phone_number") or "")
    user = User(
        username=personal_id,
        kind=User.Kind.CITIZEN,
        personal_id=personal_id,
        full_name=str(claims.get(provider.name_claim) or "")[:150],
        email=email,
        email_verified_at=now if email and claims.get("email_verified") is True else None,
        phone=phone[:20],
        phone_verified_at=now if phone and claims.get("phone_number_verified") is True else None,
    )
    user.set_unusable_password()  # signs in through the provider, or sets a password by "forgot password"
    user.save()
    audit_record(
        actor=user,
        action="identity.account.register",
        obj=user,
        object_repr=mask_personal_id(personal_id),
        changes={"kind": [None, User.Kind.CITIZEN], "via": provider.name},
    )
    return user
