"""The officer's dossier page and the receipt's QR code in the browser (issue 14, points 2 and 6): moves that say
what they did, a hand-over list of ~135 agencies narrowed as one types (without diacritics), dates typed as
day/month/year and checked before sending; the QR code opening a clean form, or the dossier for its owner."""

from datetime import timedelta

import pytest
from django.utils import timezone

from smartgov.platform.services.org import AgencyData, agency_upsert
from smartgov.platform.testing import axe_violations, screenshot
from smartgov.procedures.models import Dossier

pytestmark = pytest.mark.django_db(transaction=True)


def _many_agencies() -> None:
    for n in range(130):
        agency_upsert(
            actor=None,
            data=AgencyData(code=f"000.30.{n:02d}.H31", name=f"Ủy ban nhân dân xã Số {n}", kind="commune_committee"),
        )
    agency_upsert(actor=None, data=AgencyData(code="000.00.04.H31", name="Sở Tư pháp", kind="department"))


def _said(page) -> str:
    return page.get_by_role("status").first.inner_text().strip()


def _move_form(page, button: str):
    return page.locator("form.consent").filter(has=page.get_by_role("button", name=button))


@pytest.mark.parametrize("device", ["page", "phone"])
def test_an_officer_accepts_apologises_and_hands_over(device, request, city, sign_in, submitted_birth):
    browser_page = request.getfixturevalue(device)
    _many_agencies()
    code = submitted_birth()
    sign_in(browser_page, "motcua.thanhdong", city["motcua.thanhdong"])
    browser_page.goto("/mot-cua/")
    browser_page.get_by_role("link", name=code).click()
    assert "20/11/2026" in browser_page.locator("dl.facts").nth(1).inner_text()  # born, as the form said
    with browser_page.expect_navigation():
        _move_form(browser_page, "Tiếp nhận hồ sơ").get_by_role("button", name="Tiếp nhận hồ sơ").click()
    assert _said(browser_page).startswith(f"Đã tiếp nhận hồ sơ {code}; hẹn trả kết quả lúc ")

    apology = _move_form(browser_page, "Xin lỗi và hẹn lại")
    apology.get_by_label("Lý do chậm trễ (mẫu 04)").fill("Chờ xác minh nơi sinh")
    when = apology.get_by_label("Ngày hẹn mới")
    when.fill("31/02/2026 10:00")  # no such day: refused in place, nothing sent
    apology.get_by_role("button", name="Xin lỗi và hẹn lại").click()
    assert when.evaluate("e => e.validationMessage") == (
        "Hãy nhập ngày giờ theo dạng ngày/tháng/năm giờ:phút, ví dụ 20/11/2026 14:30."
    )
    dossier = Dossier.objects.get(code=code)
    later = timezone.localtime(dossier.due_at + timedelta(days=7)).replace(hour=9, minute=15)
    when.fill(f"{later:%d/%m/%Y %H:%M}")
    with browser_page.expect_navigation():  # sent through the API as ISO 8601
        apology.get_by_role("button", name="Xin lỗi và hẹn lại").click()
    assert _said(browser_page) == (
        f"Đã gửi Nguyễn Thị Mai thư xin lỗi (mẫu 04) về hồ sơ {code}; hẹn trả mới lúc {later:%H:%M %d/%m/%Y}."
    )
    assert Dossier.objects.get(code=code).due_at == later

    search = browser_page.get_by_role("searchbox", name="Tìm cơ quan nhận hồ sơ")
    search.fill("so tu phap")
    handover = _move_form(browser_page, "Chuyển xử lý")
    choice = handover.get_by_label("Chuyển cho")
    assert choice.evaluate("s => [...s.options].filter(o => !o.hidden && o.value).map(o => o.text)") == ["Sở Tư pháp"]
    assert choice.input_value() == "000.00.04.H31"  # the only match is chosen
    assert browser_page.locator("#co-quan-count").inner_text() == "1 cơ quan phù hợp."
    assert browser_page.evaluate("document.documentElement.scrollWidth") <= browser_page.viewport_size["width"]
    assert axe_violations(browser_page) == []
    search.scroll_into_view_if_needed()
    screenshot(browser_page, f"officer-hand-over-search-{device}")
    with browser_page.expect_navigation():
        handover.get_by_role("button", name="Chuyển xử lý").click()
    assert _said(browser_page).startswith(f"Đã chuyển hồ sơ {code} cho Sở Tư pháp")
    assert axe_violations(browser_page) == []
    screenshot(browser_page, f"officer-handed-over-{device}")


@pytest.mark.parametrize("device", ["page", "phone"])
def test_the_receipts_qr_code(device, request, city, sign_in, submitted_birth):
    browser_page = request.getfixturevalue(device)
    code = submitted_birth()
    browser_page.goto(f"/dich-vu-cong/tra-cuu-ho-so/?ma={code}")  # what the QR code holds
    assert browser_page.get_by_role("alert").count() == 0
    assert browser_page.get_by_label("Mã hồ sơ").input_value() == code
    assert axe_violations(browser_page) == []
    screenshot(browser_page, f"lookup-from-qr-{device}")
    browser_page.get_by_label("Số điện thoại hoặc số định danh cá nhân").fill("0912345678")
    browser_page.get_by_role("button", name="Tra cứu").click()
    assert browser_page.get_by_role("heading", name=code).is_visible()

    sign_in(browser_page, "031195001234")
    browser_page.goto(f"/dich-vu-cong/tra-cuu-ho-so/?ma={code}")
    assert browser_page.locator("h1").inner_text() == f"Hồ sơ {code}"  # the owner's own dossier page
    screenshot(browser_page, f"lookup-from-qr-owner-{device}")


def test_the_catalog_says_what_is_charged_and_dates_are_day_month_year(page, city, sign_in):
    page.goto("/dich-vu-cong/1.001193/")
    facts = page.locator("dl.facts").inner_text()
    assert "Miễn lệ phí; bản sao trích lục khai sinh: 8.000\xa0₫/bản" in facts and "0 ngày" not in facts
    assert axe_violations(page) == []
    screenshot(page, "procedure-fee-and-deadline")
    page.goto("/lich-lam-viec/?year=2026")
    page.get_by_label("Thời điểm tiếp nhận").fill("13/02/2026 09:00")
    page.get_by_label("Thời hạn giải quyết").fill("3")
    page.get_by_role("button", name="Tính").click()
    assert "25/02/2026" in page.get_by_role("status").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "calendar-day-month-year")


@pytest.mark.parametrize("device", ["page", "phone"])
def test_a_leader_types_periods_as_day_month_year(device, request, city, sign_in):
    browser_page = request.getfixturevalue(device)
    sign_in(browser_page, "lanhdao.snv", city["lanhdao.snv"])
    browser_page.goto("/mot-cua/chi-so/")
    start = browser_page.get_by_label("Từ ngày", exact=True)
    start.fill("31/02/2026")  # no such day: refused in place
    browser_page.get_by_role("button", name="Xem").click()
    assert start.evaluate("e => e.validationMessage") == "Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 20/11/2026."
    start.fill("01/03/2026")
    browser_page.get_by_label("Đến ngày", exact=True).fill("31/03/2026")
    with browser_page.expect_navigation():
        browser_page.get_by_role("button", name="Xem").click()
    assert "tu=01%2F03%2F2026" in browser_page.url
    assert browser_page.get_by_label("Từ ngày", exact=True).input_value() == "01/03/2026"
    assert axe_violations(browser_page) == []
    screenshot(browser_page, f"dashboard-period-{device}")
    browser_page.goto("/mot-cua/doi-soat-thanh-toan/")
    browser_page.locator("#ngay").fill("20/11/2026")
    with browser_page.expect_navigation():
        browser_page.get_by_role("button", name="Xem").click()
    assert browser_page.locator("#ngay").input_value() == "20/11/2026"
    assert browser_page.evaluate("document.documentElement.scrollWidth") <= browser_page.viewport_size["width"]
    assert axe_violations(browser_page) == []
    screenshot(browser_page, f"reconciliation-day-{device}")
