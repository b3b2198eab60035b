"""A PDF is parsed with pypdf (under its resource limits, ``pypdf.apply_configuration``) and every object the
cross-reference table names is looked at: active content, encryption, polyglots and bombs are refused.

Streams are not decoded to be read, only measured: a FlateDecode stream is inflated in chunks that are counted
and dropped, and the count stops at what is left of ``max_inflated_bytes``, so a 1 MB file that would inflate to
1 GB costs the limit, not the gigabyte. Object and cross-reference streams are decoded by pypdf itself within its
per-stream limit.
"""

import base64
import io
import logging
import re
import zipfile
import zlib
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError
from pypdf.filters import ASCIIHexDecode
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from smartgov.platform.files import Deadline, FileRefused, Limits

#: Keys whose mere presence makes a document active (JavaScript, automatic actions, embedded files, XFA forms,
#: rich media).
ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/AA", "/EmbeddedFiles", "/EF", "/XFA", "/RichMediaContent", "/RichMediaSettings"}
)
#: Actions (``/S``) that run code, open or fetch something outside the document, or send data away.
ACTIVE_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/GoToR",
        "/GoToE",
        "/SubmitForm",
        "/ImportData",
        "/RichMediaExecute",
        "/Rendition",
        "/Movie",
        "/Sound",
        "/GoTo3DView",
    }
)
#: Annotation subtypes and object types that carry files, media or 3D scenes (which may script).
ACTIVE_TYPES = frozenset({"/EmbeddedFile", "/FileAttachment", "/RichMedia", "/Movie", "/Sound", "/Screen", "/3D"})
#: The same names as they appear in the raw bytes, for objects a repairing reader would find outside the table.
RAW_ACTIVE = re.compile(
    rb"/(?:JavaScript|Launch|EmbeddedFiles?|RichMedia\w*|SubmitForm|ImportData|GoToE|GoToR)(?=[\s/<>\[\]()%])"
)
#: Markup a browser or an interpreter would run if the file were taken for HTML or PHP.
MARKUP = re.compile(rb"<(?:html|head|body|script|iframe|object|embed|!doctype|\?php)(?=[\s>/])", re.IGNORECASE)
#: Bytes after the last ``%%EOF`` that are tolerated (line ends and padding some writers add).
TAIL_SLACK = 1024
_CHUNK = 1 << 20
# pypdf warns about every damaged object it skips: a hostile file would write thousands of lines into our logs.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def _refuse_active(what: str) -> FileRefused:
    return FileRefused(
        _(
            "The PDF contains active content (%(what)s), which documents must not have. Print it to PDF again or "
            "scan it, and upload that file."
        )
        % {"what": what},
        code="active_content",
        hostile=True,
    )


def _refuse_bomb() -> FileRefused:
    return FileRefused(
        _("The PDF would grow too large when opened (it is built to exhaust a reader); it is not accepted."),
        code="too_large_inflated",
        hostile=True,
    )


def _polyglot_check(data: bytes) -> None:
    """Nothing before ``%PDF-``, nothing but padding after the last ``%%EOF``, no ZIP and no HTML or PHP inside."""
    hidden = FileRefused(
        _("The PDF hides another kind of file (HTML, script or an archive) inside it; it is not accepted."),
        code="polyglot",
        hostile=True,
    )
    if not data.startswith(b"%PDF-"):
        raise hidden
    end = data.rfind(b"%%EOF")
    if end < 0:
        raise FileRefused(_("The PDF is damaged or incomplete (it has no end)."), code="damaged")
    tail = data[end + 5 :]
    if len(tail) > TAIL_SLACK or tail.strip(b"\r\n\t \x00\x0c"):
        raise hidden
    if MARKUP.search(data) or zipfile.is_zipfile(io.BytesIO(data)):
        raise hidden
    if found := RAW_ACTIVE.search(data):
        raise _refuse_active(found.group().decode("latin-1"))


class _Budget:
    """The inflated bytes still allowed."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def spend(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise _refuse_bomb()


def _resolved(value: Any) -> Any:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _filters(stream: StreamObject) -> list[str]:
    value = _resolved(stream.get("/Filter"))
    if value is None:
        return []
    return [str(f) for f in value] if isinstance(value, ArrayObject) else [str(value)]


def _inflate_counted(raw: bytes, budget: _Budget, deadline: Deadline) -> None:
    """Inflate ``raw`` in chunks, counting and dropping them, and stop as soon as the budget is spent. A stream
    zlib refuses at once is tried again as raw deflate (with and without its two header bytes), as lenient
    readers do, so a bomb cannot hide behind a broken header."""
    for wbits, data in ((zlib.MAX_WBITS, raw), (-zlib.MAX_WBITS, raw[2:]), (-zlib.MAX_WBITS, raw)):
        if _inflate_with(wbits, data, budget, deadline):
            return


def _inflate_with(wbits: int, data: bytes, budget: _Budget, deadline: Deadline) -> int:
    """Bytes ``data`` inflated to (counted in ``budget``) before its end or its first damage."""
    inflater, pending, produced = zlib.decompressobj(wbits), data, 0
    try:
        while pending and not inflater.eof:
            out = inflater.decompress(pending, _CHUNK)
            produced += len(out)
            budget.spend(len(out))
            deadline.check()
            pending = inflater.unconsumed_tail
    except zlib.error:
        return produced  # readers stop at the damage; what came out before it is what counts
    return produced


IMAGE_CODECS = frozenset({"/DCTDecode", "/DCT", "/JPXDecode", "/CCITTFaxDecode", "/CCF", "/JBIG2Decode"})
FLATE = frozenset({"/FlateDecode", "/Fl"})
#: Filters that expand their input; two in one chain (a deflated deflate) is a bomb's trick, never a document's.
EXPANDING = FLATE | {"/LZWDecode", "/LZW", "/RunLengthDecode", "/RL", "/BrotliDecode"}
#: Whole ASCII85 groups (``z`` stands for four zero bytes), decoded a slice at a time between deadline checks.
_A85_GROUPS = re.compile(rb"(?:z|[!-u]{5}){1,40000}")
_WHITESPACE = b" \t\r\n\x0c\x00"


def _ascii85(data: bytes, deadline: Deadline) -> bytes:
    """ASCII85 decoded (Python's decoder is pure Python: about 0.7 s a megabyte, hence the slices)."""
    text = data.translate(None, _WHITESPACE).removeprefix(b"<~").split(b"~>", 1)[0]
    out, end = [], 0
    for group in _A85_GROUPS.finditer(text):
        if group.start() != end:
            break  # a character outside ASCII85: readers stop there
        out.append(base64.a85decode(group.group()))
        end = group.end()
        deadline.check()
    if 1 < len(text) - end < 5:
        out.append(base64.a85decode(text[end:]))  # the last, partial group
    return b"".join(out)


def _ascii_hex(data: bytes, deadline: Deadline) -> bytes:
    return bytes(ASCIIHexDecode.decode(data))


TEXT_CODECS: dict[str, Callable[[bytes, Deadline], bytes]] = {
    "/ASCIIHexDecode": _ascii_hex,
    "/AHx": _ascii_hex,
    "/ASCII85Decode": _ascii85,
    "/A85": _ascii85,
}


def _measure(stream: StreamObject, budget: _Budget, deadline: Deadline, limits: Limits) -> None:
    """Count what ``stream`` inflates to; an image's declared size counts against the pixel limit."""
    if stream.get("/Subtype") == "/Image":
        width, height = (_resolved(stream.get(key, 0)) for key in ("/Width", "/Height"))
        if not isinstance(width, int) or not isinstance(height, int) or width * height > limits.max_pixels:
            raise _refuse_bomb()
    raw: bytes = stream._data
    filters = _filters(stream)
    while filters and filters[-1] in IMAGE_CODECS:  # pixels: bounded by the pixel limit above
        filters.pop()
    if sum(f in EXPANDING for f in filters) > 1:
        raise _refuse_bomb()
    if not filters:
        budget.spend(len(raw))
    elif filters[-1] in FLATE and all(f in TEXT_CODECS for f in filters[:-1]):
        for name in filters[:-1]:  # at most 4 times longer for ASCII85's "z", within the upload limit
            raw = TEXT_CODECS[name](raw, deadline)
        _inflate_counted(raw, budget, deadline)
    else:  # LZW, RunLength, text codecs alone or after: pypdf decodes them within its per-stream limits
        budget.spend(len(stream.get_data()))


def _open_action_check(value: Any) -> None:
    """A document may open at a page (a destination, or a GoTo action); nothing else may run when it opens."""
    target = _resolved(value)
    if isinstance(target, ArrayObject):
        return
    if isinstance(target, DictionaryObject) and target.get("/S") == "/GoTo":
        return
    raise _refuse_active("/OpenAction")


def _dictionary_check(d: DictionaryObject) -> None:
    if found := ACTIVE_KEYS.intersection(d.keys()):
        raise _refuse_active(sorted(found)[0])
    action = d.get("/S")
    if action in ACTIVE_ACTIONS:
        raise _refuse_active(str(action))
    for key in ("/Type", "/Subtype"):
        if d.get(key) in ACTIVE_TYPES:
            raise _refuse_active(str(d.get(key)))
    if "/OpenAction" in d:
        _open_action_check(d["/OpenAction"])


def _object_check(obj: Any, deadline: Deadline) -> None:
    """Every dictionary inside ``obj`` (direct objects only: indirect ones are checked on their own)."""
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, DictionaryObject):
            _dictionary_check(item)
            stack.extend(v for v in item.values() if isinstance(v, DictionaryObject | ArrayObject))
        elif isinstance(item, ArrayObject):
            stack.extend(v for v in item if isinstance(v, DictionaryObject | ArrayObject))
    deadline.check()


def _object_ids(reader: PdfReader) -> list[tuple[int, int]]:
    ids = [(num, gen) for gen, table in reader.xref.items() for num in table]
    ids.extend((num, 0) for num in reader.xref_objStm)
    return ids


#: An entry in use of a cross-reference table.
XREF_ENTRY = re.compile(rb"\d{10} \d{5} n")


def _too_many_objects(count: int, limits: Limits) -> FileRefused:
    return FileRefused(
        _("The PDF has too many parts (%(count)d; the limit is %(limit)d).")
        % {"count": count, "limit": limits.max_objects},
        code="too_many_objects",
        hostile=True,
    )


def _objects_precheck(data: bytes, limits: Limits) -> None:
    """Count objects and table entries in the raw bytes (C speed) before the parser reads a table of millions."""
    count = data.count(b"endobj")
    if count <= limits.max_objects:
        entries = XREF_ENTRY.finditer(data)
        count = next((i for i, _m in enumerate(entries, 1) if i > limits.max_objects), 0)
    if count > limits.max_objects:
        raise _too_many_objects(count, limits)


def _reader_check(reader: PdfReader, limits: Limits, deadline: Deadline) -> None:
    if reader.is_encrypted:
        raise FileRefused(
            _("The PDF is encrypted or password-protected; upload it without protection."), code="encrypted"
        )
    ids = _object_ids(reader)
    if len(ids) > limits.max_objects:
        raise _too_many_objects(len(ids), limits)
    _object_check(reader.trailer, deadline)
    pages = len(reader.pages)
    if not 1 <= pages <= limits.max_pages:
        raise FileRefused(
            _("The PDF has %(count)d pages; a document may have 1 to %(limit)d.")
            % {"count": pages, "limit": limits.max_pages},
            code="too_many_pages",
        )
    budget = _Budget(limits.max_inflated_bytes)
    for num, gen in ids:
        obj = reader.get_object(IndirectObject(num, gen, reader))
        _object_check(obj, deadline)
        if isinstance(obj, StreamObject):
            _measure(obj, budget, deadline, limits)


def pdf_check(data: bytes, *, limits: Limits) -> None:
    """Raise ``FileRefused`` unless ``data`` is a plain, parseable PDF within the limits."""
    deadline = Deadline(limits.max_seconds)
    _polyglot_check(data)
    _objects_precheck(data, limits)
    per_stream = min(limits.max_inflated_bytes, 64 * 1024 * 1024)
    slow = min(per_stream, 16 * 1024 * 1024)  # pypdf's LZW and RunLength decoders are Python loops
    with apply_configuration(
        zlib_maximum_output_length=per_stream,
        lzw_maximum_output_length=slow,
        run_length_maximum_output_length=slow,
        jbig2_maximum_output_length=per_stream,
        brotli_maximum_output_length=per_stream,
        array_based_stream_maximum_output_length=per_stream,
        stream_decoding_work_maximum_length=per_stream,
        maximum_declared_stream_length=len(data),
        page_tree_maximum_entries=max(limits.max_pages * 4, 1000),
        jbig2dec_binary=None,
    ):
        try:
            reader = PdfReader(io.BytesIO(data), strict=False, xref_stream_maximum_entries=limits.max_objects)
            _reader_check(reader, limits, deadline)
        except FileRefused:
            raise
        except LimitReachedError as exc:
            raise _refuse_bomb() from exc
        except Exception as exc:  # whatever else a damaged or hostile file makes the parser raise
            raise FileRefused(
                _("The PDF is damaged and cannot be read; save or scan it again."), code="damaged"
            ) from exc
