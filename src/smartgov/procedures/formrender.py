"""A procedure's JSON Schema drawn as an accessible Django form (labels from ``title``, required marks, native
date and number inputs). The browser's form is only a convenience: the server checks the data against the
schema itself (``forms.form_validate``) before a dossier is submitted."""

from typing import Any

from django import forms


def _field(spec: dict[str, Any], required: bool) -> forms.Field:
    label = spec.get("title", "")
    kind = spec.get("type")
    if "enum" in spec:
        choices = [("", "—")] + [(v, v) for v in spec["enum"]]
        return forms.ChoiceField(label=label, choices=choices, required=required)
    if kind == "integer":
        return forms.IntegerField(
            label=label, required=required, min_value=spec.get("minimum"), max_value=spec.get("maximum")
        )
    if kind == "number":
        return forms.FloatField(label=label, required=required, max_value=spec.get("maximum"))
    if spec.get("format") == "date":
        return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))
    max_length = spec.get("maxLength")
    widget = forms.Textarea(attrs={"rows": 3}) if (max_length or 0) > 300 else None
    return forms.CharField(
        label=label, required=required, max_length=max_length, min_length=spec.get("minLength"), widget=widget
    )


def schema_form(schema: dict[str, Any], *, data: Any = None, initial: dict[str, Any] | None = None) -> forms.Form:
    required = set(schema.get("required", []))
    form = forms.Form(data=data, initial=initial)
    for name, spec in schema.get("properties", {}).items():
        form.fields[name] = _field(spec, name in required)
        if "default" in spec and name not in (initial or {}):
            form.fields[name].initial = spec["default"]
    return form


def form_data_of(form: forms.Form) -> dict[str, Any]:
    """The form's values as the JSON the schema describes (dates as ISO strings, empty values left out)."""
    data: dict[str, Any] = {}
    for name, value in form.cleaned_data.items():
        if value in (None, ""):
            continue
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return data
