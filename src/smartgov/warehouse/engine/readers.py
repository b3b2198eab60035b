"""Read an uploaded file as a stream of record batches of text columns, with the source's data row numbers.

CSV: the file is read in chunks of a few MiB cut at record boundaries (a newline outside quotes), each parsed by
pyarrow's C++ reader. Encoding: a UTF-16 byte-order mark → UTF-16 (transcoded as read); otherwise UTF-8 (with or
without its mark) is assumed and checked chunk by chunk at C speed while pyarrow converts it; only a chunk that is
not valid UTF-8 is repaired line by line, each line that is not UTF-8 decoded with the file's fallback: Windows-1258
(Vietnamese) when the failing lines hold one of its tone-mark bytes (0xCC 0xD2 0xDE 0xEC 0xF2: Windows-1258 writes
most tones as combining marks there), Windows-1252 otherwise. A Vietnamese file saved by an old Excel, and a UTF-8
file with a few such lines pasted in, both come out right; the lines re-decoded are counted. Text is normalised to
NFC (Windows-1258 decodes to combining marks; macOS writes NFD).

Row numbers are data rows: 1 is the first row after the header, blank lines count. A chunk whose rows pyarrow
cannot all take (a wrong field count, a blank line) is parsed again by Python's csv module to name each row; that
slow path runs only for such chunks. Rows with a wrong field count become rejections ("columns"), not errors.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from smartgov.warehouse.engine.errors import IngestError

Format = Literal["csv", "xlsx", "json", "parquet"]

#: Bytes of CSV parsed at once (memory stays a small multiple of this, whatever the file's size).
CHUNK_BYTES = 2 * 1024 * 1024
#: The longest record (a row of CSV, an object of JSON) the readers take; longer is a clear error.
MAX_RECORD_BYTES = 32 * 1024 * 1024
MAX_COLUMNS = 1000
#: Rows of a batch for the readers that build batches in Python (XLSX, JSON).
PY_BATCH_ROWS = 20_000
_TONE_BYTES = frozenset(b"\xcc\xd2\xde\xec\xf2")
# the csv module's own limit on a field (128 KiB) would stop the slow path before ours does
csv.field_size_limit(max(csv.field_size_limit(), MAX_RECORD_BYTES))


@dataclass
class ReadRejection:
    """A row the reader could not take as a row of the header's columns."""

    row: int
    reason: str  # "columns" or "encoding"
    line: str


@dataclass
class ReadBatch:
    values: pa.RecordBatch  # one pa.string() column per header column, named f0, f1, …
    rows: np.ndarray  # int64 data row numbers of values' rows
    rejected: list[ReadRejection]
    bytes_done: int


@dataclass
class Source:
    """An opened file: its header, what was learnt of its encoding, and its batches (read once)."""

    header: list[str]
    encoding: str
    bytes_total: int
    lines_redecoded: int = 0
    _batches: Iterator[ReadBatch] | None = field(default=None, repr=False)
    _closers: list[Any] = field(default_factory=list, repr=False)

    def batches(self) -> Iterator[ReadBatch]:
        if self._batches is None:
            raise RuntimeError("a source is read once")
        batches, self._batches = self._batches, None
        return batches

    def close(self) -> None:
        for closer in self._closers:
            closer.close()

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_source(path: str | Path, format: Format, *, chunk_bytes: int = CHUNK_BYTES) -> Source:
    """Open ``path`` as ``format`` (checked against its content); raises :class:`IngestError` on a file it
    cannot read (empty, binary, wrong format, no header, too many columns)."""
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise IngestError("empty", "The file is empty.")
    with path.open("rb") as probe:
        head = probe.read(8192)
    _check_content(head, format)
    if format == "csv":
        return _csv_source(path, size, head, chunk_bytes)
    if format == "xlsx":
        return _xlsx_source(path, size)
    if format == "json":
        return _json_source(path, size)
    if format == "parquet":
        return _parquet_source(path, size)
    raise IngestError("format", f"Unknown format {format!r}: csv, xlsx, json or parquet.")


_MAGIC = {b"PK\x03\x04": "xlsx", b"PAR1": "parquet"}


def _check_content(head: bytes, format: Format) -> None:
    found = next((name for magic, name in _MAGIC.items() if head.startswith(magic)), None)
    if format in ("xlsx", "parquet"):
        if found != format:
            raise IngestError("format", f"The file is not an {format.upper()} file.")
        return
    if found is not None or head.startswith((b"%PDF", b"\x7fELF", b"MZ", b"\x1f\x8b")):
        raise IngestError("format", f"The file is not a {format.upper()} file.")
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not utf16 and b"\x00" in head:
        raise IngestError("binary", "The file is not text: it holds binary data.")


def normalised(array: pa.Array) -> pa.Array:
    """NFC, only where a value may need it (any non-ASCII text)."""
    return pc.utf8_normalize(array, "NFC")


# ---------------------------------------------------------------------------------------------------------- CSV


class _Utf16ToUtf8:
    """A binary reader of a UTF-16 file that hands out UTF-8 bytes."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.decoder = codecs.getincrementaldecoder("utf-16")()

    def read(self, size: int) -> bytes:
        data = self.raw.read(size)
        try:
            return self.decoder.decode(data, final=not data).encode("utf-8")
        except UnicodeDecodeError:
            raise IngestError("encoding", "The file starts as UTF-16 but is not valid UTF-16.") from None

    def tell(self) -> int:
        return self.raw.tell()

    def close(self) -> None:
        self.raw.close()


def _fallback_codec(lines: list[bytes]) -> str:
    bad = set().union(*(set(line) for line in lines)) if lines else set()
    return "cp1258" if bad & _TONE_BYTES else "cp1252"


_CODEC_NAMES = {"cp1258": "windows-1258", "cp1252": "windows-1252"}


class _CsvState:
    def __init__(self, source: Source, delimiter: str, width: int) -> None:
        self.source = source
        self.delimiter = delimiter
        self.width = width
        self.fallback: str | None = None
        self.utf8_seen = False  # a non-ASCII line that is valid UTF-8 (for the encoding's name)
        self.start_encoding = source.encoding

    def repair(self, chunk: bytes) -> bytes:
        """Each line of ``chunk`` that is not UTF-8 decoded with the fallback codec; the chunk as UTF-8."""
        lines = chunk.split(b"\n")
        bad: list[int] = []
        for index, line in enumerate(lines):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                bad.append(index)
            else:
                if not line.isascii():
                    self.utf8_seen = True
        if self.fallback is None:
            self.fallback = _fallback_codec([lines[i] for i in bad[:1000]])
        for index in bad:
            lines[index] = lines[index].decode(self.fallback, errors="replace").encode("utf-8")
        self.source.lines_redecoded += len(bad)
        self.label()
        return b"\n".join(lines)

    def label(self) -> None:
        """The encoding's name: the file's own, the fallback's, or both (a file with mixed encodings)."""
        if self.fallback is not None:
            name = _CODEC_NAMES[self.fallback]
            self.source.encoding = f"{self.start_encoding}+{name}" if self.utf8_seen else name


def _cut(buffer: bytes, final: bool) -> tuple[int, int, bool]:
    """Where to cut ``buffer`` (after the last newline outside quotes), the records before the cut, and whether a
    quoted value holds a newline. (-1, 0, False) when no record ends in it yet."""
    if b'"' not in buffer:  # the usual file: every newline ends a record (bytes' own search, no array)
        last = buffer.rfind(b"\n")
        if final:
            tail = last + 1
            return len(buffer), buffer.count(b"\n") + (1 if buffer[tail:].strip(b"\r\n") else 0), False
        return (last + 1, buffer.count(b"\n", 0, last + 1), False) if last >= 0 else (-1, 0, False)
    return _cut_quoted(buffer, final)


def _cut_quoted(buffer: bytes, final: bool) -> tuple[int, int, bool]:
    """:func:`_cut` where quotes may hide newlines: a newline ends a record when an even number of quotes precede
    it."""
    data = np.frombuffer(buffer, dtype=np.uint8)
    newlines = np.flatnonzero(data == 10)
    quotes = np.flatnonzero(data == 34)
    outside = np.searchsorted(quotes, newlines) % 2 == 0 if len(quotes) else np.ones(len(newlines), dtype=bool)
    ends = newlines[outside]
    if final:
        quoted_newline = bool(not outside.all())
        tail = 0 if not len(ends) else int(ends[-1]) + 1
        records = len(ends) + (1 if buffer[tail:].strip(b"\r\n") else 0)
        return len(buffer), records, quoted_newline
    if not len(ends):
        return -1, 0, False
    cut = int(ends[-1]) + 1
    return cut, len(ends), bool(not outside[newlines < cut].all())


def _first_end(buffer: bytes) -> int:
    """Just after the first newline outside quotes in ``buffer`` (the header row's end), or -1."""
    data = np.frombuffer(buffer, dtype=np.uint8)
    newlines = np.flatnonzero(data == 10)
    quotes = np.flatnonzero(data == 34)
    outside = np.searchsorted(quotes, newlines) % 2 == 0 if len(quotes) else np.ones(len(newlines), dtype=bool)
    ends = newlines[outside]
    return int(ends[0]) + 1 if len(ends) else -1


def _sniff_delimiter(header: str) -> str:
    counts = dict.fromkeys((",", ";", "\t"), 0)
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _names(width: int) -> list[str]:
    return [f"f{i}" for i in range(width)]


def _csv_source(path: Path, size: int, head: bytes, chunk_bytes: int) -> Source:
    raw = path.open("rb")
    reader: Any = raw
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
        reader = _Utf16ToUtf8(raw)
    elif head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
        raw.read(3)
    else:
        encoding = "utf-8"
    try:
        buffer = reader.read(chunk_bytes)
        while True:
            cut = _first_end(buffer)
            if cut >= 0:
                break
            more = reader.read(chunk_bytes)
            if not more:
                cut = len(buffer)
                break
            buffer += more
            if len(buffer) > MAX_RECORD_BYTES:
                raise IngestError("header", "The first line is too long to be a header row.")
        header_bytes, rest = buffer[:cut], buffer[cut:]
        source = Source(header=[], encoding=encoding, bytes_total=size, _closers=[reader])
        try:
            header_text = header_bytes.decode("utf-8")
        except UnicodeDecodeError:
            header_text = header_bytes.decode(_fallback_codec([header_bytes]), errors="replace")
            source.lines_redecoded += 1
            source.encoding = _CODEC_NAMES[_fallback_codec([header_bytes])]
        header_text = unicodedata.normalize("NFC", header_text.strip("\r\n"))
        if not header_text.strip():
            raise IngestError("header", "The first row must name the columns; it is empty.")
        delimiter = _sniff_delimiter(header_text)
        header = next(csv.reader([header_text], delimiter=delimiter))
        source.header = _checked_header(header)
        state = _CsvState(source, delimiter, len(header))
        state.start_encoding = encoding
        if source.encoding != encoding:
            state.fallback = "cp1258" if "1258" in source.encoding else "cp1252"
        source._batches = _csv_batches(reader, rest, state, chunk_bytes)
        return source
    except BaseException:
        reader.close()
        raise


def _checked_header(header: list[str]) -> list[str]:
    if len(header) > MAX_COLUMNS:
        raise IngestError("too_many_columns", f"The file has {len(header)} columns; the limit is {MAX_COLUMNS}.")
    names = [name.strip() for name in header]
    for index, name in enumerate(names, 1):
        if not name:
            raise IngestError("header", f"Column {index} has no name in the header row.")
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise IngestError("header", f"The column {name} is named twice in the header row.")
        seen.add(name)
    return names


def _csv_batches(reader: Any, carry: bytes, state: _CsvState, chunk_bytes: int) -> Iterator[ReadBatch]:
    next_row = 1
    buffer = carry
    final = False
    while not final:
        while True:
            more = reader.read(chunk_bytes) if not final else b""
            final = not more
            buffer += more
            cut, records, quoted_newline = _cut(buffer, final=final)
            if cut >= 0:
                break
            if len(buffer) > MAX_RECORD_BYTES:
                raise IngestError(
                    "value_too_large",
                    f"Row {next_row} is longer than {MAX_RECORD_BYTES // (1024 * 1024)} MiB.",
                    row=next_row,
                )
        chunk, buffer = buffer[:cut], buffer[cut:]
        if records == 0:
            continue
        batch = _csv_chunk(chunk, records, next_row, state, quoted_newline)
        batch.bytes_done = reader.tell()
        next_row += records
        yield batch


def _csv_chunk(chunk: bytes, records: int, first: int, state: _CsvState, quoted_newline: bool) -> ReadBatch:
    names = _names(state.width)
    invalid = 0

    def skip(_row: Any) -> str:
        nonlocal invalid
        invalid += 1
        return "skip"

    repaired = False
    block = 1 << 20
    for _attempt in range(3):
        try:
            table = pa_csv.read_csv(
                io.BytesIO(chunk),
                read_options=pa_csv.ReadOptions(column_names=names, block_size=block),
                parse_options=pa_csv.ParseOptions(
                    delimiter=state.delimiter, newlines_in_values=quoted_newline, invalid_row_handler=skip
                ),
                convert_options=pa_csv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()), quoted_strings_can_be_null=False
                ),
            )
            break
        except pa.ArrowInvalid as error:
            invalid = 0
            if "UTF8" in str(error) and not repaired:
                chunk, repaired = state.repair(chunk), True
                continue
            if "straddl" in str(error) and block <= len(chunk):  # a record longer than a block: one block
                block = len(chunk) + 1
                continue
            return _csv_chunk_slow(chunk, first, state)
    else:
        return _csv_chunk_slow(chunk, first, state)
    if invalid or table.num_rows != records:
        return _csv_chunk_slow(chunk, first, state)
    if not repaired and not state.utf8_seen and not chunk.isascii():
        state.utf8_seen = True
        state.label()
    combining = repaired or b"\xcc" in chunk or b"\xcd" in chunk
    columns = [col.combine_chunks() for col in table.columns]
    if combining:
        columns = [normalised(col) for col in columns]
    values = pa.RecordBatch.from_arrays(columns, names=names)
    return ReadBatch(values, np.arange(first, first + records, dtype=np.int64), [], 0)


def _csv_chunk_slow(chunk: bytes, first: int, state: _CsvState) -> ReadBatch:
    """Row by row, naming each: wrong field counts become rejections, blank lines are skipped (and counted)."""
    try:
        text = chunk.decode("utf-8")
    except UnicodeDecodeError:
        text = state.repair(chunk).decode("utf-8")
    columns: list[list[str | None]] = [[] for _ in range(state.width)]
    rows: list[int] = []
    rejected: list[ReadRejection] = []
    number = first - 1
    for record in csv.reader(io.StringIO(text, newline=""), delimiter=state.delimiter, strict=False):
        number += 1
        if not record or (record == [""] and state.width > 1):
            continue
        if len(record) != state.width:
            line = state.delimiter.join(record)
            rejected.append(ReadRejection(number, "columns", unicodedata.normalize("NFC", line[:1000])))
            continue
        rows.append(number)
        for index, value in enumerate(record):
            columns[index].append(value)
    arrays = [normalised(pa.array(values, type=pa.string())) for values in columns]
    values = pa.RecordBatch.from_arrays(arrays, names=_names(state.width))
    return ReadBatch(values, np.array(rows, dtype=np.int64), rejected, 0)


# ------------------------------------------------------------------------------------------------- XLSX, JSON


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e18 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class _RowBatcher:
    def __init__(self, width: int) -> None:
        self.width = width
        self.columns: list[list[str | None]] = [[] for _ in range(width)]
        self.rows: list[int] = []
        self.rejected: list[ReadRejection] = []

    def full(self) -> bool:
        return len(self.rows) + len(self.rejected) >= PY_BATCH_ROWS

    def take(self, bytes_done: int) -> ReadBatch:
        arrays = [normalised(pa.array(values, type=pa.string())) for values in self.columns]
        batch = ReadBatch(
            pa.RecordBatch.from_arrays(arrays, names=_names(self.width)),
            np.array(self.rows, dtype=np.int64),
            self.rejected,
            bytes_done,
        )
        self.__init__(self.width)  # type: ignore[misc]
        return batch


def _xlsx_source(path: Path, size: int) -> Source:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook
        raise IngestError("format", "The file is not a readable XLSX workbook.") from error
    try:
        if not book.worksheets:
            raise IngestError("empty", "The workbook has no sheet.")
        rows = book.worksheets[0].iter_rows(values_only=True)
        first = next(rows, None)
        cells = [_text(v) for v in (first or ())]
        while cells and cells[-1] in (None, ""):
            cells.pop()
        if not cells:
            raise IngestError("header", "The first row must name the columns; it is empty.")
        header = _checked_header([unicodedata.normalize("NFC", c or "") for c in cells])
    except BaseException:
        book.close()
        raise
    source = Source(header=header, encoding="xlsx", bytes_total=size, _closers=[book])

    def batches() -> Iterator[ReadBatch]:
        width = len(header)
        batcher = _RowBatcher(width)
        for number, values in enumerate(rows, 1):
            texts = [_text(v) for v in values]
            if all(t in (None, "") for t in texts):
                continue
            if len(texts) > width and any(t not in (None, "") for t in texts[width:]):
                line = "\t".join(t or "" for t in texts)
                batcher.rejected.append(ReadRejection(number, "columns", line[:1000]))
            else:
                texts = (texts + [None] * width)[:width]
                batcher.rows.append(number)
                for index, text in enumerate(texts):
                    batcher.columns[index].append(text)
            if batcher.full():
                yield batcher.take(0)
        yield batcher.take(size)

    source._batches = batches()
    return source


def _json_objects(stream: IO[str]) -> Iterator[Any]:
    """The items of a JSON array, or JSON objects one after another (JSON lines), read a piece at a time: memory is
    bounded by the largest item (:data:`MAX_RECORD_BYTES`), not the file."""
    decoder = json.JSONDecoder()
    buffer = stream.read(1 << 20).lstrip()
    array = buffer.startswith("[")
    if array:
        buffer = buffer[1:]
    eof = False
    while True:
        buffer = buffer.lstrip()
        if array and buffer.startswith(","):
            buffer = buffer[1:].lstrip()
        if array and buffer.startswith("]"):
            if buffer[1:].strip() or stream.read(1 << 20).strip():
                raise IngestError("json", "The file holds more than one JSON value after its array.")
            return
        if not buffer and eof:
            if array:
                raise IngestError("json", "The JSON array is not closed.")
            return
        try:
            item, end = decoder.raw_decode(buffer)
        except json.JSONDecodeError as error:
            if eof:
                raise IngestError("json", f"The file is not valid JSON: {error.msg}.") from None
            if len(buffer) > MAX_RECORD_BYTES:
                raise IngestError(
                    "value_too_large", f"A JSON item is longer than {MAX_RECORD_BYTES // (1024 * 1024)} MiB."
                ) from None
            more = stream.read(1 << 20)
            eof = not more
            buffer += more
            continue
        # a number at the very end of a piece may be cut short: read on before trusting it
        if end == len(buffer) and not eof and not isinstance(item, dict | list | str):
            more = stream.read(1 << 20)
            eof = not more
            buffer += more
            continue
        buffer = buffer[end:]
        yield item
        if len(buffer) < 1 << 16 and not eof:
            more = stream.read(1 << 20)
            eof = not more
            buffer += more


def _json_source(path: Path, size: int) -> Source:
    raw = path.open("rb")
    stream = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict")
    items = _json_objects(stream)
    try:
        first = next(items, None)
    except UnicodeDecodeError:
        stream.close()
        raise IngestError("encoding", "A JSON file must be UTF-8.") from None
    except BaseException:
        stream.close()
        raise
    if not isinstance(first, dict) or not first:
        stream.close()
        raise IngestError("header", "A JSON file is an array of objects (or one object per line) naming the columns.")
    header = _checked_header([unicodedata.normalize("NFC", str(k)) for k in first])
    index_of = {name: i for i, name in enumerate(first)}
    source = Source(header=header, encoding="utf-8", bytes_total=size, _closers=[stream])

    def batches() -> Iterator[ReadBatch]:
        batcher = _RowBatcher(len(header))
        number = 0
        try:
            for item in _chain_one(first, items):
                number += 1
                if not isinstance(item, dict) or any(k not in index_of for k in item):
                    batcher.rejected.append(ReadRejection(number, "columns", (_text(item) or "")[:1000]))
                else:
                    batcher.rows.append(number)
                    for name, index in index_of.items():
                        batcher.columns[index].append(_text(item.get(name)))
                if batcher.full():
                    yield batcher.take(raw.tell())
        except UnicodeDecodeError:
            raise IngestError("encoding", "A JSON file must be UTF-8.", row=number + 1) from None
        yield batcher.take(size)

    source._batches = batches()
    return source


def _chain_one(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest


# ---------------------------------------------------------------------------------------------------- Parquet


def _as_text(column: pa.Array) -> pa.Array:
    if pa.types.is_string(column.type):
        return column
    if pa.types.is_large_string(column.type) or pa.types.is_string_view(column.type):
        return column.cast(pa.string())
    if pa.types.is_nested(column.type) or pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type):
        return pa.array([_text(v) if not isinstance(v, bytes) else v.hex() for v in column.to_pylist()], pa.string())
    if pa.types.is_dictionary(column.type):
        return _as_text(column.dictionary_decode())
    return column.cast(pa.string())


def _parquet_source(path: Path, size: int) -> Source:
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as error:
        raise IngestError("format", "The file is not a readable Parquet file.") from error
    header = _checked_header([unicodedata.normalize("NFC", n) for n in parquet.schema_arrow.names])
    source = Source(header=header, encoding="parquet", bytes_total=size, _closers=[parquet])

    def batches() -> Iterator[ReadBatch]:
        first = 1
        total_groups = max(parquet.num_row_groups, 1)
        done_groups = 0
        try:
            for batch in parquet.iter_batches(batch_size=65_536):
                arrays = [normalised(_as_text(column)) for column in batch.columns]
                rows = np.arange(first, first + batch.num_rows, dtype=np.int64)
                first += batch.num_rows
                done_groups = min(total_groups, done_groups + 1)
                yield ReadBatch(pa.RecordBatch.from_arrays(arrays, names=_names(len(header))), rows, [], 0)
        except (pa.ArrowInvalid, OSError) as error:
            raise IngestError("format", "The Parquet file is damaged.") from error

    source._batches = batches()
    return source
