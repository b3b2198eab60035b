"""The verification page and the service-quality dashboard in the browser, on a desktop and on a phone: the signer
named as the agency (never raw certificate fields), an unsigned PDF said to carry no signature; every month of
the period on all eight charts, the empty ones included. Each page checked with axe and photographed."""

import pytest

from smartgov.platform.testing import axe_violations, screenshot
from smartgov.procedures.tests.factories import PDF

pytestmark = pytest.mark.django_db(transaction=True)

AGENCY = "Ủy ban nhân dân phường Thành Đông"
HOLDER = "Ủy ban nhân dân phường Thành Đông (mã 000.21.07.H31), Việt Nam"


@pytest.fixture
def signed_result(city, submitted_birth):
    """A birth registration's signed result, issued by the ward (the service the leader's approval calls)."""
    from django.db import transaction

    from smartgov.platform.models import Agency
    from smartgov.procedures.models import Dossier
    from smartgov.procedures.services.results import result_issue

    dossier = Dossier.objects.get(code=submitted_birth())
    with transaction.atomic():
        return result_issue(dossier=dossier, signed_by=Agency.objects.get(code="000.21.07.H31"))


def _no_sideways_scroll(tab) -> None:
    assert tab.evaluate("document.documentElement.scrollWidth") <= tab.viewport_size["width"]


def _check(tab, name: str, data: bytes) -> str:
    tab.get_by_label("Tệp PDF của kết quả").set_input_files(
        files=[{"name": name, "mimeType": "application/pdf", "buffer": data}]
    )
    with tab.expect_navigation():
        tab.get_by_role("button", name="Kiểm tra chữ ký số").click()
    return tab.get_by_role("status").inner_text()


@pytest.mark.parametrize("device", ["page", "phone"])
def test_the_verification_page_names_the_agency_and_an_unsigned_pdf(device, request, signed_result):
    tab = request.getfixturevalue(device)
    tab.goto(f"/xac-thuc-ket-qua/?ma={signed_result.code}")
    found = tab.locator("section", has=tab.get_by_role("heading", name="Mã này thuộc về một kết quả")).inner_text()
    assert f"Cơ quan ký\n{AGENCY}" in found and HOLDER in found and "Common Name" not in found
    assert axe_violations(tab) == []
    _no_sideways_scroll(tab)
    screenshot(tab, f"verify-by-code-{device}")

    status = _check(tab, "ket-qua.pdf", signed_result.file.read())
    assert "Chữ ký số hợp lệ và tệp không bị thay đổi" in status
    assert AGENCY in status and HOLDER in status and "Organizational Unit" not in status
    assert axe_violations(tab) == []
    _no_sideways_scroll(tab)
    screenshot(tab, f"verify-valid-{device}")

    status = _check(tab, "giay-to.pdf", PDF)
    assert "Tệp PDF này không có chữ ký số" in status
    assert "Không nên tin cậy tệp này" not in status and "Cơ quan ký" not in status  # no table of dashes
    assert axe_violations(tab) == []
    _no_sideways_scroll(tab)
    screenshot(tab, f"verify-unsigned-{device}")


@pytest.mark.parametrize("device", ["page", "phone"])
def test_the_dashboard_charts_every_month_and_all_eight_indicators(device, request, city, sign_in):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from smartgov.platform.models import Agency
    from smartgov.procedures.models import Procedure
    from smartgov.procedures.tests.factories import DossierFactory

    hcm = ZoneInfo("Asia/Ho_Chi_Minh")
    department = Agency.objects.get(code="000.00.02.H31")
    procedure = Procedure.objects.get(code="1.014199")
    for n, month in enumerate((1, 1, 3, 3, 5, 5)):  # nothing in February, April or June
        submitted = datetime(2026, month, 5 + n, 9, tzinfo=hcm)
        finished = submitted + timedelta(days=10 if n % 2 else 20)
        DossierFactory(
            code=f"000.00.02.H31-26{n:04d}-0002",
            procedure=procedure,
            applicant=city["citizen"],
            receiving_agency=department,
            status=10,
            channel="online" if n % 3 else "counter",
            created_at=submitted,
            submitted_at=submitted,
            due_at=submitted + timedelta(days=14),
            finished_at=finished,
            returned_at=finished,
            rating=5 - n % 3,
        )
    tab = request.getfixturevalue(device)
    sign_in(tab, "lanhdao.snv", city["lanhdao.snv"])
    tab.goto("/mot-cua/chi-so/?tu=2026-01-01&den=2026-06-30")
    charts = tab.locator("svg[role=img]")
    assert charts.count() == 8
    for index in range(8):
        labels = charts.nth(index).locator("text[y='188']").evaluate_all("ts => ts.map(t => t.textContent)")
        assert labels == ["01/26", "02/26", "03/26", "04/26", "05/26", "06/26"]
    names = [charts.nth(i).get_attribute("aria-label") for i in range(8)]
    assert "Tỷ lệ hài lòng (%)" in names and "Điểm đánh giá trung bình (1–5)" in names
    assert "Tỷ lệ tái sử dụng thành phần (%)" in names and "Tỷ lệ số hóa kết quả (%)" in names
    assert axe_violations(tab) == []
    _no_sideways_scroll(tab)
    screenshot(tab, f"service-quality-months-{device}")
