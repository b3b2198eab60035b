"""A citizen's own account in the browser: two-step sign-in turned on and used, consents, the copy of one's data,
a correction request; on a desktop and on a phone; every page checked with axe."""

import json
import re

import pytest

from smartgov.identity.tests.factories import PASSWORD
from smartgov.identity.tests.fixtures import _totp_code
from smartgov.platform.testing import axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mai(django_user_model):
    return django_user_model.objects.create_user(
        username="031195001234",
        password=PASSWORD,
        full_name="Nguyễn Thị Mai",
        personal_id="031195001234",
        email="mai@example.vn",
        phone="0912345678",
        kind="citizen",
    )


def _sign_in(page, username="031195001234"):
    page.goto("/dang-nhap/")
    page.get_by_label("Số định danh cá nhân, mã số thuế hoặc tên tài khoản").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_citizen_turns_on_two_step_sign_in_and_uses_it(page, hai_phong, mai):
    _sign_in(page)
    page.get_by_role("link", name="Nguyễn Thị Mai").click()  # the name in the header opens the person's space
    page.locator(".account-nav").get_by_role("link", name="Thông tin cá nhân", exact=True).click()
    assert page.locator("h1").inner_text() == "Thông tin cá nhân của bạn"
    assert "031195001234" in page.locator(".facts").inner_text()  # one's own ID is shown whole
    assert axe_violations(page) == []
    screenshot(page, "account-profile")
    page.get_by_role("link", name="Bảo mật").click()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Bật đăng nhập hai bước").click()
    assert "Tài khoản cán bộ" not in page.locator("main").inner_text()  # a citizen chooses it
    page.get_by_label("Mã trên ứng dụng").fill(_totp_code(mai))
    page.get_by_role("button", name="Xác nhận").click()
    assert page.locator(".recovery-codes li").count() == 10
    page.get_by_role("link", name="Tiếp tục").click()
    assert page.locator("h1").inner_text() == "Bảo mật"
    assert "Còn 10 mã dự phòng" in page.locator("main").inner_text()
    screenshot(page, "account-security")

    page.get_by_role("button", name="Đăng xuất").click()
    _sign_in(page)
    assert page.locator("h1").inner_text() == "Đăng nhập hai bước"  # the second step, now that it is on
    page.get_by_label("Mã").first.fill("000000" if _totp_code(mai) != "000000" else "111111")
    page.get_by_role("button", name="Xác thực").click()
    assert page.get_by_role("alert").is_visible()
    from django_otp.plugins.otp_static.models import StaticToken

    recovery = StaticToken.objects.filter(device__user=mai).first()
    assert recovery is not None
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for device in TOTPDevice.objects.filter(user=mai):
        device.throttle_reset()  # a person would wait a second after the wrong code
    from django_otp.plugins.otp_static.models import StaticDevice

    for device in StaticDevice.objects.filter(user=mai):
        device.throttle_reset()
    page.get_by_label("Mã").first.fill(recovery.token)
    page.get_by_role("button", name="Xác thực").click()
    assert "Nguyễn Thị Mai" in page.locator(".site-header").inner_text()


def test_consents_my_data_and_a_correction_request(page, hai_phong, mai):
    _sign_in(page)
    page.goto("/tai-khoan/dong-y/")
    assert axe_violations(page) == []
    section = page.get_by_role("region", name="Khảo sát mức độ hài lòng")
    section.get_by_role("button", name="Tôi đồng ý").click()
    assert page.get_by_role("status").inner_text().strip() == "Đã ghi nhận lựa chọn của bạn."
    assert page.get_by_role("region", name="Khảo sát mức độ hài lòng").get_by_text("Bạn đã đồng ý").is_visible()
    screenshot(page, "account-consents")

    page.get_by_role("link", name="Dữ liệu của tôi").click()
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải dữ liệu của tôi").click()
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert data["account"]["full_name"] == "Nguyễn Thị Mai"
    assert [c["purpose"] for c in data["consents"]] == ["surveys"]

    page.get_by_label("sửa dữ liệu của tôi").check()
    page.get_by_label("Họ và tên đúng").fill("Nguyễn Thị Mai Anh")
    page.get_by_label("Giải thích").fill("Tên trên căn cước có chữ Anh")
    page.get_by_role("button", name="Gửi yêu cầu").click()
    assert "Cán bộ quản lý dữ liệu" in page.get_by_role("status").inner_text()
    assert page.get_by_role("table", name="Yêu cầu của bạn").get_by_text("Đang chờ").is_visible()
    screenshot(page, "account-my-data")


def test_account_pages_on_a_phone(phone, hai_phong, mai):
    _sign_in(phone)
    for path in ("/tai-khoan/", "/tai-khoan/bao-mat/", "/tai-khoan/dong-y/", "/tai-khoan/du-lieu-cua-toi/"):
        phone.goto(path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= phone.viewport_size["width"], f"{path} scrolls sideways on a phone"
        assert axe_violations(phone) == []
    screenshot(phone, "account-my-data-phone")
    assert re.search(r"Dữ liệu của tôi", phone.locator(".account-nav").inner_text())
