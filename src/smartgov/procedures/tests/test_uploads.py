"""Hostile files through the real doors (issue 13, finding 10): the dossier page, the supplement page, the API and
the result verification, page and API. Each is refused with a 4xx and a Vietnamese message, nothing is stored, and
an image is stored as its pixels only."""

import io
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from smartgov.platform.testing import pdf_bytes, pdf_stream
from smartgov.procedures.models import Attachment, StoredDocument
from smartgov.procedures.tests.test_api_applicant import API, _draft, signed_in

pytestmark = pytest.mark.django_db

JAVASCRIPT = pdf_bytes(catalog=b"/OpenAction << /S /JavaScript /JS (app.launchURL('http://example.com/')) >>")
EMBEDDED = pdf_bytes(
    catalog=b"/Names << /EmbeddedFiles << /Names [(a.exe) 10 0 R] >> >>",
    extra={10: b"<< /Type /Filespec /F (a.exe) /EF << /F 11 0 R >> >>", 11: pdf_stream(b"", b"MZ")},
)
HTML_FIRST = pdf_bytes(before=b"<html><script>alert(document.cookie)</script>")


def _bomb() -> bytes:
    deflater, block = zlib.compressobj(9), bytes(1 << 20)
    body = b"".join(deflater.compress(block) for _ in range(512)) + deflater.flush()  # 512 MB of zeros
    return pdf_bytes(extra={10: pdf_stream(b"/Filter /FlateDecode", body)})


def _jpeg_with_php() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, format="JPEG", comment=b"<?php system($_GET['c']); ?>")
    return out.getvalue() + b"<?php passthru($_GET['c']); ?>"


def _attach(client, dossier_id: int, content: bytes, name: str = "giay-chung-sinh.pdf"):
    return client.post(
        f"{API}/dossiers/{dossier_id}/attachments",
        {"component": "giay_chung_sinh", "file": SimpleUploadedFile(name, content, "application/pdf")},
    )


@pytest.mark.parametrize("content", [JAVASCRIPT, EMBEDDED, HTML_FIRST], ids=["javascript", "embedded", "html"])
def test_the_api_refuses_hostile_pdfs_and_stores_nothing(hp, content):
    me = signed_in(hp.mai)
    draft = _draft(me)
    answer = _attach(me, draft["id"], content)
    assert answer.status_code in (415, 422), answer.content
    problem = answer.json()
    assert answer["Content-Type"] == "application/problem+json" and "PDF" in problem["title"]
    assert not Attachment.objects.exists() and not StoredDocument.objects.exists()


def test_the_api_refuses_a_bomb(hp):
    me = signed_in(hp.mai)
    answer = _attach(me, _draft(me)["id"], _bomb())
    assert answer.status_code == 422 and answer.json()["code"] == "too_large_inflated"
    assert "quá lớn" in answer.json()["title"]


def test_the_api_stores_a_jpeg_without_its_payload(hp):
    me = signed_in(hp.mai)
    answer = _attach(me, _draft(me)["id"], _jpeg_with_php(), name="anh.pdf")
    assert answer.status_code == 201, answer.content
    attachment = Attachment.objects.get()
    with default_storage.open(attachment.file.name) as stored:
        content = stored.read()
    assert attachment.content_type == "image/jpeg" and b"<?php" not in content
    assert attachment.original_name == "anh.jpg"  # named after what it is, not what it claimed
    assert attachment.size == len(content) and Image.open(io.BytesIO(content)).size == (40, 30)


def test_the_dossier_page_refuses_a_pdf_with_javascript_in_vietnamese(hp, client):
    client.force_login(hp.mai)
    page = client.post(
        reverse("procedures:apply", args=["1.001193"]),
        {
            "agency": "000.21.07.H31",
            **_birth_form(),
            "file_giay_chung_sinh": SimpleUploadedFile("giay-chung-sinh.pdf", JAVASCRIPT, "application/pdf"),
        },
    )
    assert page.status_code == 400
    assert "nội dung chủ động" in page.content.decode()
    assert not Attachment.objects.exists()


def _birth_form() -> dict[str, str]:
    from smartgov.procedures.tests.factories import BIRTH

    return {k: str(v) for k, v in BIRTH.items()}


@pytest.mark.parametrize("content", [JAVASCRIPT, HTML_FIRST], ids=["javascript", "html"])
def test_the_verification_refuses_hostile_pdfs_on_the_page_and_the_api(client, content):
    page = client.post(reverse("procedures:verify"), {"tep": SimpleUploadedFile("kq.pdf", content, "application/pdf")})
    assert page.status_code in (415, 422) and page.context["error"]
    answer = client.post(f"{API}/results/verify", {"file": SimpleUploadedFile("kq.pdf", content, "application/pdf")})
    assert answer.status_code in (415, 422) and answer.json()["title"]


def test_the_verification_refuses_a_bomb_before_the_signature_check(client):
    answer = client.post(f"{API}/results/verify", {"file": SimpleUploadedFile("kq.pdf", _bomb(), "application/pdf")})
    assert answer.status_code == 422 and answer.json()["code"] == "too_large_inflated"
