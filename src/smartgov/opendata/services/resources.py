"""A dataset's resources (files and links): added, changed, removed one by one (``resource_create/update/patch/
delete``) or replaced as a list with the dataset (``package_create/update``).

A link is http or https only. An uploaded file is stored on the platform's storage under the resource's UUID, at
most ``OPENDATA_UPLOAD_MAX_BYTES``, and always served as a download (never shown inline), so a file cannot run as a
page of the portal. Who may: whoever may publish the dataset (``opendata.dataset.publish``)."""

import posixpath
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from smartgov.opendata.domain.validation import Errors, Invalid
from smartgov.opendata.models import Dataset, Resource
from smartgov.opendata.services import fields
from smartgov.opendata.services.common import dataset_touch, publish_check

_TEXTS = {"name": "name", "description": "description", "format": "format", "url": "url", "mimetype": "mimetype"}


def resource_values(values: Any, errors: Errors, *, partial: bool) -> dict[str, Any]:
    """A resource's fields in CKAN's dict (an ``id`` given is kept, for a dump loaded elsewhere)."""
    clean: dict[str, Any] = {}
    if not isinstance(values, Mapping):
        errors.add("resource", _("Must be an object."))
        return clean
    for key, field in _TEXTS.items():
        value = fields.text(values, key, fields.RESOURCE_TEXTS[key], errors)
        if value is not None or not partial:
            clean[field] = value or ""
    if clean.get("url"):
        parts = urlsplit(clean["url"])
        if parts.scheme not in ("http", "https") or not parts.netloc:
            errors.add("url", _("Must be an http or https address."))
    if "format" in clean:
        clean["format"] = clean["format"].upper().lstrip(".")
        if not clean["format"] and clean.get("url"):
            clean["format"] = posixpath.splitext(urlsplit(clean["url"]).path)[1].lstrip(".").upper()[:40]
    resource_id = fields.given_uuid(values, "id", errors)
    if resource_id is not None:
        clean["uuid"] = resource_id
    return clean


def resources_replace(dataset: Dataset, given: list[dict[str, Any]]) -> bool:
    """Make the dataset's resources ``given``, in order: one with a known ``uuid`` is updated, the others created,
    those not given removed. Whether anything changed."""
    existing = {resource.uuid: resource for resource in dataset.resources.all()}
    kept: set[uuid.UUID] = set()
    changed = False
    now = timezone.now()
    for position, clean in enumerate(given):
        given_id = clean.get("uuid")
        resource = existing.get(given_id) if isinstance(given_id, uuid.UUID) else None
        if resource is None:
            if clean.get("uuid") and Resource.objects.filter(uuid=clean["uuid"]).exists():
                raise Invalid({"resources": [_("Resource id already exists.")]})
            resource = Resource(dataset=dataset, created_at=now)
            changed = True
        updates = {key: value for key, value in clean.items() if getattr(resource, key, None) != value}
        if updates or resource.position != position:
            for key, value in updates.items():
                setattr(resource, key, value)
            resource.position = position
            resource.modified_at = now
            resource.save()
            changed = True
        kept.add(resource.uuid)
    for known, resource in existing.items():
        if known not in kept:
            _file_delete(resource)
            resource.delete()
            changed = True
    return changed


def _file_delete(resource: Resource) -> None:
    if resource.upload:
        name = resource.upload.name
        storage = resource.upload.storage
        transaction.on_commit(lambda: storage.delete(name))


def _upload_store(resource: Resource, upload: UploadedFile | None, errors: Errors) -> None:
    if upload is None:
        return
    if upload.size is None or upload.size > settings.OPENDATA_UPLOAD_MAX_BYTES:
        errors.add(
            "upload",
            _("The file is larger than %(n)d MB.") % {"n": settings.OPENDATA_UPLOAD_MAX_BYTES // (1024 * 1024)},
        )
        return
    filename = get_valid_filename(posixpath.basename((upload.name or "").replace("\\", "/")))[-100:] or "tep"
    errors.raise_any()
    _file_delete(resource)
    resource.upload.save(filename, upload, save=False)
    resource.size = upload.size
    resource.url = ""
    if not resource.format:
        resource.format = posixpath.splitext(filename)[1].lstrip(".").upper()[:40]


def resource_create(
    *, actor: Any, dataset: Dataset, values: Mapping[str, Any], upload: UploadedFile | None = None
) -> Resource:
    """A new resource at the end of the dataset's list: a link (``url``) or an uploaded file (``upload``)."""
    errors = Errors()
    clean = resource_values(values, errors, partial=False)
    if not clean.get("url") and upload is None and "url" not in errors:
        errors.add("url", _("Give the address of the resource or upload a file."))
    errors.raise_any()
    publish_check(actor, dataset.owner)
    with transaction.atomic():
        locked = Dataset.objects.select_for_update().select_related("owner").get(pk=dataset.pk)
        if locked.resources.count() >= fields.MAX_RESOURCES:
            raise Invalid({"resources": [_("A dataset has at most %(n)d resources.") % {"n": fields.MAX_RESOURCES}]})
        if clean.get("uuid") and Resource.objects.filter(uuid=clean["uuid"]).exists():
            raise Invalid({"id": [_("Resource id already exists.")]})
        last = locked.resources.aggregate(last=Max("position"))["last"]
        now = timezone.now()
        resource = Resource(dataset=locked, position=0 if last is None else last + 1, created_at=now, modified_at=now)
        for key, value in clean.items():
            setattr(resource, key, value)
        _upload_store(resource, upload, errors)
        errors.raise_any()
        resource.save()
        dataset_touch(
            dataset=locked,
            actor=actor,
            action="opendata.resource.create",
            changes={"resource": [None, str(resource.uuid)], "name": [None, resource.name]},
        )
    return resource


def resource_update(
    *, actor: Any, resource: Resource, values: Mapping[str, Any], partial: bool, upload: UploadedFile | None = None
) -> Resource:
    """Change a resource (``resource_update``: every field; ``resource_patch``: those given); a new file replaces
    the old one."""
    errors = Errors()
    clean = resource_values(values, errors, partial=partial)
    clean.pop("uuid", None)
    errors.raise_any()
    publish_check(actor, resource.dataset.owner)
    with transaction.atomic():
        locked = Dataset.objects.select_for_update().select_related("owner").get(pk=resource.dataset_id)
        current = Resource.objects.select_for_update().get(pk=resource.pk)
        if not partial and not clean.get("url") and upload is None and not current.upload:
            raise Invalid({"url": [_("Give the address of the resource or upload a file.")]})
        changes = {
            key: [str(getattr(current, key)), str(value)]
            for key, value in clean.items()
            if getattr(current, key) != value
        }
        if clean.get("url") and current.upload:  # a link replaces the uploaded file
            _file_delete(current)
            current.upload = None
            current.size = None
        for key, value in clean.items():
            setattr(current, key, value)
        _upload_store(current, upload, errors)
        errors.raise_any()
        if upload is not None:
            changes["upload"] = ["", current.upload.name]
        if changes:
            current.modified_at = timezone.now()
            current.save()
            dataset_touch(
                dataset=locked,
                actor=actor,
                action="opendata.resource.update",
                changes={"resource": [None, str(current.uuid)], **changes},
            )
    return current


def resource_delete(*, actor: Any, resource: Resource) -> None:
    """Remove a resource (and its file, once the transaction is committed); the others keep their order."""
    publish_check(actor, resource.dataset.owner)
    with transaction.atomic():
        locked = Dataset.objects.select_for_update().select_related("owner").get(pk=resource.dataset_id)
        current = Resource.objects.filter(pk=resource.pk).first()
        if current is None:
            return
        _file_delete(current)
        current.delete()
        for position, other in enumerate(locked.resources.order_by("position", "pk")):
            if other.position != position:
                other.position = position
                other.save(update_fields=["position"])
        dataset_touch(
            dataset=locked,
            actor=actor,
            action="opendata.resource.delete",
            changes={"resource": [str(resource.uuid), None], "name": [resource.name, None]},
        )
