"""The catalog steward's page in the browser, desktop and phone: reach it from the menu, find a procedure typed
without diacritics, change its fee (a wrong value is marked on its field first), then export the catalog, change a
row in the workbook and import it after the preview (issue 14, point 3). axe-core on every page."""

import io

import pytest
from openpyxl import load_workbook

from smartgov.platform.testing import axe_violations, screenshot
from smartgov.procedures.models import Procedure

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def steward(city, identity_factories, grant_role):
    user = identity_factories.Staff(username="danhmuc.vpubnd", full_name="Ngô Thị Minh Thu")
    identity_factories.TOTPDevice(user=user)
    grant_role(user, "catalog_steward")
    return user


def test_a_steward_edits_a_fee_and_imports_a_workbook(page, steward, sign_in, tmp_path):
    sign_in(page, "danhmuc.vpubnd", steward)
    page.get_by_role("link", name="Quản lý danh mục thủ tục").first.click()
    page.get_by_role("searchbox", name="Tên hoặc mã").fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm kiếm").click()
    assert axe_violations(page) == []
    screenshot(page, "catalog-stewards-list")
    page.get_by_role("link", name="Đăng ký khai sinh", exact=True).click()
    fee = page.get_by_label("Phí, lệ phí (đồng)")
    fee.fill("-1")
    page.get_by_role("button", name="Lưu").click()
    assert fee.get_attribute("aria-invalid") == "true"
    assert "không được âm" in page.locator("#id_fee_vnd-errors").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "catalog-stewards-edit-error")
    page.get_by_label("Phí, lệ phí (đồng)").fill("5000")
    page.get_by_role("button", name="Lưu").click()
    assert "Đã lưu 1.001193" in page.get_by_role("status").first.inner_text()
    assert Procedure.objects.get(code="1.001193").fee_vnd == 5000

    with page.expect_download() as download:
        page.get_by_role("link", name="Xuất ra Excel").click()
    path = tmp_path / "danh-muc.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    sheet = book["procedures"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "1.000894")
    row[header.index("fee_vnd")].value = 9000
    changed = io.BytesIO()
    book.save(changed)
    page.get_by_role("link", name="Nhập từ Excel").click()
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(
        files=[{"name": "danh-muc.xlsx", "mimeType": "application/octet-stream", "buffer": changed.getvalue()}]
    )
    page.get_by_role("button", name="Kiểm tra tệp").click()
    assert "1 thủ tục sẽ sửa" in page.content()
    assert Procedure.objects.get(code="1.000894").fee_vnd == 0
    assert axe_violations(page) == []
    screenshot(page, "catalog-stewards-import-preview")
    page.get_by_role("button", name="Nhập các thay đổi này").click()
    assert "Đã nhập danh mục" in page.get_by_role("status").first.inner_text()
    assert Procedure.objects.get(code="1.000894").fee_vnd == 9000


def test_the_stewards_pages_on_a_phone(phone, steward, sign_in):
    sign_in(phone, "danhmuc.vpubnd", steward)
    for path, name in [
        ("/quan-ly-danh-muc/", "catalog-stewards-phone"),
        ("/quan-ly-danh-muc/1.001193/", "catalog-stewards-edit-phone"),
        ("/quan-ly-danh-muc/nhap-excel/", "catalog-stewards-import-phone"),
    ]:
        phone.goto(path)
        assert axe_violations(phone) == []
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, (path, width)
        screenshot(phone, name)
