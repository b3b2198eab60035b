"""Writes of the locality, its agencies and staff positions."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils.translation import gettext as _

from smartgov.platform.errors import DomainError, NotFound
from smartgov.platform.models import AdminUnit, Agency, Locality, Position
from smartgov.platform.selectors.org import locality_cache_clear
from smartgov.platform.services.audit import audit_record
from smartgov.platform.services.common import model_snapshot, model_update
from smartgov.platform.services.outbox import event_publish
from smartgov.platform.text import fold

Actor = AbstractBaseUser | AnonymousUser | None

_AGENCY_FIELDS = [
    "name",
    "name_en",
    "short_name",
    "kind",
    "parent",
    "admin_unit",
    "address",
    "phone",
    "email",
    "is_active",
    "valid_from",
    "valid_to",
]


@dataclass(frozen=True)
class AgencyData:
    """What describes an agency, as given by a person or a data file."""

    code: str
    name: str
    kind: str
    name_en: str = ""
    short_name: str = ""
    parent_code: str | None = None
    admin_unit: AdminUnit | None = None
    address: str = ""
    phone: str = ""
    email: str = ""
    is_active: bool = True
    valid_from: date | None = None
    valid_to: date | None = None


def locality_set(
    *,
    actor: Actor,
    province: AdminUnit,
    name: str,
    name_en: str,
    agency_id_suffix: str,
    portal_name: str,
    website: str = "",
) -> tuple[Locality, bool]:
    """Make ``province`` the installation's locality (there is one). Returns the locality and whether it changed."""
    if province.level != AdminUnit.Level.PROVINCE or province.generation != AdminUnit.Generation.CURRENT:
        raise DomainError(_("The locality must be a current province or centrally-run city."))
    data = {
        "province": province,
        "name": name,
        "name_en": name_en,
        "agency_id_suffix": agency_id_suffix,
        "portal_name": portal_name,
        "website": website,
    }
    with transaction.atomic():
        locality = Locality.objects.select_for_update().first()
        if locality is None:
            locality = Locality(**data)
            locality.full_clean()
            locality.save()
            changes = model_snapshot(locality, list(data))
            action = "platform.locality.create"
        else:
            changes = model_update(locality, data)
            action = "platform.locality.update"
        if changes:
            audit_record(actor=_user(actor), action=action, obj=locality, changes=changes)
            event_publish(topic="platform.locality.changed", payload={"province": province.code}, obj=locality)
            locality_cache_clear()  # now, for this transaction's readers
            transaction.on_commit(locality_cache_clear)  # and after commit, for concurrent readers
    return locality, bool(changes)


def agency_upsert(*, actor: Actor, data: AgencyData) -> tuple[Agency, bool]:
    """Create the agency with ``data.code`` or bring it up to date. Returns the agency and whether it changed."""
    if not data.code.strip() or not data.name.strip():
        raise DomainError(_("An agency needs an electronic ID and a name."))
    if data.kind not in Agency.Kind.values:
        raise DomainError(_("Unknown kind of agency: %(kind)s") % {"kind": data.kind})
    with transaction.atomic():
        parent = None
        if data.parent_code:
            parent = Agency.objects.filter(code=data.parent_code).first()
            if parent is None:
                raise NotFound(_("No agency has the electronic ID %(code)s.") % {"code": data.parent_code})
        values = {
            "name": data.name,
            "name_en": data.name_en,
            "short_name": data.short_name,
            "kind": data.kind,
            "parent": parent,
            "admin_unit": data.admin_unit,
            "address": data.address,
            "phone": data.phone,
            "email": data.email,
            "is_active": data.is_active,
            "valid_from": data.valid_from,
            "valid_to": data.valid_to,
        }
        agency = Agency.objects.select_for_update().filter(code=data.code).first()
        if agency is None:
            agency = Agency(code=data.code, search_name=fold(data.name), **values)
            agency.full_clean()
            agency.save()
            changes = model_snapshot(agency, ["code", *_AGENCY_FIELDS])
            verb = "created"
        else:
            changes = model_update(agency, {**values, "search_name": fold(data.name)})
            changes.pop("search_name", None)
            verb = "updated"
        if changes:
            audit_record(actor=_user(actor), action=f"platform.agency.{verb[:-1]}", obj=agency, changes=changes)
            event_publish(topic=f"platform.agency.{verb}", payload={"code": agency.code}, obj=agency)
    return agency, bool(changes)


def position_assign(
    *, actor: Actor, user: AbstractBaseUser, agency: Agency, title: str, is_leader: bool = False
) -> tuple[Position, bool]:
    """Give ``user`` the post ``title`` in ``agency`` (idempotent). Returns the post and whether it was new."""
    if not title.strip():
        raise DomainError(_("A position needs a title."))
    with transaction.atomic():
        position, created = Position.objects.get_or_create(
            agency=agency, user=user, title=title, defaults={"is_leader": is_leader}
        )
        changes = {} if created else model_update(position, {"is_leader": is_leader})
        if created:
            changes = model_snapshot(position, ["agency", "user", "title", "is_leader"])
        if changes:
            audit_record(actor=_user(actor), action="platform.position.assign", obj=position, changes=changes)
            event_publish(
                topic="platform.position.assigned",
                payload={"agency": agency.code, "user": user.pk, "title": title},
                obj=position,
            )
    return position, bool(changes)


def _user(actor: Actor) -> AbstractBaseUser | None:
    if actor is None or isinstance(actor, AnonymousUser):
        return None
    return actor
