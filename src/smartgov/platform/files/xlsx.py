"""Excel workbooks (.xlsx): a ZIP of XML parts, checked before any spreadsheet library opens it.

What a hostile workbook tries, and what stops it here:

- a **ZIP bomb** (a few kilobytes inflating to gigabytes, or many thousands of parts): at most ``max_objects``
  parts, every part inflated here in bounded chunks, never more than its declared size nor ``max_inflated_bytes``
  in all, nor a compression ratio above :data:`MAX_RATIO` — the declared sizes are not trusted;
- **XML entity expansion** and external entities (billion laughs, XXE): a part with a ``<!DOCTYPE`` or
  ``<!ENTITY`` is refused (openpyxl parses with defusedxml too);
- **macros** and embedded objects (``vbaProject.bin``, ``xl/embeddings/``, ActiveX) and **links to other
  workbooks** (``xl/externalLinks/``): refused — a catalog is data;
- encrypted parts, names that climb out of the archive (``../``, absolute paths), duplicate names: refused;
- a ZIP that is not a workbook (no ``[Content_Types].xml`` or ``xl/workbook.xml``): refused.

Nothing is written: the bytes that pass are the bytes given.
"""

import io
import zipfile
import zlib

from django.utils.translation import gettext as _

from smartgov.platform.files import Deadline, FileRefused, Limits

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: A real workbook's parts compress about 5–20 times (shared strings of a catalog up to ~50); a bomb, thousands.
MAX_RATIO = 200
#: Parts a workbook must have.
REQUIRED = ("[Content_Types].xml", "xl/workbook.xml")
#: Active or linked content: a catalog workbook never needs it.
FORBIDDEN_PREFIXES = ("xl/vbaProject", "xl/embeddings/", "xl/activeX/", "xl/externalLinks/", "xl/macrosheets/")
_CHUNK = 64 * 1024
_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")


def _refuse(message: str, code: str) -> FileRefused:
    return FileRefused(message, code=code, hostile=True)


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, deadline: Deadline) -> int:
    """Inflate one part in chunks, counting; refuse past its declared size, the budget or on a DOCTYPE."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _refuse(_("The workbook uses an unusual compression; save it again with Excel."), "unsupported_zip")
    produced, tail = 0, b""
    with archive.open(info) as stream:
        # ZipExtFile inflates for us and checks the CRC; it stops at the declared size, so a part lying about its
        # size is cut short and fails the CRC check (BadZipFile) instead of growing without bound.
        while chunk := stream.read(_CHUNK):
            produced += len(chunk)
            if produced > budget:
                raise _refuse(_("The workbook expands to far more data than it holds; it is refused."), "zip_bomb")
            window = (tail + chunk).upper()
            if any(marker in window for marker in _MARKERS):
                raise _refuse(_("The workbook contains XML declarations that are not allowed."), "xml_entities")
            tail = chunk[-16:]
            deadline.check()
    return produced


def xlsx_check(data: bytes, *, limits: Limits) -> None:
    """Refuse a workbook that is not plain data within ``limits`` (see the module's docstring)."""
    deadline = Deadline(limits.max_seconds)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise FileRefused(_("This is not an Excel workbook (.xlsx)."), code="not_xlsx") from exc
    with archive:
        parts = archive.infolist()
        if len(parts) > min(limits.max_objects, 10_000):
            raise _refuse(_("The workbook has too many parts; it is refused."), "zip_bomb")
        names = [p.filename for p in parts]
        if len(set(names)) != len(names):
            raise _refuse(_("The workbook is damaged (a part appears twice)."), "zip_duplicate")
        if not all(name in names for name in REQUIRED):
            raise FileRefused(_("This is not an Excel workbook (.xlsx)."), code="not_xlsx")
        declared = 0
        for part in parts:
            name = part.filename
            if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/") or ":" in name:
                raise _refuse(_("The workbook is damaged (a part has a forbidden name)."), "zip_path")
            if name.startswith(FORBIDDEN_PREFIXES) or name.endswith(".bin"):
                raise _refuse(
                    _(
                        "The workbook contains macros, embedded objects or links to other files; "
                        "save it as a plain workbook."
                    ),
                    "active_content",
                )
            if part.flag_bits & 0x1:
                raise _refuse(_("The workbook is encrypted; save it without a password."), "encrypted")
            declared += part.file_size
            if declared > limits.max_inflated_bytes or part.file_size > MAX_RATIO * max(part.compress_size, 1024):
                raise _refuse(_("The workbook expands to far more data than it holds; it is refused."), "zip_bomb")
        budget = limits.max_inflated_bytes
        try:
            for part in parts:
                if not part.is_dir():
                    budget -= _inflate(archive, part, budget, deadline)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            raise FileRefused(_("The workbook is damaged; save it again with Excel."), code="damaged") from exc
