"""Loading rows into a table (docs/warehouse.md, "Ingestion"): an upload or a pull becomes an ``IngestionRun``, its
file kept as received on the storage, the work done by a Celery task (or, when tasks run in-process, by a thread
of the process so the page can show the progress); the engine writes a new Delta version or nothing at all.

- ``run_upload``: who may (the table's data steward, a platform administrator), the size, the format recognised by
  its content (never its name), the original stored, the run created, the work dispatched after the commit;
- ``run_start``: the same for bytes that did not come from a person (a pull through the data-exchange gateway);
- ``run_execute``: the engine's ``ingest`` with the table's declared columns (or inferred, then declared), the
  master data they reference, progress written at most once a second, then the report, the table's new version,
  the event ``warehouse.version.published`` and the audit row; a failure marks the run failed with a message;
- ``version_restore``: a new version equal to an older one, as a run of kind ``restore``.
"""

import logging
import os
import re
import shutil
import tempfile
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import IO, Any, BinaryIO, cast

from django.conf import settings
from django.db import connection, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartgov.platform.errors import Conflict, DomainError, Forbidden, NotFound
from smartgov.platform.files import FileRefused, Limits
from smartgov.platform.files.xlsx import xlsx_check
from smartgov.platform.services.audit import audit_record
from smartgov.warehouse.engine import ingest as engine
from smartgov.warehouse.engine import tables as delta
from smartgov.warehouse.engine.errors import IngestError
from smartgov.warehouse.engine.storage import Storage, storage_from_settings
from smartgov.warehouse.models import Column, IngestionRun, Table
from smartgov.warehouse.selectors.catalog import table_access
from smartgov.warehouse.services.catalog import version_current

logger = logging.getLogger(__name__)

#: What a rejected row's reason code means, for the report (the engine's codes, docs/warehouse.md).
REASONS: dict[str, Any] = {
    "encoding": gettext_lazy("The line's characters could not be read (unknown encoding)"),
    "columns": gettext_lazy("The line has the wrong number of fields"),
    "required": gettext_lazy("A required value is missing"),
    "type": gettext_lazy("The value is not of the column's type"),
    "date": gettext_lazy("The date is not valid"),
    "range": gettext_lazy("The value is outside the allowed range"),
    "pattern": gettext_lazy("The value does not have the required form"),
    "unique": gettext_lazy("The value appears more than once where it must be unique"),
    "reference": gettext_lazy("The value is not in the master data"),
    "too_long": gettext_lazy("The value is too long (more than 100,000 characters)"),
}
#: Why a whole load failed (the engine's ``IngestError`` codes); nothing was written.
FAILURES: dict[str, Any] = {
    "empty": gettext_lazy("The file is empty."),
    "no_rows": gettext_lazy("The file has a header row but no data rows."),
    "header": gettext_lazy("The file's header row is missing, empty or repeats a column name."),
    "schema": gettext_lazy("The file's columns do not match the table's declared columns."),
    "encoding": gettext_lazy("The file's characters could not be read in any known encoding."),
    "format": gettext_lazy("The file is damaged or not of the format its content first suggested."),
    "binary": gettext_lazy("The file holds binary data, not text."),
    "json": gettext_lazy("The JSON is not valid or is not a list of objects."),
    "too_many_columns": gettext_lazy("The file has more than 1,000 columns."),
    "value_too_large": gettext_lazy("A value or a record of the file is too large."),
    "reference": gettext_lazy("A column refers to master data that does not exist."),
    "pattern": gettext_lazy("A column's pattern is not a valid regular expression."),
}
#: Rejections kept in the run's report (the rest are in the run's rejected.parquet).
REPORT_REJECTIONS = 1000
#: Seconds between two writes of a run's progress.
PROGRESS_EVERY = 1.0
_SNIFF = 64 * 1024
_MODES = {IngestionRun.Mode.REPLACE.value, IngestionRun.Mode.APPEND.value}


def reason_label(code: str) -> str:
    """A reason code in the reader's language (an unknown code as it is)."""
    label = REASONS.get(code)
    return str(label) if label is not None else code


# -- who may ----------------------------------------------------------------------------------------------------


def _may_load(actor: Any, table: Table) -> None:
    """Only the owner agency's data steward or a platform administrator loads or restores a table's rows."""
    if actor is None or not table_access(actor, table).steward:
        raise Forbidden(
            _("Only a data steward of %(agency)s may load or restore the rows of %(table)s.")
            % {"agency": table.owner, "table": table.qualified_name}
        )


# -- the file ---------------------------------------------------------------------------------------------------


def _is_text(head: bytes) -> bool:
    """Whether the first bytes look like text in some 8-bit or UTF-8 encoding (a CSV): no NUL byte, few controls."""
    if not head or b"\x00" in head:
        return False
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 13, 12))
    return controls <= len(head) // 100


def format_detect(head: bytes) -> str:
    """The format of a file from its first bytes: ``parquet``, ``xlsx`` (a ZIP; checked further by the caller),
    ``json`` or ``csv``; a ``FileRefused`` (415) otherwise."""
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    text = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    if text.lstrip()[:1] in (b"[", b"{") and _is_text(text):
        return "json"
    if _is_text(text):
        return "csv"
    raise FileRefused(
        _(
            "Only CSV, Excel (.xlsx), JSON and Parquet files can be loaded; this file is none of them, "
            "whatever its name."
        ),
        code="unsupported_type",
        status=415,
    )


def _check_content(source: IO[bytes], kind: str, size: int) -> None:
    """The checks a format needs beyond its first bytes: a workbook is inspected as a ZIP of XML parts (bombs,
    entities, macros: platform.files.xlsx), a Parquet file must end with its magic too."""
    if kind == "xlsx":
        source.seek(0)
        limits = Limits.from_settings()
        xlsx_check(source.read(), limits=limits)
    elif kind == "parquet":
        if size < 12:
            raise FileRefused(_("The Parquet file is damaged."), code="damaged")
        source.seek(size - 4)
        if source.read(4) != b"PAR1":
            raise FileRefused(_("The Parquet file is damaged (it is cut short)."), code="damaged")
    source.seek(0)


def file_name(name: str, kind: str) -> str:
    """A safe name for the original on the storage: the last part of what the browser sent, NFC, without control
    characters or separators, at most 120 characters; ``upload.<format>`` when nothing is left."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C" and ch not in ':*?"<>|')
    base = base.strip(" .")[-120:]
    return base or f"upload.{'xlsx' if kind == 'xlsx' else kind}"


def _size_of(upload: Any) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
        upload.seek(0)
    return int(size)


# -- starting a run ---------------------------------------------------------------------------------------------


def file_accept(source: Any) -> str:
    """Check a file before it is kept: not empty, within ``WAREHOUSE_UPLOAD_MAX_BYTES``, one of the four formats
    recognised by its content (a workbook inspected for bombs, entities and macros); its format, or ``FileRefused``
    (400 empty, 413 too large, 415 not a format, 422 damaged or hostile)."""
    size = _size_of(source)
    limit = settings.WAREHOUSE_UPLOAD_MAX_BYTES
    if size == 0:
        raise FileRefused(_("The file is empty."), code="empty", status=400)
    if size > limit:
        raise FileRefused(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
            status=413,
        )
    source.seek(0)
    kind = format_detect(source.read(_SNIFF))
    _check_content(source, kind, size)
    return kind


def run_upload(*, actor: Any, table: Table, upload: Any, mode: str, request: Any = None) -> IngestionRun:
    """Keep ``upload`` (a Django ``UploadedFile`` or any binary file object with ``name``) as a new run's original
    and load it into ``table`` in the background (``mode``: "overwrite" or "append")."""
    _may_load(actor, table)
    if mode not in _MODES:
        raise DomainError(_("Choose whether the file replaces the rows or adds to them."), code="mode")
    kind = file_accept(upload)
    return run_start(
        actor=actor,
        table=table,
        source=upload,
        name=file_name(str(getattr(upload, "name", "") or ""), kind),
        kind="upload",
        format=kind,
        mode=mode,
        request=request,
    )


def run_start(
    *,
    actor: Any,
    table: Table,
    source: IO[bytes],
    name: str,
    kind: str,
    format: str,
    mode: str,
    request: Any = None,
    dispatch: bool = True,
) -> IngestionRun:
    """Store ``source`` as the original of a new queued run and dispatch its execution once the run is committed
    (``dispatch`` False: the caller executes it, as the command line does to show its progress)."""
    storage = storage_from_settings()
    run_id = uuid.uuid4()
    original = storage.original_uri(str(run_id), name)
    with transaction.atomic():
        run = IngestionRun.objects.create(
            uuid=run_id,
            table=table,
            started_by=actor,
            kind=kind,
            format=format,
            mode=mode,
            original_name=name[:255],
            original_uri=original,
            rejected_uri=storage.run_uri(str(run_id), "rejected.parquet"),
        )
        source.seek(0)
        run.original_bytes = storage.put(original, cast(BinaryIO, source))
        run.save(update_fields=["original_bytes"])
        audit_record(
            actor=actor,
            action=f"warehouse.run.{kind}",
            obj=run,
            changes={"table": table.qualified_name, "file": name, "bytes": run.original_bytes, "mode": mode},
            request=request,
        )
        if dispatch:
            transaction.on_commit(lambda: run_dispatch(run.pk))
    return run


# -- running it -------------------------------------------------------------------------------------------------

#: Runs executing in a thread of this process (tasks in-process: the demo and the tests), by id; ``run_wait`` joins.
_threads: dict[int, threading.Thread] = {}
_threads_lock = threading.Lock()


def run_dispatch(run_id: int) -> None:
    """Hand a committed run to the task queue; when tasks run in-process, to a thread of this process (so the page
    that started it answers at once and shows the progress), unless ``WAREHOUSE_RUN_INLINE`` asks for it now."""
    if settings.WAREHOUSE_RUN_INLINE:
        run_execute(run_id)
        return
    if settings.CELERY_TASK_ALWAYS_EAGER:
        thread = threading.Thread(target=_run_in_thread, args=(run_id,), name=f"warehouse-run-{run_id}", daemon=True)
        with _threads_lock:
            _threads[run_id] = thread
        thread.start()
        return
    from smartgov.warehouse.tasks import ingest_run

    ingest_run.delay(run_id)


def _run_in_thread(run_id: int) -> None:
    try:
        run_execute(run_id)
    finally:
        connection.close()  # the thread's own connection
        with _threads_lock:
            _threads.pop(run_id, None)


def run_wait(run_id: int, timeout: float = 60.0) -> bool:
    """Wait for a run executing in a thread of this process; whether it has finished (tests, the CLI)."""
    with _threads_lock:
        thread = _threads.get(run_id)
    if thread is not None:
        thread.join(timeout)
        return not thread.is_alive()
    return True


class _Progress:
    """The engine's progress callback: the run's bytes and rows, written at most once every ``PROGRESS_EVERY``."""

    def __init__(self, run_id: int, also: Callable[[int, int, int], None] | None = None) -> None:
        self.run_id = run_id
        self.also = also
        self.last = 0.0

    def __call__(self, done: int, total: int, rows: int) -> None:
        if self.also is not None:
            self.also(done, total, rows)
        now = time.monotonic()
        if now - self.last >= PROGRESS_EVERY:
            self.last = now
            IngestionRun.objects.filter(pk=self.run_id).update(bytes_done=done, rows_read=rows)


@contextmanager
def _local_copy(storage: Storage, uri: str) -> Iterator[str]:
    """A local path of the original: the file itself on a local storage, a temporary copy from object storage."""
    if uri.startswith("file:"):
        yield storage.path_of(uri)
        return
    handle, path = tempfile.mkstemp(prefix="warehouse-")
    try:
        with os.fdopen(handle, "wb") as target, storage.open(uri) as source:
            shutil.copyfileobj(source, target, 1024 * 1024)
        yield path
    finally:
        os.unlink(path)


def _specs(table: Table) -> list[engine.ColumnSpec] | None:
    columns = list(table.columns.order_by("position"))
    if not columns:
        return None
    return [
        engine.ColumnSpec(
            name=c.name,
            type=cast(Any, c.type),
            description=c.description,
            personal=c.personal,
            required=c.required,
            unique=c.unique,
            minimum=c.minimum,
            maximum=c.maximum,
            pattern=c.pattern,
            reference=c.reference,
        )
        for c in columns
    ]


def _references(specs: list[engine.ColumnSpec] | None) -> dict[str, frozenset[str]]:
    names = {spec.reference for spec in specs or [] if spec.reference}
    if not names:
        return {}
    from smartgov.warehouse import masterdata  # the master data, read only for the columns that refer to it

    return {name: masterdata.reference_values(name) for name in sorted(names)}


def _report_json(report: engine.IngestReport) -> dict[str, Any]:
    return {
        "encoding": report.encoding,
        "rows_read": report.rows_read,
        "rows_accepted": report.rows_accepted,
        "rows_rejected": report.rows_rejected,
        "reasons": dict(report.reasons),
        "rejections": [_storable(asdict(r)) for r in report.rejections[:REPORT_REJECTIONS]],
        "columns": [asdict(c) for c in report.columns],
        "version": report.version,
        "seconds": round(report.seconds, 3),
        "lines_redecoded": report.lines_redecoded,
    }


def _storable(value: Any) -> Any:
    """``value`` with every NUL character of its strings written out (PostgreSQL's JSON cannot hold one)."""
    if isinstance(value, str):
        return value.replace("\x00", "\\x00")
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_storable(v) for v in value]
    return value


def failure_message(exc: BaseException) -> str:
    """What to tell the steward about a load that failed (the engine wrote nothing)."""
    if isinstance(exc, IngestError):
        reason = FAILURES.get(exc.code)
        if reason is not None:
            return _("The file could not be loaded and nothing was written. %(reason)s") % {"reason": reason}
        return _("The file could not be loaded and nothing was written: %(reason)s") % {"reason": str(exc)[:500]}
    if isinstance(exc, DomainError):
        return exc.message
    return _(
        "The load failed unexpectedly and nothing was written. Try again; if it fails again, tell the support team."
    )


def run_execute(run_id: int, *, progress: Callable[[int, int, int], None] | None = None) -> IngestionRun | None:
    """Execute a queued run (at most once: a run already taken is left alone); ``None`` when there was none."""
    taken = IngestionRun.objects.filter(pk=run_id, status=IngestionRun.Status.QUEUED).update(
        status=IngestionRun.Status.RUNNING
    )
    if not taken:
        return None
    run = IngestionRun.objects.select_related("table__database", "table__owner", "started_by").get(pk=run_id)
    table = run.table
    storage = storage_from_settings()
    specs = _specs(table)
    try:
        with _local_copy(storage, run.original_uri) as path:
            report = engine.ingest(
                path,
                format=cast(Any, run.format),
                storage=storage,
                key=table.storage_key,
                columns=specs,
                mode=cast(Any, run.mode),
                references=_references(specs),
                rejected_uri=run.rejected_uri,
                metadata={"run": str(run.uuid), "kind": run.kind, "by": str(run.started_by or "")},
                progress=_Progress(run.pk, progress),
            )
    except Exception as exc:  # every failure ends the run with a message; the engine wrote no version
        if not isinstance(exc, IngestError | DomainError):
            logger.exception("warehouse run %s failed", run.uuid)
        return _run_failed(run, failure_message(exc))
    try:
        return _run_succeeded(run, report, inferred=specs is None)
    except Exception:  # the catalog could not record the outcome: the run says so instead of staying "running"
        logger.exception("warehouse run %s: the outcome was not recorded", run.uuid)
        return _run_failed(run, failure_message(RuntimeError()))


def _run_failed(run: IngestionRun, message: str) -> IngestionRun:
    message = _storable(message)
    with transaction.atomic():
        run.status, run.error, run.finished_at = IngestionRun.Status.FAILED, message, timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        audit_record(actor=run.started_by, action="warehouse.run.fail", obj=run, changes={"error": message})
    return run


def _run_succeeded(run: IngestionRun, report: engine.IngestReport, *, inferred: bool) -> IngestionRun:
    with transaction.atomic():
        table = Table.objects.select_for_update().select_related("database").get(pk=run.table_id)
        if inferred and not table.columns.exists():
            Column.objects.bulk_create(
                Column(
                    table=table,
                    position=position,
                    name=spec.name,
                    type=spec.type,
                    description=spec.description[:500],
                    personal=spec.personal,
                    required=spec.required,
                    unique=spec.unique,
                    minimum=spec.minimum,
                    maximum=spec.maximum,
                    pattern=spec.pattern[:300],
                    reference=spec.reference,
                )
                for position, spec in enumerate(report.columns, start=1)
            )
        run.status, run.finished_at = IngestionRun.Status.SUCCEEDED, timezone.now()
        run.rows_read, run.rows_accepted, run.rows_rejected = (
            report.rows_read,
            report.rows_accepted,
            report.rows_rejected,
        )
        run.encoding, run.version, run.report = report.encoding[:40], report.version, _report_json(report)
        run.bytes_done = run.original_bytes
        run.save()
        if report.version is not None:
            rows = report.rows_accepted if run.mode == IngestionRun.Mode.REPLACE else table.rows + report.rows_accepted
            version_current(table, version=report.version, rows=rows, run=run)
        audit_record(
            actor=run.started_by,
            action="warehouse.run.succeed",
            obj=run,
            changes={
                "table": table.qualified_name,
                "version": report.version,
                "rows_read": report.rows_read,
                "rows_accepted": report.rows_accepted,
                "rows_rejected": report.rows_rejected,
                "reasons": dict(report.reasons),
            },
        )
    return run


# -- versions ---------------------------------------------------------------------------------------------------


def version_restore(*, actor: Any, table: Table, version: int, request: Any = None) -> IngestionRun:
    """Make ``version`` of ``table`` current again, as a new version (nothing is lost): a run of kind "restore"."""
    _may_load(actor, table)
    storage = storage_from_settings()
    known = (
        {v.version: v for v in delta.versions(storage, table.storage_key)} if table.current_version is not None else {}
    )
    if version not in known:
        raise NotFound(
            _("Table %(table)s has no version %(version)s.") % {"table": table.qualified_name, "version": version}
        )
    if version == table.current_version:
        raise Conflict(_("Version %(version)s is already the current one.") % {"version": version})
    rows = known[version].rows
    if rows is None:
        rows = delta.dataset(storage, table.storage_key, version).count_rows()
    run_id = uuid.uuid4()
    with transaction.atomic():
        locked = Table.objects.select_for_update().select_related("database").get(pk=table.pk)
        new = delta.version_restore(
            storage, locked.storage_key, version, metadata={"run": str(run_id), "kind": "restore", "from": str(version)}
        )
        now = timezone.now()
        run = IngestionRun.objects.create(
            uuid=run_id,
            table=locked,
            started_by=actor,
            kind="restore",
            mode=IngestionRun.Mode.REPLACE,
            status=IngestionRun.Status.SUCCEEDED,
            rows_read=rows,
            rows_accepted=rows,
            version=new,
            report={"restored": version, "rows_accepted": rows},
            finished_at=now,
        )
        version_current(locked, version=new, rows=rows, run=run)
        audit_record(
            actor=actor,
            action="warehouse.version.restore",
            obj=locked,
            changes={"restored": version, "version": new, "rows": rows, "run": str(run_id)},
            request=request,
        )
    table.refresh_from_db()
    return run
