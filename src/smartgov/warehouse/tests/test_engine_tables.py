"""Delta versions: write, history, time travel, restore; on a local folder and on S3 (moto)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pytest

from smartgov.warehouse.engine import tables
from smartgov.warehouse.engine.errors import IngestError
from smartgov.warehouse.engine.storage import Storage

SCHEMA = pa.schema([("ma_xa", pa.string()), ("dan_so", pa.int64())])


def _reader(rows: list[tuple[str, int]]) -> pa.RecordBatchReader:
    batch = pa.record_batch(
        [pa.array([r[0] for r in rows], pa.string()), pa.array([r[1] for r in rows], pa.int64())], schema=SCHEMA
    )
    return pa.RecordBatchReader.from_batches(SCHEMA, [batch])


def _life(storage: Storage) -> None:
    key = "dan_cu/xa"
    assert not tables.table_exists(storage, key)
    assert (
        tables.version_write(
            storage, key, _reader([("00004", 10), ("00007", 20)]), mode="overwrite", metadata={"run": "r0"}
        )
        == 0
    )
    assert tables.table_exists(storage, key)
    assert tables.version_write(storage, key, _reader([("00010", 5)]), mode="append", metadata={"run": "r1"}) == 1
    assert tables.version_write(storage, key, _reader([("00013", 1)]), mode="overwrite", metadata={"run": "r2"}) == 2

    history = tables.versions(storage, key)
    assert [(v.version, v.operation, v.rows, v.metadata) for v in history] == [
        (2, "WRITE", 1, {"run": "r2"}),
        (1, "WRITE", 1, {"run": "r1"}),
        (0, "WRITE", 2, {"run": "r0"}),
    ]
    assert history[0].at >= history[-1].at and history[0].at.tzinfo is not None

    assert sorted(tables.dataset(storage, key, 1).to_table()["ma_xa"].to_pylist()) == ["00004", "00007", "00010"]
    assert tables.dataset(storage, key).to_table()["ma_xa"].to_pylist() == ["00013"]

    assert tables.version_restore(storage, key, 1, metadata={"run": "r3", "by": "steward"}) == 3
    assert sorted(tables.dataset(storage, key).to_table()["dan_so"].to_pylist()) == [5, 10, 20]
    newest = tables.versions(storage, key)[0]
    assert (newest.version, newest.operation, newest.metadata) == (3, "RESTORE", {"run": "r3", "by": "steward"})
    assert tables.dataset(storage, key, 2).to_table().num_rows == 1  # the version restored over is kept

    uris = tables.file_uris(storage, key, 1)
    assert len(uris) == 2 and all(u.endswith(".parquet") for u in uris)


def test_versions_on_a_local_folder(tmp_path: Path) -> None:
    _life(Storage(tmp_path.as_uri()))


def test_versions_on_s3(s3_storage: Storage) -> None:
    _life(s3_storage)


def test_restore_of_a_missing_or_current_version_is_refused(tmp_path: Path) -> None:
    storage = Storage(tmp_path.as_uri())
    with pytest.raises(IngestError) as missing_table:
        tables.version_restore(storage, "a/b", 0, metadata={})
    assert missing_table.value.code == "no_table"
    tables.version_write(storage, "a/b", _reader([("1", 1)]), mode="overwrite", metadata={})
    for version, code in ((5, "no_version"), (-1, "no_version"), (0, "restore_current")):
        with pytest.raises(IngestError) as refused:
            tables.version_restore(storage, "a/b", version, metadata={})
        assert refused.value.code == code
    with pytest.raises(IngestError) as no_version:
        tables.dataset(storage, "a/b", 7)
    assert no_version.value.code == "no_version"


def test_polars_and_duckdb_read_a_version(tmp_path: Path) -> None:
    storage = Storage(tmp_path.as_uri())
    tables.version_write(storage, "a/b", _reader([("00004", 10), ("00007", 20)]), mode="overwrite", metadata={})
    tables.version_write(storage, "a/b", _reader([("00010", 5)]), mode="append", metadata={})
    frame = pl.scan_delta(storage.table_uri("a/b"), version=0).collect()
    assert sorted(frame["dan_so"].to_list()) == [10, 20]
    assert pl.read_parquet(tables.file_uris(storage, "a/b")).height == 3
    data = tables.dataset(storage, "a/b")  # noqa: F841  (DuckDB finds it by its name)
    assert duckdb.execute("SELECT sum(dan_so) FROM data").fetchall() == [(35,)]
