"""The shell as a person sees it: Vietnamese first, English on request, a phone, accessibility."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from smartgov.platform import navigation
from smartgov.platform.testing import axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_in_vietnamese_then_english(page, hai_phong):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text() == "Cổng Dịch vụ công thành phố Hải Phòng"
    assert "Đơn vị hành chính" in page.locator("nav.site-nav").inner_text()
    screenshot(page, "home-vi")
    assert axe_violations(page) == []

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Administrative units" in page.locator("nav.site-nav").inner_text()
    assert "HAI PHONG CITY" in page.locator(".brand-name").inner_text().upper()
    screenshot(page, "home-en")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Tiếng Việt").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "vi"


def test_home_on_a_phone(phone, hai_phong):
    phone.goto("/")
    width = phone.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"horizontal scrolling on a phone: {width}"
    nav = phone.locator("nav.site-nav a")
    visitor = RequestFactory().get("/")
    visitor.user = AnonymousUser()
    assert nav.count() == len(navigation.entries_for(visitor))  # a visitor's menu: what a visitor may open
    # compact: the menu waits behind its button, and the header leaves most of the first screen to the page
    assert not nav.first.is_visible()
    header = phone.locator(".site-header").bounding_box()
    assert header["height"] < 0.3 * phone.viewport_size["height"], header
    screenshot(phone, "home-phone")
    assert axe_violations(phone) == []
    menu = phone.locator(".site-menu > summary")
    menu.click()
    assert nav.first.is_visible() and nav.last.is_visible()
    screenshot(phone, "home-phone-menu")
    assert axe_violations(phone) == []
    phone.keyboard.press("Escape")  # closes it, and the focus goes back to its button
    assert not nav.first.is_visible()
    assert phone.evaluate("document.activeElement.tagName") == "SUMMARY"


def test_every_navigation_entry_opens_a_page(page, hai_phong):
    page.goto("/")
    hrefs = [a.get_attribute("href") for a in page.locator("nav.site-nav a").all()]
    assert len(hrefs) >= 5
    for href in hrefs:
        response = page.goto(href)
        assert response is not None and response.status == 200, href
        assert page.locator("h1").count() >= 1 or "swagger" in page.content().lower(), href


def test_agencies_page_is_accessible(page, hai_phong):
    page.goto("/co-quan/")
    page.get_by_label("Tên hoặc mã định danh").fill("uy ban")
    page.get_by_role("button", name="Tìm kiếm").click()
    assert "Ủy ban nhân dân thành phố Hải Phòng" in page.locator("main").inner_text()
    screenshot(page, "agencies")
    assert axe_violations(page) == []


def test_not_found_page_is_styled(page, hai_phong, settings):
    settings.DEBUG = False
    response = page.goto("/trang-khong-ton-tai/")
    assert response is not None and response.status == 404
    assert page.locator(".site-header").is_visible()
    assert "Không tìm thấy trang" in page.locator("h1").inner_text()
    screenshot(page, "404")


def test_citizen_finds_what_the_old_ward_became(page, hai_phong):
    page.goto("/")
    page.get_by_role("link", name="Tra cứu đơn vị hành chính mới").first.click()
    page.get_by_label("Phường, xã cũ").fill("cam thuong")
    page.get_by_role("button", name="Tra cứu").click()
    result = page.locator("main").inner_text()
    assert "Phường Cẩm Thượng" in result
    assert "Phường Thành Đông" in result
    screenshot(page, "units-lookup")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Phường Thành Đông").click()
    assert page.locator("h1").inner_text() == "Phường Thành Đông"
    assert "Phường Cẩm Thượng" in page.locator("main").inner_text()  # formed from
    assert axe_violations(page) == []


def test_units_list_searches_without_diacritics(page, hai_phong):
    page.goto("/don-vi-hanh-chinh/")
    page.get_by_label("Tên hoặc mã").fill("cat hai")
    page.get_by_role("button", name="Tìm kiếm").click()
    assert "Đặc khu Cát Hải" in page.locator("tbody").inner_text()
    screenshot(page, "units-list")
    assert axe_violations(page) == []


def test_deadline_calculator(page, hai_phong):
    from smartgov.platform.services.calendar import calendar_fill

    calendar_fill(years=[2026])
    page.goto("/lich-lam-viec/?year=2026")
    assert "Tết Nguyên Đán" in page.locator("table").inner_text()
    page.get_by_label("Thời điểm tiếp nhận").fill("13/02/2026 09:00")  # day/month/year (issue 14)
    page.get_by_label("Thời hạn giải quyết").fill("3")
    page.get_by_role("button", name="Tính").click()
    assert "25/02/2026" in page.get_by_role("status").inner_text()
    screenshot(page, "calendar")
    assert axe_violations(page) == []
    page.get_by_label("Thời hạn giải quyết").fill("-2")
    page.get_by_role("button", name="Tính").click()
    assert page.locator(".errorlist").count() >= 1


def test_sign_in_and_out(page, hai_phong, django_user_model):
    django_user_model.objects.create_user(
        username="031195001234", password="Mat-khau-dai-2026", full_name="Nguyễn Thị Mai", kind="citizen"
    )
    page.goto("/")
    page.get_by_role("link", name="Đăng nhập").click()
    assert axe_violations(page) == []
    page.get_by_label("Số định danh cá nhân, mã số thuế hoặc tên tài khoản").fill("031195001234")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_role("alert").is_visible()
    page.get_by_label("Mật khẩu").fill("Mat-khau-dai-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    assert "Nguyễn Thị Mai" in page.locator(".site-header").inner_text()
    screenshot(page, "signed-in")
    page.get_by_role("button", name="Đăng xuất").click()
    assert page.get_by_role("link", name="Đăng nhập").is_visible()


def test_citizen_registers(page, hai_phong):
    page.goto("/dang-nhap/")
    page.get_by_role("link", name="Tạo tài khoản").click()
    assert axe_violations(page) == []
    page.get_by_label("Số định danh cá nhân hoặc mã số thuế").fill("031195001234")
    page.get_by_label("Họ và tên hoặc tên doanh nghiệp").fill("Nguyễn Thị Mai")
    page.get_by_label("Ngày sinh (công dân)").fill("1996-03-02")
    page.get_by_label("Điện thoại di động").fill("0912345678")
    page.get_by_label("Mật khẩu", exact=True).fill("Hai-Phong-2026!")
    page.get_by_label("Nhập lại mật khẩu").fill("Hai-Phong-2026!")
    page.get_by_role("button", name="Đăng ký tài khoản").click()
    assert "năm sinh 1995" in page.locator(".errorlist").first.inner_text()
    screenshot(page, "register-error")
    assert axe_violations(page) == []
    page.get_by_label("Ngày sinh (công dân)").fill("1995-03-02")
    page.get_by_label("Mật khẩu", exact=True).fill("Hai-Phong-2026!")
    page.get_by_label("Nhập lại mật khẩu").fill("Hai-Phong-2026!")
    page.get_by_role("button", name="Đăng ký tài khoản").click()
    assert "Nguyễn Thị Mai" in page.locator(".site-header").inner_text()


def test_staff_sign_in_with_an_authenticator_app(page, hai_phong, django_user_model, totp_code):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    django_user_model.objects.create_user(
        username="motcua.thanhdong", password="Can-bo-mot-cua-2026", kind="staff", full_name="Hoàng Văn Nam"
    )
    page.goto("/dang-nhap/")
    page.get_by_label("Số định danh cá nhân, mã số thuế hoặc tên tài khoản").fill("motcua.thanhdong")
    page.get_by_label("Mật khẩu").fill("Can-bo-mot-cua-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.locator("h1").inner_text() == "Thiết lập đăng nhập hai bước"
    assert page.locator(".qr svg").is_visible()
    screenshot(page, "mfa-setup")
    assert axe_violations(page) == []

    device = TOTPDevice.objects.get(user__username="motcua.thanhdong")
    assert page.locator("#totp-secret").inner_text()  # the key for typing by hand
    page.get_by_label("Mã trên ứng dụng").fill(totp_code(device.user))
    page.get_by_role("button", name="Xác nhận").click()
    assert page.locator(".recovery-codes li").count() == 10
    screenshot(page, "mfa-recovery-codes")
    page.get_by_role("link", name="Tiếp tục").click()
    assert "Hoàng Văn Nam" in page.locator(".site-header").inner_text()
