"""The file inspection every upload goes through (issue 13, finding 10): hostile PDFs and polyglots are refused
with a 4xx and a message, bombs are refused in bounded time and memory, images keep their pixels only."""

import base64
import io
import time
import tracemalloc
import zipfile
import zlib
from functools import cache

import pytest
from PIL import Image

from smartgov.platform.files import FileRefused, InspectedFile, file_inspect, upload_inspect
from smartgov.platform.testing import pdf_bytes, pdf_stream


@cache
def flate_of_zeros(size: int) -> bytes:
    """``size`` zero bytes deflated, built in 1 MB steps so the test never holds them."""
    deflater, block, out = zlib.compressobj(9), bytes(1 << 20), []
    for _ in range(size >> 20):
        out.append(deflater.compress(block))
    out.append(deflater.flush())
    return b"".join(out)


def refused(data: bytes) -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        file_inspect(data)
    assert caught.value.message and 400 <= caught.value.status < 500
    return caught.value


def test_a_plain_pdf_is_accepted_as_it_is():
    data = pdf_bytes(pages=3, catalog=b"/OpenAction [4 0 R /Fit]")  # opening at a page is fine
    inspected = file_inspect(data)
    assert inspected.content == data and inspected.content_type == "application/pdf"


@pytest.mark.parametrize(
    ("what", "pdf"),
    [
        ("javascript", pdf_bytes(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>")),
        ("names-javascript", pdf_bytes(catalog=b"/Names << /JavaScript 10 0 R >>", extra={10: b"<< /Names [] >>"})),
        ("obfuscated-name", pdf_bytes(catalog=b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>")),
        ("open-action-uri", pdf_bytes(catalog=b"/OpenAction << /S /URI /URI (http://example.com/) >>")),
        ("launch", pdf_bytes(page=b"/AA << /O << /S /Launch /F (cmd.exe) >> >>")),
        ("launch-link", pdf_bytes(extra={10: b"<< /Type /Action /S /Launch /F (calc.exe) >>"})),
        ("submit-form", pdf_bytes(extra={10: b"<< /S /SubmitForm /F (http://example.com/) >>"})),
        ("remote-goto", pdf_bytes(extra={10: b"<< /S /GoToR /F (other.pdf) /D [0 /Fit] >>"})),
        (
            "embedded-file",
            pdf_bytes(
                catalog=b"/Names << /EmbeddedFiles << /Names [(a.exe) 10 0 R] >> >>",
                extra={10: b"<< /Type /Filespec /F (a.exe) /EF << /F 11 0 R >> >>", 11: pdf_stream(b"", b"MZ")},
            ),
        ),
        ("xfa", pdf_bytes(catalog=b"/AcroForm << /Fields [] /XFA 10 0 R >>", extra={10: pdf_stream(b"", b"<x/>")})),
        ("rich-media", pdf_bytes(extra={10: b"<< /Type /Annot /Subtype /RichMedia >>"})),
    ],
)
def test_active_content_is_refused(what, pdf):
    assert refused(pdf).code == "active_content"


def test_active_content_outside_the_cross_reference_table_is_refused():
    """A reader that repairs the file would find an object the table does not list."""
    orphan = b"99 0 obj\n<< /S /JavaScript /JS (app.alert(1)) >>\nendobj\n"
    data = pdf_bytes()
    data = data.replace(b"xref\n", orphan + b"xref\n", 1)  # the table's offsets before it stay right
    assert refused(data).code == "active_content"


def test_an_encrypted_pdf_is_refused():
    data = pdf_bytes(extra={10: b"<< /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>"})
    data = data.replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt 10 0 R /ID [<00> <00>]")
    assert refused(data).code in ("encrypted", "damaged")


@pytest.mark.parametrize(
    ("what", "data"),
    [
        ("html-before", pdf_bytes(before=b"<html><script>alert(1)</script>\n")),
        ("html-inside", pdf_bytes(extra={10: pdf_stream(b"", b"<html><body><script>alert(1)</script>")})),
        ("php-inside", pdf_bytes(extra={10: pdf_stream(b"", b"<?php system($_GET['c']); ?>")})),
        ("text-after-eof", pdf_bytes(after=b"<p>not a pdf any more</p>" * 50)),
    ],
)
def test_pdf_polyglots_are_refused(what, data):
    problem = refused(data)
    assert problem.code in ("polyglot", "unsupported_type")


def test_a_pdf_that_is_also_a_zip_is_refused():
    archive = io.BytesIO()

    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("payload.jsp", '<% Runtime.getRuntime().exec(request.getParameter("c")); %>')
    assert refused(pdf_bytes(after=archive.getvalue())).code == "polyglot"
    # the archive inside a stream, its directory's comment swallowing the PDF's end: still a ZIP, still refused
    inner = archive.getvalue()[:-2] + (b"\xff\xff")
    hidden = pdf_bytes(extra={10: pdf_stream(b"", inner)})
    assert zipfile.is_zipfile(io.BytesIO(hidden))
    assert refused(hidden).code == "polyglot"


def test_a_1_gb_flate_bomb_is_refused_quickly_and_without_inflating_it():
    bomb = flate_of_zeros(1 << 30)
    assert len(bomb) < 1_200_000
    data = pdf_bytes(extra={10: pdf_stream(b"/Filter /FlateDecode", bomb)})
    tracemalloc.start()
    started = time.monotonic()
    problem = refused(data)
    elapsed = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert problem.code == "too_large_inflated" and problem.status == 422
    assert elapsed < 5 and peak < 64 * 1024 * 1024, (elapsed, peak)


def test_a_bomb_in_an_object_stream_is_refused(settings):
    settings.SMARTGOV_FILE_MAX_INFLATED_BYTES = 16 * 1024 * 1024
    bomb = flate_of_zeros(128 << 20)
    data = pdf_bytes(extra={10: pdf_stream(b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", bomb)})
    assert refused(data).code == "too_large_inflated"


def test_many_small_bombs_add_up(settings):
    settings.SMARTGOV_FILE_MAX_INFLATED_BYTES = 32 * 1024 * 1024
    piece = pdf_stream(b"/Filter /FlateDecode", flate_of_zeros(8 << 20))
    assert refused(pdf_bytes(extra={10 + i: piece for i in range(5)})).code == "too_large_inflated"
    assert file_inspect(pdf_bytes(extra={10 + i: piece for i in range(3)}))


def test_a_huge_declared_image_is_refused():
    image = pdf_stream(b"/Type /XObject /Subtype /Image /Width 100000 /Height 100000 /BitsPerComponent 8", b"x")
    assert refused(pdf_bytes(extra={10: image})).code == "too_large_inflated"


def test_too_many_pages_or_objects_are_refused(settings):
    settings.SMARTGOV_FILE_MAX_PAGES = 50
    assert file_inspect(pdf_bytes(pages=50))
    assert refused(pdf_bytes(pages=51)).code == "too_many_pages"
    settings.SMARTGOV_FILE_MAX_OBJECTS = 100
    assert refused(pdf_bytes(extra={10 + i: b"<< >>" for i in range(200)})).code == "too_many_objects"


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\nnothing else\n%%EOF\n", pdf_bytes()[:200] + b"\n%%EOF\n", b"%PDF-1.4\n" + b"[" * 100_000 + b"\n%%EOF"],
    ids=["no-objects", "truncated", "deep-nesting"],
)
def test_a_pdf_that_does_not_parse_is_refused(data):
    assert refused(data).code in ("damaged", "too_many_pages")


def test_a_renamed_executable_is_415():
    problem = refused(b"MZ\x90\x00\x03" + b"\x00" * 200)
    assert problem.status == 415 and problem.code == "unsupported_type"


def _image(fmt: str, **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, format=fmt, **save)
    return out.getvalue()


def test_a_jpeg_with_a_php_payload_is_stored_without_it():
    exif = Image.Exif()
    exif[0x010F] = "<?php system($_GET['c']); ?>"  # Make
    exif[0x0112] = 6  # Orientation: rotated; applied to the pixels, then dropped
    photo = _image("JPEG", exif=exif.tobytes(), comment=b"<?php eval($_POST['x']); ?>")
    photo += b"<?php passthru($_GET['c']); ?>"  # and behind the image's end
    inspected = file_inspect(photo)
    assert inspected.content_type == "image/jpeg" and b"<?php" not in inspected.content
    stored = Image.open(io.BytesIO(inspected.content))
    assert stored.size == (48, 64)  # upright
    assert not stored.getexif() and "comment" not in stored.info and "icc_profile" not in stored.info


def test_a_png_keeps_its_pixels_and_loses_its_text():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    picture = _image("PNG", pnginfo=info) + b"PK\x03\x04zip-after-the-end"
    inspected = file_inspect(picture)
    assert inspected.content_type == "image/png"
    assert b"<script>" not in inspected.content and b"PK\x03\x04" not in inspected.content
    assert Image.open(io.BytesIO(inspected.content)).getpixel((1, 1)) == (200, 30, 30)


def test_an_image_with_too_many_pixels_is_refused_before_decoding(settings):
    settings.SMARTGOV_FILE_MAX_PIXELS = 1000
    assert refused(_image("PNG")).code == "too_many_pixels"


def test_a_truncated_image_is_refused():
    assert refused(_image("JPEG")[:300]).code == "damaged"


def test_an_upload_is_read_within_its_limit():
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(FileRefused) as caught:
        upload_inspect(SimpleUploadedFile("a.pdf", pdf_bytes()), max_bytes=100)
    assert caught.value.status == 413
    assert isinstance(upload_inspect(SimpleUploadedFile("a.pdf", pdf_bytes()), max_bytes=10_000), InspectedFile)


def test_a_file_too_costly_to_check_is_refused_at_the_deadline(settings):
    settings.SMARTGOV_FILE_MAX_SECONDS = 0.3
    costly = pdf_bytes(extra={10 + i: b"[" + b"<< /A 1 >> " * 16 + b"]" for i in range(5000)})
    started = time.monotonic()
    assert refused(costly).code == "too_complex"
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("header", [b"", b"\x00\x00"], ids=["raw-deflate", "broken-header"])
def test_a_bomb_without_a_proper_zlib_header_is_still_measured(settings, header):
    """Lenient readers inflate raw deflate data; zlib alone would refuse it at once and count nothing."""
    settings.SMARTGOV_FILE_MAX_INFLATED_BYTES = 16 * 1024 * 1024
    deflater, block = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS), bytes(1 << 20)
    raw = b"".join(deflater.compress(block) for _ in range(64)) + deflater.flush()
    data = pdf_bytes(extra={10: pdf_stream(b"/Filter /FlateDecode", header + raw)})
    assert refused(data).code == "too_large_inflated"


@pytest.mark.parametrize(
    ("filters", "encode"),
    [
        (b"[/FlateDecode /FlateDecode]", lambda inner: zlib.compress(inner, 9)),
        (b"[/ASCIIHexDecode /FlateDecode]", lambda inner: inner.hex().encode() + b">"),
        (b"[/ASCII85Decode /FlateDecode]", lambda inner: base64.a85encode(inner, wrapcol=72) + b"~>"),
    ],
    ids=["deflate-twice", "hex-deflate", "ascii85-deflate"],
)
def test_a_bomb_behind_a_chain_of_filters_is_refused(filters, encode):
    data = pdf_bytes(extra={10: pdf_stream(b"/Filter " + filters, encode(flate_of_zeros(1 << 30)))})
    tracemalloc.start()
    started = time.monotonic()
    problem = refused(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # ASCII85 is decoded by Python's own (pure Python) decoder: under tracemalloc it may reach the deadline first
    assert problem.code in ("too_large_inflated", "too_complex")
    assert time.monotonic() - started < 6 and peak < 64 * 1024 * 1024, peak


def test_a_pdf_with_an_ascii85_deflated_stream_is_accepted():
    text = b"BT /F1 12 Tf 72 720 Td (Giay khai sinh) Tj ET\n" * 500
    body = base64.a85encode(zlib.compress(text), wrapcol=72) + b"~>"
    assert file_inspect(pdf_bytes(extra={10: pdf_stream(b"/Filter [/ASCII85Decode /FlateDecode]", body)}))


def pdf_with_object_stream(hidden: bytes) -> bytes:
    """A PDF whose catalog opens with object 11, kept deflated in an object stream (10) that only a cross-reference
    stream (12) can point into: nothing of it is visible in the raw bytes."""
    head = b"11 0 "
    objstm = zlib.compress(head + hidden)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 11 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        10: pdf_stream(b"/Type /ObjStm /N 1 /First %d /Filter /FlateDecode" % len(head), objstm),
    }
    out, offsets = bytearray(b"%PDF-1.7\n"), {}
    for number, body in objects.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    offsets[12] = len(out)
    rows = [b"\x00" + (0).to_bytes(4) + b"\xff\xff"]
    for number in range(1, 13):
        if number == 11:
            rows.append(b"\x02" + (10).to_bytes(4) + (0).to_bytes(2))
        elif number in offsets:
            rows.append(b"\x01" + offsets[number].to_bytes(4) + (0).to_bytes(2))
        else:
            rows.append(b"\x00" + (0).to_bytes(4) + (0).to_bytes(2))
    xref = pdf_stream(b"/Type /XRef /Size 13 /W [1 4 2] /Root 1 0 R", b"".join(rows))
    out += b"12 0 obj\n" + xref + b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[12]
    return bytes(out)


def test_active_content_inside_a_compressed_object_stream_is_refused():
    assert file_inspect(pdf_with_object_stream(b"<< /S /GoTo /D [3 0 R /Fit] >>"))  # the same file, harmless
    hostile = pdf_with_object_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>")
    assert b"JavaScript" not in hostile  # only the parser can see it
    assert refused(hostile).code == "active_content"
