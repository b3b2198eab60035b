"""The warehouse's governed query: DuckDB over a Delta table (``query_run``) against PostgreSQL on the same rows.

The same generated dossier-like rows (agency code, procedure code, status, channel, received date, days taken, fee in
đồng): 5,000,000 of them (``SMARTGOV_BENCH_WAREHOUSE_QUERY_ROWS`` overrides), written once as a Delta version (the
warehouse's own ``version_write``, streamed) and once into PostgreSQL (``COPY``, then an index on the lookup columns
``(procedure_code, received_date)`` and ``VACUUM (ANALYZE)``: a fair baseline). PostgreSQL is a scratch database beside
``DATABASE_URL`` when that names a PostgreSQL server; without one the comparison is skipped, saying why, and only the
DuckDB figures are printed.

Measured, each the median of 5 runs after a warm-up: a group-by (per agency and month: count, average days, sum of fees)
and a filtered lookup (one procedure code in one month). The governed path is measured whole: the Delta version opened,
the parser's checks, the governed connection with the grant's masked view (kept between queries on the same grants, as
in production: the warm-up opens it), the answer as Python rows; DuckDB reads the version's local Parquet files with its
own reader (``Grant.files``), and, for comparison, the same through the arrow dataset (the object-storage path). The
baseline is psycopg's ``execute`` and ``fetchall`` of the same SQL. The ratio is the baseline's time over the governed
query's (above 1: DuckDB is faster).

The engine's ceiling is measured in the same run: the same group-by on DuckDB alone over the same Parquet files, on one
long-lived connection (no grant views, no parser checks, DuckDB's file cache warm). The governed path keeps its
connections between queries on the same grants (``engine.query._Pool``), so it comes close; it cannot beat it, and the
ceiling's ratio to PostgreSQL says what a machine of this size allows.
"""

from __future__ import annotations

import io
import os
import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import unquote

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
from deltalake import DeltaTable

from _harness import Context, Result, on_postgres, scratch_database
from smartgov.warehouse.engine.query import Grant, query_run
from smartgov.warehouse.engine.storage import Storage
from smartgov.warehouse.engine.tables import version_write

BATCH = 500_000
RUNS = 5
SCHEMA = pa.schema(
    [
        ("agency_code", pa.string()),
        ("procedure_code", pa.string()),
        ("status", pa.string()),
        ("channel", pa.string()),
        ("received_date", pa.date32()),
        ("days_taken", pa.int32()),
        ("fee", pa.int64()),
    ]
)
#: Deterministic rows made by DuckDB itself (hashes of the row number; no numpy needed): 40 agencies, 2,000
#: procedures, 5 statuses, 3 channels, a received date in 2024-2025, 0-59 days taken, a fee among five amounts.
ROWS_SQL = """
    SELECT printf('000.00.%02d.H31', 1 + hash(i, 1) % 40) AS agency_code,
           printf('1.%06d', 1 + hash(i, 2) % 2000) AS procedure_code,
           ['received', 'processing', 'done', 'returned', 'cancelled'][(1 + hash(i, 3) % 5)::BIGINT] AS status,
           ['counter', 'online', 'post'][(1 + hash(i, 4) % 3)::BIGINT] AS channel,
           DATE '2024-01-01' + (hash(i, 5) % 731)::INTEGER AS received_date,
           (hash(i, 6) % 60)::INTEGER AS days_taken,
           [0, 0, 15000, 50000, 100000][(1 + hash(i, 7) % 5)::BIGINT]::BIGINT AS fee
    FROM range({rows}) AS t(i)
"""

GROUP_BY = """
    SELECT agency_code, date_trunc('month', received_date) AS month,
           count(*) AS dossiers, avg(days_taken) AS average_days, sum(fee) AS fees
    FROM {table} GROUP BY agency_code, date_trunc('month', received_date)
"""
LOOKUP = """
    SELECT * FROM {table}
    WHERE procedure_code = '1.000123' AND received_date >= DATE '2025-03-01' AND received_date < DATE '2025-04-01'
"""


def batches(rows: int) -> Iterator[pa.RecordBatch]:
    with duckdb.connect() as con:
        relation = con.sql(ROWS_SQL.format(rows=int(rows)))
        reader = relation.to_arrow_reader(BATCH)
        for batch in reader:
            yield pa.RecordBatch.from_arrays(
                [column.cast(field.type) for column, field in zip(batch.columns, SCHEMA, strict=True)], schema=SCHEMA
            )


def median_seconds(work: Callable[[], object]) -> float:
    work()  # warm-up
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def delta_write(workdir: Path, rows: int) -> tuple[str, float]:
    """The rows as the warehouse writes a version (``tables.version_write``); the table's URI and the seconds."""
    storage = Storage(workdir.as_uri())
    started = time.perf_counter()
    reader = pa.RecordBatchReader.from_batches(SCHEMA, batches(rows))
    version_write(storage, "mot_cua/ho_so", reader, mode="overwrite", metadata={"run": "bench"})
    return storage.table_uri("mot_cua/ho_so"), time.perf_counter() - started


def governed(uri: str, sql: str, *, native: bool = True) -> Callable[[], int]:
    def run() -> int:
        table = DeltaTable(uri)
        files = tuple(table.file_uris()) if native else ()
        grant = Grant("mot_cua.ho_so", table.to_pyarrow_dataset(), frozenset(), files)
        result = query_run(sql.format(table="mot_cua.ho_so"), [grant], max_rows=1_000_000, timeout=300)
        return len(result.rows)

    return run


def ceiling(uri: str) -> Callable[[], int]:
    """DuckDB alone over the version's Parquet files on one long-lived connection (threads as ``query_run``): no
    grant views, no parser checks, the file cache warm."""
    con = duckdb.connect(config={"threads": 2})
    paths = [unquote(f.removeprefix("file://")) for f in DeltaTable(uri).file_uris()]
    con.read_parquet(paths).create_view("ho_so")

    def run() -> int:
        return len(con.execute(GROUP_BY.format(table="ho_so")).fetchall())

    return run


def postgres_load(url: str, rows: int) -> float:
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(
            "CREATE TABLE ho_so (agency_code text, procedure_code text, status text, channel text,"
            " received_date date, days_taken integer, fee bigint)"
        )
        options = pacsv.WriteOptions(include_header=False)
        with db.cursor() as cursor, cursor.copy("COPY ho_so FROM STDIN (FORMAT csv)") as copy:
            for batch in batches(rows):
                buffer = io.BytesIO()
                pacsv.write_csv(pa.Table.from_batches([batch]), buffer, write_options=options)
                copy.write(buffer.getvalue())
        db.execute("CREATE INDEX ho_so_lookup ON ho_so (procedure_code, received_date)")
        db.execute("VACUUM (ANALYZE) ho_so")  # hint bits and the visibility map set: no scan pays for them
    return time.perf_counter() - started


def postgres(url: str, sql: str) -> Callable[[], int]:
    import psycopg

    def run() -> int:
        with psycopg.connect(url) as db:
            return len(db.execute(sql.format(table="ho_so")).fetchall())  # type: ignore[arg-type]

    return run


def run(ctx: Context) -> list[Result]:
    rows = int(os.environ.get("SMARTGOV_BENCH_WAREHOUSE_QUERY_ROWS", "5000000"))
    uri, written = delta_write(Path(ctx.workdir), rows)
    files = DeltaTable(uri).file_uris()
    groups = governed(uri, GROUP_BY)()
    found = governed(uri, LOOKUP)()
    print(f"{rows:,} rows as Delta in {written:.1f} s ({len(files)} Parquet files); {groups} groups, {found} found")
    duck_group = median_seconds(governed(uri, GROUP_BY))
    duck_lookup = median_seconds(governed(uri, LOOKUP))
    # The same through the arrow dataset (what object storage uses): pyarrow decodes, DuckDB converts.
    arrow_group = median_seconds(governed(uri, GROUP_BY, native=False))
    arrow_lookup = median_seconds(governed(uri, LOOKUP, native=False))
    print(f"through the arrow dataset: group-by {arrow_group * 1000:.1f} ms, lookup {arrow_lookup * 1000:.1f} ms")
    floor = median_seconds(ceiling(uri))
    print(f"DuckDB alone, warm connection (the ceiling): group-by {floor * 1000:.1f} ms")
    extra = {"rows": float(rows), "arrow group-by ms": arrow_group * 1000, "arrow lookup ms": arrow_lookup * 1000,
             "DuckDB alone group-by ms": floor * 1000}  # fmt: skip
    url = os.environ.get("DATABASE_URL", "")
    if not on_postgres(url):
        print("No PostgreSQL (DATABASE_URL does not name a postgres:// server): the comparison is skipped.")
        return [
            Result("DuckDB query_run group-by per agency and month", duck_group * 1000, "ms", extra=extra),
            Result("DuckDB query_run lookup: one procedure, one month", duck_lookup * 1000, "ms", extra=extra),
            Result("DuckDB alone, warm connection: the same group-by (the engine's ceiling)", floor * 1000, "ms",
                   extra=extra),
        ]  # fmt: skip
    with scratch_database(url, "warehouse_query") as scratch:
        loaded = postgres_load(scratch, rows)
        print(f"PostgreSQL loaded (COPY, index, VACUUM ANALYZE) in {loaded:.1f} s")
        if (postgres(scratch, GROUP_BY)(), postgres(scratch, LOOKUP)()) != (groups, found):
            raise RuntimeError("PostgreSQL and DuckDB do not give the same number of rows")
        pg_group = median_seconds(postgres(scratch, GROUP_BY))
        pg_lookup = median_seconds(postgres(scratch, LOOKUP))
    for what, pg, duck in [("group-by", pg_group, duck_group), ("lookup", pg_lookup, duck_lookup)]:
        print(f"{what}: PostgreSQL {pg * 1000:.1f} ms, DuckDB query_run {duck * 1000:.1f} ms: {pg / duck:.2f}×")
    print(f"the ceiling on this machine: DuckDB alone is {pg_group / floor:.2f}× PostgreSQL on the group-by")
    return [
        Result("PostgreSQL group-by per agency and month (baseline)", pg_group * 1000, "ms", extra=extra),
        Result("DuckDB query_run group-by per agency and month", duck_group * 1000, "ms",
               baseline="PostgreSQL group-by", ratio=pg_group / duck_group, extra=extra),
        Result("DuckDB alone, warm connection: the same group-by (the engine's ceiling)", floor * 1000, "ms",
               baseline="PostgreSQL group-by", ratio=pg_group / floor, extra=extra),
        Result("PostgreSQL lookup, indexed (baseline)", pg_lookup * 1000, "ms", extra=extra),
        Result("DuckDB query_run lookup: one procedure, one month", duck_lookup * 1000, "ms",
               baseline="PostgreSQL lookup", ratio=pg_lookup / duck_lookup, extra=extra),
    ]  # fmt: skip
