"""Governed SQL over the warehouse's tables on DuckDB (docs/warehouse.md, "The engine's interface" and "Limits").

A query runs on a fresh in-memory DuckDB connection that holds nothing but the caller's grants: for each grant a
schema ``<database>`` and a view ``<database>.<table>`` over the version's pyarrow dataset, with the personal-data
columns replaced by the constant ``'***'`` under their own names. External access (files, URLs, extensions) is then
switched off and the configuration locked, so nothing the SQL says can reach outside the grants.

Before anything runs, the SQL is read with DuckDB's own parser: exactly one statement, a ``SELECT`` (``WITH … SELECT``
too), every table it names among the grants, no table function but the harmless generators, no function that reaches
files, URLs, settings or the system. Each refusal is a :class:`QueryRefused` with a code the app translates and a
plain English message.

Django-free: the app decides the grants (``selectors.grants_for``) and the limits (``WAREHOUSE_QUERY_*``).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from decimal import Decimal
from typing import Any, BinaryIO, Literal
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.dataset as pads
import pyarrow.parquet as pq

RefusalCode = Literal["syntax", "not_select", "several", "unknown_table", "timeout", "too_large", "forbidden_function"]
ExportFormat = Literal["csv", "xlsx", "parquet"]

#: The longest SQL accepted (settings ``WAREHOUSE_QUERY_MAX_CHARS``).
MAX_SQL_CHARS = 20_000
#: Table functions that only generate values (no file, no catalog, no other SQL).
ALLOWED_TABLE_FUNCTIONS = frozenset({"range", "generate_series", "unnest"})
#: Functions that read files or URLs, reveal or change the engine's settings and state, run other SQL, or sleep
#: without being interruptible. External access is off anyway; this refuses them before anything runs.
FORBIDDEN_FUNCTIONS = frozenset(
    {
        "glob",
        "getenv",
        "current_setting",
        "getvariable",
        "sleep_ms",
        "pg_sleep",
        "write_log",
        "query",
        "query_table",
        "which_secret",
        "checkpoint",
        "force_checkpoint",
        "enable_logging",
        "disable_logging",
        "enable_profiling",
        "disable_profiling",
        "truncate_duckdb_logs",
        "json_deserialize_sql",
        "json_serialize_sql",
        "json_execute_serialized_sql",
    }
)
FORBIDDEN_PREFIXES = ("read_", "duckdb_", "pragma_", "parquet_", "sniff_", "iceberg_", "delta_", "sqlite_", "postgres_")
_NAME_PART = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: Excel refuses these characters in a cell (openpyxl raises on them), and holds at most 32,767 characters in one.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XLSX_MAX_CHARS = 32_767
#: A text starting with one of these is a formula to a spreadsheet (OWASP "CSV injection"); every CSV the warehouse
#: writes (exports here, rejected rows in ``present``) prefixes such a text with an apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START = "^[" + "".join("\\" + c if c in "-]\\^" else c for c in FORMULA_STARTS) + "]"
_SHOWN_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


class QueryRefused(Exception):
    """A query the engine will not run, or stopped: ``code`` for the app to translate, ``message`` in English."""

    def __init__(self, code: RefusalCode, message: str) -> None:
        super().__init__(message)
        self.code: RefusalCode = code
        self.message = message


@dataclass(frozen=True)
class Grant:
    """A table the caller may read: ``name`` as written in SQL (``database.table``), the version's dataset, the
    columns shown as ``'***'``, and optionally the version's local Parquet files."""

    name: str
    dataset: pads.Dataset
    masked: frozenset[str] = field(default_factory=frozenset)
    #: The same version's Parquet files when they are on this machine (``file://`` URIs or percent-encoded paths, from
    #: ``tables.file_uris``): DuckDB then reads them with its own Parquet reader, about three times faster than
    #: through the arrow dataset, and only these files are opened to it. Empty (or on object storage): the dataset.
    files: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        parts = self.name.split(".")
        if len(parts) != 2 or not all(_NAME_PART.fullmatch(p) for p in parts):
            raise ValueError(f"a grant is named database.table with plain identifiers, not {self.name!r}")


@dataclass
class QueryResult:
    columns: list[str]
    types: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool
    seconds: float


@dataclass(frozen=True)
class TableRef:
    """A table named in the SQL: its normalised name, and where the name stands in the SQL's UTF-8 bytes."""

    name: str
    parts: tuple[str, ...]
    start: int
    aliased: bool


@dataclass(frozen=True)
class Analysis:
    """What the parser found in an accepted statement: the tables it reads (CTE names excluded)."""

    tables: tuple[TableRef, ...]

    @property
    def names(self) -> set[str]:
        return {t.name for t in self.tables}


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _display(parts: Iterable[str]) -> str:
    return ".".join(p.lower() if _NAME_PART.fullmatch(p) else _quote(p) for p in parts)


def _function_check(name: str, extra_forbidden: frozenset[str]) -> None:
    lowered = name.lower()
    if lowered in FORBIDDEN_FUNCTIONS or lowered in extra_forbidden or lowered.startswith(FORBIDDEN_PREFIXES):
        raise QueryRefused("forbidden_function", f"The function {lowered} is not allowed in a query.")


def _walk(tree: Any, extra_forbidden: frozenset[str]) -> list[TableRef]:
    """Every table the serialised statement reads, checking table functions and functions on the way.

    A one-part name is a CTE only where DuckDB would bind it to one: in the body of its WITH, in a later CTE of the
    same WITH, or in the recursive part of a recursive CTE. Anywhere else (a CTE's own body, an earlier CTE) DuckDB
    binds it to a catalog object, so it is a table read (``WITH pg_settings AS (SELECT * FROM pg_settings)`` names
    the catalog's ``pg_settings``). Iterative: a deeply nested query does not exhaust Python's stack."""
    tables: list[TableRef] = []
    stack: list[tuple[Any, frozenset[str]]] = [(tree, frozenset())]
    while stack:
        node, scope = stack.pop()
        if isinstance(node, list):
            stack.extend((item, scope) for item in node)
            continue
        if not isinstance(node, dict):
            continue
        kind = node.get("type")
        if kind == "BASE_TABLE":
            parts = tuple(node["qualified_name"]["path"]) or (node["table_name"],)
            if not (len(parts) == 1 and parts[0].lower() in scope):
                tables.append(TableRef(_display(parts), parts, int(node["query_location"]), bool(node.get("alias"))))
        elif kind == "TABLE_FUNCTION":
            function = node.get("function") or {}
            name = str(function.get("function_name", "")).lower()
            if name not in ALLOWED_TABLE_FUNCTIONS or function.get("schema") or function.get("catalog"):
                raise QueryRefused("forbidden_function", f"The table function {name} is not allowed in a query.")
        elif kind == "SHOW_REF":
            raise QueryRefused("not_select", "Only a SELECT query is allowed (DESCRIBE, SHOW and SUMMARIZE are not).")
        if node.get("class") == "FUNCTION":
            _function_check(str(node.get("function_name", "")), extra_forbidden)
        cte_map = node.get("cte_map")
        entries = cte_map.get("map", []) if isinstance(cte_map, dict) else []
        defined = scope
        for entry in entries:
            name = str(entry["key"]).lower()
            body = entry["value"]["query_node"]
            if body.get("type") == "RECURSIVE_CTE_NODE":
                inner = {k: v for k, v in body.items() if k != "right"}
                stack += [(inner, defined), (body.get("right"), defined | {name})]
            else:
                stack.append((body, defined))
            defined = defined | {name}
        stack.extend((value, defined) for key, value in node.items() if key != "cte_map")
    return tables


_parser_lock = threading.Lock()
_parser_connection: list[duckdb.DuckDBPyConnection] = []


def _parser() -> duckdb.DuckDBPyConnection:
    """One in-memory connection, holding nothing, that only parses (opening one costs tens of milliseconds)."""
    if not _parser_connection:
        con = duckdb.connect(":memory:", config={"threads": 1, "python_enable_replacements": False})
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        _parser_connection.append(con)
    return _parser_connection[0]


def analyse(sql: str, *, max_chars: int = MAX_SQL_CHARS, extra_forbidden: frozenset[str] = frozenset()) -> Analysis:
    """Read ``sql`` with DuckDB's parser and refuse what the rules refuse (every code but ``unknown_table`` and
    ``timeout``, which need the grants and the run). Used by both engines."""
    if len(sql) > max_chars:
        raise QueryRefused("too_large", f"The query is longer than {max_chars} characters.")
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as error:
        raise QueryRefused("syntax", _first_line(error)) from None
    if not statements:
        raise QueryRefused("syntax", "The query is empty.")
    if len(statements) > 1:
        raise QueryRefused("several", "A query is one statement; this one has several.")
    if statements[0].type != duckdb.StatementType.SELECT:
        raise QueryRefused("not_select", "Only a SELECT query is allowed.")
    try:
        with _parser_lock:
            serialised = _parser().execute("SELECT json_serialize_sql(?::VARCHAR)", [sql]).fetchone()
    except duckdb.Error as error:
        raise QueryRefused("syntax", _first_line(error)) from None
    try:
        tree = json.loads(serialised[0] if serialised else "{}")
    except RecursionError:
        raise QueryRefused("too_large", "The query is nested too deeply.") from None
    if tree.get("error"):
        raise QueryRefused("syntax", str(tree.get("error_message", "The query could not be read.")))
    if len(tree.get("statements", [])) != 1:
        raise QueryRefused("several", "A query is one statement; this one has several.")
    tables = _walk(tree["statements"][0], extra_forbidden)
    return Analysis(tables=tuple(sorted(tables, key=lambda t: t.start)))


def tables_named(sql: str) -> set[str]:
    """The tables ``sql`` reads, as ``database.table`` (lower case; CTE names left out). Raises :class:`QueryRefused`
    for SQL the engine would refuse before looking at the grants."""
    return analyse(sql).names


def grants_check(analysis: Analysis, granted: Iterable[str]) -> None:
    """Refuse a table that is not among the grants, naming it."""
    allowed = {name.lower() for name in granted}
    unknown = sorted(analysis.names - allowed)
    if unknown:
        raise QueryRefused("unknown_table", f"No such table among those you may read: {', '.join(unknown)}.")


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _open(
    grants: list[Grant], *, memory: str, threads: int, temp_directory: str | None
) -> tuple[duckdb.DuckDBPyConnection, contextlib.ExitStack]:
    """A new connection holding only the grants' masked views, external access off, configuration locked; and what
    closes it (the connection, then its spill folder)."""
    stack = contextlib.ExitStack()
    try:
        spill = temp_directory or stack.enter_context(tempfile.TemporaryDirectory(prefix="smartgov-duckdb-"))
        config: dict[str, str | bool | int | float | list[str]] = {
            "memory_limit": memory,
            "threads": threads,
            "temp_directory": spill,
            "python_enable_replacements": False,
            "autoload_known_extensions": False,
            "autoinstall_known_extensions": False,
            "allow_community_extensions": False,
        }
        con = duckdb.connect(":memory:", config=config)
        stack.callback(con.close)
        con.execute("SET TimeZone = 'UTC'")
        schemas: set[str] = set()
        opened: list[str] = []
        for grant in grants:
            database, table = (p.lower() for p in grant.name.split("."))
            if database not in schemas:
                con.execute(f"CREATE SCHEMA {_quote(database)}")
                schemas.add(database)
            paths = _local_paths(grant.files)
            if paths:
                relation = con.read_parquet(paths, union_by_name=_schemas_differ(paths))
                opened += paths
            else:
                relation = con.from_arrow(grant.dataset)
            masked = {m.lower() for m in grant.masked}
            shown = [c for c in relation.columns if c.lower() in masked]
            if shown:
                replaced = ", ".join(f"'***'::VARCHAR AS {_quote(c)}" for c in shown)
                relation = relation.project(f"* REPLACE ({replaced})")
            # The relation view holds the masked projection only: no name in the connection reaches the raw data.
            hidden = f"grant_{secrets.token_hex(8)}"
            relation.create_view(hidden)
            view = f"CREATE VIEW {_quote(database)}.{_quote(table)} AS SELECT * FROM {_quote(hidden)}"  # noqa: S608  # nosec B608  # quoted identifiers, checked by Grant
            con.execute(view)
        if opened:
            # The grants' own files stay readable to their views; nothing else is, once external access is off.
            con.execute("SET allowed_paths = ?", [opened])
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    except BaseException:
        stack.close()
        raise
    return con, stack


class _Pool:
    """Governed connections kept between queries, keyed by all they hold: each grant's name, Parquet files and
    masked columns, and the limits. Only grants over local files are kept (a version's files never change, so the
    same key is the same data); a query on object storage gets a connection of its own, closed after it.

    Why: opening a connection and its views costs tens of milliseconds, and a kept one also keeps DuckDB's cache of
    the files it read (within its memory limit), so the same query again on the same version runs in about two
    thirds of the time (docs/benchmarks.md, "Warehouse query"). Safe because a kept connection holds nothing but its
    grants' views, its configuration is locked, and the engine runs only a single SELECT on it, which changes no
    state another query could see. A connection serves one query at a time (taken out while used); one that timed
    out or failed is closed, not kept. At most ``size`` idle connections (the least recently used closed first),
    each bounded by its memory limit; none survive a fork."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._idle: OrderedDict[tuple[Any, ...], list[tuple[duckdb.DuckDBPyConnection, contextlib.ExitStack]]]
        self._idle = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(grants: list[Grant], limits: tuple[Any, ...]) -> tuple[Any, ...] | None:
        if not all(_local_paths(g.files) for g in grants):
            return None
        return (tuple((g.name.lower(), g.files, tuple(sorted(m.lower() for m in g.masked))) for g in grants), limits)

    def take(self, key: tuple[Any, ...]) -> tuple[duckdb.DuckDBPyConnection, contextlib.ExitStack] | None:
        with self._lock:
            idle = self._idle.get(key)
            if not idle:
                return None
            found = idle.pop()
            if not idle:
                del self._idle[key]
            return found

    def give_back(self, key: tuple[Any, ...], held: tuple[duckdb.DuckDBPyConnection, contextlib.ExitStack]) -> None:
        closing = []
        with self._lock:
            self._idle.setdefault(key, []).append(held)
            self._idle.move_to_end(key)
            while sum(len(v) for v in self._idle.values()) > self.size:
                oldest = next(iter(self._idle))
                closing.append(self._idle[oldest].pop(0))
                if not self._idle[oldest]:
                    del self._idle[oldest]
        for _, stack in closing:
            stack.close()

    def clear(self, *, close: bool = True) -> None:
        with self._lock:
            held = [h for idle in self._idle.values() for h in idle]
            self._idle.clear()
        if close:
            for _, stack in held:
                stack.close()


#: Idle governed connections kept (``configure_pool``; the app sets ``WAREHOUSE_QUERY_CONNECTIONS``).
_pool = _Pool(size=4)
os.register_at_fork(after_in_child=lambda: _pool.clear(close=False))


def configure_pool(size: int) -> None:
    """Keep at most ``size`` idle governed connections (0: none; every query opens its own). Cheap when unchanged."""
    size = max(size, 0)
    if size != _pool.size:
        _pool.clear()
        _pool.size = size


@contextlib.contextmanager
def _connection(
    grants: list[Grant], *, memory: str, threads: int, temp_directory: str | None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A governed connection for one query: a kept one with the same grants and limits, or a new one. It is kept
    afterwards only when the query ended normally (``_Deadline`` marks a connection it interrupted)."""
    key = _Pool.key(grants, (memory, threads, temp_directory)) if _pool.size else None
    held = _pool.take(key) if key is not None else None
    if held is None:
        held = _open(grants, memory=memory, threads=threads, temp_directory=temp_directory)
    con, stack = held
    try:
        yield con
    except BaseException:
        _interrupted.discard(id(con))
        stack.close()
        raise
    if key is None or id(con) in _interrupted or not _finished(con):
        _interrupted.discard(id(con))
        stack.close()
    else:
        _pool.give_back(key, held)


def _finished(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the connection is ready for another query: the rest of an answer left unread (rows past the limit) is
    dropped. False when it cannot be."""
    try:
        con.abort()
    except duckdb.Error:
        return False
    return True


#: Connections a deadline interrupted (by id, while they are in use): never kept.
_interrupted: set[int] = set()


def _schemas_differ(paths: list[str]) -> bool:
    """Whether the files' columns differ (a table whose schema grew): DuckDB then matches them by name, which costs
    about twice the scan, so only then. Reads each file's footer."""
    first = pq.read_schema(paths[0])
    return any(not pq.read_schema(path).equals(first) for path in paths[1:])


def _local_paths(files: tuple[str, ...]) -> list[str]:
    """The files as local paths, or nothing when any of them is elsewhere (object storage goes through pyarrow)."""
    paths = []
    for file in files:
        if "://" in file and not file.startswith("file://"):
            return []
        path = unquote(file.removeprefix("file://"))  # deltalake's file_uris are percent-encoded
        if not path.startswith("/"):
            return []
        paths.append(path)
    return paths


class _Deadline:
    """Interrupts the connection when the time is up; says afterwards whether it did."""

    def __init__(self, con: duckdb.DuckDBPyConnection, seconds: float) -> None:
        self.fired = threading.Event()
        self._con = con
        self._timer = threading.Timer(max(seconds, 0.0), self._stop)
        self._timer.daemon = True

    def _stop(self) -> None:
        self.fired.set()
        _interrupted.add(id(self._con))
        self._con.interrupt()

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        self._timer.join()  # a firing under way has ended: ``fired`` and ``_interrupted`` are final


def _refusal(error: duckdb.Error, deadline: _Deadline, timeout: float) -> QueryRefused:
    if isinstance(error, duckdb.InterruptException) or deadline.fired.is_set():
        return QueryRefused("timeout", f"The query took longer than {timeout:g} seconds and was stopped.")
    if isinstance(error, duckdb.OutOfMemoryException):
        return QueryRefused("too_large", "The query needs more memory than a query may use.")
    if isinstance(error, duckdb.PermissionException):
        return QueryRefused("forbidden_function", "The query tried to reach files, URLs or settings.")
    return QueryRefused("syntax", _first_line(error))


def _prepare(sql: str, grants: list[Grant], max_chars: int) -> None:
    grants_check(analyse(sql, max_chars=max_chars), (g.name for g in grants))


def query_run(
    sql: str,
    grants: list[Grant],
    *,
    max_rows: int,
    timeout: float,
    memory: str = "1GB",
    threads: int = 2,
    temp_directory: str | None = None,
    max_chars: int = MAX_SQL_CHARS,
) -> QueryResult:
    """Run one governed ``SELECT`` over the grants; at most ``max_rows`` rows (``truncated`` says there were more),
    stopped after ``timeout`` seconds. Rows hold Python values (``date``, ``Decimal``, aware ``datetime`` in UTC…)."""
    started = time.perf_counter()
    _prepare(sql, grants, max_chars)
    with _connection(grants, memory=memory, threads=threads, temp_directory=temp_directory) as con:
        with _Deadline(con, timeout) as deadline:
            try:
                con.execute(sql)
                description = con.description or []
                rows = con.fetchmany(max_rows + 1)
            except duckdb.Error as error:
                raise _refusal(error, deadline, timeout) from None
        return QueryResult(
            columns=[str(d[0]) for d in description],
            types=[str(d[1]) for d in description],
            rows=[tuple(r) for r in rows[:max_rows]],
            truncated=len(rows) > max_rows,
            seconds=time.perf_counter() - started,
        )


def query_export(
    sql: str,
    grants: list[Grant],
    *,
    format: ExportFormat,
    target: BinaryIO,
    max_rows: int,
    timeout: float,
    memory: str = "1GB",
    threads: int = 2,
    temp_directory: str | None = None,
    max_chars: int = MAX_SQL_CHARS,
) -> int:
    """Stream the answer of one governed ``SELECT`` into ``target`` as CSV (UTF-8 with a byte-order mark, so Excel
    shows Vietnamese), XLSX or Parquet; at most ``max_rows`` rows. Returns the rows written."""
    if format not in ("csv", "xlsx", "parquet"):
        raise ValueError(f"unknown export format {format!r}")
    _prepare(sql, grants, max_chars)
    with (
        _connection(grants, memory=memory, threads=threads, temp_directory=temp_directory) as con,
        _Deadline(con, timeout) as deadline,
    ):
        try:
            # A relation's reader streams the answer batch by batch (the DB-API result's would copy it whole).
            reader = con.sql(sql).to_arrow_reader(50_000)
            batches = _limited(reader, max_rows)
            if format == "csv":
                return _write_csv(reader.schema, batches, target)
            if format == "xlsx":
                return _write_xlsx(reader.schema, batches, target)
            return _write_parquet(reader.schema, batches, target)
        except duckdb.Error as error:
            raise _refusal(error, deadline, timeout) from None
        except pa.ArrowException as error:
            if deadline.fired.is_set():
                raise QueryRefused("timeout", f"The query took longer than {timeout:g} seconds.") from None
            raise QueryRefused("syntax", _first_line(error)) from None


def _limited(reader: pa.RecordBatchReader, max_rows: int) -> Iterator[pa.RecordBatch]:
    left = max_rows
    for batch in reader:
        if left <= 0:
            return
        if batch.num_rows > left:
            batch = batch.slice(0, left)
        left -= batch.num_rows
        yield batch


def _csv_plain(kind: pa.DataType) -> bool:
    """Types pyarrow's CSV writer writes as they are; any other (lists, structs, intervals…) goes as text."""
    t = pa.types
    return bool(
        t.is_integer(kind) or t.is_floating(kind) or t.is_decimal(kind) or t.is_boolean(kind) or t.is_null(kind)
        or t.is_string(kind) or t.is_large_string(kind) or t.is_date(kind) or t.is_timestamp(kind) or t.is_time(kind)
    )  # fmt: skip


def _csv_column(column: pa.Array) -> pa.Array:
    """Text that a spreadsheet would take for a formula is prefixed with an apostrophe; lists and structs as JSON."""
    if not _csv_plain(column.type):
        values = [None if v is None else json.dumps(v, ensure_ascii=False, default=str) for v in column.to_pylist()]
        column = pa.array(values, pa.string())
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        formula = pc.match_substring_regex(column, _FORMULA_START)
        column = pc.if_else(formula, pc.binary_join_element_wise("'", column, ""), column)
    return column


def _write_csv(schema: pa.Schema, batches: Iterator[pa.RecordBatch], target: BinaryIO) -> int:
    target.write("\ufeff".encode())
    schema = pa.schema([f if _csv_plain(f.type) else pa.field(f.name, pa.string()) for f in schema])
    rows = 0
    with pacsv.CSVWriter(target, schema) as writer:
        for batch in batches:
            columns = [_csv_column(c) for c in batch.columns]
            writer.write_batch(pa.RecordBatch.from_arrays(columns, schema=schema))
            rows += batch.num_rows
    return rows


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, str):
        return _XLSX_ILLEGAL.sub("", value)[:_XLSX_MAX_CHARS]
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(_SHOWN_ZONE).replace(tzinfo=None)
    if value is None or isinstance(value, bool | int | float | Decimal | date | dt_time | timedelta):
        return value
    if isinstance(value, list | dict):
        return _xlsx_value(json.dumps(value, ensure_ascii=False, default=str))
    if isinstance(value, bytes | bytearray):
        return value.hex()
    return _xlsx_value(str(value))


def _write_xlsx(schema: pa.Schema, batches: Iterator[pa.RecordBatch], target: BinaryIO) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("query")

    def text_cell(value: str) -> WriteOnlyCell:
        # Set as a string explicitly: openpyxl would otherwise store a text starting with "=" as a formula.
        cell = WriteOnlyCell(sheet, value=None)
        cell.value = value
        cell.data_type = "s"
        return cell

    sheet.append([text_cell(_xlsx_value(name)) for name in schema.names])
    rows = 0
    for batch in batches:
        for values in zip(*(c.to_pylist() for c in batch.columns), strict=True):
            out = [_xlsx_value(v) for v in values]
            sheet.append([text_cell(v) if isinstance(v, str) else v for v in out])
        rows += batch.num_rows
    book.save(target)
    return rows


def _write_parquet(schema: pa.Schema, batches: Iterator[pa.RecordBatch], target: BinaryIO) -> int:
    rows = 0
    with pq.ParquetWriter(target, schema, compression="zstd") as writer:
        for batch in batches:
            writer.write_batch(batch)
            rows += batch.num_rows
    return rows
