"""Every file a person gives the platform goes through ``upload_inspect`` (or ``file_inspect`` for bytes already
read): its type comes from its content, never its name; only the accepted types pass; a PDF is parsed and refused
when it carries active content (JavaScript, automatic or launch actions, embedded files, forms that submit
elsewhere), is encrypted, is a polyglot (something before ``%PDF``, after ``%%EOF``, a ZIP or HTML inside) or a
bomb (too many pages, objects or inflated bytes); an Excel workbook is checked as a ZIP of XML parts (bombs,
entities, macros: files/xlsx.py); an image is decoded within a pixel limit and encoded again, so
only its pixels are kept (no EXIF, ICC, comments or trailing bytes). What is stored is what comes out.

A refusal is a ``FileRefused`` (a ``DomainError``: 415 for a type that is not accepted, 413 for a file over the
size limit, 422 for content refused), with a message for the person, and a ``smartgov.security`` log line when
the file carried active content or looked built to attack (``hostile``). Limits: ``SMARTGOV_FILE_*`` settings
(platform/conf.py). Design and measurements: docs/security.md (finding 10), docs/benchmarks.md.
"""

import hashlib
import logging
import time
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from smartgov.platform.errors import DomainError

logger = logging.getLogger("smartgov.security")

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: What a document may be: the MIME type and the extension it is stored and shown with.
DOCUMENT_TYPES: dict[str, str] = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
#: What a spreadsheet import accepts (files/xlsx.py: ZIP bomb, entity and macro checks).
SPREADSHEET_TYPES: dict[str, str] = {XLSX: "xlsx"}


class FileRefused(DomainError):
    """The file is not accepted. ``hostile``: it carried active content or was built to attack a reader."""

    status = 422
    code = "file_refused"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None, hostile: bool = False):
        super().__init__(message, code=code)
        if status:
            self.status = status
        self.hostile = hostile


@dataclass(frozen=True)
class Limits:
    """What one inspection may cost (``SMARTGOV_FILE_*`` settings)."""

    max_pages: int
    max_objects: int
    max_inflated_bytes: int
    max_pixels: int
    max_seconds: float

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            max_pages=settings.SMARTGOV_FILE_MAX_PAGES,
            max_objects=settings.SMARTGOV_FILE_MAX_OBJECTS,
            max_inflated_bytes=settings.SMARTGOV_FILE_MAX_INFLATED_BYTES,
            max_pixels=settings.SMARTGOV_FILE_MAX_PIXELS,
            max_seconds=settings.SMARTGOV_FILE_MAX_SECONDS,
        )


@dataclass(frozen=True)
class InspectedFile:
    """A file that passed: ``content`` is what to store (an image encoded again), with its type and digest."""

    content: bytes
    content_type: str
    extension: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


class Deadline:
    """The inspection's time limit, checked between steps (a step is bounded by the size and object limits)."""

    def __init__(self, seconds: float) -> None:
        self.until = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.until:
            raise FileRefused(
                _("The file is too complex to check in reasonable time; save it again as a simple PDF or a photo."),
                code="too_complex",
                hostile=True,
            )


def _accepted_names(accept: dict[str, str]) -> str:
    names = {"jpg": "JPEG", "xlsx": "Excel (.xlsx)"}
    return ", ".join(names.get(extension, extension.upper()) for extension in accept.values())


def file_inspect(data: bytes, *, accept: dict[str, str] | None = None, limits: Limits | None = None) -> InspectedFile:
    """Check ``data`` and return what may be stored; raise ``FileRefused`` otherwise (never anything else)."""
    from smartgov.platform.files import images, pdf, xlsx

    accept = DOCUMENT_TYPES if accept is None else accept
    limits = limits or Limits.from_settings()
    if not data:
        raise FileRefused(_("The file is empty."), code="empty", status=400)
    kind = filetype.guess(data)
    mime = kind.mime if kind is not None else ""
    if mime not in accept:
        raise FileRefused(
            _("Only %(types)s files are accepted; this file is not one of them, whatever its name.")
            % {"types": _accepted_names(accept)},
            code="unsupported_type",
            status=415,
        )
    try:
        if mime == PDF:
            pdf.pdf_check(data, limits=limits)
            content = data
        elif mime == XLSX:
            xlsx.xlsx_check(data, limits=limits)
            content = data
        else:
            content = images.image_clean(data, mime=mime, limits=limits)
    except FileRefused as refused:
        if refused.hostile:
            logger.warning(
                "file refused: %s",
                refused.code,
                extra={"file_type": mime, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()},
            )
        raise
    return InspectedFile(
        content=content, content_type=mime, extension=accept[mime], sha256=hashlib.sha256(content).hexdigest()
    )


def upload_read(upload: Any, *, max_bytes: int) -> bytes:
    """An uploaded file's bytes, read at most once and never more than ``max_bytes`` plus one (a 413 past it)."""
    size = int(getattr(upload, "size", 0) or 0)
    if size > max_bytes:
        raise FileRefused(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
            code="too_large",
            status=413,
        )
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FileRefused(
            _("The file is too large; the limit is %(limit)s.") % {"limit": filesizeformat(max_bytes)},
            code="too_large",
            status=413,
        )
    return bytes(data)


def upload_inspect(upload: Any, *, max_bytes: int, accept: dict[str, str] | None = None) -> InspectedFile:
    """The one way an uploaded file enters the platform: read within ``max_bytes``, then ``file_inspect``."""
    return file_inspect(upload_read(upload, max_bytes=max_bytes), accept=accept)
