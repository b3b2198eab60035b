"""Helpers shared by services."""

from datetime import date, datetime
from typing import Any

from django.db import models


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def model_update(instance: models.Model, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Set the fields in ``data`` that differ and save only those.

    Returns the changes as ``{field: [old, new]}`` (JSON-safe), empty when nothing changed, so the caller
    writes an audit row and an event only for a real change.
    """
    changes: dict[str, list[Any]] = {}
    for field, new in data.items():
        old = getattr(instance, field)
        if old != new:
            changes[field] = [_plain(old), _plain(new)]
            setattr(instance, field, new)
    if changes:
        instance.full_clean()
        update_fields = [instance._meta.get_field(name).attname for name in changes]  # type: ignore[union-attr]
        instance.save(update_fields=update_fields)
    return changes


def model_snapshot(instance: models.Model, fields: list[str]) -> dict[str, list[Any]]:
    """The ``{field: [None, value]}`` changes of a newly created object, for its audit row."""
    return {field: [None, _plain(getattr(instance, field))] for field in fields}
