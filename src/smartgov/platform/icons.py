"""The site's raster icons (favicon, the installed app's icons), drawn from the emblem's SVG at run time.

The emblem (``static/smartgov/img/emblem.svg``) is the one source: a circle and a polygon. Browsers take the SVG for
the tab, but an installed app needs PNG icons of set sizes (the Web App Manifest's 192 and 512 px, a "maskable" icon
whose content stays inside the central 80 % safe zone) and old clients ask for ``/favicon.ico``. Rather than commit
generated binaries, Pillow draws them from the SVG's shapes once per process (4x supersampled, then reduced)."""

import io
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw

EMBLEM = Path(__file__).resolve().parent.parent / "static" / "smartgov" / "img" / "emblem.svg"
_SVG = "{http://www.w3.org/2000/svg}"
#: The header band's red: the maskable icon's full-bleed background.
BACKGROUND = "#a50e0e"
SIZES = (192, 512)


def _shapes() -> tuple[float, list[ET.Element]]:
    root = ET.parse(EMBLEM).getroot()  # noqa: S314  # nosec B314 - our own static file, not input
    viewbox = float(root.attrib["viewBox"].split()[2])
    return viewbox, [element for element in root if element.tag in {f"{_SVG}circle", f"{_SVG}polygon"}]


def _draw(size: int, *, maskable: bool) -> Image.Image:
    scale = 4
    canvas = size * scale
    viewbox, shapes = _shapes()
    image = Image.new("RGBA", (canvas, canvas), BACKGROUND if maskable else (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    # the emblem fills the icon, or 76 % of it for a maskable icon (inside the 80 % safe circle)
    extent = canvas * (0.76 if maskable else 1.0)
    offset = (canvas - extent) / 2
    unit = extent / viewbox
    for shape in shapes:
        if shape.tag == f"{_SVG}circle":
            cx, cy, r = (float(shape.attrib[k]) * unit for k in ("cx", "cy", "r"))
            width = float(shape.attrib.get("stroke-width", 0)) * unit
            box = (offset + cx - r, offset + cy - r, offset + cx + r, offset + cy + r)
            draw.ellipse(box, fill=shape.attrib.get("fill"), outline=shape.attrib.get("stroke"), width=round(width))
        else:
            numbers = [float(n) * unit + offset for n in shape.attrib["points"].replace(",", " ").split()]
            draw.polygon(list(zip(numbers[::2], numbers[1::2], strict=True)), fill=shape.attrib.get("fill"))
    return image.resize((size, size), Image.Resampling.LANCZOS)


@cache
def icon_png(size: int, *, maskable: bool = False) -> bytes:
    """The emblem as a ``size``-pixel PNG (``maskable``: on a full red square, inside the safe zone)."""
    out = io.BytesIO()
    _draw(size, maskable=maskable).save(out, format="PNG", optimize=True)
    return out.getvalue()


@cache
def favicon_ico() -> bytes:
    """``/favicon.ico``: 16, 32 and 48 px in one file."""
    out = io.BytesIO()
    _draw(48, maskable=False).save(out, format="ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    return out.getvalue()
