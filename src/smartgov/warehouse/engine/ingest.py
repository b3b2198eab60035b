"""Load a file into a table's new version: schema inferred or checked, every value converted and checked, the
rejected rows named and kept, the accepted ones streamed into Delta Lake (docs/warehouse.md).

Everything per batch is vectorised (pyarrow.compute over a whole column; Python touches only rejected rows), and
memory stays bounded by the reader's chunk, the Delta writer's buffers and the uniqueness index (8 bytes a row).
"""

from __future__ import annotations

import itertools
import os
import queue
import re
import threading
import time
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from smartgov.warehouse.engine import tables
from smartgov.warehouse.engine.errors import IngestError
from smartgov.warehouse.engine.readers import Format, ReadBatch, ReadRejection, open_source
from smartgov.warehouse.engine.storage import Storage

__all__ = ["ColumnSpec", "IngestError", "IngestReport", "Rejection", "column_name", "ingest"]

ColumnType = Literal["text", "integer", "decimal", "date", "timestamp", "boolean"]
TYPES: tuple[str, ...] = ("text", "integer", "decimal", "date", "timestamp", "boolean")
REASONS = ("encoding", "columns", "required", "type", "date", "range", "pattern", "unique", "reference", "too_long")
#: Rejections kept in the report (all of them are in the rejected rows' Parquet file).
REPORT_REJECTIONS = 1000
#: The longest value taken (characters); a longer one rejects its row ("too_long").
MAX_VALUE_CHARS = 100_000
#: Rows the inference looks at.
INFER_ROWS = 10_000

ARROW_TYPES: dict[str, pa.DataType] = {
    "text": pa.string(),
    "integer": pa.int64(),
    "decimal": pa.float64(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "boolean": pa.bool_(),
}


@dataclass
class ColumnSpec:
    name: str
    type: ColumnType
    description: str = ""
    personal: bool = False
    required: bool = False
    unique: bool = False
    minimum: float | None = None
    maximum: float | None = None
    pattern: str = ""  # a full-match regular expression (RE2 syntax)
    reference: str = ""  # a master-data set, e.g. "communes"


@dataclass
class Rejection:
    row: int
    column: str
    reason: str
    value: str


@dataclass
class IngestReport:
    encoding: str
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    reasons: dict[str, int]
    rejections: list[Rejection]
    columns: list[ColumnSpec]
    version: int | None
    seconds: float
    lines_redecoded: int


# ------------------------------------------------------------------------------------------------- names, types


def column_name(text: str, index: int = 0) -> str:
    """ASCII snake_case without diacritics: ``"Mã xã"`` → ``"ma_xa"``, ``"Số tiền (đồng)"`` → ``"so_tien_dong"``."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:60].strip("_")
    if not name:
        return f"column_{index + 1}"
    return f"c_{name}" if name[0].isdigit() else name


def _unique_names(header: list[str]) -> list[str]:
    names: list[str] = []
    for index, text in enumerate(header):
        base = name = column_name(text, index)
        n = 2
        while name in names:
            name, n = f"{base}_{n}", n + 1
        names.append(name)
    return names


_INTEGER = r"^[+-]?[0-9]{1,18}$"
_DECIMAL = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?$"
_DATE_FORMATS = (  # (pattern with named day and month, strptime format)
    (r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})$", "%Y-%m-%d"),
    (r"^(?P<d>[0-9]{1,2})/(?P<m>[0-9]{1,2})/(?P<y>[0-9]{4})$", "%d/%m/%Y"),
    (r"^(?P<d>[0-9]{1,2})-(?P<m>[0-9]{1,2})-(?P<y>[0-9]{4})$", "%d-%m-%Y"),
)
_TIME = r" (?P<H>[0-9]{1,2}):(?P<M>[0-9]{2}):(?P<S>[0-9]{2})$"
_EARLIEST = {False: datetime(1, 1, 1), True: datetime(1, 1, 2)}  # noqa: DTZ001  (naive, as strptime's)
_TRUE = ["true", "yes", "y", "có", "co", "đúng", "x"]
_FALSE = ["false", "no", "n", "không", "khong", "sai"]


_SPACE = np.zeros(256, dtype=bool)
_SPACE[[9, 10, 11, 12, 13, 32]] = True


def _trimmed(text: pa.Array) -> pa.Array:
    """``text`` without ASCII white space around its values; the array itself (no copy) when no value starts or
    ends with any, which the first and last byte of each value tell."""
    found = _string_buffers(text)
    if found is None:
        return pc.ascii_trim_whitespace(text)
    offsets, data = found
    starts, ends = offsets[:-1], offsets[1:]
    filled = ends > starts
    if not filled.any():
        return text
    if _SPACE[data[starts[filled]]].any() or _SPACE[data[ends[filled] - 1]].any():
        return pc.ascii_trim_whitespace(text)
    return text


def _present(values: pa.Array) -> pa.Array:
    """True where a value is given (not null, not empty)."""
    return pc.fill_null(pc.greater(pc.binary_length(values), 0), False)


def _dates(text: pa.Array, with_time: bool) -> pa.Array:
    """Dates (or naive timestamps) of ``text`` in ISO or Vietnamese day/month/year order; null where a value is not
    one, including a day that does not exist. strptime rolls 31/02/2026 over to 03/03/2026, so a parsed day from
    the 1st to the 3rd (where every roll-over lands) is checked against the day and month written in the text."""
    found: pa.Array | None = None
    remaining = text
    for pattern, fmt in _date_formats_for(text):
        if remaining.null_count == len(remaining):
            break
        full = pattern[:-1] + _TIME if with_time else pattern
        parsed = pc.strptime(remaining, format=fmt + (" %H:%M:%S" if with_time else ""), unit="s", error_is_null=True)
        if parsed.null_count == len(parsed):
            continue
        suspect = pc.fill_null(pc.less_equal(pc.day(parsed), 3), False)
        if pc.any(suspect).as_py():
            where = pc.indices_nonzero(suspect)
            parts = pc.extract_regex(pc.take(remaining, where), full)
            dates = pc.take(parsed, where)
            same = pc.and_(
                pc.equal(pc.day(dates), pc.cast(pc.struct_field(parts, "d"), pa.int64())),
                pc.equal(pc.month(dates), pc.cast(pc.struct_field(parts, "m"), pa.int64())),
            )
            wrong = pc.filter(where, pc.invert(pc.fill_null(same, False)))
            if len(wrong):
                mask = np.zeros(len(parsed), dtype=bool)
                mask[wrong.to_numpy()] = True
                parsed = pc.if_else(pa.array(mask), None, parsed)
        found = parsed if found is None else pc.coalesce(found, parsed)
        remaining = pc.if_else(pc.is_valid(parsed), None, remaining)
    if found is None:
        return pa.nulls(len(text), type=pa.timestamp("s"))
    # year 0 parses, but no reader could show it (Python's dates start at 1 January of year 1; a time on that day in
    # Vietnam is still year 0 in UTC)
    return pc.if_else(pc.less(found, pa.scalar(_EARLIEST[with_time], pa.timestamp("s"))), None, found)


#: ASCII digits and separators, for the fixed-width dates read from the bytes.
_ZERO = 48


def _string_buffers(text: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """The value offsets (one more than the values) and the bytes of a ``string`` array, without a copy; None for
    another type."""
    if text.type != pa.string():
        return None
    buffers = text.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int32)[text.offset : text.offset + len(text) + 1]
    data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else np.zeros(0, dtype=np.uint8)
    return offsets, data


def _fixed_dates(text: pa.Array) -> tuple[pa.Array, np.ndarray] | None:
    """The dates of the values written in full in the column's own form, ``dd/mm/yyyy``, ``dd-mm-yyyy`` or
    ``yyyy-mm-dd`` (ten characters, the form of the first such value), by integer arithmetic over their bytes, and
    which rows that settles (a valid date, or no value); None when no row is such. A few per cent of ``strptime``'s
    cost; every other row (another form, ``1/2/2026``, ``31/02/2026``) is left to :func:`_dates`, which decides
    what it is."""
    found = _string_buffers(text)
    if found is None or not len(text):
        return None
    offsets, data = found
    starts = offsets[:-1]
    fixed = (offsets[1:] - starts) == 10
    if text.null_count:
        fixed &= text.is_valid().to_numpy(zero_copy_only=False)
    rows = np.flatnonzero(fixed)
    if not len(rows):
        return None
    at = starts[rows]
    if len(rows) == len(text) and offsets[-1] - offsets[0] == 10 * len(text):
        block = data[offsets[0] : offsets[-1]].reshape(-1, 10)  # every value ten bytes, in a row: a view

        def char(k: int) -> np.ndarray:
            return block[:, k]
    else:

        def char(k: int) -> np.ndarray:
            return data[at + k]

    first = bytes(data[at[0] : at[0] + 10])
    if first[4:5] == first[7:8] == b"-":
        year_at, month_at, day_at, separators = 0, 5, 8, ((4, 45), (7, 45))
    elif first[2:3] == first[5:6] and first[2:3] in (b"/", b"-"):
        year_at, month_at, day_at, separators = 6, 3, 0, ((2, first[2]), (5, first[2]))
    else:
        return None
    ok = np.ones(len(rows), dtype=bool)
    for position, byte in separators:
        ok &= char(position) == byte

    def number(position: int, width: int) -> np.ndarray:
        nonlocal ok
        value = np.zeros(len(rows), dtype=np.int32)
        for k in range(position, position + width):
            digit = char(k) - np.uint8(_ZERO)  # a byte below "0" wraps above 9
            ok &= digit <= 9
            value = value * 10 + digit
        return value

    year, month, day = number(year_at, 4), number(month_at, 2), number(day_at, 2)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    length = _MONTH_DAYS[np.clip(month, 1, 12) - 1] + (leap & (month == 2))
    ok &= (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= length)
    # days since 1970-01-01 of a proleptic Gregorian date (the "days from civil" formula)
    y = year - (month <= 2)
    era = y // 400
    of_era = y - era * 400
    of_year = (153 * np.where(month > 2, month - 3, month + 9) + 2) // 5 + day - 1
    days = era * 146097 + of_era * 365 + of_era // 4 - of_era // 100 + of_year - 719468
    values = np.zeros(len(text), dtype=np.int32)
    valid = np.zeros(len(text), dtype=bool)
    values[rows] = days
    valid[rows] = ok
    settled = valid | text.is_null().to_numpy(zero_copy_only=False) if text.null_count else valid
    return pa.Array.from_buffers(pa.date32(), len(text), [_validity(valid), pa.py_buffer(values)]), settled


_MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int32)


def _validity(valid: np.ndarray) -> pa.Buffer:
    return pa.py_buffer(np.packbits(valid, bitorder="little"))


def _scattered_dates(dates: pa.Array, rows: np.ndarray, found: pa.Array) -> pa.Array:
    """``dates`` with the values at ``rows`` replaced by ``found`` (date32, one per row)."""
    values = pc.fill_null(dates.view(pa.int32()), 0).to_numpy(zero_copy_only=False).copy()
    valid = dates.is_valid().to_numpy(zero_copy_only=False).copy()
    values[rows] = pc.fill_null(found.view(pa.int32()), 0).to_numpy(zero_copy_only=False)
    valid[rows] = found.is_valid().to_numpy(zero_copy_only=False)
    return pa.Array.from_buffers(pa.date32(), len(dates), [_validity(valid), pa.py_buffer(values)])


def _general_dates(text: pa.Array) -> pa.Array:
    """Dates in any accepted form, a midnight time allowed (``2026-01-31 00:00:00``)."""
    if pc.any(pc.match_substring(text, ":")).as_py():
        text = pc.replace_substring_regex(text, r"^([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]00:00(:00)?$", r"\1")
    return pc.cast(_dates(text, with_time=False), pa.date32())


def _date_formats_for(text: pa.Array) -> tuple[tuple[str, str], ...]:
    """The formats to try, the likeliest first (day/month/year when the first value has a slash): each format tried
    costs a parse of the whole column."""
    first = pc.drop_null(text.slice(0, 64))
    if len(first) and "/" in first[0].as_py():
        return (_DATE_FORMATS[1], _DATE_FORMATS[0], _DATE_FORMATS[2])
    return _DATE_FORMATS


def _timestamp_text(text: pa.Array) -> pa.Array:
    """``T`` as a space, seconds added when missing, fractions dropped, a date alone as its midnight."""
    text = pc.replace_substring_regex(text, r"^([0-9]{4}-[0-9]{1,2}-[0-9]{1,2})T", r"\1 ")
    text = pc.replace_substring_regex(text, r"(:[0-9]{2})\.[0-9]+$", r"\1")
    text = pc.replace_substring_regex(text, r"^([^ ]+ [0-9]{1,2}:[0-9]{2})$", r"\1:00")
    return pc.replace_substring_regex(text, r"^([^ ]+)$", r"\1 00:00:00")


_DIGITS = re.compile(r"\[0-9\](?:\{([0-9]{1,4})(?:,([0-9]{1,4}))?\}|(\+))")


def _matches(text: pa.Array, pattern: str) -> pa.Array:
    """Whether each value of ``text`` matches ``pattern`` whole (null where absent). A run of ASCII digits
    (``[0-9]{12}``, ``[0-9]{9,12}``, ``[0-9]+``: personal ids, tax codes, phone numbers) is checked by length and
    :func:`pyarrow.compute.ascii_is_decimal`, about twice as fast as the regular expression."""
    digits = _DIGITS.fullmatch(pattern)
    if digits is None or digits.group(1) in ("0", "00", "000", "0000"):  # an empty value would match: the regex
        return pc.match_substring_regex(text, f"^(?:{pattern})$")
    exact, upper, plus = digits.groups()
    length = pc.binary_length(text)
    if plus:
        fits = pc.greater(length, 0)
    elif upper is None:
        fits = pc.equal(length, int(exact))
    else:
        fits = pc.and_(pc.greater_equal(length, int(exact)), pc.less_equal(length, int(upper)))
    return pc.and_(fits, pc.ascii_is_decimal(text))


def _cast_or(text: pa.Array, pattern: str, target: pa.DataType) -> pa.Array:
    """``text`` cast to ``target`` at once when every value converts (the usual case), else value by value: the
    values matching ``pattern`` are cast and the others become null."""
    try:
        return pc.cast(text, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pc.cast(pc.if_else(pc.match_substring_regex(text, pattern), text, None), target)


def _convert(text: pa.Array, kind: str) -> pa.Array:
    """``text`` (trimmed, null where absent) as ``kind``; null where a value does not convert."""
    if kind == "text":
        return text
    if kind == "integer":
        return _cast_or(text, _INTEGER, pa.int64())
    if kind == "decimal":
        if pc.any(pc.match_substring(text, ",")).as_py():
            text = pc.replace_substring_regex(text, r"^([+-]?[0-9]+),([0-9]+)$", r"\1.\2")
        number = _cast_or(text, _DECIMAL, pa.float64())
        return pc.if_else(pc.is_finite(number), number, None)
    if kind == "date":
        fast = _fixed_dates(text)
        if fast is None:
            return _general_dates(text)
        dates, settled = fast
        if settled.all():
            return dates
        rows = np.flatnonzero(~settled)
        return _scattered_dates(dates, rows, _general_dates(text.take(pa.array(rows))))
    if kind == "timestamp":
        local = _dates(_timestamp_text(text), with_time=True)
        # a time without a zone is Vietnam's (UTC+7 all year); stored as UTC
        return pc.cast(pc.assume_timezone(local, "Asia/Ho_Chi_Minh"), ARROW_TYPES["timestamp"])
    if kind == "boolean":
        lower = pc.utf8_lower(text)
        true = pc.is_in(lower, value_set=pa.array([*_TRUE, "1"]))
        false = pc.is_in(lower, value_set=pa.array([*_FALSE, "0"]))
        return pc.if_else(true, True, pc.if_else(false, False, pa.scalar(None, pa.bool_())))
    raise IngestError("schema", f"Unknown column type {kind!r}.")


def _infer(text: pa.Array) -> str:
    """The narrowest type every given value of ``text`` converts to. Integers written with a leading zero (codes:
    commune 00004, personal id 001090…) stay text, as do 0/1 columns (integers, not booleans)."""
    present = _present(text)
    given = pc.filter(text, present)
    if len(given) == 0:
        return "text"
    leading_zero = pc.any(pc.match_substring_regex(given, r"^[+-]?0[0-9]")).as_py()
    for kind in ("integer", "decimal", "date", "timestamp"):
        if kind in ("integer", "decimal") and leading_zero:
            continue
        if _convert(given, kind).null_count == 0:
            return kind
    lower = pc.utf8_lower(given)
    if pc.all(pc.is_in(lower, value_set=pa.array(_TRUE + _FALSE))).as_py():
        return "boolean"
    return "text"


# -------------------------------------------------------------------------------------------------- uniqueness


#: A run of keys is merged into the previous one once it holds at least this fraction of it: each key is copied about
#: log4(batches) times, and a search visits a handful more runs (few keys get past the filter).
_MERGE_RATIO = 4


class _UniqueIndex:
    """The keys taken so far by one unique column, as 64-bit keys in sorted NumPy runs.

    A key is exact where it can be: an integer column's value, or a code of up to 15 ASCII digits (personal ids, tax
    codes, phone numbers) as its number with its length in the top four bits (``0012`` and ``12`` differ). Any
    other value's key is its 64-bit hash (DuckDB's ``hash()``); two different values share one with a probability
    of about n²/2^65 (3 in a million for 10 million rows), in which case the later row would be wrongly rejected as
    a duplicate (so could a hashed key and an exact one, in a column mixing codes and other text).

    Why this and not a set or a DuckDB table: a Python set of 10 million strings costs about 1 GB and a Python loop
    per row; a DuckDB table with a primary key spills to disk but answers per batch with a join that rescans it.
    Sorted runs of uint64 cost 8 bytes a key (80 MB for 10 million rows), are searched with ``np.searchsorted`` per
    batch, and are merged like a log-structured tree (a run is merged into the previous one while it is at least
    a quarter of its size), so each key is copied O(log n) times. A bit filter of 16 MiB in front of the runs (27
    bits of the key, mixed) answers most keys that were never seen without searching the runs: half the index's time
    at 10 million keys. Limit: memory grows by 8 bytes a row (a 100-million-row load holds 800 MB)."""

    #: Bits of the filter in front of the runs (16 MiB): a key whose bit is not set was never added, so only the few
    #: keys whose bit is set are searched in the runs (about 7 % of them after 10 million keys).
    FILTER_BITS = 27

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.runs: list[np.ndarray] = []
        self.filter = np.zeros(1 << (self.FILTER_BITS - 3), dtype=np.uint8)

    def _slots(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # Fibonacci hashing spreads exact keys (small numbers) over the filter's bits
        slot = (keys * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - self.FILTER_BITS)
        return (slot >> np.uint64(3)).astype(np.intp), np.left_shift(1, (slot & np.uint64(7)).astype(np.uint8))

    def hashes(self, values: pa.Array, con: duckdb.DuckDBPyConnection | None = None) -> np.ndarray:
        """The keys of ``values`` (no nulls); ``con``: a cursor of the thread's own (a connection is not shared)."""
        exact = _exact_keys(values)
        if exact is not None:
            return exact
        con = con if con is not None else self.con
        con.register("keys_batch", pa.table({"v": values}))
        result = con.execute("SELECT hash(v) AS h FROM keys_batch").fetchnumpy()["h"]
        return np.asarray(result, dtype=np.uint64)

    def seen(self, keys: np.ndarray) -> np.ndarray:
        found = np.zeros(len(keys), dtype=bool)
        if not self.runs or not len(keys):
            return found
        byte, bit = self._slots(keys)
        maybe = np.flatnonzero(self.filter[byte] & bit)
        if not len(maybe):
            return found
        candidates = keys[maybe]
        hit = np.zeros(len(maybe), dtype=bool)
        for run in self.runs:
            at = np.searchsorted(run, candidates)
            at[at == len(run)] = 0
            hit |= run[at] == candidates
        found[maybe] = hit
        return found

    def add(self, keys: np.ndarray) -> None:
        self.add_sorted(np.sort(keys))

    def add_sorted(self, keys: np.ndarray) -> None:
        if not len(keys):
            return
        byte, bit = self._slots(keys)  # sorted keys: each byte's bits are together
        starts = np.flatnonzero(np.concatenate(([True], byte[1:] != byte[:-1])))
        self.filter[byte[starts]] |= np.bitwise_or.reduceat(bit, starts)
        self.runs.append(keys)
        while len(self.runs) > 1 and len(self.runs[-1]) * _MERGE_RATIO >= len(self.runs[-2]):
            last = self.runs.pop()
            self.runs[-1] = np.sort(np.concatenate([self.runs[-1], last]), kind="stable")


def _exact_keys(values: pa.Array) -> np.ndarray | None:
    """The values themselves as keys, when they are integers or codes of 1 to 15 ASCII digits (see
    :class:`_UniqueIndex`); None otherwise."""
    if pa.types.is_integer(values.type):
        return np.asarray(pc.cast(values, pa.int64()).to_numpy(zero_copy_only=False)).view(np.uint64)
    if values.type != pa.string() or not len(values):
        return None
    lengths = pc.binary_length(values)
    shortest, longest = (v.as_py() for v in pc.min_max(lengths).values())
    if not (shortest and shortest >= 1 and longest <= 15) or not pc.all(pc.ascii_is_decimal(values)).as_py():
        return None
    numbers = pc.cast(values, pa.int64()).to_numpy(zero_copy_only=False).view(np.uint64)
    return numbers | (lengths.to_numpy(zero_copy_only=False).astype(np.uint64) << np.uint64(60))


# ----------------------------------------------------------------------------------------------------- ingest


def _use_jemalloc() -> None:
    """Arrow's jemalloc pool instead of its default mimalloc, unless the operator chose one
    (``ARROW_DEFAULT_MEMORY_POOL``). The ingest allocates a few MiB per column and batch on three threads; with
    mimalloc those buffers are returned to the system and faulted in again: reading and checking alone took 1.5–4
    times as long, a whole load up to 1.7 times, on a 2-core machine (docs/benchmarks.md, "Warehouse ingest").
    Process-wide, but harmless elsewhere: every buffer is freed to the pool that allocated it."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL") or pa.default_memory_pool().backend_name != "mimalloc":
        return
    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without jemalloc
        return
    pa.set_memory_pool(pool)


def _prefetched[T](items: Iterator[T], depth: int = 2) -> Iterator[T]:
    """``items`` produced by a thread of their own, at most ``depth`` ahead: the file is parsed (pyarrow releases
    the GIL) while the previous batch is checked and written, which keeps both cores busy."""
    slots: queue.Queue[tuple[str, object]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(kind: str, item: object) -> bool:
        while not stop.is_set():
            try:
                slots.put((kind, item), timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put("item", item):
                    return
            put("end", None)
        except BaseException as error:  # handed to the consumer, raised there
            put("error", error)

    worker = threading.Thread(target=work, name="warehouse-reader", daemon=True)
    worker.start()
    try:
        while True:
            kind, item = slots.get()
            if kind == "end":
                return
            if kind == "error":
                raise item  # type: ignore[misc]
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        worker.join()


@dataclass
class _Plan:
    """Which source column feeds each declared column."""

    columns: list[ColumnSpec]
    source_index: list[int]
    source_names: list[str]  # every source column, normalised (names of the rejected file's value columns)
    schema: pa.Schema = field(init=False)

    def __post_init__(self) -> None:
        self.schema = pa.schema(
            [pa.field(c.name, ARROW_TYPES[c.type], metadata={"description": c.description}) for c in self.columns]
        )


def _spec_from_field(item: pa.Field) -> ColumnSpec:
    kinds = {str(v): k for k, v in ARROW_TYPES.items()}
    kind = kinds.get(str(item.type), "text")
    description = (item.metadata or {}).get(b"description", b"").decode()
    return ColumnSpec(name=item.name, type=kind, description=description)  # type: ignore[arg-type]


def _check_columns(columns: list[ColumnSpec], references: dict[str, frozenset[str]]) -> None:
    if not columns:
        raise IngestError("schema", "A table needs at least one column.")
    seen: set[str] = set()
    for column in columns:
        if column.name in seen or column_name(column.name) != column.name:
            raise IngestError("schema", f"The column name {column.name!r} is repeated or not snake_case ASCII.")
        seen.add(column.name)
        if column.type not in TYPES:
            raise IngestError("schema", f"The column {column.name} has an unknown type {column.type!r}.")
        if column.reference and column.reference not in references:
            raise IngestError("reference", f"The column {column.name} refers to an unknown set {column.reference!r}.")
        if column.pattern:
            try:
                pc.match_substring_regex(pa.array([""]), f"^(?:{column.pattern})$")
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                raise IngestError(
                    "pattern", f"The pattern of column {column.name} is not a valid expression."
                ) from None


def _plan(header: list[str], columns: list[ColumnSpec]) -> _Plan:
    names = _unique_names(header)
    by_name: dict[str, int] = {}
    for index, (text, name) in enumerate(zip(header, names, strict=True)):
        by_name.setdefault(text, index)
        by_name.setdefault(name, index)
    indexes: list[int] = []
    missing: list[str] = []
    for column in columns:
        found = by_name.get(column.name)
        if found is None and column.description:
            found = by_name.get(column.description)
        if found is None:
            missing.append(column.name)
        else:
            indexes.append(found)
    extra = [header[i] for i in range(len(header)) if i not in indexes]
    if missing or extra:
        parts = []
        if missing:
            parts.append("missing columns: " + ", ".join(missing))
        if extra:
            parts.append("columns the table does not have: " + ", ".join(extra))
        raise IngestError("schema", "The file does not match the table's columns (" + "; ".join(parts) + ").")
    return _Plan(columns=columns, source_index=indexes, source_names=names)


class _Rejected:
    """The rejected rows' Parquet file (row, reasons, faulty columns, the line when it was unreadable, every value as
    text), written as the load goes, and the first rejections for the report."""

    GROUP_ROWS = 16_384

    def __init__(self, storage: Storage, uri: str, source_names: list[str]) -> None:
        self.schema = pa.schema(
            [("_row", pa.int64()), ("_reasons", pa.string()), ("_columns", pa.string()), ("_line", pa.string())]
            + [(name, pa.string()) for name in source_names]
        )
        fs, path = storage.filesystem(), storage.path_of(uri)
        fs.create_dir(path.rsplit("/", 1)[0], recursive=True)
        self.stream = fs.open_output_stream(path)
        self.writer = pq.ParquetWriter(self.stream, self.schema, compression="zstd")
        self.rows = 0
        self.pending: list[pa.RecordBatch] = []
        self.held = 0
        self.reasons: dict[str, int] = {}
        self.report: list[Rejection] = []

    def write(
        self, rows: np.ndarray, reasons: pa.Array, columns: pa.Array, lines: pa.Array, values: list[pa.Array]
    ) -> None:
        """One batch of rejected rows: their numbers, reason codes and faulty columns (comma-separated), the line
        when the row could not be split, and one array per source column."""
        arrays = [pa.array(rows, pa.int64()), reasons, columns, lines, *values]
        self.pending.append(pa.RecordBatch.from_arrays(arrays, schema=self.schema))
        self.held += len(rows)
        self.rows += len(rows)
        if self.held >= self.GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        # a few rejected rows per batch: written as row groups of many batches, not one small group each
        if self.pending:
            self.writer.write_table(pa.Table.from_batches(self.pending, schema=self.schema))
        self.pending, self.held = [], 0

    def count(self, reason: str, rows: int) -> None:
        if rows:
            self.reasons[reason] = self.reasons.get(reason, 0) + rows

    def room(self) -> int:
        return REPORT_REJECTIONS - len(self.report)

    def close(self) -> None:
        try:
            self._flush()
        finally:
            self.writer.close()
            self.stream.close()


#: Up to this many rejected rows in a batch, the accepted rows go on as slices between them (no copy).
_MAX_SLICES = 256


def _kept(batch: pa.RecordBatch, good: np.ndarray) -> list[pa.RecordBatch]:
    """The rows of ``batch`` where ``good``: zero-copy slices between the rejected rows when those are few (a load
    rejects a row in hundreds), one filtered copy otherwise."""
    bad = np.flatnonzero(~good)
    if len(bad) > _MAX_SLICES:
        return [batch.filter(pa.array(good))]
    kept = []
    start = 0
    for row in bad.tolist():
        if row > start:
            kept.append(batch.slice(start, row - start))
        start = row + 1
    if start < len(good):
        kept.append(batch.slice(start))
    return kept


@dataclass
class _Prepared:
    read: ReadBatch
    converted: list[pa.Array]
    faults: list[tuple[str, str, pa.Array]]
    masks: list[np.ndarray]
    bad_rows: np.ndarray
    keys: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)  # unique column: (given, keys)
    #: the first unique column's rows sorted by key (its other faults are known when the batch is prepared)
    presorted: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None


def _sorted_keys(
    given: np.ndarray, keys: np.ndarray, bad_rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows with a key and no other fault, in their keys' order; their keys; and which repeat a key of an
    earlier row of the batch (a key's first row in the file is the one kept: the earliest of each run of equals)."""
    candidates = np.flatnonzero(given & ~bad_rows)
    order = candidates[np.argsort(keys[candidates])]
    ordered = keys[order]
    repeated = np.zeros(len(order), dtype=bool)
    repeated[1:] = ordered[1:] == ordered[:-1]
    if repeated.any():
        starts = np.flatnonzero(~repeated)
        first_row = np.minimum.reduceat(order, starts)
        repeated = order != np.repeat(first_row, np.diff(np.append(starts, len(order))))
    return order, ordered, repeated


class _Checker:
    """Converts and checks one batch at a time; hands back the accepted rows as the table's record batch."""

    def __init__(
        self, plan: _Plan, references: dict[str, frozenset[str]], rejected: _Rejected, con: duckdb.DuckDBPyConnection
    ) -> None:
        self.plan = plan
        self.rejected = rejected
        self.references = {
            c.name: pa.array(sorted(references[c.reference]), pa.string()) for c in plan.columns if c.reference
        }
        self.unique = {c.name: _UniqueIndex(con) for c in plan.columns if c.unique}
        self.con = con
        self._local = threading.local()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._cursors_lock = threading.Lock()
        self.rows_read = 0
        self.rows_accepted = 0

    def preload(self, existing: Iterator[pa.RecordBatch]) -> None:
        """The current version's keys (an append must not repeat them)."""
        for batch in existing:
            for name, index in self.unique.items():
                column = batch.column(name)
                column = pc.filter(column, pc.is_valid(column))
                if len(column):
                    index.add(index.hashes(column))

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        cursor: duckdb.DuckDBPyConnection | None = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._local.cursor = self.con.cursor()
            with self._cursors_lock:
                self._cursors.append(cursor)
        return cursor

    def close(self) -> None:
        for cursor in self._cursors:
            cursor.close()

    def _keys(self, name: str, value: pa.Array) -> tuple[np.ndarray, np.ndarray]:
        """Which rows give a key, and the keys (0 where none): per batch, so on the preparing threads."""
        given = value.is_valid().to_numpy(zero_copy_only=False)
        keys = np.zeros(len(value), dtype=np.uint64)
        if given.all():
            keys = self.unique[name].hashes(value, self._cursor())
        elif given.any():
            keys[given] = self.unique[name].hashes(pc.filter(value, pa.array(given)), self._cursor())
        return given, keys

    def prepare(self, read: ReadBatch) -> _Prepared:
        """Conversions and every rule but uniqueness: touches nothing shared, so batches may be prepared on several
        threads at once (pyarrow.compute releases the GIL)."""
        values = read.values
        count = values.num_rows
        faults: list[tuple[str, str, pa.Array]] = []  # (column, reason, boolean mask)
        if count == 0:
            return _Prepared(read, [], faults, [], np.zeros(0, dtype=bool))
        converted: list[pa.Array] = []
        for column, index in zip(self.plan.columns, self.plan.source_index, strict=True):
            raw = values.column(index)
            trimmed = _trimmed(raw)
            present = _present(trimmed)
            # usually every value is given: no copy of the column then
            text = trimmed if pc.all(present).as_py() else pc.if_else(present, trimmed, None)
            if pc.any(pc.greater(pc.binary_length(raw), MAX_VALUE_CHARS)).as_py():
                too_long = pc.fill_null(pc.greater(pc.utf8_length(raw), MAX_VALUE_CHARS), False)
                faults.append((column.name, "too_long", too_long))
                text = pc.if_else(too_long, None, text)
            value = _convert(text, column.type)
            converted.append(value)
            if column.required:
                faults.append((column.name, "required", pc.invert(present)))
            if column.type != "text":
                bad = pc.and_(pc.is_valid(text), pc.is_null(value))
                faults.append((column.name, "date" if column.type in ("date", "timestamp") else "type", bad))
            if column.type in ("integer", "decimal") and (column.minimum is not None or column.maximum is not None):
                outside = pa.array([False] * count)
                if column.minimum is not None:
                    outside = pc.or_(outside, pc.fill_null(pc.less(value, column.minimum), False))
                if column.maximum is not None:
                    outside = pc.or_(outside, pc.fill_null(pc.greater(value, column.maximum), False))
                faults.append((column.name, "range", outside))
            if column.pattern:
                ok = _matches(text, column.pattern)
                faults.append((column.name, "pattern", pc.fill_null(pc.invert(ok), False)))
            if column.reference:
                known = pc.is_in(text, value_set=self.references[column.name])
                faults.append((column.name, "reference", pc.and_(pc.is_valid(text), pc.invert(known))))
        masks = [m.to_numpy(zero_copy_only=False) for _, _, m in faults]
        bad_rows = np.logical_or.reduce(masks) if masks else np.zeros(count, dtype=bool)
        keys = {
            column.name: self._keys(column.name, value)
            for column, value in zip(self.plan.columns, converted, strict=True)
            if column.unique
        }
        presorted = None
        if keys:
            given, first_keys = next(iter(keys.values()))
            presorted = _sorted_keys(given, first_keys, bad_rows)
        return _Prepared(read, converted, faults, masks, bad_rows, keys, presorted)

    def finish(self, prepared: _Prepared) -> list[pa.RecordBatch]:
        """Uniqueness (in the file's order), the rejected rows, and the accepted ones as the table's batches."""
        read, converted, faults, masks, bad_rows = (
            prepared.read,
            prepared.converted,
            prepared.faults,
            prepared.masks,
            prepared.bad_rows,
        )
        count = read.values.num_rows
        self.rows_read += count + len(read.rejected)
        if read.rejected:
            self._read_rejections(read.rejected)
        if count == 0:
            return []
        presorted = prepared.presorted
        for position, column in enumerate(self.plan.columns):
            if column.unique:
                given, keys = prepared.keys.get(column.name) or self._keys(column.name, converted[position])
                bad_rows = self._unique(column.name, given, keys, bad_rows, faults, masks, presorted)
                presorted = None  # the next unique column's candidates leave out this one's duplicates
        if bad_rows.any():
            self._value_rejections(read, bad_rows, faults, masks)
        good = ~bad_rows
        accepted = int(good.sum())
        self.rows_accepted += accepted
        if accepted == 0:
            return []
        batch = pa.RecordBatch.from_arrays(converted, schema=self.plan.schema)
        return [batch] if accepted == count else _kept(batch, good)

    def _unique(
        self,
        name: str,
        given: np.ndarray,
        keys: np.ndarray,
        bad_rows: np.ndarray,
        faults: list[tuple[str, str, pa.Array]],
        masks: list[np.ndarray],
        presorted: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    ) -> np.ndarray:
        """Rows whose key was taken before (an earlier batch, the current version) or earlier in this batch; the
        keys of the rows accepted are added to the index."""
        index = self.unique[name]
        order, ordered, repeated = presorted if presorted is not None else _sorted_keys(given, keys, bad_rows)
        repeated = repeated | index.seen(ordered)
        duplicate = np.zeros(len(keys), dtype=bool)
        duplicate[order[repeated]] = True
        if given.any() and index.runs:  # a row rejected for another fault is told about its key too
            others = np.flatnonzero(given & bad_rows)
            duplicate[others[index.seen(keys[others])]] = True
        if duplicate.any():
            faults.append((name, "unique", pa.array(duplicate)))
            masks.append(duplicate)
        index.add_sorted(ordered[~repeated])
        return bad_rows | duplicate

    def _read_rejections(self, rejected: list[ReadRejection]) -> None:
        width = len(self.plan.source_names)
        for item in rejected[: max(self.rejected.room(), 0)]:
            self.rejected.report.append(Rejection(row=item.row, column="", reason=item.reason, value=item.line[:200]))
        for reason in dict.fromkeys(r.reason for r in rejected):
            self.rejected.count(reason, sum(1 for r in rejected if r.reason == reason))
        lines = pa.array([r.line for r in rejected], pa.string())
        self.rejected.write(
            np.array([r.row for r in rejected], dtype=np.int64),
            pa.array([r.reason for r in rejected], pa.string()),
            pa.array([""] * len(rejected), pa.string()),
            lines,
            [pa.nulls(len(rejected), pa.string()) for _ in range(width)],
        )

    def _value_rejections(
        self,
        read: ReadBatch,
        bad_rows: np.ndarray,
        faults: list[tuple[str, str, pa.Array]],
        masks: list[np.ndarray],
    ) -> None:
        """Vectorised too: a file where most rows fail (a wrong reference set) costs about what a good one does."""
        where = np.flatnonzero(bad_rows)
        take = pa.array(where)
        raw = [pc.take(column, take) for column in read.values.columns]
        by_reason: dict[str, np.ndarray] = {}
        by_column: dict[str, np.ndarray] = {}
        for (name, reason, _), mask in zip(faults, masks, strict=True):
            hit = mask[where]
            by_reason[reason] = by_reason[reason] | hit if reason in by_reason else hit
            by_column[name] = by_column[name] | hit if name in by_column else hit
        for reason, hit in by_reason.items():
            self.rejected.count(reason, int(hit.sum()))

        def joined(parts: dict[str, np.ndarray]) -> pa.Array:
            labelled = [pc.if_else(pa.array(hit), label, pa.scalar(None, pa.string())) for label, hit in parts.items()]
            if not labelled:
                return pa.array([""] * len(where), pa.string())
            return pc.binary_join_element_wise(*labelled, ",", null_handling="skip")

        rows = read.rows[where]
        room = self.rejected.room()
        if room > 0:
            by_name = {c.name: i for i, c in enumerate(self.plan.columns)}
            first = min(room, len(where))
            for (name, reason, _), mask in zip(faults, masks, strict=True):
                hits = np.flatnonzero(mask[where[:first]])
                if not len(hits):
                    continue
                source = raw[self.plan.source_index[by_name[name]]]
                for position in hits.tolist():
                    value = source[position].as_py() or ""
                    self.rejected.report.append(
                        Rejection(row=int(rows[position]), column=name, reason=reason, value=value[:200])
                    )
        self.rejected.write(rows, joined(by_reason), joined(by_column), pa.nulls(len(where), pa.string()), raw)


def _existing_columns(storage: Storage, key: str) -> list[ColumnSpec]:
    schema = tables.dataset(storage, key).schema
    return [_spec_from_field(item) for item in schema]


def ingest(
    source: str,
    *,
    format: Format,
    storage: Storage,
    key: str,
    columns: list[ColumnSpec] | None,
    mode: Literal["overwrite", "append"],
    references: dict[str, frozenset[str]],
    rejected_uri: str,
    metadata: dict[str, str],
    progress: Callable[[int, int, int], None] | None = None,
) -> IngestReport:
    """Load ``source`` (a local file) into a new version of the table ``key``; the run's report.

    ``columns`` None: inferred from the first rows (a new table, or an overwrite), or the current version's for an
    append. A file that does not match the columns raises :class:`IngestError` before any row is written; so do
    unreadable files. When no row is accepted, no version is made (``version`` None; the report says why)."""
    started = time.perf_counter()
    _use_jemalloc()
    if mode not in ("overwrite", "append"):
        raise IngestError("mode", f"A load replaces (overwrite) or adds (append) rows, not {mode!r}.")
    exists = tables.table_exists(storage, key)
    if columns is None and mode == "append" and exists:
        columns = _existing_columns(storage, key)
    with open_source(source, format) as opened:
        batches = _prefetched(opened.batches())
        opened._closers.insert(0, batches)  # its thread stopped before the file is closed
        first = next(batches, None)
        peeked = [first] if first is not None else []
        if columns is None:
            sample = _first_rows(first, len(opened.header))
            names = _unique_names(opened.header)
            columns = [
                ColumnSpec(name=name, type=_infer(column), description=text)  # type: ignore[arg-type]
                for name, text, column in zip(names, opened.header, sample, strict=True)
            ]
        _check_columns(columns, references)
        plan = _plan(opened.header, columns)
        if exists and mode == "append":
            current = [c.name for c in _existing_columns(storage, key)]
            if current != [c.name for c in columns]:
                raise IngestError(
                    "schema",
                    "The table's current version has the columns "
                    + ", ".join(current)
                    + "; the load declares "
                    + ", ".join(c.name for c in columns)
                    + ".",
                )
        rejected = _Rejected(storage, rejected_uri, plan.source_names)
        con = duckdb.connect(config={"threads": 1})
        stream: Iterator[pa.RecordBatch] | None = None
        checker: _Checker | None = None
        try:
            checker = _Checker(plan, references, rejected, con)
            if exists and mode == "append" and checker.unique:
                checker.preload(tables.dataset(storage, key).to_batches(columns=list(checker.unique)))
            failure: list[BaseException] = []

            def checked() -> Iterator[tuple[list[pa.RecordBatch], int, int]]:
                # two batches prepared at once (both cores when the writer waits), finished in the file's order
                with ThreadPoolExecutor(max_workers=2, thread_name_prefix="warehouse-check") as pool:
                    pending: deque[Future[_Prepared]] = deque()
                    for read in itertools.chain(peeked, batches):
                        pending.append(pool.submit(checker.prepare, read))
                        if len(pending) > 2:
                            prepared = pending.popleft().result()
                            yield checker.finish(prepared), prepared.read.bytes_done or 0, checker.rows_read
                    while pending:
                        prepared = pending.popleft().result()
                        yield checker.finish(prepared), prepared.read.bytes_done or 0, checker.rows_read

            def accepted() -> Iterator[pa.RecordBatch]:
                # three stages on their own threads: parse, check, and the Delta writer's encoding (this one)
                try:
                    for kept, done, rows in _prefetched(checked()):
                        if progress is not None:  # called on the caller's thread (its database connection)
                            progress(done, opened.bytes_total, rows)
                        yield from kept
                except BaseException as error:
                    failure.append(error)
                    raise

            stream = accepted()
            head = next(stream, None)
            version: int | None = None
            if head is not None:
                reader = pa.RecordBatchReader.from_batches(plan.schema, itertools.chain([head], stream))
                try:
                    version = tables.version_write(storage, key, reader, mode=mode, metadata=metadata)
                except Exception:
                    if failure:
                        raise failure[0] from None
                    raise
            elif failure:
                raise failure[0]
        finally:
            if stream is not None:
                stream.close()  # type: ignore[attr-defined]  # stops the checks' thread before what it uses
            if checker is not None:
                checker.close()
            con.close()
            rejected.close()
        if checker.rows_read == 0:
            raise IngestError("no_rows", "The file has a header row but no data rows.")
        if progress is not None:
            progress(opened.bytes_total, opened.bytes_total, checker.rows_read)
        return IngestReport(
            encoding=opened.encoding,
            rows_read=checker.rows_read,
            rows_accepted=checker.rows_accepted,
            rows_rejected=rejected.rows,
            reasons=rejected.reasons,
            rejections=sorted(rejected.report, key=lambda r: r.row)[:REPORT_REJECTIONS],
            columns=columns,
            version=version,
            seconds=time.perf_counter() - started,
            lines_redecoded=opened.lines_redecoded,
        )


def _first_rows(first: ReadBatch | None, width: int) -> list[pa.Array]:
    if first is None or first.values.num_rows == 0:
        return [pa.array([], pa.string()) for _ in range(width)]
    sample = first.values.slice(0, INFER_ROWS)
    return [pc.ascii_trim_whitespace(column) for column in sample.columns]
