"""A citizen who attaches a hostile file in the browser is told, in Vietnamese, why it is refused; nothing is
attached (issue 13, finding 10)."""

import pytest

from smartgov.platform.testing import axe_violations, pdf_bytes, screenshot
from smartgov.procedures.models import Attachment

pytestmark = pytest.mark.django_db(transaction=True)

JAVASCRIPT = pdf_bytes(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>")


def test_a_pdf_with_javascript_is_refused_with_a_message(page, city, sign_in):
    sign_in(page, "031195001234")
    page.goto("/dich-vu-cong/1.001193/nop-ho-so/")
    page.get_by_label("Nơi nộp").select_option(label="Ủy ban nhân dân phường Thành Đông")
    page.get_by_label("Họ, chữ đệm và tên của trẻ").fill("Nguyễn An Nhiên")
    page.get_by_label("Giấy chứng sinh hoặc văn bản").set_input_files(
        files=[{"name": "giay-chung-sinh.pdf", "mimeType": "application/pdf", "buffer": JAVASCRIPT}]
    )
    page.get_by_role("button", name="Lưu nháp").first.click()
    alert = page.get_by_role("alert").filter(has_text="nội dung chủ động")
    alert.first.wait_for()
    assert "JavaScript" in alert.first.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "dossier-apply-hostile-file")
    assert not Attachment.objects.exists()
