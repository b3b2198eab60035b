"""The themes (CKAN's groups): the locality's list, kept by platform administrators (a theme is shared by every
agency's datasets); the system (the demo) acts with ``actor`` None."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from smartgov.identity import authz
from smartgov.opendata.domain.validation import Errors, Invalid
from smartgov.opendata.models import Group
from smartgov.opendata.services import fields
from smartgov.opendata.services.common import actor_account
from smartgov.platform.services.audit import audit_record
from smartgov.platform.services.common import model_snapshot


def group_create(*, actor: Any, name: str, title: str, description: str = "", image_url: str = "") -> Group:
    """A new theme; a name already used is a Validation Error on ``name``."""
    if actor is not None and not authz.administers_platform(actor_account(actor)):
        raise PermissionDenied
    errors = Errors()
    values = {"name": name, "title": title, "description": description}
    clean_name = fields.name(values, "name", errors)
    clean_title = fields.text(values, "title", 200, errors) or clean_name or ""
    clean_description = fields.text(values, "description", 10_000, errors) or ""
    errors.raise_any()
    group = Group(name=clean_name or "", title=clean_title, description=clean_description, image_url=image_url)
    try:
        with transaction.atomic():
            group.save()
            audit_record(
                actor=actor_account(actor),
                action="opendata.group.create",
                obj=group,
                changes=model_snapshot(group, ["name", "title"]),
            )
    except IntegrityError:
        raise Invalid({"name": [_("Group name already exists in database.")]}) from None
    return group
