"""The governed query on Spark (engine/spark.py): the same answers, masking and refusals as on DuckDB.

One Spark session (local[1]) for the module; small Delta tables in ``tmp_path`` read through their version's files.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pyarrow as pa
import pytest
from deltalake import DeltaTable, write_deltalake

from smartgov.warehouse.engine import spark as engine
from smartgov.warehouse.engine.query import Grant, QueryRefused, analyse, query_run
from smartgov.warehouse.engine.spark import SparkGrant, rewrite_names, spark_query_run

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java (17 on the project's machines)")

BIRTHS = pa.table(
    {
        "so": pa.array([1, 2, 3, 4, 5], pa.int64()),
        "ho_ten": ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thu Dung", "Đỗ Minh Đức"],
        "cccd": ["031200000001", "031200000002", "031200000003", "031200000004", "031200000005"],
        "ma_xa": ["11311", "11311", "11314", "11314", "11317"],
        "ngay_sinh": [date(2024, 1, 5), date(2024, 1, 20), date(2024, 2, 3), date(2024, 2, 14), date(2024, 3, 1)],
        "le_phi": pa.array([Decimal("8000.00"), Decimal("8000.00"), Decimal("0.00"), Decimal("8000.00"), None],
                           pa.decimal128(12, 2)),
    }
)  # fmt: skip
COMMUNES = pa.table(
    {"ma_xa": ["11311", "11314", "11317"], "ten_xa": ["Phường Hồng Bàng", "Phường Lê Chân", "Xã Đông Hải"]}
)


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    root = tmp_path_factory.mktemp("kho dữ liệu")  # a space and Vietnamese: file URIs are percent-encoded
    births, communes = str(root / "ho_tich" / "khai_sinh"), str(root / "danh_muc" / "xa")
    write_deltalake(births, BIRTHS.slice(0, 4), mode="overwrite")
    write_deltalake(births, BIRTHS.slice(4), mode="append")
    write_deltalake(communes, COMMUNES, mode="overwrite")
    engine.spark_session()  # started once for the module
    yield {"births": births, "communes": communes}
    engine.spark_stop()


def both(tables: dict[str, str], version: int, masked: frozenset[str]) -> tuple[list[Grant], list[SparkGrant]]:
    births, communes = DeltaTable(tables["births"], version=version), DeltaTable(tables["communes"])
    duck = [
        Grant("ho_tich.khai_sinh", births.to_pyarrow_dataset(), masked),
        Grant("danh_muc.xa", communes.to_pyarrow_dataset(), frozenset()),
    ]
    spark = [
        SparkGrant("ho_tich.khai_sinh", births.file_uris(), masked),
        SparkGrant("danh_muc.xa", communes.file_uris(), frozenset()),
    ]
    return duck, spark


SAME = [
    """WITH theo_xa AS (
           SELECT ma_xa, count(*) AS so_ca, sum(le_phi) AS tong_phi FROM ho_tich.khai_sinh GROUP BY ma_xa)
       SELECT x.ten_xa, t.so_ca, t.tong_phi FROM theo_xa t JOIN danh_muc.xa x ON x.ma_xa = t.ma_xa ORDER BY x.ten_xa""",
    "SELECT * FROM ho_tich.khai_sinh ORDER BY so",
    "SELECT khai_sinh.ho_ten, xa.ten_xa, khai_sinh.cccd AS so_dinh_danh, upper(cccd) AS hoa, month(ngay_sinh) AS thang"
    " FROM ho_tich.khai_sinh JOIN danh_muc.xa ON khai_sinh.ma_xa = xa.ma_xa"
    " WHERE khai_sinh.cccd LIKE '0312%' OR khai_sinh.so > 1 ORDER BY 1",
]


def test_spark_answers_as_duckdb_does_masking_included(tables: dict[str, str]) -> None:
    version = 1
    duck, spark = both(tables, version, frozenset({"cccd"}))
    for sql in SAME:
        expected = query_run(sql, duck, max_rows=100, timeout=30)
        got = spark_query_run(sql, spark, max_rows=100, timeout=60)
        assert got.columns == expected.columns, sql
        assert got.rows == expected.rows, sql
        assert got.types[: len(expected.types)] and not got.truncated
    star = spark_query_run("SELECT cccd FROM ho_tich.khai_sinh", spark, max_rows=100, timeout=60)
    assert {r[0] for r in star.rows} == {"***"} and len(star.rows) == 4 + version


def test_spark_time_travel_and_truncation(tables: dict[str, str]) -> None:
    old_duck, old = both(tables, 0, frozenset())
    new = both(tables, 1, frozenset())[1]
    sql = "SELECT count(*) AS n, sum(le_phi) AS phi FROM ho_tich.khai_sinh"
    on_spark = spark_query_run(sql, old, max_rows=10, timeout=60).rows
    assert on_spark == [(4, Decimal("24000.00"))] == query_run(sql, old_duck, max_rows=10, timeout=30).rows
    assert spark_query_run(sql, new, max_rows=10, timeout=60).rows == [(5, Decimal("24000.00"))]
    capped = spark_query_run("SELECT so FROM ho_tich.khai_sinh ORDER BY so", new, max_rows=2, timeout=60)
    assert capped.rows == [(1,), (2,)] and capped.truncated
    shown = spark_query_run("SELECT cccd FROM ho_tich.khai_sinh WHERE so = 1", new, max_rows=2, timeout=60)
    assert shown.rows == [("031200000001",)]


@pytest.mark.parametrize(
    ("sql", "code"),
    [
        ("SELECT * FROM read_csv('/etc/passwd')", "forbidden_function"),
        ("SELECT reflect('java.lang.System', 'getProperty', 'user.home')", "forbidden_function"),
        ("SELECT java_method('java.lang.System', 'getenv', 'HOME')", "forbidden_function"),
        ("SELECT input_file_name() FROM ho_tich.khai_sinh", "forbidden_function"),
        ("SELECT * FROM ho_tich.khai_tu", "unknown_table"),
        ("SELECT * FROM parquet.`/etc`", "unknown_table"),
        ("INSERT INTO ho_tich.khai_sinh SELECT * FROM ho_tich.khai_sinh", "not_select"),
        ("SELECT 1; SELECT 2", "several"),
        ("SELECT 'a\\', reflect('java.lang.System', 'exit', 0), '' FROM ho_tich.khai_sinh", "forbidden_function"),
        ("SELECT 'a\\' AS x FROM ho_tich.khai_sinh", "syntax"),
        ("SELECT nope FROM ho_tich.khai_sinh", "syntax"),
    ],
)
def test_spark_refusals(tables: dict[str, str], sql: str, code: str) -> None:
    spark = both(tables, 1, frozenset({"cccd"}))[1]
    with pytest.raises(QueryRefused) as caught:
        spark_query_run(sql, spark, max_rows=10, timeout=60)
    assert caught.value.code == code, (sql, caught.value.message)


def test_spark_session_itself_refuses_java_and_files(tables: dict[str, str]) -> None:
    """Belt and braces past the parser: the query's session has no reflect, and SQL on files is off."""
    session = engine.spark_session().newSession()
    engine._drop_forbidden(session)
    files = "SELECT * FROM parquet.`" + tables["births"] + "`"  # noqa: S608 - the attack under test
    for sql in ["SELECT reflect('java.lang.System', 'getProperty', 'user.home')", files]:
        with pytest.raises(Exception, match=r"UNRESOLVED_ROUTINE|TABLE_OR_VIEW_NOT_FOUND"):
            session.sql(sql).collect()
    # Another session keeps its own registry: dropping there did not touch the process's built-ins.
    assert engine.spark_session().newSession().sql("SELECT upper('đ') AS u").collect()[0][0] == "Đ"


def test_spark_timeout_cancels_the_job(tables: dict[str, str]) -> None:
    spark = both(tables, 1, frozenset())[1]
    started = time.perf_counter()
    with pytest.raises(QueryRefused) as caught:
        spark_query_run(
            "SELECT count(*) FROM range(60000) a, range(60000) b, ho_tich.khai_sinh WHERE (a.id * b.id) % 7 = 3",
            spark,
            max_rows=10,
            timeout=2.0,
        )
    assert caught.value.code == "timeout"
    assert time.perf_counter() - started < 20
    # The session is usable afterwards.
    assert spark_query_run("SELECT count(*) FROM ho_tich.khai_sinh", spark, max_rows=1, timeout=60).rows == [(5,)]


def test_rewrite_names_at_the_parsers_positions() -> None:
    sql = 'SELECT \'Hải Phòng\' AS tinh, k.ho_ten FROM ho_tich . khai_sinh k JOIN "danh_muc"."xa" ON true'
    rewritten = rewrite_names(sql, analyse(sql), {"ho_tich.khai_sinh": "g_1", "danh_muc.xa": "g_2"})
    assert rewritten == "SELECT 'Hải Phòng' AS tinh, k.ho_ten FROM `g_1` k JOIN `g_2` AS `xa` ON true"
