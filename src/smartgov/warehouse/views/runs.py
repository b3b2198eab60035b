"""The data steward's pages of a table's rows: the upload form, the run page (a progress bar its script updates
every second from the run's status, then the report: counts, reasons, the rejected rows, downloads), and the
table's versions with "restore this version".

Access: the URL rules (policies.URLS) let data stewards in; the checkpoints (``selectors.runs``) check the table's
agency. The work is the services' (services/ingestion.py)."""

import uuid
from collections.abc import Iterator
from typing import Any

import pyarrow.parquet as pq
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartgov.platform.errors import DomainError, NotFound
from smartgov.warehouse.engine.storage import storage_from_settings
from smartgov.warehouse.models import IngestionRun
from smartgov.warehouse.present import csv_lines, reasons_shown, rejections_shown
from smartgov.warehouse.selectors.catalog import table_access
from smartgov.warehouse.selectors.runs import run_for_user, runs_of, table_for_staff, table_for_steward, versions_of
from smartgov.warehouse.services.ingestion import reason_label, run_upload, version_restore

#: Rejected rows a page shows (all of them are in the CSV download).
PAGE_REJECTIONS = 200


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (CSV, Excel .xlsx, JSON or Parquet)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,.json,.jsonl,.parquet"}),
        error_messages={"required": gettext_lazy("Choose a file."), "empty": gettext_lazy("The file is empty.")},
        allow_empty_file=True,  # the service says "the file is empty" with the others' refusals
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("What the file does"),
        choices=IngestionRun.Mode.choices,
        initial=IngestionRun.Mode.REPLACE,
        widget=forms.RadioSelect,
    )


def _progress(run: IngestionRun) -> int:
    """Per cent done (100 once finished)."""
    if run.status in (IngestionRun.Status.SUCCEEDED, IngestionRun.Status.FAILED):
        return 100
    return min(99, run.bytes_done * 100 // run.original_bytes) if run.original_bytes else 0


def run_state(run: IngestionRun) -> dict[str, Any]:
    """What the run page's script reads every second."""
    return {
        "status": run.status,
        "status_label": str(run.get_status_display()),
        "done": run.status in (IngestionRun.Status.SUCCEEDED, IngestionRun.Status.FAILED),
        "percent": _progress(run),
        "bytes_done": run.bytes_done,
        "bytes": run.original_bytes,
        "rows_read": run.rows_read,
        "rows_accepted": run.rows_accepted,
        "rows_rejected": run.rows_rejected,
        "version": run.version,
        "error": run.error,
    }


@login_required
def upload(request: HttpRequest, database: str, table: str) -> HttpResponse:
    target = table_for_steward(user=request.user, database=database, code=table)
    status = 200
    error = ""
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                run = run_upload(
                    actor=request.user,
                    table=target,
                    upload=form.cleaned_data["file"],
                    mode=form.cleaned_data["mode"],
                    request=request,
                )
            except DomainError as refused:
                error, status = refused.message, refused.status
            else:
                return redirect("warehouse:run", run=run.uuid)
        else:
            status = 400
    else:
        form = UploadForm()
    context = {
        "table": target,
        "form": form,
        "error": error,
        "limit": filesizeformat(settings.WAREHOUSE_UPLOAD_MAX_BYTES),
        "runs": runs_of(target, limit=10),
    }
    return render(request, "warehouse/upload.html", context, status=status)


@login_required
def run_page(request: HttpRequest, run: uuid.UUID) -> HttpResponse:
    found = run_for_user(user=request.user, run_uuid=run)
    report = found.report or {}
    rejections = rejections_shown(report)
    context = {
        "run": found,
        "table": found.table,
        "state": run_state(found),
        "reasons": reasons_shown(report),
        "rejections": rejections[:PAGE_REJECTIONS],
        "more_rejections": max(found.rows_rejected - min(len(rejections), PAGE_REJECTIONS), 0),
        "steward": table_access(request.user, found.table).steward,
    }
    return render(request, "warehouse/run.html", context)


@login_required
def run_status(request: HttpRequest, run: uuid.UUID) -> JsonResponse:
    found = run_for_user(user=request.user, run_uuid=run)
    return JsonResponse(run_state(found))


@login_required
def run_rejected(request: HttpRequest, run: uuid.UUID) -> StreamingHttpResponse:
    """Every rejected row of the run as CSV: row number, column, reason (in the reader's language), value, then
    the row's raw values."""
    found = run_for_user(user=request.user, run_uuid=run)
    storage = storage_from_settings()
    if not found.rejected_uri or not storage.exists(found.rejected_uri):
        raise NotFound(_("This run rejected no rows."))
    source = pq.ParquetFile(storage.filesystem().open_input_file(storage.path_of(found.rejected_uri)))
    header = [str(name) for name in source.schema_arrow.names]

    def rows() -> Iterator[list[Any]]:
        try:
            for batch in source.iter_batches(batch_size=10_000):
                for record in batch.to_pylist():
                    yield [reason_label(str(v)) if k == "reason" else v for k, v in record.items()]
        finally:
            source.close()

    response = StreamingHttpResponse(csv_lines(header, rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bi-loai-{found.uuid}.csv"'
    return response


@login_required
def run_original(request: HttpRequest, run: uuid.UUID) -> FileResponse:
    """The file as it was received (always as a download, never shown by the browser)."""
    found = run_for_user(user=request.user, run_uuid=run)
    if not found.original_uri:
        raise NotFound(_("This run has no original file."))
    stream = storage_from_settings().open(found.original_uri)
    response = FileResponse(
        stream, as_attachment=True, filename=found.original_name or "original", content_type="application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def versions(request: HttpRequest, database: str, table: str) -> HttpResponse:
    target = table_for_staff(user=request.user, database=database, code=table)
    context = {
        "table": target,
        "versions": versions_of(target),
        "steward": table_access(request.user, target).steward,
    }
    return render(request, "warehouse/versions.html", context)


@login_required
def restore(request: HttpRequest, database: str, table: str, version: int) -> HttpResponse:
    """GET: what restoring ``version`` does, and the button; POST: restore it."""
    target = table_for_steward(user=request.user, database=database, code=table)
    if request.method == "POST":
        try:
            run = version_restore(actor=request.user, table=target, version=version, request=request)
        except DomainError as refused:
            context = {"table": target, "version": version, "error": refused.message}
            return render(request, "warehouse/restore.html", context, status=refused.status)
        messages.success(
            request,
            _("Version %(old)s is current again, as version %(new)s.") % {"old": version, "new": run.version},
        )
        return redirect(reverse("warehouse:versions", args=[target.database.code, target.code]))
    known = {v.version: v for v in versions_of(target)}
    if version not in known:
        raise NotFound(_("Table %(table)s has no version %(version)s.") % {"table": target, "version": version})
    return render(request, "warehouse/restore.html", {"table": target, "version": version, "info": known[version]})


urlpatterns: list[URLPattern] = [
    path("can-bo/kho-du-lieu/bang/<whcode:database>/<whcode:table>/nap-du-lieu/", upload, name="upload"),
    path("can-bo/kho-du-lieu/bang/<whcode:database>/<whcode:table>/phien-ban/", versions, name="versions"),
    path(
        "can-bo/kho-du-lieu/bang/<whcode:database>/<whcode:table>/phien-ban/<int:version>/khoi-phuc/",
        restore,
        name="restore",
    ),
    path("can-bo/kho-du-lieu/lan-nap/<uuid:run>/", run_page, name="run"),
    path("can-bo/kho-du-lieu/lan-nap/<uuid:run>/trang-thai/", run_status, name="run-status"),
    path("can-bo/kho-du-lieu/lan-nap/<uuid:run>/dong-bi-loai.csv", run_rejected, name="run-rejected"),
    path("can-bo/kho-du-lieu/lan-nap/<uuid:run>/tep-goc/", run_original, name="run-original"),
]
