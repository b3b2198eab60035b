"""An image is decoded with Pillow within a pixel limit and encoded again in its own format: what is stored is its
pixels and nothing else (no EXIF with the place it was taken, no ICC profile, comments, text chunks or bytes after
the image, where a script could ride along). The EXIF orientation is applied first, so a phone photo stays upright.
"""

import io

from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from smartgov.platform.files import JPEG, PNG, FileRefused, Limits

#: What Pillow calls each accepted type (a phone's multi-picture JPEG is an MPO; its first picture is kept).
FORMATS = {JPEG: {"JPEG", "MPO"}, PNG: {"PNG"}}
JPEG_MODES = {"L", "RGB", "CMYK"}
PNG_MODES = {"1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"}


def _damaged() -> FileRefused:
    return FileRefused(_("The image is damaged and cannot be read; take or save it again."), code="damaged")


def _open(data: bytes, *, mime: str, limits: Limits) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data), formats=sorted(FORMATS[mime]))
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels(limits) from exc
    except Exception as exc:
        raise _damaged() from exc
    width, height = image.size
    if width * height > limits.max_pixels:
        raise _too_many_pixels(limits)
    return image


def _too_many_pixels(limits: Limits) -> FileRefused:
    return FileRefused(
        _("The image is too large (more than %(megapixels)d megapixels); make it smaller and upload it again.")
        % {"megapixels": limits.max_pixels // 1_000_000},
        code="too_many_pixels",
        hostile=True,
    )


def image_clean(data: bytes, *, mime: str, limits: Limits) -> bytes:
    """The image in ``data`` encoded again with its pixels only; ``FileRefused`` when it cannot be."""
    image = _open(data, mime=mime, limits=limits)
    try:
        image.load()
        upright = (ImageOps.exif_transpose(image) or image).copy()
        upright.info = {}  # Pillow writes an ICC profile or EXIF it finds here: only pixels go on
        out = io.BytesIO()
        if mime == JPEG:
            pixels = upright if upright.mode in JPEG_MODES else upright.convert("RGB")
            pixels.save(out, format="JPEG", quality=90)
        else:
            pixels = upright if upright.mode in PNG_MODES else upright.convert("RGBA")
            extra = {"transparency": image.info["transparency"]} if "transparency" in image.info else {}
            pixels.save(out, format="PNG", **extra)
    except FileRefused:
        raise
    except Exception as exc:  # a truncated or malformed image, found while decoding
        raise _damaged() from exc
    return out.getvalue()
