"""The officers' workspace in the browser, on a desktop and a phone: an officer signs in with password and
authenticator and lands on their workspace, follows a part of the queue, and finds a dossier by the applicant's name
typed without diacritics, shown masked."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from smartgov.platform.testing import axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)
Dossier = apps.get_model("procedures", "Dossier")  # made late directly: a workflow would take days


def _no_sideways_scroll(tab) -> None:
    width = tab.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"horizontal scrolling: {width}"


def test_an_officer_lands_on_the_workspace_and_finds_a_dossier(page, city, sign_in, submitted_birth):
    code = submitted_birth()
    Dossier.objects.filter(code=code).update(status=4, due_at=timezone.now() - timedelta(hours=1))
    sign_in(page, "motcua.thanhdong", city["motcua.thanhdong"])
    page.wait_for_url("**/can-bo/")
    assert page.locator("h1").inner_text() == "Trang làm việc"
    menu = page.get_by_role("navigation", name="Không gian làm việc của cán bộ")
    assert menu.get_by_role("link", name="Hồ sơ cần xử lý").is_visible()
    late = page.locator(".ws-count-alert")
    assert "1" in late.inner_text() and "Quá hạn" in late.inner_text()
    screenshot(page, "workspace-home")
    assert axe_violations(page) == []

    late.get_by_role("link").click()
    assert page.locator("h1").inner_text() == "Hồ sơ cần xử lý: Quá hạn"
    assert page.get_by_role("link", name=code).is_visible()

    page.goto("/can-bo/")
    page.get_by_label("Tìm hồ sơ").fill("nguyen thi mai")
    page.get_by_role("button", name="Tìm kiếm").click()
    assert page.locator("h1").inner_text() == "Tìm hồ sơ"
    assert "Tìm thấy 1 hồ sơ." in page.get_by_role("status").inner_text()
    row = page.locator("tbody tr").first.inner_text()
    assert code in row and "Nguyễn T. M." in row and "031*******34" in row and "Nguyễn Thị Mai" not in row
    screenshot(page, "workspace-search")
    assert axe_violations(page) == []
    page.get_by_role("link", name=code).click()
    assert page.locator("h1").inner_text().endswith(code)


def test_the_workspace_on_a_phone(phone, city, sign_in, submitted_birth):
    code = submitted_birth()
    sign_in(phone, "lanhdao.snv", city["lanhdao.snv"])
    phone.wait_for_url("**/can-bo/")
    _no_sideways_scroll(phone)
    assert phone.get_by_role("heading", name="Công cụ của bạn").is_visible()
    assert phone.get_by_role("link", name="Chất lượng phục vụ").first.is_visible()
    screenshot(phone, "workspace-home-phone")
    assert axe_violations(phone) == []

    # the leader of the Department holds no ward's dossier: the search says so, without a trace of the applicant
    phone.goto(f"/can-bo/tim-ho-so/?q={code}")
    _no_sideways_scroll(phone)
    assert "Tìm thấy 0 hồ sơ." in phone.get_by_role("status").inner_text()
    sign_in(phone, "motcua.thanhdong", city["motcua.thanhdong"])
    phone.goto("/can-bo/tim-ho-so/?q=mai")
    _no_sideways_scroll(phone)
    assert phone.get_by_role("link", name=code).is_visible()
    screenshot(phone, "workspace-search-phone")
    assert axe_violations(phone) == []
