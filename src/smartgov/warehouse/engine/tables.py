"""Delta Lake versions of the warehouse's tables (through deltalake / delta-rs): write, history, read, restore.

Every accepted load is one version: a transaction-log entry over immutable Parquet files. Writes stream a
``pyarrow.RecordBatchReader`` (a 10-million-row load never sits in memory); a crash leaves no version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import pyarrow as pa
import pyarrow.dataset as ds
from deltalake import CommitProperties, DeltaTable, WriterProperties, write_deltalake
from deltalake.exceptions import DeltaError, TableNotFoundError

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


TARGET_FILE_BYTES = 32 * 1024 * 1024
ROW_GROUP_ROWS = 64 * 1024


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
    ``append`` adds rows to the current version and needs the same columns. ``metadata`` goes into the commit."""
    if mode not in ("overwrite", "append"):
        raise IngestError("mode", f"A load replaces (overwrite) or adds (append) rows, not {mode!r}.")
    write_deltalake(
        storage.table_uri(key),
        batches,
        mode=mode,
        schema_mode="overwrite" if mode == "overwrite" else None,
        storage_options=storage.options or None,
        # the writer holds a file's row groups in memory until the file is full: 32 MiB files of 64 Ki-row groups
        # keep a load's memory flat whatever its size (and read well: DuckDB and Spark split on row groups)
        target_file_size=TARGET_FILE_BYTES,
        writer_properties=WriterProperties(max_row_group_size=ROW_GROUP_ROWS),
        commit_properties=CommitProperties(custom_metadata={str(k): str(v) for k, v in metadata.items()}),
    )
    return int(_table(storage, key).version())


def _rows(entry: dict[str, Any]) -> int | None:
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
