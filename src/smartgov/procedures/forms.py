"""The electronic form of a procedure: a JSON Schema, checked on the server. The one place its rules are applied —
the page, the API and the services all call ``form_validate`` — so a rule declared once in the catalog holds
everywhere, with one Vietnamese message per field.

Besides JSON Schema 2020-12 (``required``, ``minimum``, ``pattern``, ``if``/``then``…), a property may declare:

- ``"format": "personal-id"`` (12 digits), ``"phone-vn"`` (10 digits from 0), ``"date"`` (``YYYY-MM-DD``);
- ``"x-order"`` at the top: the fields' order on the page and in the error summary;
- on a date: ``"notAfter"`` / ``"notBefore"``, each ``"today"`` or the name(s) of other date fields of the form
  (a birth date not in the future, a child not born before its parents); ``"minAge"`` / ``"maxAge"`` in whole
  years on the day of submission (marriage: 20 for the man, 18 for the woman).

Errors carry their path in the request (``loc``): ``["form_data", <field>]`` for the form, ``["receiving_agency"]``,
``["components", <code>]`` for a required document, ``["note"]`` for a reason. The API returns them as problem
details (``errors`` with ``loc``, ``fields`` keyed by the dotted path); the page puts each beside its field."""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError as SchemaError

from smartgov.platform.errors import DomainError

FORM = "form_data"

_FORMATS = FormatChecker()
_FORMATS.checks("personal-id")(lambda value: not isinstance(value, str) or re.fullmatch(r"\d{12}", value) is not None)
_FORMATS.checks("phone-vn")(lambda value: not isinstance(value, str) or re.fullmatch(r"0\d{9}", value) is not None)


@dataclass(frozen=True)
class FieldError:
    """One field's message, at its path in the request."""

    loc: tuple[str, ...]
    msg: str
    type: str

    def as_dict(self) -> dict[str, Any]:
        return {"loc": list(self.loc), "msg": self.msg, "type": self.type}


class FormInvalid(DomainError):
    """The request has field errors: one ``FieldError`` per field, in the form's order."""

    status = 422
    code = "invalid_form"

    def __init__(self, errors: list[FieldError]) -> None:
        count = len(errors)
        super().__init__(
            _("Please correct the field marked.")
            if count == 1
            else _("Please correct the %(count)s fields marked.") % {"count": count}
        )
        self.field_errors = errors

    @property
    def fields(self) -> dict[str, str]:
        """The messages keyed by the dotted path (``form_data.ngay_sinh``)."""
        return {".".join(e.loc): e.msg for e in self.field_errors}

    @property
    def errors(self) -> list[dict[str, Any]]:
        """The problem's ``errors`` member."""
        return [e.as_dict() for e in self.field_errors]


def field_error(loc: tuple[str, ...], message: str, kind: str = "invalid") -> FormInvalid:
    """A FormInvalid about one field outside the form itself (the receiving agency, a reason)."""
    return FormInvalid([FieldError(loc, message, kind)])


def field_order(schema: dict[str, Any]) -> list[str]:
    """The form's fields in the order people fill them in: ``x-order`` (a JSON column does not keep the order of
    an object's keys), else the order of ``properties``."""
    properties = list(schema.get("properties", {}))
    declared = [name for name in schema.get("x-order", []) if name in properties]
    return declared + [name for name in properties if name not in declared]


def _title(schema: dict[str, Any], field: str) -> str:
    return str(schema.get("properties", {}).get(field, {}).get("title", field))


def _schema_message(error: SchemaError, schema: dict[str, Any]) -> tuple[str, str]:
    """The field a jsonschema error is about, and its message."""
    path = [str(p) for p in error.absolute_path]
    field = path[0] if path else ""
    if error.validator in ("required", "dependentRequired"):
        field = str(error.message.split("'")[1]) if "'" in error.message else field
    spec = schema.get("properties", {}).get(field, {})
    title = _title(schema, field)
    low, high = spec.get("minimum"), spec.get("maximum")
    kind = str(error.validator)
    if kind in ("minimum", "maximum") and low is not None and high is not None:
        message = _("%(field)s must be between %(min)s and %(max)s.") % {"field": title, "min": low, "max": high}
    elif kind == "minimum":
        message = _("%(field)s must be at least %(min)s.") % {"field": title, "min": low}
    elif kind == "maximum":
        message = _("%(field)s must be at most %(max)s.") % {"field": title, "max": high}
    elif kind == "exclusiveMinimum":
        message = _("%(field)s must be more than %(min)s.") % {"field": title, "min": spec.get("exclusiveMinimum")}
    elif kind == "minLength":
        message = _("%(field)s must have at least %(count)s characters.") % {
            "field": title,
            "count": spec.get("minLength"),
        }
    elif kind == "maxLength":
        message = _("%(field)s must have at most %(count)s characters.") % {
            "field": title,
            "count": spec.get("maxLength"),
        }
    elif kind == "type" and spec.get("type") == "integer":
        message = _("%(field)s must be a whole number.") % {"field": title}
    elif kind == "type" and spec.get("type") == "number":
        message = _("%(field)s must be a number.") % {"field": title}
    elif kind == "format" and spec.get("format") == "date":
        message = _("%(field)s is not a valid date.") % {"field": title}
    elif kind == "format" and spec.get("format") == "personal-id":
        message = _("%(field)s must be the 12 digits of a personal identification number.") % {"field": title}
    elif kind == "format" and spec.get("format") == "phone-vn":
        message = _("%(field)s must be a phone number of 10 digits starting with 0.") % {"field": title}
    elif kind in ("required", "dependentRequired"):
        message = (_("Choose %(field)s.") if "enum" in spec else _("Enter %(field)s.")) % {"field": title}
    elif kind == "enum":
        message = _("Choose %(field)s from the list.") % {"field": title}
    elif kind == "additionalProperties":
        message = _("The form has fields it does not know.")
    else:
        message = _("%(field)s is not in the right format.") % {"field": title}
    return field, message


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def _years_between(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _date_rules(schema: dict[str, Any], data: dict[str, Any], today: date) -> dict[str, tuple[str, str]]:
    """The rules on dates (``notAfter``, ``notBefore``, ``minAge``, ``maxAge``): field → (message, rule)."""
    found: dict[str, tuple[str, str]] = {}
    for field, spec in schema.get("properties", {}).items():
        day = _day(data.get(field))
        if day is None:
            continue
        title = _title(schema, field)
        for rule in ("notAfter", "notBefore"):
            refs = spec.get(rule)
            for ref in [refs] if isinstance(refs, str) else refs or []:
                other = today if ref == "today" else _day(data.get(ref))
                if other is None or (day <= other if rule == "notAfter" else day >= other):
                    continue
                if ref == "today":
                    message = (
                        _("%(field)s cannot be in the future.")
                        if rule == "notAfter"
                        else _("%(field)s cannot be in the past.")
                    ) % {"field": title}
                else:
                    message = (
                        _("%(field)s cannot be after %(other)s.")
                        if rule == "notAfter"
                        else _("%(field)s cannot be before %(other)s.")
                    ) % {"field": title, "other": _title(schema, ref).lower()}
                found.setdefault(field, (message, rule))
        age = _years_between(day, today)
        if "minAge" in spec and age < spec["minAge"]:
            found.setdefault(
                field,
                (
                    _("%(field)s: the person must be at least %(years)s years old.")
                    % {"field": title, "years": spec["minAge"]},
                    "minAge",
                ),
            )
        if "maxAge" in spec and age > spec["maxAge"]:
            found.setdefault(field, (_("%(field)s is too far in the past.") % {"field": title}, "maxAge"))
    return found


def form_errors(schema: dict[str, Any], data: dict[str, Any], *, today: date | None = None) -> list[FieldError]:
    """The form's errors, one per field, in the order of the schema's properties."""
    if not schema:
        return []
    validator = Draft202012Validator(schema, format_checker=_FORMATS)
    found: dict[str, tuple[str, str]] = {}
    for error in sorted(validator.iter_errors(data), key=lambda e: (len(list(e.absolute_path)) == 0, str(e.validator))):
        field, message = _schema_message(error, schema)
        found.setdefault(field, (message, str(error.validator)))
    for field, value in _date_rules(schema, data, today or timezone.localdate()).items():
        found.setdefault(field, value)
    order = {name: index for index, name in enumerate(field_order(schema))}
    return [
        FieldError((FORM, field) if field else (FORM,), message, kind)
        for field, (message, kind) in sorted(found.items(), key=lambda item: order.get(item[0], len(order)))
    ]


def documents_errors(components: list[dict[str, Any]], attached: set[str]) -> list[FieldError]:
    """A message for each required document (a component of the procedure) that is not attached."""
    return [
        FieldError(("components", c["code"]), _("Attach %(name)s.") % {"name": c["name"]}, "required")
        for c in components
        if c.get("required") and c["code"] not in attached
    ]


def form_validate(schema: dict[str, Any], data: dict[str, Any]) -> None:
    """Raise FormInvalid with one message per field when ``data`` does not satisfy ``schema``."""
    if errors := form_errors(schema, data):
        raise FormInvalid(errors)
