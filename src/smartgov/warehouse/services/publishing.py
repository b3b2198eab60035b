"""Publishing a table from a SmartGov app or from master data (docs/warehouse.md, "Publishing").

``table_publish`` is what a publisher calls: the first time it creates the shared database, the table and its
declared columns in the catalog; afterwards it checks that the rows it is given still have the declared columns (a
publisher that changed its columns is refused, never silently mixed with the old ones). The rows stream from a
``pyarrow.RecordBatchReader`` into a new Delta version (replacing the rows), counted on the way; the run, the
table's current version, the audit row and the ``warehouse.version.published`` event are written in one
transaction once the version exists. A failure leaves a failed run with its error, and no version.

With a ``digest`` (master data), nothing is written when the current version was made from the same content.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypedDict

import pyarrow as pa
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartgov.identity.selectors import User
from smartgov.platform.errors import DomainError
from smartgov.platform.models import Agency
from smartgov.platform.services.audit import audit_record
from smartgov.warehouse.engine.ingest import ARROW_TYPES  # how each declared type is held in Arrow
from smartgov.warehouse.engine.storage import Storage, storage_from_settings
from smartgov.warehouse.engine.tables import version_write
from smartgov.warehouse.models import IngestionRun, SharedDatabase, Table
from smartgov.warehouse.services.catalog import database_create, table_create, version_current


class ColumnDecl(TypedDict, total=False):
    """A declared column, as a publisher gives it (the engine's ``ColumnSpec`` fields)."""

    name: str
    type: str
    description: str
    personal: bool
    required: bool
    unique: bool
    reference: str


def _accepts(declared: str, actual: pa.DataType) -> bool:
    checks = {
        "text": lambda t: pa.types.is_string(t) or pa.types.is_large_string(t),
        "integer": pa.types.is_integer,
        "decimal": lambda t: pa.types.is_floating(t) or pa.types.is_decimal(t),
        "date": pa.types.is_date,
        "timestamp": pa.types.is_timestamp,
        "boolean": pa.types.is_boolean,
    }
    check = checks.get(declared)
    return bool(check and check(actual))


def arrow_schema(columns: list[ColumnDecl]) -> pa.Schema:
    """The Arrow schema of the declared columns (what a publisher builds its batches with)."""
    return pa.schema([pa.field(c["name"], ARROW_TYPES[c.get("type", "text")]) for c in columns])


@dataclass(frozen=True)
class PublishResult:
    table: Table
    run: IngestionRun | None
    version: int | None
    rows: int
    #: False when the content was the same as the current version's (nothing written).
    changed: bool = True


def _schema_check(columns: list[ColumnDecl], schema: pa.Schema) -> None:
    """The batches must carry exactly the declared columns, in order, each of a type its declaration accepts."""
    names = [c["name"] for c in columns]
    if schema.names != names:
        raise DomainError(
            _("The rows have the columns %(got)s, the table declares %(declared)s.")
            % {"got": ", ".join(schema.names), "declared": ", ".join(names)},
            code="schema",
        )
    for column, field in zip(columns, schema, strict=True):
        if not _accepts(column.get("type", "text"), field.type):
            raise DomainError(
                _("The column %(name)s holds %(got)s, the table declares %(declared)s.")
                % {"name": column["name"], "got": str(field.type), "declared": column.get("type", "text")},
                code="schema",
            )


def _catalog_ensure(
    *,
    database_code: str,
    database_name: str,
    table_code: str,
    name: str,
    owner: Agency,
    classification: str,
    frequency: str,
    source: str,
    columns: list[ColumnDecl],
    description: str,
    origin: str,
) -> Table:
    """The catalog rows, created the first time through the catalog's services (as the system: audited, and
    ``warehouse.table.created`` published); afterwards the declared columns must be the ones given."""
    for column in columns:
        if column.get("type", "text") not in ARROW_TYPES:
            raise DomainError(_("Unknown column type %(type)s.") % {"type": column.get("type")}, code="schema")
    database = SharedDatabase.objects.filter(code=database_code).first()
    if database is None:
        database = database_create(actor=None, code=database_code, name=database_name, owner=owner, status="in_use")
    table = Table.objects.select_for_update().filter(database=database, code=table_code).first()
    if table is None:
        return table_create(
            actor=None,
            database=database,
            code=table_code,
            name=name,
            owner=owner,
            columns=[dict(c) for c in columns],
            description=description,
            classification=classification,
            frequency=frequency,
            source=source,
            origin=origin,
            status=Table.Status.COLLECTING,
        )
    declared = [(c.name, c.type, c.personal) for c in table.columns.order_by("position")]
    given = [(c["name"], c.get("type", "text"), c.get("personal", False)) for c in columns]
    if declared != given:
        raise DomainError(
            _("The table %(table)s declares other columns than the publisher gives; change the declaration first.")
            % {"table": table.qualified_name},
            code="schema",
        )
    return table


def _counted(batches: pa.RecordBatchReader, counter: list[int]) -> pa.RecordBatchReader:
    """``batches``, counting the rows as the writer pulls them (on this thread: a publisher's rows come from the
    database through this thread's connection and transaction)."""

    def counting() -> Iterator[pa.RecordBatch]:
        for batch in batches:
            counter[0] += batch.num_rows
            yield batch

    return pa.RecordBatchReader.from_batches(batches.schema, counting())


def current_report(table: Table) -> dict[str, Any]:
    """The report of the run that wrote the table's current version (empty if none): its digest, what a
    publisher recorded about the content (e.g. the months a rollup covers), when it finished."""
    if table.current_version is None:
        return {}
    found = (
        IngestionRun.objects.filter(table=table, version=table.current_version, status=IngestionRun.Status.SUCCEEDED)
        .order_by("-finished_at")
        .values_list("report", "finished_at")
        .first()
    )
    if found is None:
        return {}
    report, finished_at = found
    return {**(report or {}), "finished_at": finished_at}


def table_publish(
    *,
    database_code: str,
    database_name: str,
    table_code: str,
    name: str,
    owner: Agency,
    classification: str,
    frequency: str,
    source: str,
    columns: list[ColumnDecl],
    batches: pa.RecordBatchReader,
    description: str = "",
    origin: str = "",
    kind: str = "publisher",
    actor: AbstractBaseUser | None = None,
    digest: str = "",
    report: dict[str, Any] | None = None,
    storage: Storage | None = None,
) -> PublishResult:
    """Write ``batches`` as the table's new version (replacing its rows) and record it in the catalog.

    ``digest``: the content's digest; nothing is written when the current version has the same. ``report``: what
    the publisher records about the content with the run (JSON values)."""
    storage = storage or storage_from_settings()
    _schema_check(columns, batches.schema)
    with transaction.atomic():
        table = _catalog_ensure(
            database_code=database_code,
            database_name=database_name,
            table_code=table_code,
            name=name,
            owner=owner,
            classification=classification,
            frequency=frequency,
            source=source,
            columns=columns,
            description=description,
            origin=origin,
        )
    if digest and digest == current_report(table).get("digest"):
        return PublishResult(table=table, run=None, version=table.current_version, rows=table.rows, changed=False)
    run = IngestionRun.objects.create(
        table=table,
        started_by=actor if isinstance(actor, User) else None,
        kind=kind,
        format=IngestionRun.Format.PARQUET,
        mode=IngestionRun.Mode.REPLACE,
        status=IngestionRun.Status.RUNNING,
    )
    counter = [0]
    metadata = {"run": str(run.uuid), "kind": kind, "source": source}
    if digest:
        metadata["digest"] = digest
    try:
        version = version_write(
            storage, table.storage_key, _counted(batches, counter), mode="overwrite", metadata=metadata
        )
    except Exception as error:
        IngestionRun.objects.filter(pk=run.pk).update(
            status=IngestionRun.Status.FAILED,
            rows_read=counter[0],
            error=str(error)[:2000],
            finished_at=timezone.now(),
        )
        raise
    rows = counter[0]
    now = timezone.now()
    with transaction.atomic():
        IngestionRun.objects.filter(pk=run.pk).update(
            status=IngestionRun.Status.SUCCEEDED,
            rows_read=rows,
            rows_accepted=rows,
            version=version,
            report={**_report(columns, rows, digest), **(report or {})},
            finished_at=now,
        )
        run.refresh_from_db()
        table, _changes = version_current(table, version=version, rows=rows, run=run)
        audit_record(
            actor=actor,
            actor_label="" if actor is not None else f"system:warehouse.{kind}",
            action="warehouse.version.publish",
            obj=table,
            changes={"version": version, "rows": rows, "run": str(run.uuid), "kind": kind},
        )
    return PublishResult(table=table, run=run, version=version, rows=rows)


def _report(columns: list[ColumnDecl], rows: int, digest: str) -> dict[str, Any]:
    return {
        "rows_read": rows,
        "rows_accepted": rows,
        "rows_rejected": 0,
        "reasons": {},
        "columns": [dict(c) for c in columns],
        "digest": digest,
    }
