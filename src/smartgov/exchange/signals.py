"""Every change to the registry moves ``RegistryVersion`` so gateways rebuild their snapshot (registry.py)."""

from typing import Any

from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from smartgov.exchange.models import (
    AccessRight,
    ApiKey,
    ClientCertificate,
    ClientGroup,
    Endpoint,
    Member,
    MemberClass,
    RegistryVersion,
    Service,
    Subsystem,
)
from smartgov.exchange.registry import registry_forget

REGISTRY_MODELS = (
    MemberClass,
    Member,
    Subsystem,
    Service,
    Endpoint,
    ClientGroup,
    AccessRight,
    ApiKey,
    ClientCertificate,
)


def registry_bump(**_: Any) -> None:
    if not RegistryVersion.objects.filter(pk=1).update(number=F("number") + 1):
        RegistryVersion.objects.get_or_create(pk=1, defaults={"number": 1})
    # This process sees its own change at once; other processes notice the new version within a second.
    transaction.on_commit(registry_forget)


for _model in REGISTRY_MODELS:
    post_save.connect(registry_bump, sender=_model, dispatch_uid=f"exchange-bump-save-{_model.__name__}")
    post_delete.connect(registry_bump, sender=_model, dispatch_uid=f"exchange-bump-delete-{_model.__name__}")
m2m_changed.connect(registry_bump, sender=ClientGroup.subsystems.through, dispatch_uid="exchange-bump-groups")
