"""A dataset's writes (docs/opendata.md): create, change (all of it, or the fields given), withdraw.

Who may: a data steward of the owner agency, or a platform administrator (``opendata.dataset.publish``); the system
(the demo, a command) acts with ``actor`` None. The input is CKAN's data dict; every field's messages come back
together (``Invalid``, 409). Each write is one transaction with its audit row and its event (events.py)."""

import contextlib
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from smartgov.opendata.domain import licences, searching
from smartgov.opendata.domain.validation import Errors, Invalid
from smartgov.opendata.models import Dataset, DatasetExtra, Group, Tag
from smartgov.opendata.services import fields
from smartgov.opendata.services.common import actor_account, payload, publish_check
from smartgov.opendata.services.resources import resource_values, resources_replace
from smartgov.platform.services.audit import audit_record
from smartgov.platform.services.outbox import event_publish

#: CKAN's key → the model's field, for the plain fields.
_PLAIN = {
    "title": "title",
    "notes": "notes",
    "version": "version",
    "url": "source_url",
    "author": "author",
    "author_email": "author_email",
    "maintainer": "maintainer",
    "maintainer_email": "maintainer_email",
}
#: The keys a dataset's answer holds (never extras).
RESERVED = {
    *_PLAIN,
    "id",
    "name",
    "owner_org",
    "license_id",
    "private",
    "state",
    "frequency",
    "warehouse_table",
    "tags",
    "groups",
    "extras",
    "resources",
    "organization",
    "type",
}
_WRITABLE_STATES = [Dataset.State.DRAFT.value, Dataset.State.ACTIVE.value]


def _groups_find(references: list[str], errors: Errors) -> list[Group]:
    found: list[Group] = []
    for ref in references:
        query = Q(name=ref)
        with contextlib.suppress(ValueError):
            query |= Q(uuid=uuid.UUID(ref))
        group = Group.objects.filter(query).first()
        if group is None:
            errors.add("groups", _('Theme "%(name)s" does not exist.') % {"name": ref[:100]})
        elif group not in found:
            found.append(group)
    return found


def _read(values: Mapping[str, Any], *, creating: bool, partial: bool) -> tuple[dict[str, Any], Errors]:
    """The dataset's fields in ``values``: those given (``partial``) or all of them with their defaults."""
    errors = Errors()
    clean: dict[str, Any] = {}
    if not isinstance(values, Mapping):
        errors.add("__all__", _("The input must be an object."))
        return clean, errors
    if creating or "name" in values:
        clean["name"] = fields.name(values, "name", errors)
        if clean["name"] is None and "name" not in errors:
            errors.add("name", _("Missing value"))
    for key, field in _PLAIN.items():
        value = fields.text(values, key, fields.DATASET_TEXTS[key], errors)
        if value is not None or not partial:
            clean[field] = value or ""
    owner_ref = fields.text(values, "owner_org", 40, errors)
    if owner_ref is not None:
        from smartgov.opendata.selectors import agency_by_reference  # the selectors import the policies: not at load

        owner = agency_by_reference(owner_ref)
        if owner is None:
            errors.add("owner_org", _("Organization does not exist."))
        clean["owner"] = owner
    elif creating:
        errors.add("owner_org", _("A dataset must have an organization."))
    licence = fields.licence(values, errors)
    if licence is not None or not partial:
        clean["license_id"] = licence or licences.DEFAULT
    private = fields.boolean(values, "private", errors)
    if private is not None or not partial:
        clean["private"] = bool(private)
    state = fields.choice(values, "state", _WRITABLE_STATES, errors) if values.get("state") else None
    if state is not None or creating:
        clean["state"] = state or Dataset.State.ACTIVE
    frequency = fields.choice(values, "frequency", ["", *Dataset.Frequency.values], errors)
    if frequency is not None or not partial:
        clean["frequency"] = frequency or ""
    table = fields.warehouse_table(values, errors)
    if table is not None or not partial:
        clean["warehouse_table"] = table or ""
    tags = fields.tags(values, errors)
    if tags is not None or not partial:
        clean["tags"] = tags or []
    groups = fields.references(values, "groups", fields.MAX_GROUPS, errors)
    if groups is not None or not partial:
        clean["groups"] = _groups_find(groups or [], errors)
    extras = fields.extras(values, RESERVED, errors)
    if extras is not None or not partial:
        clean["extras"] = extras or {}
    if "resources" in values:
        given = values["resources"]
        if given is not None and (not isinstance(given, list) or len(given) > fields.MAX_RESOURCES):
            errors.add("resources", _("Must be a list of at most %(n)d items.") % {"n": fields.MAX_RESOURCES})
        else:
            clean["resources"] = []
            for position, item in enumerate(given or []):
                item_errors = Errors()
                clean["resources"].append(resource_values(item, item_errors, partial=False))
                for key, messages in item_errors.fields.items():
                    for message in messages:
                        errors.add("resources", f"{position}.{key}: {message}")
    if "title" in clean and not clean["title"] and clean.get("name"):
        clean["title"] = clean["name"]  # CKAN's default title is the name
    return clean, errors


def _search_fields(dataset: Dataset) -> None:
    tags = " ".join(dataset.tags.values_list("name", flat=True))
    groups = " ".join(dataset.groups.values_list("title", flat=True))
    extras = " ".join(dataset.extras.values_list("value", flat=True))
    dataset.search_title = searching.document(dataset.title)[:500]
    dataset.search_document = searching.document(
        dataset.name, dataset.title, dataset.notes, tags, groups, dataset.owner.name, extras
    )
    dataset.save(update_fields=["search_title", "search_document"])


def _relations_set(dataset: Dataset, clean: dict[str, Any]) -> list[str]:
    """Tags, themes and extras as given; the names of those that changed."""
    changed: list[str] = []
    if "tags" in clean:
        before = set(dataset.tags.values_list("name", flat=True))
        if before != set(clean["tags"]):
            tags = []
            for name in clean["tags"]:
                tag, _created = Tag.objects.get_or_create(name=name)
                tags.append(tag)
            dataset.tags.set(tags)
            changed.append("tags")
    if "groups" in clean:
        before_ids = set(dataset.groups.values_list("pk", flat=True))
        if before_ids != {group.pk for group in clean["groups"]}:
            dataset.groups.set(clean["groups"])
            changed.append("groups")
    if "extras" in clean:
        before_extras = dict(dataset.extras.values_list("key", "value"))
        if before_extras != clean["extras"]:
            dataset.extras.all().delete()
            DatasetExtra.objects.bulk_create(
                DatasetExtra(dataset=dataset, key=key, value=value) for key, value in clean["extras"].items()
            )
            changed.append("extras")
    return changed


_COLUMNS = [*_PLAIN.values(), "name", "owner", "license_id", "private", "state", "frequency", "warehouse_table"]


def dataset_create(*, actor: Any, values: Mapping[str, Any]) -> Dataset:
    """A new dataset from CKAN's data dict (``package_create``). An ``id`` (UUID) not yet used is kept, so that a
    dump loaded into another portal keeps its datasets' ids."""
    account = actor_account(actor)
    clean, errors = _read(values, creating=True, partial=False)
    given_id = fields.given_uuid(values, "id", errors) if isinstance(values, Mapping) else None
    errors.raise_any()
    publish_check(actor, clean["owner"])
    with transaction.atomic():
        if Dataset.objects.filter(name=clean["name"]).exists():
            raise Invalid({"name": [_("That URL is already in use.")]})
        if given_id is not None and Dataset.objects.filter(uuid=given_id).exists():
            raise Invalid({"id": [_("Dataset id already exists.")]})
        now = timezone.now()
        dataset = Dataset(
            **{column: clean[column] for column in _COLUMNS},
            created_by=account,
            created_at=now,
            modified_at=now,
        )
        if given_id is not None:
            dataset.uuid = given_id
        try:
            with transaction.atomic():
                dataset.save()
        except IntegrityError:
            raise Invalid({"name": [_("That URL is already in use.")]}) from None
        _relations_set(dataset, clean)
        resources_replace(dataset, clean.get("resources", []))
        _search_fields(dataset)
        audit_record(
            actor=account,
            action="opendata.dataset.create",
            obj=dataset,
            changes={key: [None, str(clean[key])] for key in ("name", "title", "owner", "private", "state")},
        )
        event_publish(topic="opendata.dataset.created", payload=payload(dataset, []), obj=dataset)
    return dataset


def dataset_update(*, actor: Any, dataset: Dataset, values: Mapping[str, Any], partial: bool) -> Dataset:
    """Change a dataset (``package_update``: every field, those missing take their defaults; ``package_patch``:
    only the fields given). Resources are replaced when ``resources`` is given and kept otherwise. Changing the
    owner needs the right to publish for both agencies."""
    account = actor_account(actor)
    clean, errors = _read(values, creating=False, partial=partial)
    errors.raise_any()
    publish_check(actor, dataset.owner)
    if clean.get("owner") is not None and clean["owner"] != dataset.owner:
        publish_check(actor, clean["owner"])
    with transaction.atomic():
        locked = Dataset.objects.select_for_update().select_related("owner").get(pk=dataset.pk)
        name = clean.get("name")
        if name and name != locked.name and Dataset.objects.filter(name=name).exclude(pk=locked.pk).exists():
            raise Invalid({"name": [_("That URL is already in use.")]})
        changes: dict[str, list[Any]] = {}
        for column in _COLUMNS:
            if column in clean and clean[column] is not None and getattr(locked, column) != clean[column]:
                old = getattr(locked, column)
                changes[column] = [str(old), str(clean[column])]
                setattr(locked, column, clean[column])
        changed = list(changes)
        changed += _relations_set(locked, clean)
        if "resources" in clean and resources_replace(locked, clean["resources"]):
            changed.append("resources")
        if changed:
            locked.modified_at = timezone.now()
            try:
                with transaction.atomic():
                    locked.save()
            except IntegrityError:
                raise Invalid({"name": [_("That URL is already in use.")]}) from None
            _search_fields(locked)
            audit_record(actor=account, action="opendata.dataset.update", obj=locked, changes=changes)
            event_publish(topic="opendata.dataset.updated", payload=payload(locked, changed), obj=locked)
    return locked


def dataset_delete(*, actor: Any, dataset: Dataset) -> Dataset:
    """Withdraw a dataset (``package_delete``): its state becomes deleted, its name stays taken, as in CKAN; a
    dataset already withdrawn stays so without a second event."""
    account = actor_account(actor)
    publish_check(actor, dataset.owner)
    with transaction.atomic():
        locked = Dataset.objects.select_for_update().select_related("owner").get(pk=dataset.pk)
        if locked.state == Dataset.State.DELETED:
            return locked
        before = locked.state
        locked.state = Dataset.State.DELETED
        locked.modified_at = timezone.now()
        locked.save(update_fields=["state", "modified_at"])
        audit_record(
            actor=account, action="opendata.dataset.delete", obj=locked, changes={"state": [before, locked.state]}
        )
        event_publish(topic="opendata.dataset.deleted", payload=payload(locked, ["state"]), obj=locked)
    return locked
