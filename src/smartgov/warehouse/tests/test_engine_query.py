"""The governed DuckDB query (engine/query.py): answers, masking, refusals, limits, exports, time travel.

Plain pytest over small Delta tables written in ``tmp_path``; no database, no Django.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable, write_deltalake
from openpyxl import load_workbook

from smartgov.warehouse.engine import query as engine
from smartgov.warehouse.engine.query import Grant, QueryRefused, query_export, query_run, tables_named

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


@pytest.fixture(params=["arrow", "parquet"])
def tables(tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, str]:
    """The tables, read through the arrow dataset (object storage) or DuckDB's Parquet reader (local files)."""
    births, communes = str(tmp_path / "ho tịch" / "khai_sinh"), str(tmp_path / "danh_muc" / "xa")
    write_deltalake(births, BIRTHS.slice(0, 4), mode="overwrite")  # version 0: four births
    write_deltalake(births, BIRTHS.slice(4), mode="append")  # version 1: a fifth
    write_deltalake(communes, COMMUNES, mode="overwrite")
    return {"births": births, "communes": communes, "reader": request.param}


def grant_of(name: str, uri: str, masked: frozenset[str], version: int | None, reader: str) -> Grant:
    table = DeltaTable(uri, version=version)
    files = tuple(table.file_uris()) if reader == "parquet" else ()
    return Grant(name, table.to_pyarrow_dataset(), masked, files)


def grants_of(tables: dict[str, str], *, masked: frozenset[str] = frozenset({"cccd"}), version: int | None = None):
    return [
        grant_of("ho_tich.khai_sinh", tables["births"], masked, version, tables["reader"]),
        grant_of("danh_muc.xa", tables["communes"], frozenset(), None, tables["reader"]),
    ]


def run(sql: str, grants: list[Grant], **kwargs: object) -> engine.QueryResult:
    options: dict[str, object] = {"max_rows": 100, "timeout": 20.0} | kwargs
    return query_run(sql, grants, **options)  # type: ignore[arg-type]


def refused(sql: str, grants: list[Grant], **kwargs: object) -> QueryRefused:
    with pytest.raises(QueryRefused) as caught:
        run(sql, grants, **kwargs)
    return caught.value


def test_group_by_join_and_cte_answer(tables: dict[str, str]) -> None:
    grants = grants_of(tables)
    result = run(
        """
        WITH theo_xa AS (
            SELECT ma_xa, count(*) AS so_ca, sum(le_phi) AS tong_phi FROM ho_tich.khai_sinh GROUP BY ma_xa
        )
        SELECT x.ten_xa, t.so_ca, t.tong_phi FROM theo_xa t JOIN danh_muc.xa x USING (ma_xa) ORDER BY x.ten_xa
        """,
        grants,
    )
    assert result.columns == ["ten_xa", "so_ca", "tong_phi"]
    assert result.types[0] == "VARCHAR" and result.types[1] == "BIGINT" and result.types[2].startswith("DECIMAL")
    assert result.rows == [
        ("Phường Hồng Bàng", 2, Decimal("16000.00")),
        ("Phường Lê Chân", 2, Decimal("8000.00")),
        ("Xã Đông Hải", 1, None),
    ]
    assert not result.truncated and result.seconds > 0
    january = run(
        "WITH RECURSIVE ngay(d) AS"
        " (SELECT DATE '2024-01-01' UNION ALL SELECT d + 1 FROM ngay WHERE d < DATE '2024-01-31')"
        " SELECT count(*) FROM ngay JOIN ho_tich.khai_sinh k ON k.ngay_sinh = ngay.d",
        grants,
    )
    assert january.rows == [(2,)]
    months = run("SELECT month(ngay_sinh) AS m, count(*) FROM ho_tich.khai_sinh GROUP BY 1 ORDER BY 1", grants)
    assert months.rows == [(1, 2), (2, 2), (3, 1)]
    first = run("SELECT ngay_sinh FROM ho_tich.khai_sinh ORDER BY so LIMIT 1", grants)
    assert first.rows == [(date(2024, 1, 5),)] and first.types == ["DATE"]


def test_tables_named_reads_duckdbs_own_parse() -> None:
    sql = """
        WITH recent AS (SELECT * FROM ho_tich.khai_sinh WHERE ngay_sinh > DATE '2024-01-01'),
             again AS (SELECT * FROM recent)
        SELECT * FROM again a JOIN "Danh_Muc"."xa" x ON a.ma_xa = x.ma_xa
        WHERE a.so IN (SELECT so FROM ho_tich.khai_tu) -- ho_tich.ghi_chu in a comment is no table
          AND a.ho_ten <> 'FROM ho_tich.bi_mat'
    """
    assert tables_named(sql) == {"ho_tich.khai_sinh", "danh_muc.xa", "ho_tich.khai_tu"}
    assert tables_named("SELECT 1") == set()
    recursive = """
        WITH RECURSIVE ngay(d) AS (
                SELECT DATE '2024-01-01' UNION ALL SELECT d + 1 FROM ngay WHERE d < DATE '2024-01-31'),
             dem AS (SELECT d, (SELECT count(*) FROM ho_tich.khai_sinh k WHERE k.ngay_sinh = ngay.d) AS n FROM ngay)
        SELECT * FROM dem
    """
    assert tables_named(recursive) == {"ho_tich.khai_sinh"}
    assert tables_named("SELECT * FROM memory.ho_tich.khai_sinh, bang_le") == {"memory.ho_tich.khai_sinh", "bang_le"}


def test_masked_column_shows_stars_every_way_it_is_read(tables: dict[str, str]) -> None:
    grants = grants_of(tables)
    star = run("SELECT * FROM ho_tich.khai_sinh ORDER BY so", grants)
    assert star.columns == ["so", "ho_ten", "cccd", "ma_xa", "ngay_sinh", "le_phi"]
    assert {row[2] for row in star.rows} == {"***"} and star.rows[0][1] == "Nguyễn Văn An"
    ways = [
        "SELECT cccd AS so_dinh_danh FROM ho_tich.khai_sinh",
        "SELECT k.cccd FROM ho_tich.khai_sinh AS k",
        "SELECT x FROM (SELECT cccd AS x FROM ho_tich.khai_sinh) s",
        "WITH c AS (SELECT * FROM ho_tich.khai_sinh) SELECT cccd FROM c",
        "SELECT COLUMNS('cc.*') FROM ho_tich.khai_sinh",
        "SELECT upper(cccd) || substr(cccd, 1, 3) FROM ho_tich.khai_sinh",
        "SELECT max(cccd) FROM ho_tich.khai_sinh",
        "SELECT (t).cccd FROM (SELECT k AS t FROM ho_tich.khai_sinh k) s",
    ]
    for sql in ways:
        values = {str(row[0]) for row in run(sql, grants).rows}
        assert values <= {"***", "******", "*****", "{'so': 1}"}, (sql, values)
        assert not any("0312" in v for v in values), sql
    # Nor can it be probed: a filter on the real value finds nothing, its length is the mask's.
    assert run("SELECT count(*) FROM ho_tich.khai_sinh WHERE cccd LIKE '0312%'", grants).rows == [(0,)]
    assert run("SELECT DISTINCT length(cccd), typeof(cccd) FROM ho_tich.khai_sinh", grants).rows == [(3, "VARCHAR")]
    # The mask is by name whatever the case the app wrote it in; an unmasked grant shows the value.
    assert run("SELECT DISTINCT cccd FROM ho_tich.khai_sinh", grants_of(tables, masked=frozenset({"CCCD"}))).rows == [
        ("***",)
    ]
    shown = run("SELECT cccd FROM ho_tich.khai_sinh ORDER BY so LIMIT 1", grants_of(tables, masked=frozenset()))
    assert shown.rows == [("031200000001",)]


@pytest.mark.parametrize(
    ("sql", "code"),
    [
        ("SELEC * FROM ho_tich.khai_sinh", "syntax"),
        ("", "syntax"),
        ("SELECT nope FROM ho_tich.khai_sinh", "syntax"),
        ("SELECT 1; SELECT 2", "several"),
        ("SELECT 1; DROP TABLE ho_tich.khai_sinh", "several"),
        ("INSERT INTO ho_tich.khai_sinh (so) VALUES (9)", "not_select"),
        ("UPDATE ho_tich.khai_sinh SET ho_ten = 'x'", "not_select"),
        ("DELETE FROM ho_tich.khai_sinh", "not_select"),
        ("CREATE TABLE x AS SELECT 1", "not_select"),
        ("DROP VIEW ho_tich.khai_sinh", "not_select"),
        ("COPY ho_tich.khai_sinh TO '/tmp/x.csv'", "not_select"),
        ("ATTACH '/tmp/x.duckdb' AS x", "not_select"),
        ("PRAGMA version", "not_select"),
        ("SET threads = 8", "not_select"),
        ("SET VARIABLE x = 1", "not_select"),
        ("INSTALL httpfs", "not_select"),
        ("LOAD httpfs", "not_select"),
        ("EXPORT DATABASE '/tmp/out'", "not_select"),
        ("CALL duckdb_settings()", "not_select"),
        ("EXPLAIN SELECT 1", "not_select"),
        ("DESCRIBE ho_tich.khai_sinh", "not_select"),
        ("SHOW TABLES", "not_select"),
        ("SUMMARIZE ho_tich.khai_sinh", "not_select"),
        ("SELECT * FROM read_csv('/etc/passwd')", "forbidden_function"),
        ("SELECT * FROM read_parquet('s3://bucket/x.parquet')", "forbidden_function"),
        ("SELECT * FROM read_json('https://example.org/x.json')", "forbidden_function"),
        ("SELECT * FROM read_text('/etc/hostname')", "forbidden_function"),
        ("SELECT * FROM read_blob('/etc/hostname')", "forbidden_function"),
        ("SELECT * FROM glob('/etc/*')", "forbidden_function"),
        ("SELECT * FROM sniff_csv('/etc/passwd')", "forbidden_function"),
        ("SELECT * FROM parquet_metadata('/etc/passwd')", "forbidden_function"),
        ("SELECT * FROM duckdb_settings()", "forbidden_function"),
        ("SELECT * FROM pragma_version()", "forbidden_function"),
        ("SELECT * FROM query('SELECT 42')", "forbidden_function"),
        ("SELECT * FROM query_table('ho_tich.khai_sinh')", "forbidden_function"),
        ("SELECT current_setting('temp_directory')", "forbidden_function"),
        ("SELECT getenv('HOME')", "forbidden_function"),
        ("SELECT getvariable('x')", "forbidden_function"),
        ("SELECT sleep_ms(100000)", "forbidden_function"),
        ("SELECT so FROM ho_tich.khai_sinh WHERE ho_ten IN (SELECT content FROM read_text('/etc/hosts'))",
         "forbidden_function"),
        ("SELECT (SELECT count(*) FROM duckdb_tables())", "forbidden_function"),
        ("SELECT main.current_setting('threads')", "forbidden_function"),
        ("SELECT 1 FROM ho_tich.khai_sinh WHERE so = 1" + " OR so = 1" * 3000, "too_large"),
        ("SELECT " + "(" * 3000 + "1" + ")" * 3000, "syntax"),
    ],
)  # fmt: skip
def test_refusals(tables: dict[str, str], sql: str, code: str) -> None:
    error = refused(sql, grants_of(tables))
    assert error.code == code, (sql, error.code, error.message)
    assert error.message and "\n" not in error.message


def test_generators_are_allowed(tables: dict[str, str]) -> None:
    grants = grants_of(tables)
    assert run("SELECT count(*) FROM range(10)", grants).rows == [(10,)]
    assert run("SELECT sum(x) FROM unnest([1, 2, 3]) AS t(x)", grants).rows == [(6,)]
    days = run("SELECT count(*) FROM generate_series(DATE '2024-01-01', DATE '2024-01-31', INTERVAL 1 DAY)", grants)
    assert days.rows == [(31,)]


def test_a_name_not_granted_is_refused_by_name(tables: dict[str, str]) -> None:
    grants = grants_of(tables)
    only_births = grants[:1]
    error = refused("SELECT * FROM ho_tich.khai_sinh k JOIN danh_muc.xa x USING (ma_xa)", only_births)
    assert error.code == "unknown_table" and "danh_muc.xa" in error.message
    for sql, name in [
        ("SELECT * FROM khai_sinh", "khai_sinh"),  # unqualified: not a grant's name
        ("SELECT * FROM memory.ho_tich.khai_sinh", "memory.ho_tich.khai_sinh"),
        ("SELECT * FROM information_schema.tables", "information_schema.tables"),
        ("SELECT * FROM '/etc/passwd'", "/etc/passwd"),
        ("WITH c AS (SELECT 1) SELECT * FROM c, ho_tich.khai_tu", "ho_tich.khai_tu"),
        # A CTE named after a catalog object does not hide it in its own body, nor in an earlier CTE.
        ("WITH pg_settings AS (SELECT * FROM pg_settings) SELECT * FROM pg_settings", "pg_settings"),
        ("WITH a AS (SELECT * FROM duckdb_views), duckdb_views AS (SELECT 1) SELECT * FROM a", "duckdb_views"),
        ("WITH RECURSIVE pg_roles AS (SELECT * FROM pg_roles) SELECT * FROM pg_roles", "pg_roles"),
    ]:
        error = refused(sql, grants)
        assert error.code == "unknown_table" and name in error.message, (sql, error.message)


def test_python_variables_are_not_tables(tables: dict[str, str]) -> None:
    """DuckDB's Python client reads a local DataFrame or Arrow table named in SQL; the engine switches that off."""
    bi_mat = pa.table({"x": ["không được thấy"]})
    assert bi_mat.num_rows == 1
    assert refused("SELECT * FROM bi_mat", grants_of(tables)).code == "unknown_table"
    with (
        engine._connection(grants_of(tables), memory="256MB", threads=1, temp_directory=None) as con,
        pytest.raises(duckdb.CatalogException),
    ):
        con.execute("SELECT * FROM bi_mat")


def test_files_are_out_of_reach_even_past_the_parser(tables: dict[str, str], tmp_path: Path) -> None:
    """Belt and braces: the connection itself refuses files, URLs, extensions and settings."""
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n")
    with engine._connection(grants_of(tables), memory="256MB", threads=1, temp_directory=None) as con:
        for sql in [
            "SELECT * FROM read_csv('/etc/passwd')",
            "SELECT * FROM read_csv('" + str(secret) + "')",  # noqa: S608
            "SELECT * FROM '" + str(secret) + "'",  # noqa: S608
            "SELECT * FROM glob('/etc/*')",
            "SELECT * FROM read_text('/etc/hostname')",
            "SELECT * FROM read_text('" + tables["births"] + "/_delta_log/00000000000000000000.json')",  # noqa: S608
            "SELECT * FROM read_parquet('" + tables["births"] + "/*.parquet')",  # noqa: S608
            f"COPY (SELECT 1) TO '{tmp_path / 'out.csv'}'",
            f"ATTACH '{tmp_path / 'x.duckdb'}'",
            "INSTALL httpfs",
            "LOAD httpfs",
            "SET enable_external_access = true",
            "SET lock_configuration = false",
            "SET memory_limit = '100GB'",
        ]:
            with pytest.raises(duckdb.Error):
                con.execute(sql).fetchall()
        assert con.execute("SELECT count(*) FROM ho_tich.khai_sinh").fetchall() == [(5,)]
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "x.duckdb").exists()


def test_timeout_stops_a_slow_cross_join(tables: dict[str, str]) -> None:
    started = time.perf_counter()
    error = refused(
        "SELECT count(*) FROM range(100000) a, range(100000) b, ho_tich.khai_sinh WHERE a.range * b.range % 7 = 3",
        grants_of(tables),
        timeout=1.0,
    )
    assert error.code == "timeout"
    assert time.perf_counter() - started < 6


def test_rows_are_capped_and_truncation_said(tables: dict[str, str]) -> None:
    grants = grants_of(tables)
    capped = run("SELECT so FROM ho_tich.khai_sinh ORDER BY so", grants, max_rows=3)
    assert capped.rows == [(1,), (2,), (3,)] and capped.truncated
    exact = run("SELECT so FROM ho_tich.khai_sinh ORDER BY so", grants, max_rows=5)
    assert len(exact.rows) == 5 and not exact.truncated
    huge = run("SELECT * FROM range(1000000000000)", grants, max_rows=10)
    assert len(huge.rows) == 10 and huge.truncated and huge.seconds < 5
    too_long = refused("SELECT 1 -- " + "x" * 200, grants, max_chars=100)
    assert too_long.code == "too_large"


def test_time_travel_versions_answer_differently(tables: dict[str, str]) -> None:
    sql = "SELECT count(*), count(le_phi) FROM ho_tich.khai_sinh"
    assert run(sql, grants_of(tables, version=0)).rows == [(4, 4)]
    assert run(sql, grants_of(tables, version=1)).rows == [(5, 4)]


EXPORT_SQL = """
    SELECT k.so, k.ho_ten, k.cccd, x.ten_xa, k.ngay_sinh, k.le_phi, ghi_chu
    FROM ho_tich.khai_sinh k JOIN danh_muc.xa x USING (ma_xa),
         (SELECT '=HYPERLINK("http://example.org","bấm")' AS ghi_chu)
    ORDER BY k.so
"""


def test_export_csv_round_trips_with_bom_and_vietnamese(tables: dict[str, str]) -> None:
    out = io.BytesIO()
    written = query_export(EXPORT_SQL, grants_of(tables), format="csv", target=out, max_rows=4, timeout=20)
    assert written == 4
    raw = out.getvalue()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["so", "ho_ten", "cccd", "ten_xa", "ngay_sinh", "le_phi", "ghi_chu"]
    assert len(rows) == 5
    assert rows[1][:6] == ["1", "Nguyễn Văn An", "***", "Phường Hồng Bàng", "2024-01-05", "8000.00"]
    # A formula is kept as text for a spreadsheet.
    assert rows[1][6] == '\'=HYPERLINK("http://example.org","bấm")'


def test_export_xlsx_round_trips(tables: dict[str, str]) -> None:
    out = io.BytesIO()
    written = query_export(EXPORT_SQL, grants_of(tables), format="xlsx", target=out, max_rows=1000, timeout=20)
    assert written == 5
    sheet = load_workbook(io.BytesIO(out.getvalue()), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("so", "ho_ten", "cccd", "ten_xa", "ngay_sinh", "le_phi", "ghi_chu")
    assert rows[5][1] == "Đỗ Minh Đức" and rows[5][2] == "***" and rows[5][3] == "Xã Đông Hải"
    assert rows[1][4].date() == date(2024, 1, 5) and rows[1][5] == 8000
    formula = load_workbook(io.BytesIO(out.getvalue())).active["G2"]
    assert formula.data_type == "s" and formula.value.startswith("=HYPERLINK")


def test_export_parquet_round_trips(tables: dict[str, str]) -> None:
    out = io.BytesIO()
    written = query_export(EXPORT_SQL, grants_of(tables), format="parquet", target=out, max_rows=2, timeout=20)
    assert written == 2
    table = pq.read_table(io.BytesIO(out.getvalue()))
    assert table.num_rows == 2
    assert table.column("ho_ten").to_pylist() == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert table.column("cccd").to_pylist() == ["***", "***"]
    assert table.column("ngay_sinh").to_pylist()[0] == date(2024, 1, 5)


def test_export_refuses_like_the_query(tables: dict[str, str]) -> None:
    for sql, code in [
        ("SELECT * FROM read_csv('/etc/passwd')", "forbidden_function"),
        ("SELECT * FROM ho_tich.khai_tu", "unknown_table"),
        ("DELETE FROM ho_tich.khai_sinh", "not_select"),
    ]:
        with pytest.raises(QueryRefused) as caught:
            query_export(sql, grants_of(tables), format="csv", target=io.BytesIO(), max_rows=10, timeout=5)
        assert caught.value.code == code
    with pytest.raises(QueryRefused) as caught:
        query_export(
            "SELECT count(*) FROM range(100000) a, range(100000) b WHERE a.range * b.range % 7 = 3",
            grants_of(tables),
            format="parquet",
            target=io.BytesIO(),
            max_rows=10,
            timeout=1.0,
        )
    assert caught.value.code == "timeout"


def test_grant_names_are_database_dot_table() -> None:
    dataset = DeltaTable  # any object: the name is checked first
    for name in ["khai_sinh", "a.b.c", "ho_tich.khai sinh", 'ho_tich."x"', "ho_tich.khai_sinh;--"]:
        with pytest.raises(ValueError, match=r"database\.table"):
            Grant(name, dataset, frozenset())


def test_a_table_whose_schema_grew_reads_every_version(tables: dict[str, str]) -> None:
    """Files written before a column was added hold no such column: both readers give it as NULL there."""
    extra = BIRTHS.slice(0, 1).append_column("dan_toc", pa.array(["Kinh"]))
    write_deltalake(tables["births"], extra, mode="append", schema_mode="merge")
    result = run("SELECT dan_toc, count(*) FROM ho_tich.khai_sinh GROUP BY ALL ORDER BY 1", grants_of(tables))
    assert result.rows == [("Kinh", 1), (None, 5)]


def test_deep_nesting_is_answered_or_refused_never_a_crash(tables: dict[str, str]) -> None:
    grants = grants_of(tables)

    def nested(depth: int) -> str:
        return "SELECT count(*) FROM " + "(SELECT * FROM " * depth + "ho_tich.khai_sinh" + ") s" * depth  # noqa: S608

    assert run(nested(400), grants).rows == [(5,)]
    assert refused(nested(1000), grants).code == "syntax"  # DuckDB's own limit of expression depth


def test_xlsx_shows_times_in_vietnam_and_cleans_what_excel_refuses(tables: dict[str, str]) -> None:
    out = io.BytesIO()
    sql = (
        "SELECT TIMESTAMPTZ '2024-01-01 00:00:00+00' AS luc, 'a' || chr(1) || 'b' AS ky_tu,"
        " repeat('x', 40000) AS dai, [1, 2] AS ds FROM ho_tich.khai_sinh LIMIT 1"
    )
    assert query_export(sql, grants_of(tables), format="xlsx", target=out, max_rows=10, timeout=20) == 1
    row = next(load_workbook(io.BytesIO(out.getvalue()), read_only=True).active.iter_rows(min_row=2, values_only=True))
    assert str(row[0]) == "2024-01-01 07:00:00" and row[1] == "ab" and len(row[2]) == 32_767 and row[3] == "[1, 2]"
    csv_out = io.BytesIO()
    query_export(sql, grants_of(tables), format="csv", target=csv_out, max_rows=10, timeout=20)
    values = list(csv.reader(io.StringIO(csv_out.getvalue().decode("utf-8-sig"))))[1]
    assert values[0].startswith("2024-01-01 00:00:00") and values[3] == "[1, 2]"


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Counts the governed connections opened (an empty pool of two, restored afterwards)."""
    count: list[int] = []
    real = engine._open

    def counting(*args: object, **kwargs: object) -> object:
        count.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "_open", counting)
    engine.configure_pool(0)
    engine.configure_pool(2)
    yield count
    engine.configure_pool(0)
    engine.configure_pool(4)


def test_a_connection_is_kept_for_the_same_grants_only(tables: dict[str, str], opened: list[int]) -> None:
    sql = "SELECT cccd, count(*) AS n FROM ho_tich.khai_sinh GROUP BY cccd ORDER BY cccd LIMIT 1"
    local = tables["reader"] == "parquet"
    masked = query_run(sql, grants_of(tables), max_rows=10, timeout=10)
    again = query_run(sql, grants_of(tables), max_rows=10, timeout=10)
    assert masked.rows == again.rows == [("***", 5)]
    assert len(opened) == (1 if local else 2)  # object storage: a connection per query
    # a caller who may see the column never gets the masked connection, nor the other way round
    shown = query_run(sql, grants_of(tables, masked=frozenset()), max_rows=10, timeout=10)
    assert shown.rows == [("031200000001", 1)]
    assert query_run(sql, grants_of(tables), max_rows=10, timeout=10).rows == [("***", 5)]
    assert len(opened) == (2 if local else 4)
    # another version is other files: another connection
    query_run(sql, grants_of(tables, version=0), max_rows=10, timeout=10)
    assert len(opened) == (3 if local else 5)


def test_a_connection_that_timed_out_or_failed_is_not_kept(tables: dict[str, str], opened: list[int]) -> None:
    slow = "SELECT count(*) FROM range(100000000) a, range(100000000) b"
    grants = grants_of(tables)
    with pytest.raises(QueryRefused) as stopped:
        query_run(slow, grants, max_rows=10, timeout=0.2)
    assert stopped.value.code == "timeout"
    with pytest.raises(QueryRefused):
        query_run("SELECT 1/0::INTEGER + 'x'::INTEGER FROM ho_tich.khai_sinh", grants, max_rows=10, timeout=10)
    assert query_run("SELECT count(*) FROM ho_tich.khai_sinh", grants, max_rows=10, timeout=10).rows == [(5,)]
    assert len(opened) == 3  # each of the first two was closed


def test_the_pool_keeps_at_most_its_size(tables: dict[str, str], opened: list[int]) -> None:
    if tables["reader"] != "parquet":
        pytest.skip("only local files are kept")
    sql = "SELECT count(*) FROM ho_tich.khai_sinh"
    hidden: frozenset[str] = frozenset({"cccd"})
    shown: frozenset[str] = frozenset()
    # three keys in a pool of two: the least recently used (version 0, masked) is closed, then opened again
    for version, masked in ((0, hidden), (1, hidden), (1, shown), (0, hidden)):
        query_run(sql, grants_of(tables, version=version, masked=masked), max_rows=10, timeout=10)
    assert len(opened) == 4
    assert sum(len(idle) for idle in engine._pool._idle.values()) == 2


def test_a_kept_connection_drops_the_rows_left_unread(tables: dict[str, str], opened: list[int]) -> None:
    """A query cut at its row limit, or an export cut at its own, leaves rows unread: the next query on the same
    connection still runs."""
    sql = "SELECT so FROM ho_tich.khai_sinh ORDER BY so"
    assert query_run(sql, grants_of(tables), max_rows=1, timeout=10).truncated
    target = io.BytesIO()
    assert query_export(sql, grants_of(tables), format="csv", target=target, max_rows=2, timeout=10) == 2
    assert query_run(sql, grants_of(tables), max_rows=1, timeout=10).rows == [(1,)]
    assert len(opened) == (1 if tables["reader"] == "parquet" else 3)
