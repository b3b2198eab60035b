"""Governed SQL over the warehouse (docs/warehouse.md, "Query"): the names a query reads are resolved against the
catalog, each one checked against the caller's access (``selectors.catalog.table_access``); the engine gets only
those tables, at their current version, with the personal-data columns masked that the caller may not see
(``selectors.catalog.grants_for``). Every query is audited: the tables read, the rows returned, which personal-data
columns were shown and which masked. Saved queries belong to their owner; shared ones are visible to the agencies
where the owner works.
"""

import tempfile
from dataclasses import dataclass, field
from typing import IO, Any, BinaryIO, cast

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from smartgov.platform.errors import DomainError, Forbidden, NotFound
from smartgov.platform.services.audit import audit_record
from smartgov.warehouse.engine import query as engine
from smartgov.warehouse.engine.storage import storage_from_settings
from smartgov.warehouse.engine.tables import dataset, file_uris
from smartgov.warehouse.models import Column, SavedQuery, Table
from smartgov.warehouse.selectors.catalog import catalog_check, grants_for, table_access

#: Export formats: the file's extension and its media type.
EXPORTS: dict[str, tuple[str, str]] = {
    "csv": ("csv", "text/csv; charset=utf-8"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "parquet": ("parquet", "application/vnd.apache.parquet"),
}


class QueryInvalid(DomainError):
    """The engine refused the query (``code`` is the engine's: syntax, not_select, several, timeout, too_large…)."""

    status = 400


@dataclass
class QueryAnswer:
    """A query's answer: the engine's result, the catalog tables read, and per table the columns masked (shown as
    ``***``) and the personal-data columns shown."""

    result: engine.QueryResult
    tables: list[Table]
    masked: dict[str, list[str]] = field(default_factory=dict)
    personal_shown: dict[str, list[str]] = field(default_factory=dict)

    @property
    def masked_columns(self) -> list[str]:
        """The masked columns as ``database.table.column``."""
        return [f"{name}.{column}" for name, columns in self.masked.items() for column in columns]

    @property
    def shows_personal_data(self) -> bool:
        return any(self.personal_shown.values())


def _refusal_message(refused: Exception) -> str:
    code = getattr(refused, "code", "")
    messages = {
        "syntax": _("The SQL cannot be read: %(detail)s"),
        "not_select": _("Only a query that reads (SELECT or WITH) is allowed."),
        "several": _("Send one statement at a time."),
        "unknown_table": _("The query reads a table that is not in the catalog: %(detail)s"),
        "timeout": _("The query took too long and was stopped; narrow it down (filters, fewer columns)."),
        "too_large": _("The answer is too large; add filters or aggregate."),
        "forbidden_function": _("The query uses a function that is not allowed here (files, network, settings)."),
    }
    template = messages.get(code, _("The query was refused: %(detail)s"))
    return template % {"detail": str(refused)[:300]} if "%(detail)s" in template else template


def _plan(actor: Any, sql: str) -> tuple[list[engine.Grant], list[Table], dict[str, list[str]], dict[str, list[str]]]:
    """Check ``sql``'s size and names, and the caller's access to each table it reads; the engine's grants."""
    catalog_check(actor)  # civil servants only (any staff role); the tables are checked one by one below
    if not sql or not sql.strip():
        raise DomainError(_("Write a query first."), code="empty")
    limit = settings.WAREHOUSE_QUERY_MAX_CHARS
    if len(sql) > limit:
        raise DomainError(
            _("The query is too long (%(length)s characters); the limit is %(limit)s.")
            % {"length": len(sql), "limit": limit},
            code="too_long",
        )
    if "\x00" in sql:
        raise DomainError(_("The query holds a NUL character."), code="nul")
    try:
        names = engine.tables_named(sql)
    except engine.QueryRefused as refused:
        raise QueryInvalid(_refusal_message(refused), code=refused.code) from refused
    tables: list[Table] = []
    for name in sorted(names):
        database, _dot, code = name.partition(".")
        table = (
            Table.objects.select_related("database", "owner").filter(database__code=database, code=code).first()
            if _dot
            else None
        )
        if table is None:
            raise NotFound(_("There is no table %(name)s in the catalog.") % {"name": name}, code="unknown_table")
        if not table_access(actor, table).readable:
            raise Forbidden(_("You may not read the table %(name)s.") % {"name": name})
        if table.current_version is None:
            raise DomainError(_("The table %(name)s has no data yet.") % {"name": name}, code="no_data")
        tables.append(table)
    masks = {table.pk: masked for table, masked in grants_for(actor)}
    personal: dict[int, set[str]] = {}
    for table_id, column in Column.objects.filter(table__in=tables, personal=True).values_list("table_id", "name"):
        personal.setdefault(table_id, set()).add(column)
    storage = storage_from_settings()
    grants, masked, shown = [], {}, {}
    for table in tables:
        hidden = masks.get(table.pk)
        if hidden is None:  # readable but not in the grants: refuse rather than answer empty
            raise Forbidden(_("You may not read the table %(name)s.") % {"name": table.qualified_name})
        local = storage.url.startswith("file:")  # DuckDB's own Parquet reader over local files (faster)
        grants.append(
            engine.Grant(
                name=table.qualified_name,
                dataset=dataset(storage, table.storage_key, table.current_version),
                masked=frozenset(hidden),
                files=tuple(file_uris(storage, table.storage_key, table.current_version)) if local else (),
            )
        )
        masked[table.qualified_name] = sorted(hidden)
        shown[table.qualified_name] = sorted(personal.get(table.pk, set()) - set(hidden))
    return grants, tables, masked, shown


def _limits() -> dict[str, Any]:
    """What one query may use (settings ``WAREHOUSE_QUERY_*`` and ``WAREHOUSE_DUCKDB_*``)."""
    engine.configure_pool(settings.WAREHOUSE_QUERY_CONNECTIONS)
    return {
        "timeout": settings.WAREHOUSE_QUERY_TIMEOUT,
        "memory": settings.WAREHOUSE_DUCKDB_MEMORY,
        "threads": settings.WAREHOUSE_DUCKDB_THREADS,
        "max_chars": settings.WAREHOUSE_QUERY_MAX_CHARS,
    }


def _audit(actor: Any, action: str, sql: str, answer: QueryAnswer | None, extra: dict[str, Any]) -> None:
    # the SQL as sent, without NUL characters (PostgreSQL cannot store them; a query holding one is refused anyway)
    changes: dict[str, Any] = {"sql": sql[:4000].replace("\x00", "\\x00"), **extra}
    if answer is not None:
        changes |= {
            "tables": [t.qualified_name for t in answer.tables],
            "masked": answer.masked,
            "personal_shown": answer.personal_shown,
        }
    with transaction.atomic():
        audit_record(actor=actor, action=action, object_type="warehouse.query", changes=changes)


def _refused(actor: Any, sql: str, error: DomainError) -> DomainError:
    _audit(actor, "warehouse.query.refuse", sql, None, {"code": error.code, "status": error.status})
    return error


def query_execute(actor: Any, sql: str, *, max_rows: int | None = None) -> QueryAnswer:
    """Run ``sql`` for ``actor`` (at most ``max_rows`` rows, ``WAREHOUSE_QUERY_MAX_ROWS`` by default)."""
    limit = min(max_rows or settings.WAREHOUSE_QUERY_MAX_ROWS, settings.WAREHOUSE_QUERY_MAX_ROWS)
    try:
        grants, tables, masked, shown = _plan(actor, sql)
        try:
            result = engine.query_run(sql, grants, max_rows=limit, **_limits())
        except engine.QueryRefused as refused:
            raise QueryInvalid(_refusal_message(refused), code=refused.code) from refused
    except DomainError as error:
        raise _refused(actor, sql, error) from error
    answer = QueryAnswer(result=result, tables=tables, masked=masked, personal_shown=shown)
    _audit(actor, "warehouse.query.run", sql, answer, {"rows": len(result.rows), "truncated": result.truncated})
    return answer


def query_export(actor: Any, sql: str, format: str) -> tuple[IO[bytes], str, str]:
    """Run ``sql`` into a file of ``format`` (csv, xlsx, parquet): the open file (at its start), its extension and
    media type. At most ``WAREHOUSE_EXPORT_MAX_ROWS`` rows."""
    if format not in EXPORTS:
        raise DomainError(_("Export as CSV, XLSX or Parquet."), code="format")
    extension, media_type = EXPORTS[format]
    target = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - the caller streams and closes it
    try:
        try:
            grants, tables, masked, shown = _plan(actor, sql)
            try:
                rows = engine.query_export(
                    sql,
                    grants,
                    format=cast(Any, format),
                    target=cast(BinaryIO, target),
                    max_rows=settings.WAREHOUSE_EXPORT_MAX_ROWS,
                    **_limits(),
                )
            except engine.QueryRefused as refused:
                raise QueryInvalid(_refusal_message(refused), code=refused.code) from refused
        except DomainError as error:
            raise _refused(actor, sql, error) from error
    except BaseException:
        target.close()
        raise
    target.seek(0)
    changes = {
        "format": format,
        "rows": rows,
        "tables": [t.qualified_name for t in tables],
        "masked": masked,
        "personal_shown": shown,
    }
    _audit(actor, "warehouse.query.export", sql, None, changes)
    return target, extension, media_type


# -- saved queries ----------------------------------------------------------------------------------------------


def _saved_check(*, title: str, sql: str, chart: str, chart_x: str, chart_y: str) -> None:
    if not title.strip() or len(title) > 200:
        raise DomainError(_("Give the query a title of at most 200 characters."), code="title")
    if not sql.strip() or len(sql) > settings.WAREHOUSE_QUERY_MAX_CHARS or "\x00" in sql + title:
        raise DomainError(
            _("The query must hold between 1 and %(limit)s characters.")
            % {"limit": settings.WAREHOUSE_QUERY_MAX_CHARS},
            code="sql",
        )
    if chart not in SavedQuery.Chart.values:
        raise DomainError(_("Choose bars, a line or no chart."), code="chart")
    if len(chart_x) > 63 or len(chart_y) > 63:
        raise DomainError(_("A chart's column name is at most 63 characters."), code="chart")


def saved_query_create(
    *, actor: Any, title: str, sql: str, chart: str = "", chart_x: str = "", chart_y: str = "", shared: bool = False
) -> SavedQuery:
    """Keep a query for ``actor`` (``shared``: visible to the agencies where they work)."""
    catalog_check(actor)
    _saved_check(title=title, sql=sql, chart=chart, chart_x=chart_x, chart_y=chart_y)
    with transaction.atomic():
        saved = SavedQuery.objects.create(
            owner=actor, title=title.strip(), sql=sql, chart=chart, chart_x=chart_x, chart_y=chart_y, shared=shared
        )
        audit_record(actor=actor, action="warehouse.saved_query.create", obj=saved, changes={"shared": shared})
    return saved


def _owned(actor: Any, query_id: int) -> SavedQuery:
    catalog_check(actor)
    saved = SavedQuery.objects.select_for_update().filter(pk=query_id).first()
    if saved is None:
        raise NotFound(_("There is no such saved query."))
    if saved.owner_id != getattr(actor, "pk", None):
        raise Forbidden(_("Only the person who saved this query may change or delete it."))
    return saved


def saved_query_update(
    *,
    actor: Any,
    query_id: int,
    title: str,
    sql: str,
    chart: str = "",
    chart_x: str = "",
    chart_y: str = "",
    shared: bool = False,
) -> SavedQuery:
    """Change one of ``actor``'s saved queries."""
    _saved_check(title=title, sql=sql, chart=chart, chart_x=chart_x, chart_y=chart_y)
    with transaction.atomic():
        saved = _owned(actor, query_id)
        saved.title, saved.sql, saved.chart = title.strip(), sql, chart
        saved.chart_x, saved.chart_y, saved.shared = chart_x, chart_y, shared
        saved.save()
        audit_record(actor=actor, action="warehouse.saved_query.update", obj=saved, changes={"shared": shared})
    return saved


def saved_query_delete(*, actor: Any, query_id: int) -> None:
    """Delete one of ``actor``'s saved queries."""
    with transaction.atomic():
        saved = _owned(actor, query_id)
        audit_record(actor=actor, action="warehouse.saved_query.delete", obj=saved, changes={"title": saved.title})
        saved.delete()
