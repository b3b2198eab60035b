"""The data-exchange gateway in the browser: an officer checks an applicant in the national population database
(through the gateway), and the platform administrator watches the traffic on the monitoring page."""

import pytest

from smartgov.exchange.services.messagelog import log_batches_sign, log_ingest
from smartgov.platform.testing import axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_officer_checks_the_applicant_and_the_administrator_watches(page, exchange, exchange_desk, sign_in):
    sign_in(page, exchange_desk.officer.username, exchange_desk.officer)
    page.goto("/mot-cua/")
    page.get_by_role("link", name=exchange_desk.code).click()
    page.get_by_role("button", name="Kiểm tra người nộp trong CSDL quốc gia về dân cư").click()
    table = page.get_by_role("table", name="Thông tin trong CSDL quốc gia đặt cạnh tờ khai").inner_text()
    assert "Số 12 Trần Phú, phường Thành Đông" in table and "12/04/1995" in table
    assert axe_violations(page) == []
    screenshot(page, "exchange-citizen-check")

    headers = {"X-Road-Client": exchange.other_id, "X-SmartGov-Api-Key": exchange.other_key}
    exchange.http.get(f"{exchange.url}/citizens/031195001234", headers=headers)  # refused: no right
    log_ingest()
    log_batches_sign()
    sign_in(page, exchange_desk.admin.username, exchange_desk.admin)
    page.goto("/truc-lien-thong/")
    main = page.locator("main").inner_text()
    assert "VN-HP/GOV/000.00.00.G01/CSDLQGDC/citizens" in main and "Server.ServerProxy.AccessDenied" in main
    assert page.get_by_role("img", name="Số lượt gọi theo ngày").count() == 1
    assert axe_violations(page) == []
    screenshot(page, "exchange-dashboard")
    page.set_viewport_size({"width": 375, "height": 812})  # on a phone: tables scroll inside, the page does not
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "exchange-dashboard-phone")
