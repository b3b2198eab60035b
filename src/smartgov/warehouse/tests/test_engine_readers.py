"""The readers: every encoding and format as streams of text batches with the source's data row numbers."""

from __future__ import annotations

import codecs
import json
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from smartgov.warehouse.engine.errors import IngestError
from smartgov.warehouse.engine.readers import ReadRejection, Source, _cut, _cut_quoted, open_source

ROWS = [("00004", "Nguyễn Thị Hương", "01/02/1990"), ("00007", "Trần Đức Thắng", "2026-01-31")]
TEXT = "Mã xã,Họ và tên,Ngày sinh\n" + "".join(",".join(r) + "\n" for r in ROWS)


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """``text`` as Windows-1258 writes it: letters with their vowel marks precomposed, tones as combining marks."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in _TONES)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES)) + tones)
    return "".join(out).encode("cp1258")


Read = tuple[list[str], list[dict[str, str | None]], list[int], tuple[Source, list[ReadRejection]]]


def _read(path: Path, fmt: str = "csv", **kw: int) -> Read:
    source = open_source(path, fmt, **kw)  # type: ignore[arg-type]
    rows: list[dict[str, str | None]] = []
    numbers: list[int] = []
    rejected: list[ReadRejection] = []
    with source:
        for batch in source.batches():
            for values in batch.values.to_pylist():
                rows.append(dict(zip(source.header, values.values(), strict=True)))
            numbers += batch.rows.tolist()
            rejected += batch.rejected
    return source.header, rows, numbers, (source, rejected)


def _expected() -> list[dict[str, str | None]]:
    return [dict(zip(["Mã xã", "Họ và tên", "Ngày sinh"], r, strict=True)) for r in ROWS]


@pytest.mark.parametrize(
    ("encoding", "prefix", "name"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16"),
        ("cp1258", b"", "windows-1258"),
    ],
)
def test_every_encoding_comes_out_as_nfc_text(tmp_path: Path, encoding: str, prefix: bytes, name: str) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(prefix + (cp1258(TEXT) if encoding == "cp1258" else TEXT.encode(encoding)))
    header, rows, numbers, (source, _) = _read(path)
    assert header == ["Mã xã", "Họ và tên", "Ngày sinh"]
    assert rows == _expected()
    assert all(unicodedata.is_normalized("NFC", v or "") for r in rows for v in r.values())
    assert numbers == [1, 2]
    assert source.encoding == name


def test_windows_1252_for_western_text(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes("name;city\nJosé;São Paulo\n".encode("cp1252"))
    header, rows, _, (source, _) = _read(path)
    assert header == ["name", "city"]
    assert rows == [{"name": "José", "city": "São Paulo"}]
    assert source.encoding == "windows-1252"


def test_mixed_encodings_are_repaired_line_by_line(tmp_path: Path) -> None:
    """A UTF-8 file with a few Windows-1258 lines pasted in, across several chunks."""
    lines = []
    for n in range(1, 3001):
        name = f"Nguyễn Văn {n}"
        encoded = cp1258(name) if n % 1000 == 0 else name.encode()
        lines.append(f"{n:05d},".encode() + encoded + b",01/01/2000\n")
    path = tmp_path / "mixed.csv"
    path.write_bytes("Mã xã,Họ và tên,Ngày sinh\n".encode() + b"".join(lines))
    _, rows, numbers, (source, _) = _read(path, chunk_bytes=16 * 1024)
    assert [r["Họ và tên"] for r in rows] == [f"Nguyễn Văn {n}" for n in range(1, 3001)]
    assert numbers == list(range(1, 3001))
    assert source.lines_redecoded == 3
    assert source.encoding == "utf-8+windows-1258"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "data.csv"
    path.write_text(TEXT.replace(",", delimiter), encoding="utf-8")
    assert _read(path)[1] == _expected()


def test_wrong_field_counts_blank_lines_and_quotes_keep_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text('a,b\r\n1,x\r\n2\r\n\r\n3,"line one\r\nline two, still b"\r\n4,y,extra\r\n5,z', encoding="utf-8")
    _, rows, numbers, (_, rejected) = _read(path)
    assert rows == [{"a": "1", "b": "x"}, {"a": "3", "b": "line one\r\nline two, still b"}, {"a": "5", "b": "z"}]
    assert numbers == [1, 4, 6]
    assert [(r.row, r.reason, r.line) for r in rejected] == [(2, "columns", "2"), (5, "columns", "4,y,extra")]


def test_rows_are_numbered_across_chunks(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    body = "".join(f"{n},v{n}\n" if n != 777 else f"{n}\n" for n in range(1, 2001))
    path.write_text("a,b\n" + body, encoding="utf-8")
    _, rows, numbers, (_, rejected) = _read(path, chunk_bytes=1000)
    assert len(rows) == 1999
    assert numbers == [n for n in range(1, 2001) if n != 777]
    assert all(r["a"] == str(n) for r, n in zip(rows, numbers, strict=True))
    assert [r.row for r in rejected] == [777]


def test_xlsx(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã xã", "Ngày sinh", "Số tiền", "Đã nộp", None])
    sheet.append(["00004", date(1990, 2, 1), 1500, True])
    sheet.append([None, None, None, None])
    sheet.append(["00007", datetime(2026, 1, 2, 8, 30), 12.5, False, "thừa"])  # noqa: DTZ001  (Excel has no zones)
    sheet.append(["00010", "31/02/2026", None, None])
    path = tmp_path / "data.xlsx"
    book.save(path)
    header, rows, numbers, (_, rejected) = _read(path, "xlsx")
    assert header == ["Mã xã", "Ngày sinh", "Số tiền", "Đã nộp"]
    assert rows == [
        {"Mã xã": "00004", "Ngày sinh": "1990-02-01", "Số tiền": "1500", "Đã nộp": "true"},
        {"Mã xã": "00010", "Ngày sinh": "31/02/2026", "Số tiền": None, "Đã nộp": None},
    ]
    assert numbers == [1, 4]
    assert [(r.row, r.reason) for r in rejected] == [(3, "columns")]


@pytest.mark.parametrize("lines", [False, True])
def test_json_array_and_lines(tmp_path: Path, lines: bool) -> None:
    items = [{"ma": "00004", "so": 1, "ok": True, "extra": None}, {"ma": "00007", "so": 2.5}, {"ma": "x", "zzz": 1}]
    items += [{"ma": f"{n:05d}", "so": n} for n in range(100, 5100)]
    path = tmp_path / "data.json"
    text = "\n".join(json.dumps(i) for i in items) if lines else json.dumps(items, indent=1)
    path.write_text(text, encoding="utf-8")
    header, rows, numbers, (_, rejected) = _read(path, "json")
    assert header == ["ma", "so", "ok", "extra"]
    assert rows[:2] == [
        {"ma": "00004", "so": "1", "ok": "true", "extra": None},
        {"ma": "00007", "so": "2.5", "ok": None, "extra": None},
    ]
    assert len(rows) == 5002 and numbers[:3] == [1, 2, 4] and numbers[-1] == 5003
    assert [(r.row, r.reason) for r in rejected] == [(3, "columns")]


def test_parquet_values_as_text(tmp_path: Path) -> None:
    path = tmp_path / "data.parquet"
    table = pa.table(
        {
            "ma_xa": ["00004", None],
            "so": pa.array([1, 2], pa.int64()),
            "ngay": pa.array([date(2026, 1, 2), date(2000, 2, 29)]),
            "ok": [True, False],
        }
    )
    pq.write_table(table, path)
    header, rows, numbers, _ = _read(path, "parquet")
    assert header == ["ma_xa", "so", "ngay", "ok"]
    assert rows == [
        {"ma_xa": "00004", "so": "1", "ngay": "2026-01-02", "ok": "true"},
        {"ma_xa": None, "so": "2", "ngay": "2000-02-29", "ok": "false"},
    ]
    assert numbers == [1, 2]


@pytest.mark.parametrize(
    ("content", "fmt", "code"),
    [
        (b"", "csv", "empty"),
        (b"\n\n", "csv", "header"),
        (b"a,,c\n1,2,3\n", "csv", "header"),
        (b"a,b,a\n1,2,3\n", "csv", "header"),
        (b"\x00\x01\x02garbage\xff\xfe\x00" * 100, "csv", "binary"),
        (b"PK\x03\x04 a zip, not a csv", "csv", "format"),
        (b"a,b\n1,2\n", "xlsx", "format"),
        (b"PK\x03\x04 not really a workbook", "xlsx", "format"),
        (b"a,b\n1,2\n", "parquet", "format"),
        (b"PAR1 and nothing else", "parquet", "format"),
        (b"[1, 2, 3]", "json", "header"),
        (b'{"a": 1', "json", "json"),
        (b'[{"a": 1}', "json", "json"),
        (b'\xff\xfe{"a": "\xe9"}', "json", "encoding"),
        (b"%PDF-1.7 a pdf", "json", "format"),
    ],
)
def test_unreadable_files_are_refused_clearly(tmp_path: Path, content: bytes, fmt: str, code: str) -> None:
    path = tmp_path / f"file.{fmt}"
    path.write_bytes(content)
    with pytest.raises(IngestError) as refused:
        _read(path, fmt)
    assert refused.value.code == code
    assert refused.value.message


def test_column_limit(tmp_path: Path) -> None:
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(1000)) + "\n" + ",".join("1" for _ in range(1000)) + "\n")
    header, rows, _, _ = _read(wide)
    assert len(header) == 1000 and len(rows) == 1
    wider = tmp_path / "wider.csv"
    wider.write_text(",".join(f"c{i}" for i in range(1001)) + "\n")
    with pytest.raises(IngestError) as refused:
        _read(wider)
    assert refused.value.code == "too_many_columns"


def test_a_value_larger_than_a_record_may_be_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("w") as out:
        out.write("a,b\n1,2\n3,")
        out.write("x" * (40 * 1024 * 1024))
        out.write("\n4,5\n")
    with pytest.raises(IngestError) as refused:
        _read(path)
    assert refused.value.code == "value_too_large"
    assert refused.value.row == 2


@pytest.mark.parametrize(
    "buffer", [b"", b"a,b", b"a,b\n", b"a,b\nc,d", b"a,b\r\nc,d\r\n", b"\n\n", b"a\n\r\n", b"x\ny\n  ", b"x\ny\n\r\n"]
)
def test_a_chunk_without_quotes_is_cut_as_the_quoted_path_cuts_it(buffer: bytes) -> None:
    for final in (False, True):
        assert _cut(buffer, final) == _cut_quoted(buffer, final)


@pytest.mark.parametrize("last", ['"00010",Lê Văn Nam,03/04/1985', "00010,Lê Văn Nam,03/04/1985"])
def test_a_last_row_without_a_newline_alone_in_the_last_chunk_is_read(tmp_path: Path, last: str) -> None:
    path = tmp_path / "cuoi.csv"
    path.write_text(TEXT + last, encoding="utf-8")
    _, rows, numbers, _ = _read(path, chunk_bytes=len(TEXT.encode()))  # the last read holds the last row only
    assert numbers == [1, 2, 3] and rows[-1]["Mã xã"] == "00010"
