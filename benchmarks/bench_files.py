"""Upload inspection: a clean 30-page PDF with scanned pages (0.6 MB) and a 6-megapixel photo (1.9 MB) through
``platform.files.file_inspect`` per second, against reading and hashing the same bytes (SHA-256), in the same run."""

from __future__ import annotations

from _harness import Context, Result, server_env, site_script

SCRIPT = r"""
import hashlib, io, json, random, sys, time
from fpdf import FPDF
from PIL import Image
from smartgov.platform.files import file_inspect

seconds = json.loads(sys.stdin.read())["seconds"]
rng = random.Random(13)
photo = io.BytesIO()
Image.frombytes("RGB", (3000, 2000), rng.randbytes(3000 * 2000 * 3)).save(photo, "JPEG", quality=35)
scan = io.BytesIO()
Image.frombytes("L", (1240, 1754), rng.randbytes(1240 * 1754)).save(scan, "JPEG", quality=20)
document = FPDF()
for n in range(30):
    document.add_page()
    document.set_font("helvetica", size=11)
    document.multi_cell(0, 6, " ".join(f"line {n}-{i} of the applicant's document" for i in range(60)))
    if n % 6 == 0:
        document.image(io.BytesIO(scan.getvalue()), x=10, y=120, w=120)
pdf = bytes(document.output())
jpeg = photo.getvalue()

def rate(work):
    work()
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        work(); done += 1
    return done / (time.perf_counter() - start)

out = {
    "pdf_size": len(pdf), "jpeg_size": len(jpeg),
    "pdf_hash": rate(lambda: hashlib.sha256(bytes(pdf)).hexdigest()),
    "pdf_inspect": rate(lambda: file_inspect(pdf)),
    "jpeg_hash": rate(lambda: hashlib.sha256(bytes(jpeg)).hexdigest()),
    "jpeg_inspect": rate(lambda: file_inspect(jpeg)),
}
print("BENCH-JSON " + json.dumps(out))
"""


def run(ctx: Context) -> list[Result]:
    facts = site_script(SCRIPT, server_env(ctx.workdir), {"seconds": max(2, ctx.duration // 2)})
    return [
        Result("PDF read and hashed (baseline)", facts["pdf_hash"], "files/s", extra={"bytes": facts["pdf_size"]}),
        Result("PDF inspected (pypdf: every object, streams measured)", facts["pdf_inspect"], "files/s",
               baseline="PDF hashed", ratio=facts["pdf_inspect"] / facts["pdf_hash"]),
        Result("photo read and hashed (baseline)", facts["jpeg_hash"], "files/s", extra={"bytes": facts["jpeg_size"]}),
        Result("photo inspected (decoded, upright, encoded again)", facts["jpeg_inspect"], "files/s",
               baseline="photo hashed", ratio=facts["jpeg_inspect"] / facts["jpeg_hash"]),
    ]  # fmt: skip
