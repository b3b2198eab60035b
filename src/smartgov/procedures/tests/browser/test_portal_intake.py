"""A dossier submitted on the National Public Service Portal's stand-in, in the browser: the ward's one-stop
officer fetches it, sees it in the queue marked as from the national portal, opens it; once it is settled, the
stand-in's page shows every status the city reported and the signed result."""

import pytest

from smartgov.platform.testing import axe_violations, screenshot
from smartgov.procedures.models import Dossier
from smartgov.procedures.services import dossiers as svc
from smartgov.procedures.tests.factories import PDF
from smartgov.procedures.tests.portal_standin import portal_behind_gateway

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_dossier_from_the_national_portal_in_the_officers_queue(
    page, phone, city, sign_in, live_server, exchange_one_stop, settings
):
    portal_behind_gateway(site=live_server.url, one_stop=exchange_one_stop, settings=settings)

    page.goto("/mo-phong/cong-dvc-quoc-gia/")
    page.get_by_label("Cơ quan tiếp nhận").select_option(label="Ủy ban nhân dân phường Thành Đông")
    page.get_by_label("Số định danh cá nhân").fill("001099012345")
    page.get_by_label("Họ và tên").fill("Phạm Thu Hà")
    page.get_by_label("Giấy tờ (PDF, JPEG hoặc PNG)").set_input_files(
        files=[
            {"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": PDF},
            {"name": "giay-chung-sinh.pdf", "mimeType": "application/pdf", "buffer": PDF},
        ]
    )
    assert axe_violations(page) == []
    page.get_by_role("button", name="Nộp trên Cổng quốc gia").click()
    said = page.get_by_role("status").first.inner_text()
    assert "trên Cổng quốc gia" in said, page.content()[:2000]
    national_code = said.split("hồ sơ ", 1)[1].split(" ", 1)[0]
    assert (
        national_code in page.get_by_role("table", name="Hồ sơ trên Cổng và các trạng thái được báo lại").inner_text()
    )
    screenshot(page, "portal-standin-submitted")

    sign_in(page, "motcua.thanhdong", city["motcua.thanhdong"])
    page.goto("/mot-cua/")
    page.get_by_role("link", name="Hồ sơ từ Cổng Dịch vụ công quốc gia").click()
    page.get_by_role("button", name="Lấy hồ sơ mới ngay").click()
    assert "1 hồ sơ đã nhận, 0 bị từ chối" in page.get_by_role("status").first.inner_text()
    received = page.get_by_role("table", name="Các hồ sơ đã tiếp nhận từ Cổng").inner_text()
    assert national_code in received
    screenshot(page, "portal-intake")
    assert axe_violations(page) == []  # with the message shown (base.html's status region holds a real list)

    dossier = Dossier.objects.get(portal__national_code=national_code)
    page.goto("/mot-cua/")
    row = page.get_by_role("row").filter(has_text=dossier.code)
    assert "Cổng DVC quốc gia" in row.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "portal-dossier-in-queue")
    row.get_by_role("link", name=dossier.code).click()
    assert national_code in page.locator("dl.facts").first.inner_text()
    screenshot(page, "portal-dossier-page")

    officer, leader = city["motcua.thanhdong"], city["lanhdao.snv"]
    svc.dossier_accept(officer=officer, dossier_id=dossier.pk)  # the fee was paid on the portal
    svc.dossier_transfer(officer=officer, dossier_id=dossier.pk, to_agency=leader.roles.get().agency)
    svc.dossier_approve(leader=leader, dossier_id=dossier.pk)
    svc.dossier_return_result(officer=officer, dossier_id=dossier.pk)

    phone.goto("/mo-phong/cong-dvc-quoc-gia/")
    row = phone.get_by_role("row").filter(has_text=national_code)
    text = row.inner_text()
    assert dossier.code in text and "1 2 4 9 10" in " ".join(text.split()), text
    assert row.get_by_role("link").count() == 1  # the signed result's verification link
    assert axe_violations(phone) == []
    screenshot(phone, "portal-standin-statuses-phone")
