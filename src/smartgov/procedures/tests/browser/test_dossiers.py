"""A dossier from end to end in the browser: a citizen finds a procedure (typed without diacritics), fills the
form, attaches documents and submits; the ward's one-stop shop asks for a supplement; the citizen completes
it; the shop accepts and hands it to the Department of Home Affairs, whose leader approves; the result is
returned and the citizen rates the service. Every civil servant signs in with password and authenticator."""

import pytest

from smartgov.platform.testing import axe_violations, screenshot
from smartgov.procedures.tests.factories import PDF

pytestmark = pytest.mark.django_db(transaction=True)


def _officer_does(page, button: str, fields: dict[str, str] | None = None) -> None:
    form = page.locator("form.consent").filter(has=page.get_by_role("button", name=button))
    for label, value in (fields or {}).items():
        control = form.get_by_label(label)
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(label=value)
        else:
            control.fill(value)
    with page.expect_navigation():  # the page sends the form through the API, then reloads
        form.get_by_role("button", name=button).click()
    said = page.get_by_role("status").first.inner_text().strip()  # what was done and to whom (issue 14)
    assert said.startswith("Đã ") and said != "Đã thực hiện.", page.content()[:2000]


def test_a_dossier_from_submission_to_rating(page, city, sign_in):
    sign_in(page, "031195001234")
    page.get_by_role("link", name="Dịch vụ công").first.click()
    page.get_by_role("searchbox", name="Tìm thủ tục").fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.get_by_role("link", name="Đăng ký khai sinh", exact=True).click()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.get_by_label("Nơi nộp").select_option(label="Ủy ban nhân dân phường Thành Đông")
    page.get_by_label("Họ, chữ đệm và tên của trẻ").fill("Nguyễn An Nhiên")
    page.get_by_role("textbox", name="Ngày sinh bắt buộc").fill("2026-11-20")
    page.get_by_label("Giới tính").select_option("Nữ")
    page.get_by_label("Nơi sinh").fill("Bệnh viện Phụ sản Hải Phòng")
    page.get_by_label("Họ tên mẹ").fill("Nguyễn Thị Mai")
    page.get_by_label("Quan hệ của người đi đăng ký với trẻ").select_option("Mẹ")
    for label in ("Tờ khai đăng ký khai sinh", "Giấy chứng sinh hoặc văn bản"):
        page.get_by_label(label).set_input_files(
            files=[{"name": "giay-to.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
    assert axe_violations(page) == []
    screenshot(page, "dossier-apply")
    with page.expect_navigation():  # the page saves the draft, uploads both documents and submits, via the API
        page.get_by_role("button", name="Nộp hồ sơ").first.click()
    assert page.locator("h1").inner_text().startswith("Hồ sơ 000.21.07.H31-"), page.content()[:3000]
    assert "Hãy lưu giấy tiếp nhận" in page.get_by_role("status").first.inner_text()
    code = page.locator("h1").inner_text().removeprefix("Hồ sơ ").strip()
    href = page.get_by_role("link", name="Giấy tiếp nhận (PDF)").get_attribute("href")
    receipt = page.request.get(href)  # opened in the browser's PDF viewer: fetch it with the same session
    assert receipt.ok and receipt.headers["content-type"] == "application/pdf" and receipt.body().startswith(b"%PDF")
    screenshot(page, "dossier-submitted")

    officer, leader = city["motcua.thanhdong"], city["lanhdao.snv"]
    sign_in(page, "motcua.thanhdong", officer)
    page.goto("/mot-cua/")
    assert axe_violations(page) == []
    page.get_by_role("link", name=code).click()
    _officer_does(page, "Yêu cầu bổ sung", {"Nội dung cần bổ sung (mẫu 02, chỉ một lần)": "Giấy chứng sinh bị mờ"})
    assert page.get_by_role("button", name="Yêu cầu bổ sung").count() == 0  # only once

    sign_in(page, "031195001234")
    page.goto("/ho-so-cua-toi/")
    page.get_by_role("link", name=code).click()
    assert "Giấy chứng sinh bị mờ" in page.locator("main").inner_text()
    page.get_by_label("Giấy chứng sinh hoặc văn bản").set_input_files(
        files=[{"name": "giay-chung-sinh-ro.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    with page.expect_navigation():  # the new document, then the supplement, through the API
        page.get_by_role("button", name="Gửi hồ sơ đã bổ sung").click()
    assert "Mới nộp" in page.locator(".facts").inner_text()

    sign_in(page, "motcua.thanhdong", officer)
    page.goto("/mot-cua/")
    page.get_by_role("link", name=code).click()
    _officer_does(page, "Tiếp nhận hồ sơ")
    assert "Yêu cầu thực hiện nghĩa vụ tài chính" in page.locator(".facts").first.inner_text()  # status 6: fee due

    sign_in(page, "031195001234")  # the citizen pays in the sandbox gateway
    page.goto("/ho-so-cua-toi/")
    page.get_by_role("link", name=code).click()
    page.get_by_role("link", name="Nộp phí, lệ phí").click()
    page.get_by_label("Cổng thanh toán thử nghiệm (demo)").check()
    page.get_by_role("button", name="Tiếp tục thanh toán").click()
    assert axe_violations(page) == []
    screenshot(page, "payment-sandbox")
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    assert "Đã nộp phí" in page.get_by_role("status").first.inner_text()
    receipt = page.request.get(page.get_by_role("link", name="Biên lai điện tử (PDF)").first.get_attribute("href"))
    assert receipt.ok and receipt.body().startswith(b"%PDF")

    sign_in(page, "motcua.thanhdong", officer)
    page.goto("/mot-cua/")
    page.get_by_role("link", name=code).click()
    payments = page.locator("#payments + .table-wrap table").inner_text()  # the officer sees what was paid
    assert "Đã thanh toán" in payments and "sandbox" in payments and "Đã ghi nhận thanh toán" in payments
    officer_receipt = page.request.get(page.locator("#payments + .table-wrap a").first.get_attribute("href"))
    assert officer_receipt.ok and officer_receipt.body().startswith(b"%PDF")
    assert axe_violations(page) == []
    page.locator("#payments").scroll_into_view_if_needed()
    screenshot(page, "dossier-payments")
    _officer_does(page, "Chuyển xử lý", {"Chuyển cho": "Sở Nội vụ"})
    assert page.url.endswith("/mot-cua/")  # handed over: back to the queue, where it no longer is
    assert page.get_by_role("link", name=code).count() == 0

    sign_in(page, "lanhdao.snv", leader)
    page.goto("/mot-cua/")
    page.get_by_role("link", name=code).click()
    screenshot(page, "dossier-officer")
    assert axe_violations(page) == []
    _officer_does(page, "Phê duyệt kết quả", {"Ghi chú": "Đồng ý"})

    sign_in(page, "motcua.thanhdong", officer)
    page.goto("/mot-cua/")
    page.get_by_role("link", name=code).click()
    _officer_does(page, "Trả kết quả")
    timeline = page.get_by_role("table", name="Phiếu kiểm soát quá trình giải quyết hồ sơ (mẫu 05)").inner_text()
    for step in ("Yêu cầu bổ sung", "nghĩa vụ tài chính", "chuyển xử lý", "Đã xử lý xong", "Đã trả kết quả"):
        assert step in timeline

    sign_in(page, "031195001234")
    page.goto("/ho-so-cua-toi/")
    page.get_by_role("link", name=code).click()
    page.get_by_label("5").check()
    page.get_by_label("Nhận xét").fill("Nhanh, không phải đi lại")
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi đánh giá").click()
    assert "Mức đánh giá: 5/5" in page.locator("main").inner_text()
    screenshot(page, "dossier-rated")

    # the signed result: downloaded, checked on the public verification page, then with one byte changed
    signed = page.request.get(page.get_by_role("link", name="Kết quả đã ký số (PDF)").get_attribute("href")).body()
    page.goto("/xac-thuc-ket-qua/")
    page.get_by_label("Tệp PDF của kết quả").set_input_files(
        files=[{"name": "ket-qua.pdf", "mimeType": "application/pdf", "buffer": signed}]
    )
    page.get_by_role("button", name="Kiểm tra chữ ký số").click()
    assert "Chữ ký số hợp lệ và tệp không bị thay đổi" in page.get_by_role("status").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "result-verified")
    changed = bytearray(signed)
    changed[signed.index(b"/Contents") - 400] ^= 0x01
    page.get_by_label("Tệp PDF của kết quả").set_input_files(
        files=[{"name": "ket-qua.pdf", "mimeType": "application/pdf", "buffer": bytes(changed)}]
    )
    page.get_by_role("button", name="Kiểm tra chữ ký số").click()
    assert "Không tin cậy tệp này" in page.get_by_role("status").inner_text()
    screenshot(page, "result-tampered")


def test_the_service_quality_dashboard(page, city, sign_in):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from smartgov.platform.models import Agency
    from smartgov.procedures.models import Procedure
    from smartgov.procedures.tests.factories import DossierFactory

    hcm = ZoneInfo("Asia/Ho_Chi_Minh")
    department = Agency.objects.get(code="000.00.02.H31")
    procedure = Procedure.objects.get(code="1.014199")
    for n in range(24):
        submitted = datetime(2026, 1 + n % 10, 5 + n % 20, 9, tzinfo=hcm)
        due = submitted + timedelta(days=14)
        finished = submitted + timedelta(days=10 if n % 4 else 20)
        DossierFactory(
            code=f"000.00.02.H31-26{n:04d}-0001",
            procedure=procedure,
            applicant=city["citizen"],
            receiving_agency=department,
            status=10,
            channel="online" if n % 3 else "counter",
            created_at=submitted,
            submitted_at=submitted,
            due_at=due,
            finished_at=finished,
            returned_at=finished,
            rating=5 - n % 3,
        )
    sign_in(page, "lanhdao.snv", city["lanhdao.snv"])
    page.goto("/mot-cua/chi-so/?tu=2026-01-01&den=2026-12-31")
    assert page.locator("svg[role=img]").count() == 4
    # January to October received, and November when the last ones were finished
    assert page.get_by_role("table", name="Theo cơ quan và tháng").locator("tbody tr").count() == 11
    assert axe_violations(page) == []
    screenshot(page, "service-quality-dashboard")


def test_public_service_pages_on_a_phone(phone, city, sign_in):
    phone.goto("/dich-vu-cong/?q=khai+sinh")
    assert phone.get_by_role("link", name="Đăng ký khai sinh", exact=True).is_visible()
    for path in ("/dich-vu-cong/?q=khai+sinh", "/dich-vu-cong/1.001193/", "/dich-vu-cong/tra-cuu-ho-so/"):
        phone.goto(path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= phone.viewport_size["width"], f"{path} scrolls sideways on a phone"
        assert axe_violations(phone) == []
    screenshot(phone, "procedures-catalog-phone")
    sign_in(phone, "031195001234")
    phone.goto("/dich-vu-cong/1.001193/nop-ho-so/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= phone.viewport_size["width"]
    assert axe_violations(phone) == []
    screenshot(phone, "procedures-apply-phone")


def test_the_national_portal_backlog(page, city, settings, sign_in, submitted_birth):
    """A leader sees the status changes the national portal has not accepted, and tries again."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    state = {"up": False, "got": []}

    class Portal(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if state["up"]:
                state["got"].append(json.loads(body))
            self.send_response(202 if state["up"] else 503)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Portal)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.SMARTGOV_PORTAL_SYNC_URL = f"http://127.0.0.1:{server.server_port}/dossier-status"
    settings.SMARTGOV_PORTAL_SYNC_SECRET = "portal-secret"
    code = submitted_birth()

    sign_in(page, "lanhdao.snv", city["lanhdao.snv"])
    page.goto("/mot-cua/")
    page.get_by_role("link", name="Đồng bộ Cổng Dịch vụ công quốc gia").click()
    waiting = page.get_by_role("table", name="Các thay đổi đang chờ Cổng nhận").inner_text()
    assert code in waiting and "Cổng trả lời mã 503." in waiting
    assert axe_violations(page) == []
    screenshot(page, "portal-sync-backlog")
    state["up"] = True
    page.get_by_role("button", name="Gửi lại ngay").click()
    assert "Cổng đã nhận mọi thay đổi." in page.get_by_role("status").first.inner_text()
    assert [m["dossier_code"] for m in state["got"]] == [code]
    server.shutdown()
