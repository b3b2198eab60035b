"""The catalog in the browser: a civil servant finds a table typed without diacritics, opens its page (the schema
with its personal-data flags); a visitor opens the progress page with its chart, on a desktop and on a phone.
axe-core on every page; screenshots in build/screenshots/. (Locators use ids and roles, not the Vietnamese
labels, which the translators give later.)"""

import pytest

from smartgov.platform.testing import axe_violations, screenshot
from smartgov.warehouse.services import table_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def officer(wh, identity_factories, grant_role):
    user = identity_factories.Staff(username="chuyenvien.sxd", full_name="Vũ Đức Anh")
    identity_factories.TOTPDevice(user=user)
    grant_role(user, "specialist", wh.agencies["other"])
    table_create(
        actor=None,
        database=wh.database,
        code="ket_hon",
        name="Đăng ký kết hôn",
        description="Các trường hợp đăng ký kết hôn đã được cấp giấy chứng nhận.",
        classification="personal",
        status="published",
        columns=[
            {"name": "so_dang_ky", "type": "text", "required": True},
            {"name": "ho_ten_chong", "type": "text", "personal": True},
            {"name": "ngay_dang_ky", "type": "date"},
        ],
    )
    return user


def test_an_officer_finds_a_table_without_diacritics(page, officer, sign_in):
    sign_in(page, "chuyenvien.sxd", officer)
    page.goto("/can-bo/kho-du-lieu/")
    page.locator("#q").fill("dang ky ket hon")
    page.locator("form[role=search] button[type=submit]").click()
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert "ho_tich.ket_hon" in rows.first.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "warehouse-catalog")
    page.get_by_role("link", name="Đăng ký kết hôn").click()
    assert page.locator("h1").inner_text() == "Đăng ký kết hôn"
    schema = page.locator("#columns-caption").locator("xpath=..")
    assert "ho_ten_chong" in schema.inner_text()
    assert schema.locator(".badge-late").count() == 1  # the one personal-data column
    assert axe_violations(page) == []
    screenshot(page, "warehouse-table")


def test_the_progress_page_for_a_visitor(page, phone, wh):
    for tab, name in ((page, "warehouse-progress"), (phone, "warehouse-progress-phone")):
        tab.goto("/kho-du-lieu/tien-do/")
        assert "4" in tab.locator(".lead").inner_text()
        chart = tab.locator("figure.chart svg")
        assert chart.count() == 1 and chart.locator("rect").count() >= 3
        assert axe_violations(tab) == []
        screenshot(tab, name)
    # nothing wider than the phone's screen but the tables' own scrolling regions
    overflow = phone.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
