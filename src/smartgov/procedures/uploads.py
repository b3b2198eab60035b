"""Documents attached to dossiers: only PDF, JPEG and PNG, recognised by their content (``filetype`` reads the
magic bytes), not by the name or the browser's claim; size-limited; stored under their SHA-256."""

import hashlib
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from smartgov.platform.errors import DomainError

ALLOWED = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int
    sha256: str
    content: ContentFile


def file_name_safe(name: str, *, default: str) -> str:
    """The name a file is shown under: its last path part, without control characters, shortened to what the
    attachment's ``original_name`` column holds (from the model, so the column decides) keeping its extension;
    ``default`` when nothing is left. A 5,000-character name is stored, not refused."""
    from smartgov.procedures.models import Attachment

    limit = Attachment._meta.get_field("original_name").max_length or 200
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if not name:
        return default
    if len(name) <= limit:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 10:
        return name[:limit]
    return stem[: limit - len(extension) - 1] + "." + extension


def upload_check(upload: Any) -> CheckedUpload:
    """Read an uploaded file once, check its size and real type; raise DomainError (a 4xx) otherwise."""
    limit = settings.SMARTGOV_UPLOAD_MAX_BYTES
    size = int(getattr(upload, "size", 0) or 0)
    if size > limit:
        raise DomainError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise DomainError(_("The file is too large; the limit is %(limit)s.") % {"limit": filesizeformat(limit)})
    if not data:
        raise DomainError(_("The file is empty."))
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED:
        raise DomainError(
            _("Only PDF, JPEG and PNG documents are accepted; this file is not one of them, whatever its name."),
            code="unsupported_type",
        )
    name = file_name_safe(str(getattr(upload, "name", "") or ""), default=f"document.{ALLOWED[kind.mime]}")
    digest = hashlib.sha256(data).hexdigest()
    return CheckedUpload(name=name, content_type=kind.mime, size=len(data), sha256=digest, content=ContentFile(data))
