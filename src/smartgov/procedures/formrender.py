"""A procedure's JSON Schema drawn as an accessible Django form (labels from ``title``, required marks, native
date and number inputs with their bounds as hints). The form only draws and carries the values: every rule is
checked by ``forms.form_errors`` — the same check the API and the services make — and its messages are put beside
their fields here, so the page and the API never disagree and no message is given twice."""

import re
from typing import Any

from django import forms
from django.utils import timezone

from smartgov.procedures.forms import FORM, FieldError, field_order


def _field(spec: dict[str, Any], required: bool) -> forms.Field:
    label = spec.get("title", "")
    attrs: dict[str, Any] = {"required": True} if required else {}
    kind = spec.get("type")
    if "enum" in spec:
        choices = [("", "—")] + [(v, v) for v in spec["enum"]]
        # not a ChoiceField: a value off the list is named once, by the form's check
        return forms.CharField(label=label, required=False, widget=forms.Select(attrs=attrs, choices=choices))
    if kind in ("integer", "number"):
        for key, attr in (("minimum", "min"), ("maximum", "max")):
            if key in spec:
                attrs[attr] = spec[key]
        attrs["step"] = 1 if kind == "integer" else "any"
        return forms.CharField(label=label, required=False, widget=forms.NumberInput(attrs=attrs))
    if spec.get("format") == "date":
        attrs["type"] = "date"
        if spec.get("notAfter") == "today":
            attrs["max"] = timezone.localdate().isoformat()
        return forms.CharField(label=label, required=False, widget=forms.DateInput(attrs=attrs))
    if spec.get("format") in ("personal-id", "phone-vn"):
        attrs.update(inputmode="numeric", autocomplete="off" if spec["format"] == "personal-id" else "tel")
    if "maxLength" in spec:
        attrs["maxlength"] = spec["maxLength"]
    widget = forms.Textarea(attrs={"rows": 3, **attrs}) if (spec.get("maxLength") or 0) > 300 else None
    return forms.CharField(label=label, required=False, strip=False, widget=widget or forms.TextInput(attrs=attrs))


def schema_form(schema: dict[str, Any], *, data: Any = None, initial: dict[str, Any] | None = None) -> forms.Form:
    """The form of ``schema``; it checks nothing itself (``forms.form_errors`` does, ``form_errors_show`` shows)."""
    required = set(schema.get("required", []))
    form = forms.Form(data=data, initial=initial)
    properties = schema.get("properties", {})
    for name in field_order(schema):
        spec = properties[name]
        form.fields[name] = _field(spec, name in required)
        if "default" in spec and name not in (initial or {}):
            form.fields[name].initial = spec["default"]
    return form


def form_data_from(schema: dict[str, Any], posted: Any) -> dict[str, Any]:
    """The posted values as the JSON the schema describes: text trimmed, empty values left out, numbers as
    numbers when they are numbers (anything else is kept as typed, for the check to name)."""
    data: dict[str, Any] = {}
    for name, spec in schema.get("properties", {}).items():
        value = str(posted.get(name, "")).strip()
        if not value:
            continue
        if spec.get("type") == "integer" and re.fullmatch(r"-?\d{1,15}", value):
            data[name] = int(value)
        elif spec.get("type") == "number" and re.fullmatch(r"-?\d{1,15}([.,]\d{1,6})?", value):
            data[name] = float(value.replace(",", "."))
        else:
            data[name] = value
    return data


def form_errors_show(form: forms.Form, errors: list[FieldError]) -> list[FieldError]:
    """Put each error of the form's fields beside its field (Django then marks it ``aria-invalid`` and points
    ``aria-describedby`` at the message); return the others, for the page to place."""
    form.is_valid()  # the fields check nothing: this only makes the form ready to take errors
    rest = []
    for error in errors:
        if error.loc[:1] == (FORM,) and len(error.loc) == 2 and error.loc[1] in form.fields:
            form.add_error(error.loc[1], error.msg)
        else:
            rest.append(error)
    return rest
