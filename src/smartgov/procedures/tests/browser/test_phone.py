"""A citizen's most used tasks on a 390 px phone (issue 14, point 15): follow a dossier, pay its fee, find one's
payments and documents, from the person's space. No page scrolls sideways, every one passes axe."""

import pytest

from smartgov.platform.testing import axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def _fits(tab, path):
    width = tab.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{path} scrolls sideways on a phone: {width}"
    assert axe_violations(tab) == [], path


def test_track_pay_and_documents_on_a_390px_phone(phone, city, sign_in, submitted_birth):
    from smartgov.procedures.domain.status import Status
    from smartgov.procedures.models import Dossier

    phone.set_viewport_size({"width": 390, "height": 844})
    code = submitted_birth()
    dossier = Dossier.objects.get(code=code)
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.FINANCIAL_OBLIGATION, fee_vnd=16000)
    sign_in(phone, "031195001234")
    phone.goto("/tai-khoan/")
    payments = phone.locator(".space-card").filter(has_text="Thanh toán của tôi")
    assert "1 khoản phí cần nộp" in payments.inner_text()
    _fits(phone, "/tai-khoan/")
    payments.get_by_role("link").click()
    _fits(phone, phone.url)
    phone.get_by_role("link", name=f"Nộp phí cho hồ sơ {code}").click()
    _fits(phone, phone.url)
    screenshot(phone, "pay-phone")
    for path in (
        "/ho-so-cua-toi/",
        f"/ho-so-cua-toi/{dossier.pk}/",
        "/tai-khoan/kho-du-lieu/",
        "/dich-vu-cong/tra-cuu-ho-so/",
    ):
        phone.goto(path)
        _fits(phone, path)
    phone.goto(f"/ho-so-cua-toi/{dossier.pk}/")
    screenshot(phone, "my-dossier-phone")
    phone.goto("/ho-so-cua-toi/")
    screenshot(phone, "my-dossiers-390")
