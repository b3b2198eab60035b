"""Excel workbooks through the upload inspection: a plain workbook passes; ZIP bombs (by ratio, by lying sizes, by
number of parts), XML entities, macros, external links, encryption and climbing names are refused, quickly and
without inflating the bomb (platform/files/xlsx.py)."""

import io
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from smartgov.platform.files import SPREADSHEET_TYPES, FileRefused, file_inspect


def _workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["code", "name"])
    sheet.append(["1.001193", "Đăng ký khai sinh"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with(parts: dict[str, bytes], *, base: bytes | None = None, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A copy of a real workbook with ``parts`` added or replaced."""
    source = zipfile.ZipFile(io.BytesIO(base or _workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as target:
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info.filename, source.read(info.filename))
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()


def _refused(data: bytes, code: str) -> FileRefused:
    with pytest.raises(FileRefused) as refused:
        file_inspect(data, accept=SPREADSHEET_TYPES)
    assert refused.value.code == code, refused.value.message
    return refused.value


def test_a_plain_workbook_passes_as_it_is():
    data = _workbook()
    inspected = file_inspect(data, accept=SPREADSHEET_TYPES)
    assert inspected.content == data and inspected.extension == "xlsx"


def test_a_workbook_is_not_a_document():
    """The dossiers' attachments still accept only PDF, JPEG and PNG."""
    with pytest.raises(FileRefused) as refused:
        file_inspect(_workbook())
    assert refused.value.status == 415


def test_a_zip_bomb_is_refused_quickly_without_inflating_it():
    bomb = _with({"xl/worksheets/sheet2.xml": b"<row/>" * 20_000_000})  # 120 MB of XML in about 120 KB
    assert len(bomb) < 300_000
    tracemalloc.start()
    started = time.monotonic()
    refused = _refused(bomb, "zip_bomb")
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert time.monotonic() - started < 1 and peak < 20_000_000
    assert refused.hostile and "nhiều dữ liệu" in refused.message


def _lie_about_size(data: bytes, name: str, size: int) -> bytes:
    """Rewrite the declared uncompressed size of ``name`` in its local header and its central directory entry."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    out = bytearray(data)
    fake = size.to_bytes(4, "little")
    out[info.header_offset + 22 : info.header_offset + 26] = fake
    entry = bytes(out).find(b"PK\x01\x02")
    while bytes(out[entry + 46 : entry + 46 + len(name)]) != name.encode():
        entry = bytes(out).find(b"PK\x01\x02", entry + 4)
        assert entry > 0
    out[entry + 24 : entry + 28] = fake
    return bytes(out)


def test_a_part_that_lies_about_its_size_is_refused():
    data = _with({"xl/worksheets/sheet2.xml": b"<row/>" * 2_000_000})  # 12 MB, declared as 1 KB below
    _refused(_lie_about_size(data, "xl/worksheets/sheet2.xml", 1024), "damaged")


def test_many_parts_are_refused(settings):
    settings.SMARTGOV_FILE_MAX_OBJECTS = 50
    _refused(_with({f"xl/media/x{n}.xml": b"<a/>" for n in range(60)}), "zip_bomb")


@pytest.mark.parametrize(
    ("part", "content"),
    [
        ("xl/sharedStrings.xml", b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><s/>'),
        ("xl/worksheets/sheet1.xml", b'<!DOCTYPE x SYSTEM "file:///etc/passwd"><worksheet/>'),
    ],
)
def test_xml_entities_are_refused(part, content):
    _refused(_with({part: content}), "xml_entities")


@pytest.mark.parametrize(
    "part",
    ["xl/vbaProject.bin", "xl/externalLinks/externalLink1.xml", "xl/embeddings/oleObject1.bin", "xl/activeX/a.xml"],
)
def test_macros_embedded_objects_and_links_are_refused(part):
    refused = _refused(_with({part: b"<x/>"}), "active_content")
    assert "macro" in refused.message


def test_a_name_that_climbs_out_is_refused():
    _refused(_with({"../../etc/cron.d/x": b"<x/>"}), "zip_path")


def test_an_encrypted_part_is_refused():
    data = bytearray(_workbook())
    first = zipfile.ZipFile(io.BytesIO(bytes(data))).infolist()[0]
    data[first.header_offset + 6] |= 1  # the local header's "encrypted" flag
    central = bytes(data).find(b"PK\x01\x02")
    data[central + 8] |= 1  # and the central directory's
    _refused(bytes(data), "encrypted")


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/styles.xml", b"<x/>")
    with pytest.raises(FileRefused) as refused:
        file_inspect(out.getvalue(), accept=SPREADSHEET_TYPES)
    assert refused.value.status in (415, 422)
