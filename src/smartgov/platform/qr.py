"""QR codes drawn by the platform itself (segno): inline SVG for pages, PNG for PDFs — no image service."""

import io

import segno


def qr_svg(data: str) -> str:
    """An inline SVG, sized by its container (the pages' ``.qr`` class)."""
    return str(segno.make(data, error="m").svg_inline(omitsize=True, dark="#1c1c1c", light="#ffffff"))


def qr_png(data: str, *, scale: int = 5) -> io.BytesIO:
    """A PNG to place in a PDF."""
    image = io.BytesIO()
    segno.make(data, error="m").save(image, kind="png", scale=scale, border=2)
    image.seek(0)
    return image
