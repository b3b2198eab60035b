"""The data-exchange gateway in the browser: an officer checks an applicant in the national population database
(through the gateway), and the platform administrator watches the traffic on the monitoring page."""

import pytest

from smartgov.platform.testing import axe_violations, screenshot
from smartgov.platform.tests.browser.test_procedures_browser import PASSWORD, _sign_in, city, submitted_birth  # noqa: F401
from smartgov.procedures.tests.test_citizen_check import one_stop  # noqa: F401 - the one-stop shop's client

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_officer_checks_the_applicant_and_the_administrator_watches(page, city, exchange, one_stop):  # noqa: F811
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from smartgov.exchange import services as ex
    from smartgov.exchange.messagelog.batches import log_batches_sign
    from smartgov.exchange.messagelog.ingest import log_ingest
    from smartgov.exchange.registry import registry_forget
    from smartgov.identity.services import role_grant

    ex.access_grant(actor=None, service=exchange.service, subsystem=one_stop)
    registry_forget()

    code = submitted_birth(city)

    _sign_in(page, "motcua.thanhdong", city["motcua.thanhdong"])
    page.goto("/mot-cua/")
    page.get_by_role("link", name=code).click()
    page.get_by_role("button", name="Kiểm tra người nộp trong CSDL quốc gia về dân cư").click()
    table = page.get_by_role("table", name="Thông tin trong CSDL quốc gia đặt cạnh tờ khai").inner_text()
    assert "Số 12 Trần Phú, phường Thành Đông" in table and "12/04/1995" in table
    assert axe_violations(page) == []
    screenshot(page, "exchange-citizen-check")

    users = city["citizen"].__class__.objects
    admin = users.create_user(username="quantri", password=PASSWORD, kind="staff", full_name="Quản trị hệ thống")
    role_grant(actor=None, user=admin, role="platform_admin", agency=None)
    TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    headers = {"X-Road-Client": exchange.other_id, "X-SmartGov-Api-Key": exchange.other_key}
    exchange.http.get(f"{exchange.url}/citizens/031195001234", headers=headers)  # refused: no right
    log_ingest()
    log_batches_sign()
    _sign_in(page, "quantri", admin)
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
