"""The ingest: the issue's messy file, inference, the schema check, every rule, every format, S3, bounded memory."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from smartgov.warehouse.engine import ingest as ingest_module
from smartgov.warehouse.engine import tables
from smartgov.warehouse.engine.errors import IngestError
from smartgov.warehouse.engine.ingest import (
    ColumnSpec,
    IngestReport,
    _convert,
    _dates,
    _exact_keys,
    _fixed_dates,
    _kept,
    _matches,
    _trimmed,
    column_name,
    ingest,
)
from smartgov.warehouse.engine.storage import Storage
from smartgov.warehouse.tests.test_engine_readers import cp1258

KEY = "dan_cu/cong_dan"
COMMUNES = frozenset({"00004", "00007", "00010"})
COLUMNS = [
    ColumnSpec(
        "so_dinh_danh",
        "text",
        description="Số định danh",
        personal=True,
        required=True,
        unique=True,
        pattern="[0-9]{12}",
    ),
    ColumnSpec("ho_va_ten", "text", description="Họ và tên", personal=True, required=True),
    ColumnSpec("ngay_sinh", "date", description="Ngày sinh", required=True),
    ColumnSpec("ma_xa", "text", description="Mã xã", reference="communes"),
    ColumnSpec("so_tien", "integer", description="Số tiền", minimum=0, maximum=10_000_000),
]
HEADER = "Số định danh,Họ và tên,Ngày sinh,Mã xã,Số tiền\n"


def _load(
    storage: Storage,
    path: Path,
    *,
    columns: list[ColumnSpec] | None = COLUMNS,
    mode: str = "append",
    fmt: str = "csv",
    run: str = "run1",
    **kw: object,
) -> IngestReport:
    return ingest(
        str(path),
        format=fmt,  # type: ignore[arg-type]
        storage=storage,
        key=KEY,
        columns=columns,
        mode=mode,  # type: ignore[arg-type]
        references={"communes": COMMUNES},
        rejected_uri=storage.run_uri(run, "rejected.parquet"),
        metadata={"run": run},
        **kw,  # type: ignore[arg-type]
    )


def _clean(tmp_path: Path) -> Path:
    path = tmp_path / "clean.csv"
    path.write_text(HEADER + "001090000001,Nguyễn Văn An,01/02/1990,00004,1000\n", encoding="utf-8")
    return path


def _messy(tmp_path: Path) -> Path:
    """The issue's file: UTF-8 with two Windows-1258 lines, a day that does not exist, a repeated personal id, an
    unknown commune, a short row."""
    lines = [
        "001090000002,Trần Thị Bích,15/03/1985,00007,250000".encode(),
        cp1258("001090000003,Lê Văn Cường,2026-02-28,00010,0"),
        "001090000004,Phạm Minh Đức,31/02/2026,00004,10".encode(),
        "001090000002,Hoàng Thị Dung,01/01/2000,00004,5".encode(),
        cp1258("001090000005,Võ Thị Hồng,01/01/2000,99999,5"),
        "001090000006,Đặng Quỳnh".encode(),
        "001090000001,Bùi Văn Em,02/02/2002,00010,7".encode(),  # already in the current version
        "12345,Huỳnh Anh,02/02/2002,00010,-1".encode(),
        " 001090000007 ,  Ngô Bảo Châu ,1/2/2003,,".encode(),
    ]
    path = tmp_path / "messy.csv"
    path.write_bytes(HEADER.encode() + b"\r\n".join(lines) + b"\r\n")
    return path


def test_the_messy_file_of_the_issue(tmp_path: Path) -> None:
    storage = Storage(tmp_path.joinpath("wh").as_uri())
    first = _load(storage, _clean(tmp_path), mode="overwrite", run="run0")
    assert (first.version, first.rows_accepted) == (0, 1)
    seen: list[tuple[int, int, int]] = []
    report = _load(storage, _messy(tmp_path), progress=lambda done, total, rows: seen.append((done, total, rows)))

    assert report.encoding == "utf-8+windows-1258"
    assert report.lines_redecoded == 2
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (9, 3, 6)
    assert report.reasons == {"columns": 1, "date": 1, "unique": 2, "reference": 1, "pattern": 1, "range": 1}
    named = sorted((r.row, r.column, r.reason, r.value) for r in report.rejections)
    assert named == [
        (3, "ngay_sinh", "date", "31/02/2026"),
        (4, "so_dinh_danh", "unique", "001090000002"),
        (5, "ma_xa", "reference", "99999"),
        (6, "", "columns", "001090000006,Đặng Quỳnh"),
        (7, "so_dinh_danh", "unique", "001090000001"),
        (8, "so_dinh_danh", "pattern", "12345"),
        (8, "so_tien", "range", "-1"),
    ]
    assert report.version == 1
    assert seen and seen[-1] == (seen[-1][1], seen[-1][1], 9)

    now = tables.dataset(storage, KEY).to_table().sort_by("so_dinh_danh").to_pylist()
    assert [(r["so_dinh_danh"], r["ho_va_ten"], r["ngay_sinh"], r["ma_xa"], r["so_tien"]) for r in now] == [
        ("001090000001", "Nguyễn Văn An", date(1990, 2, 1), "00004", 1000),
        ("001090000002", "Trần Thị Bích", date(1985, 3, 15), "00007", 250000),
        ("001090000003", "Lê Văn Cường", date(2026, 2, 28), "00010", 0),
        ("001090000007", "Ngô Bảo Châu", date(2003, 2, 1), None, None),
    ]
    assert tables.dataset(storage, KEY, 0).to_table().num_rows == 1  # version N is still readable
    versions = tables.versions(storage, KEY)
    assert [(v.version, v.rows, v.metadata["run"]) for v in versions] == [(1, 3, "run1"), (0, 1, "run0")]

    rejected = pq.read_table(storage.path_of(storage.run_uri("run1", "rejected.parquet"))).sort_by("_row")
    assert rejected["_row"].to_pylist() == [3, 4, 5, 6, 7, 8]
    assert rejected["_reasons"].to_pylist()[:2] == ["date", "unique"]
    assert rejected["_reasons"].to_pylist()[-1] == "pattern,range"
    assert rejected["ho_va_ten"].to_pylist()[2] == "Võ Thị Hồng"  # raw values, re-decoded and NFC
    assert rejected["_line"].to_pylist()[3] == "001090000006,Đặng Quỳnh"

    assert tables.version_restore(storage, KEY, 0, metadata={"run": "undo"}) == 2
    assert tables.dataset(storage, KEY).to_table()["so_dinh_danh"].to_pylist() == ["001090000001"]


def test_inference_of_a_new_table(tmp_path: Path) -> None:
    storage = Storage(tmp_path.as_uri())
    path = tmp_path / "data.csv"
    path.write_text(
        "Mã xã;Số tiền (đồng);Tỷ lệ;Ngày cấp;Thời điểm;Đã nộp;Ghi chú;Mã hộ\n"
        "00004;1500;1,5;01/02/2026;2026-01-02 08:30;có;xem lại;1\n"
        "00007;-2;2.25;2026-03-04;02/01/2026 09:00:05;không;;2\n",
        encoding="utf-8",
    )
    report = _load(storage, path, columns=None, mode="overwrite")
    assert [(c.name, c.type, c.description) for c in report.columns] == [
        ("ma_xa", "text", "Mã xã"),
        ("so_tien_dong", "integer", "Số tiền (đồng)"),
        ("ty_le", "decimal", "Tỷ lệ"),
        ("ngay_cap", "date", "Ngày cấp"),
        ("thoi_diem", "timestamp", "Thời điểm"),
        ("da_nop", "boolean", "Đã nộp"),
        ("ghi_chu", "text", "Ghi chú"),
        ("ma_ho", "integer", "Mã hộ"),
    ]
    rows = tables.dataset(storage, KEY).to_table().to_pylist()
    assert rows[0] == {
        "ma_xa": "00004",
        "so_tien_dong": 1500,
        "ty_le": 1.5,
        "ngay_cap": date(2026, 2, 1),
        "thoi_diem": datetime(2026, 1, 2, 1, 30, tzinfo=UTC),
        "da_nop": True,
        "ghi_chu": "xem lại",
        "ma_ho": 1,
    }
    assert rows[1]["thoi_diem"] == datetime(2026, 1, 2, 2, 0, 5, tzinfo=UTC)
    assert rows[1]["ghi_chu"] is None
    schema = tables.dataset(storage, KEY).schema
    assert schema.field("so_tien_dong").metadata == {b"description": "Số tiền (đồng)".encode()}


def test_column_names_are_ascii_snake_case() -> None:
    assert column_name("Mã xã") == "ma_xa"
    assert column_name("Số tiền (đồng)") == "so_tien_dong"
    assert column_name("2025 Dân số") == "c_2025_dan_so"
    assert column_name("!!!", 3) == "column_4"
    assert column_name("ĐỊA CHỈ  thường trú") == "dia_chi_thuong_tru"


def test_schema_mismatch_is_refused_before_any_row(tmp_path: Path) -> None:
    storage = Storage(tmp_path.as_uri())
    _load(storage, _clean(tmp_path), mode="overwrite")
    missing = tmp_path / "missing.csv"
    missing.write_text("Số định danh,Họ và tên,Ngày sinh,Mã xã\n001090000009,A,01/01/2000,00004\n")
    extra = tmp_path / "extra.csv"
    extra.write_text(HEADER.strip() + ",Nghề nghiệp\n001090000009,A,01/01/2000,00004,1,x\n")
    for path, says in ((missing, "missing columns: so_tien"), (extra, "columns the table does not have: Nghề")):
        with pytest.raises(IngestError) as refused:
            _load(storage, path)
        assert refused.value.code == "schema" and says in refused.value.message
    declared_other = [
        ColumnSpec("so_dinh_danh", "text"),
        ColumnSpec("ho_va_ten", "text"),
        ColumnSpec("ngay_sinh", "date"),
        ColumnSpec("ma_xa", "text"),
        ColumnSpec("tien", "integer", description="Số tiền"),
    ]
    with pytest.raises(IngestError) as changed:
        _load(storage, _clean(tmp_path), columns=declared_other)
    assert changed.value.code == "schema"
    assert [v.version for v in tables.versions(storage, KEY)] == [0]
    with pytest.raises(IngestError) as unknown:
        _load(storage, _clean(tmp_path), columns=[*COLUMNS[:3], ColumnSpec("ma_xa", "text", reference="x"), COLUMNS[4]])
    assert unknown.value.code == "reference"
    with pytest.raises(IngestError) as pattern:
        _load(storage, _clean(tmp_path), columns=[ColumnSpec("so_dinh_danh", "text", pattern="(["), *COLUMNS[1:]])
    assert pattern.value.code == "pattern"


def test_append_without_columns_takes_the_current_ones(tmp_path: Path) -> None:
    storage = Storage(tmp_path.as_uri())
    _load(storage, _clean(tmp_path), mode="overwrite")
    path = tmp_path / "more.csv"
    path.write_text("so_dinh_danh,ho_va_ten,ngay_sinh,ma_xa,so_tien\n001090000008,B,2000-01-01,00007,3\n")
    report = _load(storage, path, columns=None)
    assert report.version == 1 and [c.type for c in report.columns] == ["text", "text", "date", "text", "integer"]


def test_nothing_is_written_when_no_row_is_accepted(tmp_path: Path) -> None:
    storage = Storage(tmp_path.as_uri())
    _load(storage, _clean(tmp_path), mode="overwrite")
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "x,,31/02/2026,1,-1\n,,,,\n", encoding="utf-8")
    report = _load(storage, path, mode="overwrite")
    assert report.version is None
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (2, 0, 2)
    assert report.reasons["required"] == 2
    assert [v.version for v in tables.versions(storage, KEY)] == [0]


@pytest.mark.parametrize(("content", "code"), [("", "empty"), (HEADER, "no_rows"), ("\x00\x01binary", "binary")])
def test_empty_header_only_and_binary_files(tmp_path: Path, content: str, code: str) -> None:
    storage = Storage(tmp_path.as_uri())
    path = tmp_path / "f.csv"
    path.write_text(content)
    with pytest.raises(IngestError) as refused:
        _load(storage, path)
    assert refused.value.code == code
    assert not tables.table_exists(storage, KEY)


def test_a_huge_value_rejects_its_row(tmp_path: Path) -> None:
    storage = Storage(tmp_path.as_uri())
    path = tmp_path / "big.csv"
    path.write_text(HEADER + f"001090000001,{'A' * 150_000},01/01/2000,00004,1\n001090000002,B,01/01/2000,00004,1\n")
    report = _load(storage, path)
    assert report.rows_accepted == 1 and report.reasons == {"too_long": 1}
    assert report.rejections[0].row == 1 and len(report.rejections[0].value) == 200


def test_a_failure_in_the_middle_leaves_no_version(tmp_path: Path) -> None:
    storage = Storage(tmp_path.as_uri())
    path = tmp_path / "broken.csv"
    with path.open("w") as out:
        out.write(HEADER)
        for n in range(200_000):
            out.write(f"{n:012d},Nguyễn Văn An,01/01/2000,00004,1\n")
        out.write("000000000001," + "x" * (40 * 1024 * 1024) + "\n")
    with pytest.raises(IngestError) as refused:
        _load(storage, path, mode="overwrite")
    assert refused.value.code == "value_too_large" and refused.value.row == 200_001
    assert not tables.table_exists(storage, KEY)


def test_rules_on_booleans_decimals_and_required(tmp_path: Path) -> None:
    storage = Storage(tmp_path.as_uri())
    path = tmp_path / "r.csv"
    path.write_text('ok,tien,ma\ncó,"1,5",A1\nmaybe,1e999,B2\n0,-0.5,\n')
    columns = [
        ColumnSpec("ok", "boolean", required=True),
        ColumnSpec("tien", "decimal", minimum=0, maximum=2),
        ColumnSpec("ma", "text", required=True, pattern="[A-Z][0-9]"),
    ]
    report = _load(storage, path, columns=columns)
    assert sorted((r.row, r.column, r.reason) for r in report.rejections) == [
        (2, "ok", "type"),
        (2, "tien", "type"),
        (3, "ma", "required"),
        (3, "tien", "range"),
    ]
    assert tables.dataset(storage, KEY).to_table().to_pylist() == [{"ok": True, "tien": 1.5, "ma": "A1"}]


def _xlsx(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Số định danh", "Họ và tên", "Ngày sinh", "Mã xã", "Số tiền"])
    sheet.append(["001090000001", "Nguyễn Văn An", date(1990, 2, 1), "00004", 1000])
    sheet.append(["001090000002", "Trần Bình", "31/02/2026", "00007", 5])
    book.save(path)


def _json(path: Path) -> None:
    path.write_text(
        json.dumps(
            [
                {
                    "Số định danh": "001090000001",
                    "Họ và tên": "Nguyễn Văn An",
                    "Ngày sinh": "1990-02-01",
                    "Mã xã": "00004",
                    "Số tiền": 1000,
                },
                {
                    "Số định danh": "001090000002",
                    "Họ và tên": "Trần Bình",
                    "Ngày sinh": "31/02/2026",
                    "Mã xã": "00007",
                    "Số tiền": 5,
                },
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )


def _parquet(path: Path) -> None:
    pq.write_table(
        pa.table(
            {
                "so_dinh_danh": ["001090000001", "001090000002"],
                "ho_va_ten": ["Nguyễn Văn An", "Trần Bình"],
                "ngay_sinh": [date(1990, 2, 1), None],
                "ma_xa": ["00004", "00007"],
                "so_tien": [1000, 5],
            }
        ),
        path,
    )


@pytest.mark.parametrize(("fmt", "make"), [("xlsx", _xlsx), ("json", _json), ("parquet", _parquet)])
def test_other_formats(tmp_path: Path, fmt: str, make: object) -> None:
    storage = Storage(tmp_path.as_uri())
    path = tmp_path / f"data.{fmt}"
    make(path)  # type: ignore[operator]
    report = _load(storage, path, fmt=fmt)
    assert report.rows_accepted == 1 and report.rejections[0].row == 2
    assert report.rejections[0].reason in ("date", "required")
    assert tables.dataset(storage, KEY).to_table().to_pylist() == [
        {
            "so_dinh_danh": "001090000001",
            "ho_va_ten": "Nguyễn Văn An",
            "ngay_sinh": date(1990, 2, 1),
            "ma_xa": "00004",
            "so_tien": 1000,
        }
    ]


def test_polars_and_duckdb_read_the_result(tmp_path: Path) -> None:
    storage = Storage(tmp_path.as_uri())
    _load(storage, _clean(tmp_path), mode="overwrite")
    _load(storage, _messy(tmp_path))
    assert pl.scan_delta(storage.table_uri(KEY)).select(pl.len()).collect().item() == 4
    assert pl.scan_delta(storage.table_uri(KEY), version=0).collect().height == 1
    assert pl.read_parquet(tables.file_uris(storage, KEY)).height == 4
    data = tables.dataset(storage, KEY)  # noqa: F841  (DuckDB finds it by its name)
    assert duckdb.execute("SELECT count(*), sum(so_tien) FROM data WHERE ma_xa = '00004'").fetchall() == [(1, 1000)]


def test_ingest_versions_and_restore_on_s3(tmp_path: Path, s3_storage: Storage) -> None:
    assert _load(s3_storage, _clean(tmp_path), mode="overwrite", run="run0").version == 0
    report = _load(s3_storage, _messy(tmp_path))
    assert (report.version, report.rows_accepted, report.rows_rejected) == (1, 3, 6)
    assert [v.version for v in tables.versions(s3_storage, KEY)] == [1, 0]
    assert tables.dataset(s3_storage, KEY).to_table().num_rows == 4
    with s3_storage.open(s3_storage.run_uri("run1", "rejected.parquet")) as stream:
        assert pq.read_table(pa.BufferReader(stream.read())).num_rows == 6
    assert tables.version_restore(s3_storage, KEY, 0, metadata={"run": "undo"}) == 2
    assert tables.dataset(s3_storage, KEY).to_table()["so_dinh_danh"].to_pylist() == ["001090000001"]


_MEMORY_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from smartgov.warehouse.engine.ingest import ColumnSpec, ingest
    from smartgov.warehouse.engine.storage import Storage
    path, folder = sys.argv[1], sys.argv[2]
    storage = Storage("file://" + folder)
    columns = [ColumnSpec("so_dinh_danh", "text", required=True, unique=True), ColumnSpec("ghi_chu", "text"),
               ColumnSpec("ngay", "date"), ColumnSpec("so_tien", "integer", minimum=0)]
    report = ingest(path, format="csv", storage=storage, key="a/b", columns=columns, mode="overwrite",
                    references={}, rejected_uri=storage.run_uri("r", "rejected.parquet"), metadata={})
    # VmHWM, not ru_maxrss: a child started by vfork keeps its parent's (pytest's) ru_maxrss
    peak = int(next(x for x in open("/proc/self/status") if x.startswith("VmHWM")).split()[1]) / 1024
    print(json.dumps({"rows": report.rows_accepted, "rss_mb": peak}))
    """
)


def test_memory_stays_bounded_on_a_large_file(tmp_path: Path) -> None:
    """1,200,000 rows, 350 MB of CSV. Reading the whole file with pyarrow and converting its columns (without even
    writing them) peaks near 1 GB here; the streaming ingest stays near 420 MB (the interpreter and its libraries are
    130 MB of it, the Delta writer's buffers most of the rest), whatever the file's size: under 700 MB."""
    path = tmp_path / "big.csv"
    relation = duckdb.sql(
        "SELECT lpad(CAST(i AS VARCHAR), 12, '0') AS so_dinh_danh, repeat('Ủy ban nhân dân xã ghi chú dài ', 8) || i "
        "AS ghi_chu, strftime(DATE '2000-01-01' + CAST(i % 9000 AS INTEGER), '%d/%m/%Y') AS ngay, "
        "i % 100000 AS so_tien "
        "FROM range(1200000) t(i)"
    )
    assert relation is not None
    relation.write_csv(str(path))
    assert path.stat().st_size > 340 * 1024 * 1024
    done = subprocess.run(
        [sys.executable, "-c", _MEMORY_SCRIPT, str(path), str(tmp_path / "wh")],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    facts = json.loads(done.stdout.strip().splitlines()[-1])
    assert facts["rows"] == 1_200_000
    assert facts["rss_mb"] < 700, facts


@pytest.mark.parametrize("pattern", ["[0-9]{12}", "[0-9]{5,9}", "[0-9]+", "[0-9]{0,3}", "[0-9]{3}", "[A-Z]{2}[0-9]+"])
def test_digit_patterns_match_as_the_regular_expression_does(pattern: str) -> None:
    values = pa.array(
        ["123456789012", "12345678901", "1234567890123", "12345678901a", "١٢٣٤٥٦٧٨٩٠١٢", "", None, " 2345678901",
         "12345", "１２３", "AB12"]
    )  # fmt: skip
    expected = pc.match_substring_regex(values, f"^(?:{pattern})$").to_pylist()
    assert _matches(values, pattern).to_pylist() == expected


def test_fixed_width_dates_read_as_strptime_does() -> None:
    """The bytes' arithmetic gives what the general path gives, on every day of leap and common years, in each
    format, and settles only the rows it read (the others: short forms, impossible days, other text)."""
    days = [date(1899, 12, 31), *[date.fromordinal(d) for d in range(date(2023, 12, 1).toordinal(),
                                                                      date(2025, 3, 2).toordinal())]]  # fmt: skip
    written = [d.strftime("%d/%m/%Y") for d in days] + [d.strftime("%d-%m-%Y") for d in days]
    written += [d.isoformat() for d in days]
    odd = ["31/02/2026", "29/02/2025", "00/01/2026", "01/13/2026", "1/2/2026", "2026-1-2", "32/01/2026",
           "ab/cd/efgh", "01/01/0000", "2026/01/02", "01.01.2026", "", None, "２０２６-01-02",
           "29/02/2024"]  # fmt: skip
    text = pa.array(["x", *written, *odd], pa.string()).slice(1)  # a slice: the offsets start later
    fast = _fixed_dates(text)
    assert fast is not None
    dates, settled = fast
    general = pc.cast(_dates(text, with_time=False), pa.date32())
    assert pc.if_else(pa.array(settled), dates, general).to_pylist() == general.to_pylist()
    assert _convert(text, "date").to_pylist() == general.to_pylist()
    assert _convert(text, "date").to_pylist()[: len(written)] == days * 3
    # the column's form is its first value's: those rows, "29/02/2024" and the null; the rest goes the general way
    assert settled.sum() == len(days) + 2
    for form in ("%Y-%m-%d", "%d-%m-%Y"):
        same = _fixed_dates(pa.array([d.strftime(form) for d in days]))
        assert same is not None and same[1].all() and same[0].to_pylist() == days
    assert _fixed_dates(pa.array(["1/2/2026", None])) is None


def test_year_zero_is_not_a_date() -> None:
    """It parses, but nothing could show it (Python's dates start in year 1): the row is rejected, not kept."""
    text = pa.array(["01/01/0000", "0000-12-31", "1/1/0000", "01/01/0001", "31/12/9999"])
    assert _convert(text, "date").to_pylist() == [None, None, None, date(1, 1, 1), date(9999, 12, 31)]
    stamps = _convert(pa.array(["0001-01-01 00:00:00", "0001-01-02 08:00:00", "0000-06-01 10:00"]), "timestamp")
    first, second, third = stamps.to_pylist()
    assert first is None and third is None and second.date() == date(1, 1, 2)  # (the zone's mean time then: +7:06)


def test_values_are_trimmed_only_when_they_need_it() -> None:
    clean = pa.array(["a b", "c", "", None])
    assert _trimmed(clean) is clean
    for spaced in (["a ", "b"], ["a", "\tb"], ["a", "b\r"]):
        array = pa.array(spaced)
        assert _trimmed(array).to_pylist() == [v.strip() for v in spaced]
    assert _trimmed(pa.array([" x", "y", "z"]).slice(1)).to_pylist() == ["y", "z"]


def test_exact_keys_keep_codes_apart() -> None:
    keys = _exact_keys(pa.array(["12", "0012", "012", "000000000012", "999999999999999"]))
    assert keys is not None and len(set(keys.tolist())) == 5
    assert _exact_keys(pa.array(["1234567890123456"])) is None  # 16 digits: hashed
    assert _exact_keys(pa.array(["12", "1a"])) is None
    assert _exact_keys(pa.array(["12", ""])) is None
    assert _exact_keys(pa.array(["١٢"])) is None  # digits of another script
    numbers = _exact_keys(pa.array([-1, 0, 7], pa.int64()))
    assert numbers is not None and len(set(numbers.tolist())) == 3


@pytest.mark.parametrize("rejected", [[], [0], [3], [9], [0, 1, 5, 9], list(range(0, 10, 2))])
def test_the_accepted_rows_are_the_ones_kept(rejected: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    batch = pa.record_batch([pa.array(range(10))], names=["n"])
    good = np.ones(10, dtype=bool)
    good[rejected] = False
    expected = [n for n in range(10) if n not in rejected]
    for limit in (256, 2):  # slices between the rejected rows, or one filtered copy past the limit
        monkeypatch.setattr(ingest_module, "_MAX_SLICES", limit)
        kept = _kept(batch, good)
        assert [n for part in kept for n in part.column(0).to_pylist()] == expected
        assert all(part.num_rows for part in kept)
