"""The installable app (issue 14, point 15) and the demo's looks (point 17) in the browser: a valid manifest with
its icons, the service worker registered over the whole site, the offline page when the network is cut, no page
kept by the worker, the favicon, the site's own 404 page under DEBUG, holiday names in English."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from smartgov.platform.testing import axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

REQUIRED = {"name", "short_name", "start_url", "display", "icons", "scope", "theme_color", "background_color", "id"}


def _worker_ready(tab):
    """Wait until the service worker controls the page (a reload after its first activation)."""
    tab.evaluate("async () => { await navigator.serviceWorker.ready; }")
    if not tab.evaluate("() => !!navigator.serviceWorker.controller"):
        tab.reload()
    assert tab.evaluate("() => !!navigator.serviceWorker.controller")


def test_the_site_installs_and_shows_the_offline_page_without_network(page, hai_phong):
    page.goto("/")
    href = page.locator("link[rel=manifest]").get_attribute("href")
    answer = page.request.get(href)
    assert answer.ok and answer.headers["content-type"].startswith("application/manifest+json")
    manifest = json.loads(answer.text())
    assert manifest.keys() >= REQUIRED, REQUIRED - manifest.keys()
    assert manifest["name"] == "Smart Hải Phòng" and manifest["display"] == "standalone"
    assert manifest["scope"] == "/" and manifest["start_url"].startswith("/")
    sizes = {icon["sizes"] for icon in manifest["icons"] if icon["type"] == "image/png"}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        got = page.request.get(icon["src"])
        assert got.ok and got.headers["content-type"] == icon["type"], icon
        if icon["type"] == "image/png":
            from io import BytesIO

            from PIL import Image

            assert Image.open(BytesIO(got.body())).size == tuple(int(n) for n in icon["sizes"].split("x"))

    _worker_ready(page)
    scope = page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).scope")
    assert scope == page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2] + "/"

    page.context.set_offline(True)
    try:
        page.goto("/co-quan/")  # a page never visited: the offline page answers
        assert page.locator("h1").inner_text() == "Không có kết nối"
        assert page.locator("link[rel=stylesheet]").count() >= 1
        assert page.evaluate("() => getComputedStyle(document.querySelector('.site-header')).backgroundColor") != (
            "rgba(0, 0, 0, 0)"
        )  # the shell's styles came from the worker's cache
        screenshot(page, "offline")
    finally:
        page.context.set_offline(False)
    page.goto("/co-quan/")
    assert page.locator("h1").inner_text() != "Không có kết nối"
    assert axe_violations(page) == []


def test_the_worker_keeps_no_page(page, hai_phong, django_user_model):
    """Pages hold personal data: the worker's cache has static files and the offline page (a visitor's) only."""
    django_user_model.objects.create_user(
        username="031195001234", password="Mat-khau-dai-2026", full_name="Nguyễn Thị Mai", kind="citizen"
    )
    page.goto("/dang-nhap/")
    page.get_by_label("Số định danh cá nhân, mã số thuế hoặc tên tài khoản").fill("031195001234")
    page.get_by_label("Mật khẩu").fill("Mat-khau-dai-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    _worker_ready(page)
    page.goto("/tai-khoan/")
    page.goto("/ho-so-cua-toi/")
    kept = page.evaluate(
        """async () => {
             const urls = [];
             for (const name of await caches.keys()) {
               for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
             }
             const offline = await (await caches.match('/ngoai-tuyen/')).text();
             return {urls, offline};
           }"""
    )
    assert "/ngoai-tuyen/" in kept["urls"]
    assert all(url.startswith("/static/") or url == "/ngoai-tuyen/" for url in kept["urls"]), kept["urls"]
    assert "Nguyễn Thị Mai" not in kept["offline"]  # fetched without cookies, as a visitor


def test_offline_page_on_a_phone(phone, hai_phong):
    phone.goto("/ngoai-tuyen/")
    assert phone.locator("h1").inner_text() == "Không có kết nối"
    width = phone.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1]
    screenshot(phone, "offline-phone")
    assert axe_violations(phone) == []


def test_favicon_is_served_with_a_long_cache(page, hai_phong):
    answer = page.request.get("/favicon.ico")
    assert answer.ok and answer.headers["content-type"] == "image/x-icon"
    assert "max-age=31536000" in answer.headers["cache-control"]
    assert answer.body()[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_a_wrong_address_shows_the_sites_own_page_under_debug(page, hai_phong, settings):
    settings.DEBUG = True
    settings.SMARTGOV_PRODUCT_PAGES = True  # what make demo sets
    response = page.goto("/khong-co-trang-nay/")
    assert response is not None and response.status == 404
    assert page.locator(".site-header").is_visible()
    assert "Không tìm thấy trang" in page.locator("h1").inner_text()
    assert "URLconf" not in page.content()  # not Django's list of every URL
    screenshot(page, "demo-404")
    assert axe_violations(page) == []
    redirected = page.goto("/dich-vu-cong")  # a missing slash still leads to the page
    assert redirected is not None and redirected.status == 200 and page.url.endswith("/dich-vu-cong/")


def test_next_day_off_is_named_in_english(page, hai_phong):
    from django.core.cache import cache

    from smartgov.platform.models import CalendarDay

    soon = timezone.localdate() + timedelta(days=3)
    CalendarDay.objects.create(date=soon, is_working=False, name="Tết Dương lịch", name_en="New Year's Day")
    cache.clear()
    page.goto("/")
    assert "Tết Dương lịch" in page.locator(".figures").inner_text()
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    figures = page.locator(".figures").inner_text()
    assert "New Year's Day" in figures and "Tết Dương lịch" not in figures
    screenshot(page, "home-en-holiday")
