"""Reading a CKAN data dict into clean values, collecting every field's messages (``domain.validation.Errors``), so
the services refuse bad input with CKAN's per-field Validation Error and never store half a dataset.

Text is normalised to NFC (a Vietnamese title typed decomposed is stored as it is typed precomposed), NUL bytes are
refused, every length is bounded."""

import json
import math
import re
import unicodedata
import uuid
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from smartgov.opendata.domain import licences
from smartgov.opendata.domain.names import NAME, TABLE_PATTERN, TAG
from smartgov.opendata.domain.validation import Errors

MAX_TAGS = 100
MAX_GROUPS = 50
MAX_EXTRAS = 100
MAX_EXTRA_VALUE = 10_000
MAX_RESOURCES = 200
#: A dataset's text fields (CKAN's key → the longest value).
DATASET_TEXTS = {
    "title": 500,
    "notes": 20_000,
    "version": 100,
    "url": 1000,
    "author": 200,
    "author_email": 200,
    "maintainer": 200,
    "maintainer_email": 200,
}
RESOURCE_TEXTS = {"name": 300, "description": 10_000, "format": 40, "url": 2000, "mimetype": 100}
#: Keys a client sends that are not a field (the answer's own keys, sent back by ckanapi's dump and load, and any
#: other) are ignored, as CKAN ignores them.
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}
_TABLE = re.compile(TABLE_PATTERN)


def text(values: Mapping[str, Any], key: str, limit: int, errors: Errors) -> str | None:
    """The text at ``key`` (None when absent), stripped and in NFC; a number is taken as its text."""
    if key not in values:
        return None
    value = values[key]
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        errors.add(key, _("Must be text."))
        return None
    if isinstance(value, float) and not math.isfinite(value):
        errors.add(key, _("Must be text."))
        return None
    value = unicodedata.normalize("NFC", str(value)).strip()
    if "\x00" in value:
        errors.add(key, _("Must not contain a NUL character."))
        return None
    if len(value) > limit:
        errors.add(key, _("Must be at most %(n)d characters long.") % {"n": limit})
        return None
    return value


def boolean(values: Mapping[str, Any], key: str, errors: Errors) -> bool | None:
    """``true``/``false`` as JSON or as text (a multipart upload sends every value as text)."""
    if key not in values or values[key] is None:
        return None
    value = values[key]
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    errors.add(key, _("Must be true or false."))
    return None


def name(values: Mapping[str, Any], key: str, errors: Errors) -> str | None:
    value = text(values, key, 100, errors)
    if value is None:
        return None
    if not NAME.match(value):
        errors.add(key, _("Must be 2 to 100 lower-case letters without accents, digits, - or _."))
        return None
    return value


def given_uuid(values: Mapping[str, Any], key: str, errors: Errors) -> uuid.UUID | None:
    value = values.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, str) and len(value) <= 36:
        try:
            return uuid.UUID(value)
        except ValueError:
            pass
    errors.add(key, _("Must be a UUID."))
    return None


def licence(values: Mapping[str, Any], errors: Errors) -> str | None:
    value = text(values, "license_id", 50, errors)
    if value is None:
        return None
    if value == "":
        return licences.DEFAULT
    found = licences.licence_id(value)
    if found is None:
        errors.add("license_id", _("Unknown licence: use one of license_list."))
    return found


def choice(values: Mapping[str, Any], key: str, allowed: list[str], errors: Errors) -> str | None:
    value = text(values, key, 20, errors)
    if value is None:
        return None
    if value not in allowed:
        errors.add(key, _("Must be one of: %(values)s.") % {"values": ", ".join(v or '""' for v in allowed)})
        return None
    return value


def warehouse_table(values: Mapping[str, Any], errors: Errors) -> str | None:
    value = text(values, "warehouse_table", 127, errors)
    if value and not _TABLE.match(value):
        errors.add("warehouse_table", _("Name the warehouse table as database.table."))
        return None
    return value


def tags(values: Mapping[str, Any], errors: Errors) -> list[str] | None:
    """The tag names of ``tags`` (a list of ``{"name": ...}`` or of names) or of ``tag_string`` (comma-separated)."""
    if "tags" in values:
        given = values["tags"]
        if given is None:
            return []
        if not isinstance(given, list):
            errors.add("tags", _("Must be a list."))
            return None
        raw = [item.get("name") if isinstance(item, dict) else item for item in given]
    elif "tag_string" in values:
        given = values["tag_string"]
        if given is None:
            return []
        if not isinstance(given, str) or len(given) > MAX_TAGS * 101:
            errors.add("tag_string", _("Must be text."))
            return None
        raw = [part for part in given.split(",") if part.strip()]
    else:
        return None
    if len(raw) > MAX_TAGS:
        errors.add("tags", _("At most %(n)d tags.") % {"n": MAX_TAGS})
        return None
    names: list[str] = []
    for item in raw:
        if not isinstance(item, str):
            errors.add("tags", _("Each tag must have a name."))
            return None
        tag = " ".join(unicodedata.normalize("NFC", item).split())
        if not TAG.match(tag):
            errors.add(
                "tags", _('Tag "%(tag)s" must be 2 to 100 letters, digits, spaces, - _ or .') % {"tag": tag[:100]}
            )
            continue
        if tag not in names:
            names.append(tag)
    return names


def references(values: Mapping[str, Any], key: str, limit: int, errors: Errors) -> list[str] | None:
    """The ids or names of ``key`` (a list of ``{"id": ...}``/``{"name": ...}`` or of names): groups."""
    if key not in values:
        return None
    given = values[key]
    if given is None:
        return []
    if not isinstance(given, list) or len(given) > limit:
        errors.add(key, _("Must be a list of at most %(n)d items.") % {"n": limit})
        return None
    found: list[str] = []
    for item in given:
        ref = (item.get("id") or item.get("name")) if isinstance(item, dict) else item
        if not isinstance(ref, str) or not ref or len(ref) > 100:
            errors.add(key, _("Each item must have an id or a name."))
            return None
        found.append(ref)
    return found


def extras(values: Mapping[str, Any], reserved: set[str], errors: Errors) -> dict[str, str] | None:
    """``extras`` (a list of ``{"key", "value"}``) as a dict; a key that is a dataset's own field is refused, as
    CKAN refuses it."""
    if "extras" not in values:
        return None
    given = values["extras"]
    if given is None:
        return {}
    if not isinstance(given, list) or len(given) > MAX_EXTRAS:
        errors.add("extras", _("Must be a list of at most %(n)d items.") % {"n": MAX_EXTRAS})
        return None
    found: dict[str, str] = {}
    for item in given:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            errors.add("extras", _("Each extra must have a key and a value."))
            return None
        key = unicodedata.normalize("NFC", item["key"]).strip()
        value = item.get("value", "")
        if not isinstance(value, str):
            value = "" if value is None else json.dumps(value, ensure_ascii=False)
        value = unicodedata.normalize("NFC", value)
        if not key or len(key) > 100 or "\x00" in key + value:
            errors.add("extras", _("An extra's key must be 1 to 100 characters."))
        elif key in reserved:
            errors.add("extras", _('"%(key)s" is a field of the dataset, not an extra.') % {"key": key})
        elif key in found:
            errors.add("extras", _('The extra "%(key)s" is given twice.') % {"key": key})
        elif len(value) > MAX_EXTRA_VALUE:
            errors.add("extras", _("An extra's value must be at most %(n)d characters.") % {"n": MAX_EXTRA_VALUE})
        else:
            found[key] = value
    return found
