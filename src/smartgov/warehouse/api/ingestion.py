"""Loading a table through the API: upload a file (multipart) → a run; the run's status and report (poll it for
the progress); a table's versions, and restoring one.

An upload is not idempotent by key: the platform has no Idempotency-Key mechanism for its API (a page's form key
plays that part for people). A client that is unsure whether its upload arrived lists the table's runs
(``GET …/runs``) before sending it again; every run keeps its original, so nothing is lost either way."""

import uuid
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile

from smartgov.identity import authz
from smartgov.platform.api.choices import choices_enum
from smartgov.platform.errors import DomainError, NotFound
from smartgov.warehouse.models import IngestionRun
from smartgov.warehouse.selectors.runs import (
    run_for_user,
    runs_of,
    table_for_staff,
    table_for_steward,
    versions_of,
)
from smartgov.warehouse.services.ingestion import reason_label, run_upload, version_restore

router = Router(tags=["warehouse: ingestion"])
AUTH = authz.API_AUTH
RunMode = choices_enum("WarehouseRunMode", IngestionRun.Mode)


class ReasonOut(Schema):
    code: str
    label: str = Field(description="The reason in the caller's language")
    rows: int


class RejectionOut(Schema):
    row: int = Field(description="The row's number in the file (1: the first row of data)")
    column: str
    reason: str
    label: str
    value: str


class RunOut(Schema):
    id: str = Field(description="The run's identifier (a UUID)")
    table: str
    kind: str
    status: str
    mode: str
    format: str
    file_name: str
    bytes: int
    bytes_done: int
    progress: float = Field(description="From 0 to 1")
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    encoding: str
    version: int | None
    error: str
    started_at: datetime
    finished_at: datetime | None
    reasons: list[ReasonOut]
    rejections: list[RejectionOut] = Field(description="The first rejected rows (at most 1,000)")

    @staticmethod
    def of(run: IngestionRun, *, details: bool = True) -> "RunOut":
        report: dict[str, Any] = run.report or {}
        done = run.status in (IngestionRun.Status.SUCCEEDED, IngestionRun.Status.FAILED)
        progress = 1.0 if done else (min(run.bytes_done / run.original_bytes, 1.0) if run.original_bytes else 0.0)
        reasons = [
            ReasonOut(code=code, label=reason_label(code), rows=count)
            for code, count in sorted((report.get("reasons") or {}).items(), key=lambda item: -item[1])
        ]
        rejections = [
            RejectionOut(
                row=int(r.get("row", 0)),
                column=str(r.get("column", "")),
                reason=str(r.get("reason", "")),
                label=reason_label(str(r.get("reason", ""))),
                value=str(r.get("value", "")),
            )
            for r in (report.get("rejections") or [])
        ]
        return RunOut(
            id=str(run.uuid),
            table=run.table.qualified_name,
            kind=run.kind,
            status=run.status,
            mode=run.mode,
            format=run.format,
            file_name=run.original_name,
            bytes=run.original_bytes,
            bytes_done=run.bytes_done,
            progress=round(progress, 4),
            rows_read=run.rows_read,
            rows_accepted=run.rows_accepted,
            rows_rejected=run.rows_rejected,
            encoding=run.encoding,
            version=run.version,
            error=run.error,
            started_at=run.created_at,
            finished_at=run.finished_at,
            reasons=reasons if details else [],
            rejections=rejections if details else [],
        )


class VersionOut(Schema):
    version: int
    at: datetime
    operation: str
    rows: int | None
    run: str | None = Field(description="The run that made the version, when the catalog knows it")
    current: bool


@router.post(
    "/tables/{database}/{table}/runs",
    response={202: RunOut},
    auth=AUTH,
    summary="Upload a file into a table (CSV, XLSX, JSON or Parquet): a run loads it in the background",
)
def warehouse_upload(
    request: HttpRequest,
    database: str,
    table: str,
    file: File[UploadedFile | None] = None,
    mode: Form[RunMode] = RunMode.REPLACE,  # type: ignore[valid-type,attr-defined]
) -> Reply[RunOut]:
    target = table_for_steward(user=request.user, database=database, code=table)  # the checkpoint first
    if file is None:
        raise DomainError(_("Send the file in the field “file” (multipart/form-data)."), code="no_file")
    run = run_upload(
        actor=request.user, table=target, upload=file, mode=str(getattr(mode, "value", mode)), request=request
    )
    return Reply(202, RunOut.of(run))


@router.get("/tables/{database}/{table}/runs", response=list[RunOut], auth=AUTH, summary="A table's latest runs")
def warehouse_runs(request: HttpRequest, database: str, table: str) -> list[RunOut]:
    target = table_for_steward(user=request.user, database=database, code=table)
    return [RunOut.of(run, details=False) for run in runs_of(target)]


@router.get("/runs/{run_id}", response=RunOut, auth=AUTH, summary="A run's status, progress and report")
def warehouse_run(request: HttpRequest, run_id: str) -> RunOut:
    return RunOut.of(run_for_user(user=request.user, run_uuid=_uuid(run_id)))


@router.get("/tables/{database}/{table}/versions", response=list[VersionOut], auth=AUTH, summary="A table's versions")
def warehouse_versions(request: HttpRequest, database: str, table: str) -> list[VersionOut]:
    target = table_for_staff(user=request.user, database=database, code=table)
    return [
        VersionOut(
            version=v.version,
            at=v.at,
            operation=v.operation,
            rows=v.rows,
            run=str(v.run.uuid) if v.run else None,
            current=v.current,
        )
        for v in versions_of(target)
    ]


@router.post(
    "/tables/{database}/{table}/versions/{version}/restore",
    response={201: RunOut},
    auth=AUTH,
    summary="Make an older version current again (as a new version)",
)
def warehouse_restore(request: HttpRequest, database: str, table: str, version: int) -> Reply[RunOut]:
    target = table_for_steward(user=request.user, database=database, code=table)
    run = version_restore(actor=request.user, table=target, version=version, request=request)
    return Reply(201, RunOut.of(run))


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError as exc:
        raise NotFound(_("There is no such ingestion run.")) from exc
