"""The catalog stewards' pages: the whole procedure catalog (inactive procedures too) with a search that matches
text typed without diacritics, one procedure's page to edit (fees, form, workflow), and the catalog as an Excel
workbook out and in — the import shows what each row would do, and its errors, before anything is written.

Who may: the URL rules (``procedures:catalog-*``, the catalog stewards) and the services' policy
``procedures.catalog.manage``; every change is audited by the services (services/catalog.py)."""

import hashlib
import json
import re
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartgov.identity import authz
from smartgov.platform.errors import DomainError
from smartgov.platform.files import upload_read
from smartgov.platform.models import Agency
from smartgov.procedures.models import Procedure, Sector
from smartgov.procedures.selectors import procedure_for_steward, procedures_for_stewards
from smartgov.procedures.services.catalog import (
    JSON_COLUMNS,
    CatalogInvalid,
    catalog_export,
    catalog_from_xlsx,
    catalog_import,
    catalog_to_xlsx,
    procedure_as_row,
    procedure_update,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Where a previewed workbook waits for the steward's confirmation (its name: the account and the file's digest).
PENDING = "catalog-imports"
STATES = [("", gettext_lazy("All")), ("active", gettext_lazy("In use")), ("inactive", gettext_lazy("Not in use"))]


def _choices(pairs: list[tuple[str, str]], blank: str | None = None) -> list[tuple[str, str]]:
    return [("", blank), *pairs] if blank is not None else pairs


def _json_field(label: Any, *, rows: int, help_text: Any) -> forms.CharField:
    """A column of the catalog kept as JSON: a monospaced text box, checked by the catalog's own rules."""
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows, "class": "code-input", "spellcheck": "false"}),
        help_text=help_text,
    )


class ProcedureForm(forms.Form):
    """One procedure's columns of the catalog. The field types are checked here; the catalog's rules (a valid
    form schema, fee schedule and workflow) by the service, whose messages are put on their fields."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=400)
    name_en = forms.CharField(label=gettext_lazy("English name"), max_length=400, required=False)
    sector = forms.ChoiceField(label=gettext_lazy("Sector"))
    level = forms.ChoiceField(label=gettext_lazy("Implementing level"), choices=Procedure.Level.choices)
    agency = forms.ChoiceField(
        label=gettext_lazy("Implementing agency"),
        required=False,
        help_text=gettext_lazy("Province-level procedures only; commune-level ones go to the applicant's commune."),
    )
    online_level = forms.ChoiceField(label=gettext_lazy("Online level"), choices=Procedure.OnlineLevel.choices)
    processing_time = forms.DecimalField(
        label=gettext_lazy("Processing time"),
        min_value=0,
        max_value=99999,
        decimal_places=1,
        error_messages={
            "invalid": gettext_lazy("Enter the processing time as a number, e.g. 3 or 0.5."),
            "min_value": gettext_lazy("The processing time cannot be negative."),
            "max_value": gettext_lazy("The processing time is at most 99,999."),
            "max_decimal_places": gettext_lazy("The processing time has at most one decimal place."),
        },
    )
    processing_unit = forms.ChoiceField(label=gettext_lazy("Unit"), choices=Procedure.TimeUnit.choices)
    fee_vnd = forms.IntegerField(
        label=gettext_lazy("Fee (VND)"),
        min_value=0,
        max_value=2_000_000_000,
        error_messages={
            "invalid": gettext_lazy("Enter the fee as a whole number of đồng, without dots or spaces."),
            "min_value": gettext_lazy("The fee cannot be negative; enter 0 for a free procedure."),
            "max_value": gettext_lazy("The fee is at most 2,000,000,000 đồng."),
        },
        help_text=gettext_lazy("The fixed fee or charge in đồng; 0 when the procedure is free."),
    )
    fee_note = forms.CharField(label=gettext_lazy("Fee details"), max_length=400, required=False)
    fee_schedule = _json_field(
        gettext_lazy("Fee schedule (JSON)"),
        rows=3,
        help_text=gettext_lazy(
            'How the fee grows with the form, e.g. {"per": "so_ban", "unit": 8000}: 8,000 đồng per copy. '
            "Empty: the fixed fee."
        ),
    )
    legal_basis = forms.CharField(
        label=gettext_lazy("Legal basis"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    components = _json_field(
        gettext_lazy("Document components (JSON)"),
        rows=6,
        help_text=gettext_lazy('A list of {"code": …, "name": …, "required": true or false}.'),
    )
    form_schema = _json_field(
        gettext_lazy("Electronic form: its fields (JSON Schema)"),
        rows=12,
        help_text=gettext_lazy(
            'An object: "properties" names each field with its "title" and "type"; "required" lists the fields '
            "the applicant must fill."
        ),
    )
    workflow = _json_field(
        gettext_lazy("Workflow template (JSON)"),
        rows=8,
        help_text=gettext_lazy(
            'A list of steps: {"name": …, "role": "one_stop_officer", "specialist" or "leader", "agency": '
            '"receiving" or an agency code, "share": the step\'s part of the processing time, from 0 to 1}.'
        ),
    )
    active = forms.BooleanField(label=gettext_lazy("In use (shown in the public catalog)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sector_field = self.fields["sector"]
        agency_field = self.fields["agency"]
        assert isinstance(sector_field, forms.ChoiceField) and isinstance(agency_field, forms.ChoiceField)  # noqa: S101
        sector_field.choices = [(s.code, s.name) for s in Sector.objects.order_by("name")]
        agency_field.choices = _choices(
            [(a.code, a.name) for a in Agency.objects.filter(is_active=True).order_by("name")], "—"
        )

    def mark_errors(self) -> None:
        """Tie each error to its field for screen readers (aria-invalid, aria-describedby)."""
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                described = [f"id_{name}-errors"]
                if self.fields[name].help_text:
                    described.append(f"id_{name}_helptext")
                widget.attrs["aria-describedby"] = " ".join(described)


def _initial(procedure: Procedure) -> dict[str, Any]:
    row = procedure_as_row(procedure)
    for column in JSON_COLUMNS:
        row[column] = json.dumps(row[column], ensure_ascii=False, indent=1) if row[column] else ""
    row["agency"] = row["agency"] or ""
    row["processing_time"] = procedure.processing_time
    return row


@login_required
def catalog_manage(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    sector = request.GET.get("linh-vuc", "")
    state = request.GET.get("trang-thai", "")
    state = state if state in ("active", "inactive") else ""
    found = procedures_for_stewards(query=query, sector=sector, state=state)
    context = {
        "page": Paginator(found, 25).get_page(request.GET.get("page")),
        "query": query,
        "sector": sector,
        "state": state,
        "sectors": Sector.objects.all(),
        "states": STATES,
    }
    return render(request, "procedures/stewards/catalog.html", context)


@login_required
def catalog_edit(request: HttpRequest, code: str) -> HttpResponse:
    procedure = procedure_for_steward(code)
    if request.method == "POST":
        form = ProcedureForm(request.POST)
        if form.is_valid():
            row = dict(form.cleaned_data)
            row["agency"] = row["agency"] or None
            try:
                procedure, changed = procedure_update(actor=request.user, code=code, row=row)  # type: ignore[arg-type]
            except CatalogInvalid as invalid:
                for name, message in invalid.errors.items():
                    form.add_error(name if name in form.fields else None, message)
            else:
                if changed:
                    labels = ", ".join(str(form.fields[name].label) for name in changed if name in form.fields)
                    messages.success(
                        request,
                        _("%(code)s saved. Changed: %(fields)s.") % {"code": procedure.code, "fields": labels},
                    )
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect("procedures:catalog-edit", code=procedure.code)
        form.mark_errors()
        status = 422
    else:
        form = ProcedureForm(initial=_initial(procedure))
        status = 200
    context = {
        "procedure": procedure,
        "form": form,
        "fields": _form_fields(procedure.form_schema),
        "steps": _steps(procedure.workflow),
    }
    return render(request, "procedures/stewards/edit.html", context, status=status)


def _steps(workflow: Any) -> list[dict[str, Any]]:
    """The workflow template's steps, readable: the role's name, the agency's name, the share in per cent."""
    if not isinstance(workflow, list):
        return []
    roles: dict[Any, Any] = dict(authz.Role.choices)
    codes = [s.get("agency") for s in workflow if isinstance(s, dict)]
    agencies: dict[Any, Any] = dict(Agency.objects.filter(code__in=codes).values_list("code", "name"))
    return [
        {
            "name": step.get("name", ""),
            "role": roles.get(step.get("role"), step.get("role")),
            "agency": agencies.get(step.get("agency"), _("the receiving agency")),
            "share": round(float(step.get("share") or 0) * 100),
        }
        for step in workflow
        if isinstance(step, dict)
    ]


def _form_fields(schema: Any) -> list[dict[str, Any]]:
    """The electronic form's fields, readable: name, title, type and whether the applicant must fill it."""
    if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
        return []
    required = set(schema.get("required") or [])
    kinds = {
        "string": _("text"),
        "integer": _("whole number"),
        "number": _("number"),
        "boolean": _("yes or no"),
        "array": _("list"),
        "object": _("group of fields"),
        "date": _("date"),
        "email": _("e-mail"),
    }
    return [
        {
            "name": name,
            "title": spec.get("title", name) if isinstance(spec, dict) else name,
            "type": _kind(spec, kinds),
            "required": name in required,
        }
        for name, spec in schema["properties"].items()
    ]


def _kind(spec: Any, kinds: dict[str, str]) -> str:
    if not isinstance(spec, dict):
        return ""
    if "enum" in spec:
        return _("choice")
    kind = str(spec.get("format") or spec.get("type") or "")
    return kinds.get(kind, kind)


@login_required
def catalog_export_xlsx(request: HttpRequest) -> HttpResponse:
    authz.authorize(request, "procedures.catalog.manage")
    response = HttpResponse(catalog_to_xlsx(catalog_export()), content_type=XLSX)
    name = f"danh-muc-thu-tuc-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _pending_name(request: HttpRequest, digest: str) -> str:
    return f"{PENDING}/{request.user.pk}-{digest}.xlsx"


@login_required
def catalog_import_xlsx(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST a file: the preview (a dry run: nothing is written). POST ``apply`` with the
    previewed file's digest: the import itself, of exactly the file that was previewed."""
    context: dict[str, Any] = {"max_bytes": settings.SMARTGOV_CATALOG_IMPORT_MAX_BYTES}
    if request.method != "POST":
        return render(request, "procedures/stewards/import.html", context)
    digest = request.POST.get("apply", "")
    if digest:
        return _apply(request, digest)
    upload = request.FILES.get("file")
    if upload is None:
        context["error"] = _("Choose the Excel file to import.")
        return render(request, "procedures/stewards/import.html", context, status=400)
    try:
        content = upload_read(upload, max_bytes=settings.SMARTGOV_CATALOG_IMPORT_MAX_BYTES)
        report = catalog_import(data=catalog_from_xlsx(content), actor=request.user, dry_run=True)  # type: ignore[arg-type]
    except DomainError as refused:
        context["error"] = refused.message
        return render(request, "procedures/stewards/import.html", context, status=refused.status)
    digest = hashlib.sha256(content).hexdigest()
    if not report.errors and (report.created or report.updated or report.sectors_created or report.sectors_updated):
        name = _pending_name(request, digest)
        _forget_previews(request, keep=name)
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(content))
        context["digest"] = digest
    context.update(report=report, file_name=(upload.name or "")[:200])
    return render(request, "procedures/stewards/import.html", context, status=422 if report.errors else 200)


def _forget_previews(request: HttpRequest, *, keep: str) -> None:
    """A steward has one import waiting at most: a new preview drops the earlier ones."""
    if not default_storage.exists(PENDING):
        return
    _dirs, files = default_storage.listdir(PENDING)
    for file in files:
        name = f"{PENDING}/{file}"
        if file.startswith(f"{request.user.pk}-") and name != keep:
            default_storage.delete(name)


def _apply(request: HttpRequest, digest: str) -> HttpResponse:
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise DomainError(_("This import is not known; upload the file again."))
    name = _pending_name(request, digest)
    if not default_storage.exists(name):
        messages.info(request, _("This file was imported already, or its preview expired; upload it again."))
        return redirect("procedures:catalog-import")
    with default_storage.open(name, "rb") as stored:
        content = stored.read()
    if hashlib.sha256(content).hexdigest() != digest:
        raise DomainError(_("This import is not known; upload the file again."))
    report = catalog_import(data=catalog_from_xlsx(content), actor=request.user)  # type: ignore[arg-type]
    default_storage.delete(name)
    messages.success(
        request,
        _("Catalog imported: %(created)d procedures added, %(updated)d changed, %(unchanged)d unchanged.")
        % {"created": len(report.created), "updated": len(report.updated), "unchanged": len(report.unchanged)},
    )
    return redirect("procedures:catalog-manage")


urlpatterns: list[URLPattern] = [
    path("quan-ly-danh-muc/", catalog_manage, name="catalog-manage"),
    path("quan-ly-danh-muc/xuat-excel/", catalog_export_xlsx, name="catalog-export"),
    path("quan-ly-danh-muc/nhap-excel/", catalog_import_xlsx, name="catalog-import"),
    path("quan-ly-danh-muc/<str:code>/", catalog_edit, name="catalog-edit"),
]
