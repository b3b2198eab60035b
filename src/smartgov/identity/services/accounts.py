"""Accounts: registering oneself, one's profile, and closing an account (erasure is in ``privacy``)."""

from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from smartgov.identity.models import User
from smartgov.identity.validators import mask_personal_id
from smartgov.platform.errors import Conflict
from smartgov.platform.services.audit import audit_record
from smartgov.platform.services.outbox import event_publish


def account_register(
    *,
    kind: str,
    identifier: str,
    full_name: str,
    password: str,
    phone: str,
    email: str = "",
    request: HttpRequest | None = None,
) -> User:
    """Create a citizen's or business's account; the identifier (personal ID or tax code) is the sign-in name."""
    if kind not in (User.Kind.CITIZEN, User.Kind.BUSINESS):
        raise ValueError("only citizens and businesses register themselves")
    user = User(
        username=identifier,
        kind=kind,
        full_name=full_name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        personal_id=identifier if kind == User.Kind.CITIZEN else None,
        tax_code=identifier if kind == User.Kind.BUSINESS else None,
    )
    user.set_password(password)
    try:
        with transaction.atomic():
            if User.objects.filter(username=identifier).exists():
                raise IntegrityError("taken")
            user.save()
            audit_record(
                actor=user,
                action="identity.account.register",
                obj=user,
                object_repr=mask_personal_id(identifier),
                changes={"kind": [None, kind]},
                request=request,
            )
            event_publish(topic="identity.account.registered", payload={"user": user.pk, "kind": kind}, obj=user)
    except IntegrityError as exc:  # also the race of two submissions at once (unique username)
        raise Conflict(_("An account with this identifier already exists. Sign in, or reset your password.")) from exc
    return user


def profile_update(*, request: HttpRequest | None, actor: User, full_name: str, email: str, phone: str) -> list[str]:
    """Change one's own name and contact details; a changed address or number must be verified again."""
    wanted = {"full_name": full_name.strip(), "email": email.strip(), "phone": phone.strip()}
    with transaction.atomic():
        fresh = User.objects.select_for_update().get(pk=actor.pk)
        changed = [field for field, value in wanted.items() if getattr(fresh, field) != value]
        if not changed:
            return []
        changes = {field: [getattr(fresh, field), wanted[field]] for field in changed}
        for field in changed:
            setattr(fresh, field, wanted[field])
        if "email" in changed:
            fresh.email_verified_at = None
        if "phone" in changed:
            fresh.phone_verified_at = None
        fresh.save()
        audit_record(actor=fresh, action="identity.profile.update", obj=fresh, changes=changes, request=request)
    for field in ("full_name", "email", "phone", "email_verified_at", "phone_verified_at"):
        setattr(actor, field, getattr(fresh, field))
    return changed


def account_create(
    *, actor: User | None, actor_label: str = "", username: str, password: str | None, **fields: Any
) -> User:
    """Create an account for somebody (a civil servant, demo data): validated, with ``password`` (None: unusable),
    audited as ``identity.user.create``."""
    user = User(username=username, **fields)
    user.set_password(password)
    user.full_clean()
    with transaction.atomic():
        user.save()
        audit_record(
            actor=actor,
            actor_label=actor_label,
            action="identity.user.create",
            obj=user,
            changes={"username": [None, username], "kind": [None, fields.get("kind")]},
        )
    return user
