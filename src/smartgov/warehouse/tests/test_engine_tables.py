"""Delta versions: write, history, time travel, restore; on a local folder and on S3 (moto)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from deltalake import DeltaTable

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
        (0, "CREATE TABLE", 2, {"run": "r0"}),
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


def test_files_roll_keep_the_rows_order_and_carry_statistics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "ROW_GROUP_ROWS", 1000)
    monkeypatch.setattr(tables, "TARGET_FILE_BYTES", 1)  # every row group closes its file
    storage = Storage(tmp_path.as_uri())
    schema = pa.schema(
        [("ma", pa.string()), ("n", pa.int64()), ("ngay", pa.date32()), ("luc", pa.timestamp("us", tz="UTC")),
         ("ty_le", pa.float64()), ("co", pa.bool_()), ("ghi_chu", pa.string())]
    )  # fmt: skip
    rows = 3500
    batches = [
        pa.record_batch(
            [
                pa.array([f"{i:05d}" for i in range(start, start + 500)]),
                pa.array(range(start, start + 500), pa.int64()),
                pc.cast(pa.array(range(start, start + 500), pa.int32()), pa.date32()),
                pa.array([i * 1_000_001 for i in range(start, start + 500)], pa.timestamp("us", tz="UTC")),
                pa.array([i / 2 for i in range(start, start + 500)]),
                pa.array([i % 2 == 0 for i in range(start, start + 500)]),
                pa.array(["x" * 40 if i % 7 else None for i in range(start, start + 500)]),
            ],
            schema=schema,
        )
        for start in range(0, rows, 500)
    ]
    tables.version_write(
        storage, "a/b", pa.RecordBatchReader.from_batches(schema, batches), mode="overwrite", metadata={}
    )
    assert tables.dataset(storage, "a/b").to_table()["n"].to_pylist() == list(range(rows))
    table = DeltaTable(storage.table_uri("a/b"))
    actions = pa.table(table.get_add_actions(flatten=True)).to_pydict()
    assert actions["num_records"] == [1000, 1000, 1000, 500]
    assert actions["min.n"] == [0, 1000, 2000, 3000] and actions["max.n"] == [999, 1999, 2999, 3499]
    assert actions["min.ma"][1] == "01000" and actions["max.ma"][3] == "03499"
    assert [str(d) for d in actions["min.ngay"][:2]] == ["1970-01-01", "1972-09-27"]
    nulls = [sum(1 for i in range(s, min(s + 1000, rows)) if i % 7 == 0) for s in range(0, rows, 1000)]
    assert actions["null_count.ghi_chu"] == nulls
    # 40 characters: no bound is kept rather than a cut, wrong one; no bounds for booleans
    assert set(actions.get("max.ghi_chu", [None])) == {None} and set(actions.get("max.co", [None])) == {None}
    # the maximum timestamp is rounded up to the millisecond, so it stays a bound
    assert actions["max.luc"][0] >= datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=999 * 1_000_001)
    # readers skip files by these statistics
    skipped = DeltaTable(storage.table_uri("a/b")).file_uris(file_pruning_predicate="n >= 3000")
    assert len(skipped) == 1
    assert tables.versions(storage, "a/b")[0].rows == rows


def test_a_failed_write_leaves_no_version_and_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "ROW_GROUP_ROWS", 1)
    storage = Storage(tmp_path.as_uri())
    tables.version_write(storage, "a/b", _reader([("1", 1)]), mode="overwrite", metadata={})

    def broken() -> Iterator[pa.RecordBatch]:
        yield from _reader([("2", 2), ("3", 3)])
        raise RuntimeError("the source failed")

    with pytest.raises(RuntimeError):
        tables.version_write(
            storage, "a/b", pa.RecordBatchReader.from_batches(SCHEMA, broken()), mode="append", metadata={}
        )
    assert [v.version for v in tables.versions(storage, "a/b")] == [0]
    assert len(list((tmp_path / "tables" / "a" / "b").glob("*.parquet"))) == 1


def test_an_append_with_other_columns_is_refused(tmp_path: Path) -> None:
    storage = Storage(tmp_path.as_uri())
    tables.version_write(storage, "a/b", _reader([("1", 1)]), mode="overwrite", metadata={})
    other = pa.schema([("ma_xa", pa.string()), ("dan_so", pa.string())])
    batch = pa.record_batch([pa.array(["2"]), pa.array(["x"])], schema=other)
    with pytest.raises(IngestError) as refused:
        tables.version_write(
            storage, "a/b", pa.RecordBatchReader.from_batches(other, [batch]), mode="append", metadata={}
        )
    assert refused.value.code == "schema"
    # an overwrite may change the columns; the earlier version keeps its own
    tables.version_write(storage, "a/b", pa.RecordBatchReader.from_batches(other, [batch]), mode="overwrite",
                         metadata={})  # fmt: skip
    assert tables.dataset(storage, "a/b").schema.field("dan_so").type == pa.string()
    assert tables.dataset(storage, "a/b", 0).schema.field("dan_so").type == pa.int64()
