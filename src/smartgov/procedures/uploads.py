"""Documents attached to dossiers: only PDF, JPEG and PNG, inspected by the platform (``platform.files``: type
from the content, no active content, no bomb, images encoded again), size-limited, stored under the SHA-256 of
what is stored."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile

from smartgov.platform.files import DOCUMENT_TYPES, upload_inspect


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


#: Extensions a name may keep for each stored extension.
_SAME_TYPE = {"jpg": {"jpg", "jpeg", "jpe"}, "png": {"png"}, "pdf": {"pdf"}}


def name_with_extension(name: str, extension: str) -> str:
    """``name`` ending in the extension of what is stored (``anh.pdf`` holding a photo is shown as ``anh.jpg``),
    within the column's length."""
    stem, dot, current = name.rpartition(".")
    if dot and current.lower() in _SAME_TYPE.get(extension, {extension}):
        return name
    return file_name_safe(f"{stem if dot else name}.{extension}", default=f"document.{extension}")


def upload_check(upload: Any) -> CheckedUpload:
    """Read an uploaded file once and pass it through the platform's inspection (``platform.files``): its real
    type, its size, no active content, no bomb, images encoded again. Raises ``FileRefused`` (a 4xx) otherwise."""
    inspected = upload_inspect(upload, max_bytes=settings.SMARTGOV_UPLOAD_MAX_BYTES, accept=DOCUMENT_TYPES)
    name = file_name_safe(str(getattr(upload, "name", "") or ""), default=f"document.{inspected.extension}")
    name = name_with_extension(name, inspected.extension)
    return CheckedUpload(
        name=name,
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        content=ContentFile(inspected.content),
    )
