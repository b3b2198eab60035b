"""The governed query on Spark, for a province that outgrows one machine (docs/warehouse.md).

The same SQL and the same refusals as the DuckDB engine (:mod:`.query` reads it with DuckDB's parser first), then one
Spark session of its own per query: a temporary view per grant over the version's Parquet files
(``DeltaTable(uri, version).file_uris()``, so no Delta jar is needed) with the masked columns replaced by ``'***'``,
and the SQL's ``database.table`` names rewritten, at the places DuckDB's parser found them, to those views (Spark's
temporary views cannot be qualified). The Spark session is made once per process, small (``local[1]`` unless a
master is given, no UI, two shuffle partitions, no Hive), and each query gets a ``newSession()`` of it: its own
temporary views and function registry, nothing left from another caller's grants.

Belt and braces on Spark's side: SQL on files (``parquet.`/path```) is off, the functions that reach Java or the
files' paths (``reflect``, ``java_method``, ``input_file_name``…) are refused by the parser check and dropped from
the session's registry, double quotes are identifiers as in DuckDB, and a backslash (which Spark reads as an escape
inside a string and DuckDB does not, so the two parsers would disagree on where a string ends) is refused.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import duckdb

from smartgov.warehouse.engine.query import (
    MAX_SQL_CHARS,
    Analysis,
    QueryRefused,
    QueryResult,
    analyse,
    grants_check,
)

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

#: Spark functions that call Java, reveal the files behind a table or the account Spark runs as.
SPARK_FORBIDDEN_FUNCTIONS = frozenset(
    {
        "reflect",
        "java_method",
        "try_reflect",
        "input_file_name",
        "input_file_block_start",
        "input_file_block_length",
        "current_user",
        "user",
        "session_user",
    }
)
_SPARK_TYPES = {
    "string": "VARCHAR",
    "bigint": "BIGINT",
    "int": "INTEGER",
    "smallint": "SMALLINT",
    "tinyint": "TINYINT",
    "double": "DOUBLE",
    "float": "FLOAT",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP WITH TIME ZONE",
    "timestamp_ntz": "TIMESTAMP",
    "binary": "BLOB",
}

_lock = threading.Lock()
_root: SparkSession | None = None


@dataclass(frozen=True)
class SparkGrant:
    """A table the caller may read on Spark: its name in SQL, the Parquet files of the version, the masked columns."""

    name: str
    file_uris: list[str]
    masked: frozenset[str] = field(default_factory=frozenset)


def spark_session(master: str = "local[1]") -> SparkSession:
    """The process's Spark session, made on first use (the JVM starts once; ``master`` counts only then)."""
    global _root
    with _lock:
        if _root is None:
            from pyspark.sql import SparkSession

            # py4j says at INFO when each of its connections closes, down to the interpreter's exit.
            logging.getLogger("py4j").setLevel(logging.WARNING)
            _root = (
                SparkSession.builder.master(master)
                .appName("smartgov-warehouse")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.catalogImplementation", "in-memory")
                .config("spark.sql.runSQLOnFiles", "false")
                .config("spark.sql.ansi.enabled", "true")
                .config("spark.sql.ansi.doubleQuotedIdentifiers", "true")
                .config("spark.sql.scripting.enabled", "false")
                .config("spark.sql.session.timeZone", "UTC")
                .getOrCreate()
            )
            _root.sparkContext.setLogLevel("FATAL")
        return _root


def spark_stop() -> None:
    """Stop the process's Spark session (the JVM's work ends; the next query starts a new one)."""
    global _root
    with _lock:
        if _root is not None:
            _root.stop()
            _root = None


def _drop_forbidden(session: SparkSession) -> None:
    """Remove the forbidden functions from this session's registry (a copy of the built-in one)."""
    jvm: Any = session._jvm
    registry = session._jsparkSession.sessionState().functionRegistry()
    some = jvm.scala.Some
    for name in sorted(SPARK_FORBIDDEN_FUNCTIONS):
        identifier = jvm.org.apache.spark.sql.catalyst.FunctionIdentifier.apply(name, some("builtin"), some("system"))
        dropped = registry.dropFunction(identifier)
        if not dropped and name in ("reflect", "java_method"):
            # A Spark whose registry names its built-ins otherwise: refuse to run rather than run with Java reachable.
            raise RuntimeError(f"could not remove the Spark function {name} from the query's session")


def rewrite_names(sql: str, analysis: Analysis, views: dict[str, str]) -> str:
    """``sql`` with each table name DuckDB's parser found replaced by its view (kept as an alias when it had none).

    Positions are byte offsets in the UTF-8 SQL; a name spans its parts and the dots between them, token by token."""
    raw = sql.encode()
    tokens = [position for position, _ in duckdb.tokenize(sql)]
    pieces: list[bytes] = []
    done = 0
    for table in analysis.tables:
        index = tokens.index(table.start)
        last = index + 2 * len(table.parts) - 2
        end = tokens[last + 1] if last + 1 < len(tokens) else len(raw)
        while end > table.start and raw[end - 1 : end].isspace():
            end -= 1
        replacement = f"`{views[table.name]}`"
        if not table.aliased:
            replacement += " AS `" + table.parts[-1].replace("`", "``") + "`"
        pieces += [raw[done : table.start], replacement.encode()]
        done = end
    pieces.append(raw[done:])
    return b"".join(pieces).decode()


def _view(session: SparkSession, grant: SparkGrant) -> DataFrame:
    from pyspark.sql import functions as F

    # deltalake's local file URIs are percent-encoded paths; Spark (Hadoop's Path) wants them as they are on disk.
    paths = [
        unquote(u.removeprefix("file://")) if "://" not in u or u.startswith("file://") else u for u in grant.file_uris
    ]
    frame = session.read.parquet(*paths)
    masked = {m.lower() for m in grant.masked}
    columns = [
        F.lit("***").cast("string").alias(name) if name.lower() in masked else F.col(f"`{name}`")
        for name in frame.columns
    ]
    return frame.select(*columns)


def _value(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.astimezone(UTC)  # PySpark hands timestamps back in the process's local time
    if hasattr(value, "asDict"):
        return value.asDict(recursive=True)
    return value


def _type_name(spark_type: str) -> str:
    if spark_type.startswith("decimal"):
        return spark_type.upper().replace(" ", "")
    return _SPARK_TYPES.get(spark_type, spark_type.upper())


def spark_query_run(
    sql: str,
    grants: list[SparkGrant],
    *,
    max_rows: int,
    timeout: float,
    master: str = "local[1]",
    max_chars: int = MAX_SQL_CHARS,
) -> QueryResult:
    """Run one governed ``SELECT`` on Spark; the same checks, answer and refusals as :func:`.query.query_run`."""
    started = time.perf_counter()
    analysis = analyse(sql, max_chars=max_chars, extra_forbidden=SPARK_FORBIDDEN_FUNCTIONS)
    grants_check(analysis, (g.name for g in grants))
    if "\\" in sql:
        raise QueryRefused("syntax", "A backslash is not accepted in a query run on Spark.")
    root = spark_session(master)
    session = root.newSession()
    _drop_forbidden(session)
    context = root.sparkContext
    group = f"smartgov-{secrets.token_hex(8)}"
    finished = threading.Event()
    fired = threading.Event()

    def cancel() -> None:
        # A job started after one cancel is cancelled by the next: keep cancelling until the query returns.
        if finished.wait(max(timeout, 0.0)):
            return
        fired.set()
        while not finished.is_set():
            context.cancelJobGroup(group)
            finished.wait(0.2)

    views: dict[str, str] = {}
    watchdog = threading.Thread(target=cancel, daemon=True)
    context.setJobGroup(group, "warehouse query", interruptOnCancel=True)
    watchdog.start()
    try:
        named = analysis.names
        for grant in grants:
            if grant.name.lower() in named:
                views[grant.name.lower()] = f"g_{secrets.token_hex(8)}"
                _view(session, grant).createOrReplaceTempView(views[grant.name.lower()])
        frame = session.sql(rewrite_names(sql, analysis, views))
        fields = frame.schema.fields
        rows = frame.limit(max_rows + 1).collect()
    except Exception as error:
        if fired.is_set():
            raise QueryRefused("timeout", f"The query took longer than {timeout:g} seconds and was stopped.") from None
        if type(error).__module__.startswith(("pyspark", "py4j")):
            message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise QueryRefused("syntax", message[:500]) from None
        raise
    finally:
        finished.set()
        context.setLocalProperty("spark.jobGroup.id", None)  # type: ignore[arg-type]
        for name in views.values():
            session.catalog.dropTempView(name)
    return QueryResult(
        columns=[f.name for f in fields],
        types=[_type_name(f.dataType.simpleString()) for f in fields],
        rows=[tuple(_value(v) for v in row) for row in rows[:max_rows]],
        truncated=len(rows) > max_rows,
        seconds=time.perf_counter() - started,
    )
