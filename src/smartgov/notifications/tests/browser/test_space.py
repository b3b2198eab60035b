"""The person's space (issue 14, point 5) as a citizen meets it: the unread count in the header, announced with its
words, leads to the notifications; the name leads to the space, whose cards link every section with its counts;
on a desktop and on a phone, checked with axe."""

import pytest

from smartgov.notifications.tests.factories import CitizenFactory, NotificationFactory
from smartgov.platform.testing import axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

SECTIONS = [
    "Hồ sơ của tôi", "Thanh toán của tôi", "Kho dữ liệu", "Thông báo", "Thông tin cá nhân", "Bảo mật", "Sự đồng ý",
]  # fmt: skip


@pytest.fixture
def mai(hai_phong):
    user = CitizenFactory(username="031195001234", full_name="Nguyễn Thị Mai")
    user.set_password("Mat-khau-dai-2026")
    user.save()
    NotificationFactory.create_batch(3, user=user)
    return user


def _sign_in(tab):
    tab.goto("/dang-nhap/")
    tab.get_by_label("Số định danh cá nhân, mã số thuế hoặc tên tài khoản").fill("031195001234")
    tab.get_by_label("Mật khẩu").fill("Mat-khau-dai-2026")
    tab.get_by_role("button", name="Đăng nhập").click()


def test_space_and_unread_count_on_a_desktop(page, mai):
    _sign_in(page)
    badge = page.get_by_role("link", name="3 thông báo chưa đọc")  # the words a screen reader says
    assert badge.is_visible() and badge.locator(".count").inner_text() == "3"
    page.get_by_role("link", name="Nguyễn Thị Mai").click()
    assert page.locator("h1").inner_text() == "Trang cá nhân"
    cards = page.locator(".space-card h2")
    assert [c.inner_text() for c in cards.all()][: len(SECTIONS)] == SECTIONS
    notifications = page.locator(".space-card").filter(has=page.get_by_role("link", name="Thông báo", exact=True))
    assert "3 chưa đọc" in notifications.inner_text()
    assert "Chưa bật đăng nhập hai bước" in page.locator(".space-card").filter(has_text="Bảo mật").inner_text()
    screenshot(page, "space")
    assert axe_violations(page) == []
    for name, heading in [("Kho dữ liệu", "Kho dữ liệu"), ("Thanh toán của tôi", "Thanh toán của tôi")]:
        page.goto("/tai-khoan/")
        page.locator(".space-card").get_by_role("link", name=name, exact=True).click()
        assert heading in page.locator("h1").inner_text()
        assert axe_violations(page) == []
    screenshot(page, "my-payments")

    badge = page.get_by_role("link", name="3 thông báo chưa đọc")
    badge.click()
    assert page.locator("h1").inner_text() == "Thông báo"
    # Chromium has the Push API: the page offers push on this device (turning it on needs a real push service)
    # shown once the service worker is ready and says this browser is not subscribed yet
    page.get_by_role("button", name="Bật thông báo trên thiết bị này").wait_for(state="visible", timeout=10000)
    assert not page.get_by_role("button", name="Tắt thông báo trên thiết bị này").is_visible()  # not subscribed
    assert not page.get_by_text("Trình duyệt này không hiển thị được thông báo").is_visible()
    screenshot(page, "notifications-push")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Đánh dấu đã đọc tất cả").click()
    assert page.get_by_role("link", name="Thông báo, không có thông báo chưa đọc").is_visible()
    assert page.locator(".header-badge .count").count() == 0


def test_space_on_a_phone(phone, mai):
    _sign_in(phone)
    phone.goto("/tai-khoan/")
    width = phone.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"horizontal scrolling on a phone: {width}"
    assert phone.get_by_role("link", name="3 thông báo chưa đọc").is_visible()
    # the first screen shows the space, not the menu
    first = phone.locator(".space-card").first.bounding_box()
    assert first["y"] < phone.viewport_size["height"], first
    screenshot(phone, "space-phone")
    assert axe_violations(phone) == []
    for path in ("/tai-khoan/thanh-toan/", "/tai-khoan/kho-du-lieu/", "/tai-khoan/thong-bao/", "/ho-so-cua-toi/"):
        phone.goto(path)
        width = phone.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"{path} scrolls sideways on a phone: {width}"
        assert axe_violations(phone) == []
    screenshot(phone, "my-dossiers-phone")
