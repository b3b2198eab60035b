"""Reading an action's parameters, which come as JSON values (a POST) or as text (a GET's query string, a multipart
upload): numbers within bounds, booleans, lists given as JSON text. A bad value is CKAN's Validation Error on that
parameter, never a 500."""

import json
import math
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from smartgov.opendata.domain.validation import Invalid

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


def integer(data: Mapping[str, Any], key: str, *, default: int, minimum: int, maximum: int) -> int:
    """An integer between ``minimum`` and ``maximum``; NaN, infinities, fractions and text are refused."""
    value = data.get(key)
    if value is None or value == "":
        return default
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and len(value) <= 20:
        text = value.strip()
        if text.lstrip("-").isdigit():
            number = int(text)
    if number is None:
        raise Invalid({key: [_("Must be a whole number.")]})
    if not minimum <= number <= maximum:
        raise Invalid({key: [_("Must be between %(low)d and %(high)d.") % {"low": minimum, "high": maximum}]})
    return number


def boolean(data: Mapping[str, Any], key: str, *, default: bool = False) -> bool:
    value = data.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise Invalid({key: [_("Must be true or false.")]})


def text(data: Mapping[str, Any], key: str, *, limit: int, default: str = "") -> str:
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise Invalid({key: [_("Must be text.")]})
    if len(value) > limit:
        raise Invalid({key: [_("Must be at most %(n)d characters long.") % {"n": limit}]})
    if "\x00" in value:
        raise Invalid({key: [_("Must not contain a NUL character.")]})
    return value


def names(data: Mapping[str, Any], key: str, *, allowed: tuple[str, ...], limit: int = 20) -> list[str]:
    """A list of names (a JSON list, or JSON text of a list as a GET sends it), each one of ``allowed``."""
    value = data.get(key)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        if len(value) > 2000:
            raise Invalid({key: [_("Must be a list.")]})
        try:
            value = json.loads(value) if value.lstrip().startswith("[") else [value]
        except ValueError:
            raise Invalid({key: [_("Must be a list.")]}) from None
    if not isinstance(value, list) or len(value) > limit or not all(isinstance(item, str) for item in value):
        raise Invalid({key: [_("Must be a list of at most %(n)d names.") % {"n": limit}]})
    unknown = [item for item in value if item not in allowed]
    if unknown:
        raise Invalid(
            {
                key: [
                    _("Unknown: %(names)s. Use: %(allowed)s.")
                    % {"names": ", ".join(unknown)[:200], "allowed": ", ".join(allowed)}
                ]
            }
        )
    return list(dict.fromkeys(value))


def reference(data: Mapping[str, Any], key: str = "id") -> str:
    """The ``id`` (or name) an action is about: required, text."""
    value = data.get(key)
    if value is None or value == "":
        raise Invalid({key: [_("Missing value")]})
    if not isinstance(value, str) or len(value) > 200:
        raise Invalid({key: [_("Must be text.")]})
    return value
