"""The answers' shapes, as CKAN 2.10 gives them (``package_show``, ``organization_show``, ``resource_show``, …), so
that a CKAN client reads SmartGov's answers unchanged. Times are UTC without an offset, as CKAN writes them."""

from datetime import UTC, datetime
from typing import Any

from django.urls import reverse

from smartgov.opendata.domain import licences
from smartgov.opendata.domain.names import agency_name
from smartgov.opendata.models import Dataset, Group, Resource
from smartgov.platform.models import Agency


def ckan_time(value: datetime | None) -> str | None:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") if value else None


def organization_dict(agency: Agency, *, package_count: int | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": agency.code,
        "name": agency_name(agency.code),
        "title": agency.name,
        "display_name": agency.name,
        "type": "organization",
        "description": agency.name_en,
        "image_url": "",
        "image_display_url": "",
        "created": None,
        "is_organization": True,
        "approval_status": "approved",
        "state": "active",
    }
    if package_count is not None:
        found["package_count"] = package_count
    return found


def group_dict(group: Group, *, package_count: int | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": str(group.uuid),
        "name": group.name,
        "title": group.title,
        "display_name": group.title or group.name,
        "type": "group",
        "description": group.description,
        "image_url": group.image_url,
        "image_display_url": group.image_url,
        "created": ckan_time(group.created_at),
        "is_organization": False,
        "approval_status": "approved",
        "state": "active",
    }
    if package_count is not None:
        found["package_count"] = package_count
    return found


def resource_dict(resource: Resource, dataset: Dataset, base: str) -> dict[str, Any]:
    url = resource.url
    if resource.upload:
        filename = resource.upload.name.rsplit("/", 1)[-1]
        url = base + reverse(
            "opendata:resource-download",
            kwargs={"dataset": dataset.uuid, "resource": resource.uuid, "filename": filename},
        )
    return {
        "id": str(resource.uuid),
        "package_id": str(dataset.uuid),
        "name": resource.name,
        "description": resource.description,
        "format": resource.format,
        "url": url,
        "url_type": "upload" if resource.upload else None,
        "mimetype": resource.mimetype or None,
        "size": resource.size,
        "position": resource.position,
        "created": ckan_time(resource.created_at),
        "last_modified": ckan_time(resource.modified_at),
        "metadata_modified": ckan_time(resource.modified_at),
        "state": "active",
        "hash": "",
        "cache_url": None,
        "datastore_active": False,
    }


def dataset_dict(dataset: Dataset, base: str) -> dict[str, Any]:
    """``package_show``'s answer (the dataset's resources, tags, themes and extras prefetched)."""
    licence = licences.BY_ID.get(dataset.license_id)
    tags = sorted(tag.name for tag in dataset.tags.all())
    resources = sorted(dataset.resources.all(), key=lambda r: (r.position, r.pk))
    return {
        "id": str(dataset.uuid),
        "name": dataset.name,
        "title": dataset.title,
        "notes": dataset.notes,
        "type": "dataset",
        "url": dataset.source_url,
        "version": dataset.version,
        "author": dataset.author,
        "author_email": dataset.author_email,
        "maintainer": dataset.maintainer,
        "maintainer_email": dataset.maintainer_email,
        "owner_org": dataset.owner.code,
        "organization": organization_dict(dataset.owner),
        "private": dataset.private,
        "state": dataset.state,
        "license_id": dataset.license_id,
        "license_title": str(licence.title) if licence else dataset.license_id,
        "license_url": licence.url if licence else "",
        "isopen": bool(licence and licence.open),
        "frequency": dataset.frequency,
        "warehouse_table": dataset.warehouse_table,
        "metadata_created": ckan_time(dataset.created_at),
        "metadata_modified": ckan_time(dataset.modified_at),
        "creator_user_id": None,
        "tags": [{"name": name, "display_name": name, "state": "active", "vocabulary_id": None} for name in tags],
        "groups": [group_dict(group) for group in sorted(dataset.groups.all(), key=lambda g: g.name)],
        "extras": [{"key": e.key, "value": e.value} for e in sorted(dataset.extras.all(), key=lambda e: e.key)],
        "resources": [resource_dict(resource, dataset, base) for resource in resources],
        "num_resources": len(resources),
        "num_tags": len(tags),
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }
