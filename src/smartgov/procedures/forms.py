"""The electronic form of a procedure: a JSON Schema, checked on the server with ``jsonschema``; its errors are
turned into one message per field, in the user's language."""

from typing import Any

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

from smartgov.platform.errors import DomainError


class FormInvalid(DomainError):
    """The form has errors; ``fields`` maps a field name ("" for the whole form) to its message."""

    code = "invalid_form"

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(_("Please correct the form: %(fields)s.") % {"fields": "; ".join(fields.values())})
        self.fields = fields


def _message(error: SchemaError, schema: dict[str, Any]) -> tuple[str, str]:
    path = [str(p) for p in error.absolute_path]
    field = path[0] if path else ""
    if error.validator == "required":
        field = str(error.message.split("'")[1]) if "'" in error.message else field
    title = schema.get("properties", {}).get(field, {}).get("title", field)
    messages = {
        "required": _("%(field)s is required"),
        "type": _("%(field)s has the wrong kind of value"),
        "format": _("%(field)s is not in the right format"),
        "pattern": _("%(field)s is not in the right format"),
        "minLength": _("%(field)s is too short"),
        "maxLength": _("%(field)s is too long"),
        "minimum": _("%(field)s is too small"),
        "maximum": _("%(field)s is too large"),
        "enum": _("%(field)s must be one of the listed choices"),
        "additionalProperties": _("the form has fields it does not know"),
    }
    return field, messages.get(str(error.validator), _("%(field)s is not valid")) % {"field": title}


def form_validate(schema: dict[str, Any], data: dict[str, Any]) -> None:
    """Raise FormInvalid with one message per field when ``data`` does not satisfy ``schema``."""
    if not schema:
        return
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    fields: dict[str, str] = {}
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        field, message = _message(error, schema)
        fields.setdefault(field, message)
    if fields:
        raise FormInvalid(fields)
