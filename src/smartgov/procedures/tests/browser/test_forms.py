"""The application form's errors, drafts and the confirmed withdrawal in the browser, on a desktop and on a phone
(issue 14, points 7-10): the page acts through the API; its errors are drawn beside their fields, summarised at
the top, focused and announced; a failed submission leaves no draft."""

import pytest

from smartgov.platform.testing import axe_violations, screenshot
from smartgov.procedures.domain.status import Status
from smartgov.procedures.models import Dossier, DossierEvent

pytestmark = pytest.mark.django_db(transaction=True)
APPLY = "/dich-vu-cong/1.001193/nop-ho-so/"


@pytest.mark.parametrize("device", ["page", "phone"])
def test_form_errors_belong_to_their_fields_and_leave_no_draft(device, request, city, sign_in):
    tab = request.getfixturevalue(device)
    sign_in(tab, "031195001234")
    tab.goto(APPLY)
    tab.get_by_role("button", name="Nộp hồ sơ").first.click()
    summary = tab.locator("#error-summary")
    summary.wait_for()
    assert summary.get_attribute("role") == "alert"
    assert tab.evaluate("document.activeElement.id") == "error-summary"  # focused, so it is read out
    text = summary.inner_text()
    assert "Không có cơ quan" not in tab.content()
    assert text.startswith("Có 6 trường cần sửa") and "Hãy nhập Họ, chữ đệm và tên của trẻ." in text
    child = tab.get_by_label("Họ, chữ đệm và tên của trẻ")
    assert child.get_attribute("aria-invalid") == "true"
    assert tab.locator("#id_ho_ten_tre_error").inner_text() == "Hãy nhập Họ, chữ đệm và tên của trẻ."
    assert axe_violations(tab) == []
    screenshot(tab, f"apply-errors-{device}")

    tab.get_by_label("Nơi nộp").select_option(label="Ủy ban nhân dân phường Thành Đông")
    child.fill("Nguyễn An Nhiên")
    tab.locator("#id_ngay_sinh").fill("2030-01-01")
    tab.locator("#id_so_ban").fill("-1")
    tab.get_by_role("button", name="Nộp hồ sơ").first.click()
    tab.locator("#id_ngay_sinh_error", has_text="không được sau").wait_for()  # the new answer is drawn
    assert tab.locator("#id_ngay_sinh_error").inner_text() == "Ngày sinh không được sau ngày hôm nay."
    assert tab.locator("#id_so_ban_error").inner_text() == "Số bản sao trích lục đề nghị cấp phải từ 0 đến 20."
    assert child.get_attribute("aria-invalid") is None  # corrected: no longer marked
    assert tab.locator(".errorlist").count() == tab.locator("#error-summary li").count()  # each message once
    summary.get_by_role("link", name="Ngày sinh không được sau ngày hôm nay.").click()
    assert tab.evaluate("document.activeElement.id") == "id_ngay_sinh"
    screenshot(tab, f"apply-errors-dates-{device}")
    assert not Dossier.objects.exists()  # two failed submissions, no draft

    with tab.expect_navigation():
        tab.get_by_role("button", name="Lưu nháp").click()
    draft = Dossier.objects.get()
    tab.goto("/ho-so-cua-toi/")
    tab.get_by_role("link", name=draft.label, exact=True).wait_for()
    assert axe_violations(tab) == []
    screenshot(tab, f"my-dossiers-drafts-{device}")
    tab.goto(f"/ho-so-cua-toi/{draft.pk}/")  # a draft opened from an old link: named, no receipt
    assert tab.locator("h1").inner_text() == draft.label and "None" not in tab.locator("main").inner_text()
    assert tab.get_by_role("link", name="Giấy tiếp nhận (PDF)").count() == 0
    assert axe_violations(tab) == []
    screenshot(tab, f"draft-{device}")
    tab.goto("/ho-so-cua-toi/")
    tab.get_by_role("link", name=f"Xoá {draft.label}").click()
    assert axe_violations(tab) == []
    tab.get_by_role("button", name="Xoá bản nháp").click()
    assert "Đã xoá" in tab.get_by_role("status").first.inner_text()
    assert not Dossier.objects.exists()


@pytest.mark.parametrize("device", ["page", "phone"])
def test_withdrawing_is_confirmed_with_a_reason(device, request, submitted_birth, sign_in):
    tab = request.getfixturevalue(device)
    code = submitted_birth()
    sign_in(tab, "031195001234")
    tab.goto("/ho-so-cua-toi/")
    tab.get_by_role("link", name=code).click()
    assert tab.locator(".actions").first.get_by_text("Rút hồ sơ").count() == 0  # not beside the receipt
    assert axe_violations(tab) == []
    screenshot(tab, f"my-dossier-withdraw-section-{device}")
    tab.get_by_role("link", name="Rút hồ sơ…").click()
    assert axe_violations(tab) == []
    tab.get_by_role("button", name="Rút hồ sơ (không thể hoàn tác)").click()
    assert tab.evaluate("document.activeElement.id") == "error-summary"
    assert tab.get_by_label("Lý do rút hồ sơ").get_attribute("aria-invalid") == "true"
    assert axe_violations(tab) == []
    screenshot(tab, f"withdraw-confirm-{device}")
    tab.get_by_label("Lý do rút hồ sơ").fill("Đã nộp nhầm thủ tục")
    tab.get_by_role("button", name="Rút hồ sơ (không thể hoàn tác)").click()
    assert "Đã rút hồ sơ." in tab.get_by_role("status").first.inner_text()
    dossier = Dossier.objects.get(code=code)
    assert dossier.status == Status.WITHDRAWN
    assert DossierEvent.objects.get(dossier=dossier, action="withdraw").note == "Đã nộp nhầm thủ tục"
    assert "Đã nộp nhầm thủ tục" in tab.locator("main").inner_text()
