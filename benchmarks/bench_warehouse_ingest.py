"""Warehouse ingest: rows per second of a CSV load with the quality rules into a Delta version, against DuckDB's own
CSV-to-Parquet copy of the same file, in the same run.

The file: ``SMARTGOV_BENCH_WAREHOUSE_ROWS`` rows (10,000,000 by default) of a citizens' register: a 12-digit
personal id, a Vietnamese name with diacritics, a date of birth (dd/mm/yyyy), a commune code among the 3,321 of
2025 (from ``vietnam_provinces``) and an amount; one row in 1,000 names an unknown commune, one in 2,000 a day that
does not exist, one in 5,000 repeats the previous row's id. Baseline: DuckDB's
``COPY (SELECT * FROM read_csv(...)) TO '....parquet'`` (its parallel CSV reader and Parquet writer, type detection,
no rules). Measured: ``warehouse.engine.ingest.ingest`` with required, unique personal id, pattern, date, range and
the reference to the communes: every row checked, the rejected ones written to their Parquet file, the accepted ones
committed as a Delta version. Each runs in a subprocess of its own, and reports its own peak memory (``VmHWM``: a
child started by vfork would inherit its parent's ``ru_maxrss``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from _harness import FACTS_PREFIX, ROOT, Context, Result

BASELINE = r"""
import json, sys, time
import duckdb
source, target = sys.argv[1], sys.argv[2]
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
started = time.perf_counter()
con.execute(f"COPY (SELECT * FROM read_csv('{source}')) TO '{target}' (FORMAT parquet)")
seconds = time.perf_counter() - started
peak = int(next(x for x in open("/proc/self/status") if x.startswith("VmHWM")).split()[1]) / 1024
print("BENCH-JSON " + json.dumps({"seconds": seconds, "rss_mb": peak}))
"""

INGEST = r"""
import json, sys, time
from smartgov.warehouse.engine.ingest import ColumnSpec, ingest
from smartgov.warehouse.engine.storage import Storage
source, folder, communes = sys.argv[1], sys.argv[2], sys.argv[3]
storage = Storage("file://" + folder)
columns = [
    ColumnSpec("so_dinh_danh", "text", personal=True, required=True, unique=True, pattern="[0-9]{12}"),
    ColumnSpec("ho_va_ten", "text", personal=True, required=True),
    ColumnSpec("ngay_sinh", "date", required=True),
    ColumnSpec("ma_xa", "text", required=True, reference="communes"),
    ColumnSpec("so_tien", "integer", minimum=0, maximum=1_000_000_000),
]
references = {"communes": frozenset(open(communes, encoding="utf-8").read().split())}
started = time.perf_counter()
report = ingest(source, format="csv", storage=storage, key="bench/cong_dan", columns=columns, mode="overwrite",
                references=references, rejected_uri=storage.run_uri("bench", "rejected.parquet"),
                metadata={"run": "bench"})
seconds = time.perf_counter() - started
peak = int(next(x for x in open("/proc/self/status") if x.startswith("VmHWM")).split()[1]) / 1024
print("BENCH-JSON " + json.dumps({
    "seconds": seconds, "rss_mb": peak,
    "accepted": report.rows_accepted, "rejected": report.rows_rejected, "reasons": report.reasons,
}))
"""


def _communes() -> list[str]:
    from vietnam_provinces import Ward

    return sorted(f"{ward.code:05d}" for ward in Ward.iter_all())


def _generate(path: Path, rows: int, communes: list[str]) -> None:
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute("CREATE TABLE communes AS SELECT unnest($1::VARCHAR[]) AS code", [communes])
    con.execute("CREATE TABLE numbered AS SELECT row_number() OVER (ORDER BY code) - 1 AS n, code FROM communes")
    families = "['Nguyễn','Trần','Lê','Phạm','Hoàng','Huỳnh','Phan','Vũ','Võ','Đặng','Bùi','Đỗ','Hồ','Ngô']"
    middles = "['Văn','Thị','Hữu','Đức','Minh','Ngọc','Thanh','Quốc']"
    givens = "['An','Bình','Cường','Dũng','Hà','Khánh','Linh','Ngọc','Phương','Quỳnh','Thảo','Yến','Hưng','Tuấn']"
    relation = con.sql(
        f"""
        SELECT CASE WHEN i % 5000 = 7 THEN lpad(CAST(i - 1 AS VARCHAR), 12, '0')
                    ELSE lpad(CAST(i AS VARCHAR), 12, '0') END AS "Số định danh",
               ({families})[1 + i % 14] || ' ' || ({middles})[1 + (i // 14) % 8] || ' '
                   || ({givens})[1 + (i // 112) % 14] AS "Họ và tên",
               CASE WHEN i % 2000 = 3 THEN '31/02/2026'
                    ELSE strftime(DATE '1940-01-01' + CAST(i % 30000 AS INTEGER), '%d/%m/%Y') END AS "Ngày sinh",
               CASE WHEN i % 1000 = 999 THEN '99999' ELSE numbered.code END AS "Mã xã",
               (i * 7919) % 50000000 AS "Số tiền"
        FROM range({rows}) t(i) JOIN numbered ON numbered.n = (i * 7) % {len(communes)}
        ORDER BY i
        """  # noqa: S608  (our own constants)
    )
    relation.write_csv(str(path))


def _measure(script: str, *args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT, check=False, timeout=3600
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-4000:])
    line = next(x for x in done.stdout.splitlines() if x.startswith(FACTS_PREFIX))
    facts: dict[str, float] = json.loads(line.removeprefix(FACTS_PREFIX))
    return facts


def run(ctx: Context) -> list[Result]:
    rows = int(os.environ.get("SMARTGOV_BENCH_WAREHOUSE_ROWS", "10000000"))
    communes = _communes()
    source = ctx.workdir / "cong_dan.csv"
    codes = ctx.workdir / "communes.txt"
    codes.write_text("\n".join(communes), encoding="utf-8")
    started = time.perf_counter()
    _generate(source, rows, communes)
    size_mb = source.stat().st_size / 1024**2
    print(f"generated {rows:,} rows ({size_mb:,.0f} MB) in {time.perf_counter() - started:.1f} s", flush=True)

    base = _measure(BASELINE, str(source), str(ctx.workdir / "duckdb.parquet"))
    ours = _measure(INGEST, str(source), str(ctx.workdir / "warehouse"), str(codes))
    print(f"rejected {ours['rejected']:,} rows: {ours['reasons']}", flush=True)
    base_rate, our_rate = rows / base["seconds"], rows / ours["seconds"]
    return [
        Result(
            "DuckDB COPY read_csv → Parquet (no rules)",
            base_rate,
            "rows/s",
            extra={"seconds": base["seconds"], "MB/s": size_mb / base["seconds"], "peak RSS MB": base["rss_mb"]},
        ),
        Result(
            "ingest with quality rules → Delta version",
            our_rate,
            "rows/s",
            baseline="DuckDB COPY",
            ratio=our_rate / base_rate,
            extra={
                "seconds": ours["seconds"],
                "MB/s": size_mb / ours["seconds"],
                "peak RSS MB": ours["rss_mb"],
                "rows rejected": float(ours["rejected"]),
            },
        ),
    ]
