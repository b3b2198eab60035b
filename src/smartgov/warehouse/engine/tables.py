"""Delta Lake versions of the warehouse's tables (through deltalake / delta-rs): write, history, read, restore.

Every accepted load is one version: a transaction-log entry over immutable Parquet files. Writes stream a
``pyarrow.RecordBatchReader`` (a 10-million-row load never sits in memory); a crash leaves no version.

The Parquet files are written by pyarrow and committed by deltalake's transaction API (``create_write_transaction``,
``create_table_with_add_actions``), with the statistics readers skip files by: the way delta-rs's own former
"pyarrow engine" wrote. delta-rs's writer encodes on one thread at about a third of pyarrow's speed, and chooses no
encoding per column: it was 6.5 of a 10-million-row load's 8.6 seconds (docs/benchmarks.md, "Warehouse ingest").
"""

from __future__ import annotations

import contextlib
import json
import math
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pyarrow.parquet as pq
from deltalake import CommitProperties, DeltaTable
from deltalake import Schema as DeltaSchema
from deltalake.exceptions import DeltaError, TableNotFoundError
from deltalake.transaction import AddAction, RemoveAction, create_table_with_add_actions

from smartgov.warehouse.engine.errors import IngestError
from smartgov.warehouse.engine.storage import Storage

#: Keys delta-rs itself writes into a commit's info; everything else in it is our metadata.
_OWN_KEYS = {
    "timestamp",
    "operation",
    "operationParameters",
    "operationMetrics",
    "clientVersion",
    "version",
    "readVersion",
    "isBlindAppend",
    "engineInfo",
    "userMetadata",
}
#: The commit-info key holding the rows a write added (a transaction of our own files has no operation metrics).
ROWS_KEY = "smartgovRowsAdded"
_OWN_KEYS.add(ROWS_KEY)


#: A file is closed once it holds this much (compressed); its row groups are written as they fill, so memory holds
#: one row group, not one file.
TARGET_FILE_BYTES = 64 * 1024 * 1024
#: Rows per row group: what DuckDB and Spark split a scan on.
ROW_GROUP_ROWS = 64 * 1024
#: Strings longer than this get no minimum/maximum in a file's statistics (a cut maximum would be wrong).
_STATS_CHARS = 32


@dataclass
class VersionInfo:
    version: int
    at: datetime
    operation: str
    rows: int | None
    metadata: dict[str, str]


def table_exists(storage: Storage, key: str) -> bool:
    """Whether the table has a version. (Not ``DeltaTable.is_deltatable``: delta-rs 1.6 holds the GIL while it waits
    for the storage there, which stalls every other thread of the process, an in-process S3 server's included.)"""
    try:
        DeltaTable(storage.table_uri(key), storage_options=storage.options or None)
    except TableNotFoundError:
        return False
    return True


def _table(storage: Storage, key: str, version: int | None = None) -> DeltaTable:
    try:
        return DeltaTable(storage.table_uri(key), version=version, storage_options=storage.options or None)
    except TableNotFoundError:
        raise IngestError("no_table", f"The table {key} has no data yet.") from None
    except DeltaError as error:
        if version is not None:
            raise IngestError("no_version", f"The table {key} has no version {version}.") from error
        raise


def version_write(
    storage: Storage,
    key: str,
    batches: pa.RecordBatchReader,
    *,
    mode: Literal["overwrite", "append"],
    metadata: dict[str, str],
) -> int:
    """Stream ``batches`` into a new version of the table (made on the first write); its number.

    ``overwrite`` replaces the rows (and the columns, when they changed: the previous versions keep theirs);
    ``append`` adds rows to the current version and needs the same columns. ``metadata`` goes into the commit. The
    batches are pulled on the calling thread. Files written before a failure are removed; no version is made."""
    if mode not in ("overwrite", "append"):
        raise IngestError("mode", f"A load replaces (overwrite) or adds (append) rows, not {mode!r}.")
    uri = storage.table_uri(key)
    try:
        table: DeltaTable | None = DeltaTable(uri, storage_options=storage.options or None)
    except TableNotFoundError:
        table = None
    schema = batches.schema
    if table is not None and mode == "append":
        _same_columns(key, pa.schema(table.schema().to_arrow()), schema)
    fs, root = storage.filesystem(), storage.path_of(uri)
    fs.create_dir(root, recursive=True)
    written: list[str] = []
    try:
        actions = list(_files_written(fs, root, schema, batches, written))
        rows = sum(json.loads(a.stats)["numRecords"] for a in actions)
        custom = {str(k): str(v) for k, v in metadata.items()} | {ROWS_KEY: str(rows)}
        commit = CommitProperties(custom_metadata=custom)
        if table is None:
            create_table_with_add_actions(
                uri, DeltaSchema.from_arrow(schema), actions, mode="error",
                storage_options=storage.options or None, commit_properties=commit,
            )  # fmt: skip
        else:
            changes: list[AddAction | RemoveAction] = list(actions)
            table.create_write_transaction(changes, mode=mode, schema=schema, commit_properties=commit)
    except BaseException:
        for path in written:
            with contextlib.suppress(OSError):  # nothing refers to it; a vacuum removes it later
                fs.delete_file(path)
        raise
    return int(_table(storage, key).version())


def _same_columns(key: str, current: pa.Schema, given: pa.Schema) -> None:
    def described(schema: pa.Schema) -> list[tuple[str, str]]:
        return [(f.name, str(DeltaSchema.from_arrow(pa.schema([f])).fields[0].type)) for f in schema]

    if described(current) != described(given):
        raise IngestError(
            "schema",
            f"The table {key} has the columns {', '.join(current.names)}; the rows have {', '.join(given.names)}.",
        )


def _files_written(
    fs: pafs.FileSystem, root: str, schema: pa.Schema, batches: pa.RecordBatchReader, written: list[str]
) -> Iterator[AddAction]:
    """Parquet files of ``TARGET_FILE_BYTES`` in the rows' order, one row group of ``ROW_GROUP_ROWS`` at a time; an
    add action (with statistics) for each. ``written`` receives each file's path as soon as it exists."""
    pending: list[pa.RecordBatch] = []
    held = 0
    current: tuple[str, pa.NativeFile, pq.ParquetWriter] | None = None
    part = 0

    def flush() -> None:
        nonlocal current, pending, held, part
        group = pa.Table.from_batches(pending, schema=schema)
        pending, held = [], 0
        if current is None:
            name = f"part-{part:05d}-{uuid.uuid4()}-c000.snappy.parquet"
            path = f"{root}/{name}"
            part += 1
            stream = fs.open_output_stream(path)
            written.append(path)
            options = _encodings(group)
            current = (path, stream, pq.ParquetWriter(stream, schema, compression="snappy", **options))
        current[2].write_table(group, row_group_size=ROW_GROUP_ROWS)

    def close() -> AddAction:
        nonlocal current
        if current is None:
            raise RuntimeError("no file is open")
        path, stream, writer = current
        current = None
        writer.close()
        stream.close()
        info = fs.get_file_info(path)
        meta = pq.read_metadata(path, filesystem=fs)
        return AddAction(
            path.rsplit("/", 1)[1], int(info.size), {}, int(time.time() * 1000), True, json.dumps(_stats(meta, schema))
        )

    try:
        for batch in batches:
            if not batch.num_rows:
                continue
            pending.append(batch)
            held += batch.num_rows
            if held >= ROW_GROUP_ROWS:
                flush()
                if current is not None and current[1].tell() >= TARGET_FILE_BYTES:
                    yield close()
        if pending:
            flush()
        if current is not None:
            yield close()
    finally:
        if current is not None:  # a failure: the open file is closed (the caller deletes it)
            with contextlib.suppress(Exception):
                current[2].close()
            with contextlib.suppress(Exception):
                current[1].close()


def _encodings(group: pa.Table) -> dict[str, Any]:
    """Dictionary encoding only for the columns whose first row group repeats its values (codes, names, dates):
    a column of unique values (personal ids) would build a dictionary per row group only to give it up, the costliest
    part of writing it. Statistics are kept for every column."""
    dictionary = [
        f.name
        for f, column in zip(group.schema, group.columns, strict=True)
        if pc.count_distinct(column, mode="all").as_py() * 2 <= max(len(column), 1)
    ]
    return {"use_dictionary": dictionary}


def _stats(meta: pq.FileMetaData, schema: pa.Schema) -> dict[str, Any]:
    """Delta's per-file statistics from the Parquet footer: rows, and each column's nulls, minimum and maximum."""
    minimum: dict[str, Any] = {}
    maximum: dict[str, Any] = {}
    nulls: dict[str, int] = {}
    for index, item in enumerate(schema):
        lows, highs, count, known = [], [], 0, True
        for group in range(meta.num_row_groups):
            statistics = meta.row_group(group).column(index).statistics
            if statistics is None or not statistics.has_null_count:
                known = False
                break
            count += statistics.null_count
            if statistics.has_min_max:
                lows.append(statistics.min)
                highs.append(statistics.max)
        if not known:
            continue
        nulls[item.name] = count
        if not lows:
            continue
        low, high = _stat_value(min(lows), item.type, "min"), _stat_value(max(highs), item.type, "max")
        if low is not None and high is not None:
            minimum[item.name], maximum[item.name] = low, high
    return {"numRecords": meta.num_rows, "minValues": minimum, "maxValues": maximum, "nullCount": nulls}


def _stat_value(value: Any, kind: pa.DataType, end: Literal["min", "max"]) -> Any:
    """A bound as Delta writes it, or None where none is kept (booleans, long strings, NaN)."""
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return value if isinstance(value, str) and len(value) <= _STATS_CHARS else None
    if pa.types.is_integer(kind):
        return int(value)
    if pa.types.is_floating(kind):
        return float(value) if math.isfinite(value) else None
    if pa.types.is_date(kind) and isinstance(value, date):
        return value.isoformat()
    if pa.types.is_timestamp(kind) and isinstance(value, datetime):
        # milliseconds in UTC; a maximum is rounded up so it stays a bound
        value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        floor = value.replace(microsecond=value.microsecond // 1000 * 1000)
        if end == "max" and floor != value:
            floor += timedelta(milliseconds=1)
        return floor.strftime("%Y-%m-%dT%H:%M:%S.") + f"{floor.microsecond // 1000:03d}Z"
    return None


def _rows(entry: dict[str, Any]) -> int | None:
    if ROWS_KEY in entry:
        return int(entry[ROWS_KEY])
    metrics = entry.get("operationMetrics") or {}
    for name in ("num_added_rows", "numOutputRows", "num_output_rows"):
        if name in metrics:
            return int(metrics[name])
    return None


def versions(storage: Storage, key: str) -> list[VersionInfo]:
    """The table's history, newest first: when, which operation, rows added (None when the log does not say),
    and the metadata each commit was given."""
    history = _table(storage, key).history()
    found = []
    for entry in history:
        metadata = {str(k): str(v) for k, v in entry.items() if k not in _OWN_KEYS}
        found.append(
            VersionInfo(
                version=int(entry["version"]),
                at=datetime.fromtimestamp(int(entry["timestamp"]) / 1000, tz=UTC),
                operation=str(entry.get("operation", "")),
                rows=_rows(entry),
                metadata=metadata,
            )
        )
    return sorted(found, key=lambda v: v.version, reverse=True)


def dataset(storage: Storage, key: str, version: int | None = None) -> ds.Dataset:
    """A version (the current one by default) as a pyarrow dataset: DuckDB and Polars read it with pushdown."""
    return _table(storage, key, version).to_pyarrow_dataset()


def file_uris(storage: Storage, key: str, version: int | None = None) -> list[str]:
    """The Parquet files of a version (what Spark reads without the Delta jars)."""
    return [str(uri) for uri in _table(storage, key, version).file_uris()]


def version_restore(storage: Storage, key: str, version: int, *, metadata: dict[str, str]) -> int:
    """A new version whose rows are those of ``version`` (nothing is lost: the versions between stay readable)."""
    table = _table(storage, key)
    current = int(table.version())
    if not 0 <= version <= current:
        raise IngestError("no_version", f"The table {key} has no version {version}.")
    if version == current:
        raise IngestError("restore_current", f"Version {version} is already the current version of {key}.")
    table.restore(
        version, commit_properties=CommitProperties(custom_metadata={str(k): str(v) for k, v in metadata.items()})
    )
    return int(_table(storage, key).version())
