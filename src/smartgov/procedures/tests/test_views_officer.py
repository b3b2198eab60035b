"""The officers' dossier page (issue 14, point 2): a move says what it did and to whom (page and API), the
hand-over list of agencies is searchable without JavaScript and without diacritics, dates are typed and shown as
day/month/year on pages while the API keeps ISO 8601."""

import html
import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from smartgov.platform.models import Agency
from smartgov.platform.services.org import AgencyData, agency_upsert
from smartgov.procedures.models import Dossier, DossierEvent
from smartgov.procedures.services import dossiers as svc
from smartgov.procedures.tests.factories import submitted
from smartgov.procedures.tests.fixtures import staff_client

pytestmark = pytest.mark.django_db
WORK_PERMIT = {
    "ho_ten_nguoi_lao_dong": "John Smith",
    "quoc_tich": "Anh",
    "so_ho_chieu": "GB1234567",
    "vi_tri_cong_viec": "Chuyên gia cảng biển",
}


def _accepted(hp) -> Dossier:
    dossier = submitted(hp, code="1.014199", agency=hp.centre, form=WORK_PERMIT)
    return svc.dossier_accept(officer=hp.centre_officer, dossier_id=dossier.pk).dossier


def _said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_hand_over_from_the_page_says_where_the_dossier_went(hp):
    dossier = _accepted(hp)
    client = staff_client(hp.centre_officer)
    response = client.post(
        f"/mot-cua/{dossier.pk}/transfer/", {"to_agency": hp.home_affairs.code, "version": dossier.version}
    )
    assert response.status_code == 302
    [said] = _said(response)
    step_due = DossierEvent.objects.filter(dossier=dossier, action="transfer").get().step_due_at
    step = dossier.procedure.workflow[1]["name"]
    assert said == (
        f"Đã chuyển hồ sơ {dossier.code} cho Sở Nội vụ (bước {step}, "
        f"hạn {timezone.localtime(step_due):%H:%M %d/%m/%Y})."
    )
    assert "Đã thực hiện" not in said


def test_every_move_through_the_api_answers_what_it_did(hp):
    dossier = _accepted(hp)
    client = staff_client(hp.centre_officer)
    api = f"/api/v1/procedures/queue/{dossier.pk}/moves"
    answer = client.post(f"{api}/transfer", {"to_agency": hp.home_affairs.code}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["message"].startswith(f"Đã chuyển hồ sơ {dossier.code} cho Sở Nội vụ")
    leader = staff_client(hp.dept_leader)
    assigned = leader.post(
        f"{api}/assign", {"specialist": hp.dept_specialist.username}, content_type="application/json"
    )
    assert assigned.json()["message"] == f"Đã giao hồ sơ {dossier.code} cho chuyenvien.snv (Sở Nội vụ)."
    approved = leader.post(f"{api}/approve", {}, content_type="application/json")
    assert approved.json()["message"] == (
        f"Đã phê duyệt kết quả hồ sơ {dossier.code}; kết quả đã chuyển về Trung tâm Phục vụ hành chính công để trả "
        "cho người nộp."
    )


def _hand_over_options(page: str) -> list[str]:
    select = re.search(r'<select id="transfer-to_agency".*?</select>', page, flags=re.S)
    assert select, "no hand-over list"
    return [html.unescape(name) for name in re.findall(r'<option value="[^"]+"[^>]*>([^<]+)</option>', select[0])]


def test_the_hand_over_list_is_searchable_without_javascript_or_diacritics(hp):
    for n in range(130):  # about 135 agencies, as in Hai Phong
        agency_upsert(
            actor=None,
            data=AgencyData(code=f"000.30.{n:02d}.H31", name=f"Ủy ban nhân dân xã Số {n}", kind="commune_committee"),
        )
    agency_upsert(actor=None, data=AgencyData(code="000.00.04.H31", name="Sở Tư pháp", kind="department"))
    dossier = _accepted(hp)
    client = staff_client(hp.centre_officer)
    everything = _hand_over_options(client.get(f"/mot-cua/{dossier.pk}/").content.decode())
    assert len(everything) == Agency.objects.filter(is_active=True).count() - 1  # all but the one holding it
    found = client.get(f"/mot-cua/{dossier.pk}/", {"co-quan": "so tu phap"}).content.decode()
    assert _hand_over_options(found) == ["Sở Tư pháp"]
    assert "1 cơ quan phù hợp." in found and 'value="000.00.04.H31" selected' in found
    assert _hand_over_options(client.get(f"/mot-cua/{dossier.pk}/", {"co-quan": "THÀNH đông"}).content.decode()) == [
        "Ủy ban nhân dân phường Thành Đông"
    ]
    by_code = client.get(f"/mot-cua/{dossier.pk}/", {"co-quan": "000.30.07"}).content.decode()
    assert _hand_over_options(by_code) == ["Ủy ban nhân dân xã Số 7"]
    assert client.get(f"/mot-cua/{dossier.pk}/", {"co-quan": "x " * 20}).status_code == 400  # bounded search


def test_dates_on_the_officer_page_are_day_month_year(hp):
    dossier = submitted(hp)  # the birth registration: born 2026-11-20 in the form's JSON
    svc.dossier_accept(officer=hp.officer, dossier_id=dossier.pk)
    page = staff_client(hp.officer).get(f"/mot-cua/{dossier.pk}/").content.decode()
    assert "20/11/2026" in page and "2026-11-20" not in page
    assert 'placeholder="dd/mm/yyyy hh:mm"' in page and 'type="datetime-local"' not in page


def test_the_new_appointment_is_typed_as_day_month_year(hp):
    dossier = submitted(hp)
    dossier = svc.dossier_accept(officer=hp.officer, dossier_id=dossier.pk).dossier
    later = timezone.localtime(dossier.due_at + timedelta(days=3)).replace(hour=10, minute=30)
    client = staff_client(hp.officer)
    wrong = client.post(
        f"/mot-cua/{dossier.pk}/apologise/", {"reason": "Chờ xác minh", "new_due_at": "31/02/2026 10:30"}
    )
    assert _said(wrong) == ["Hãy nhập ngày giờ theo dạng ngày/tháng/năm giờ:phút, ví dụ 20/11/2026 14:30."]
    assert Dossier.objects.get(pk=dossier.pk).due_at == dossier.due_at
    typed = f"{later:%d/%m/%Y %H:%M}"
    done = client.post(f"/mot-cua/{dossier.pk}/apologise/", {"reason": "Chờ xác minh", "new_due_at": typed})
    assert Dossier.objects.get(pk=dossier.pk).due_at == later
    assert _said(done)[-1:] == [
        f"Đã gửi Nguyễn Thị Mai thư xin lỗi (mẫu 04) về hồ sơ {dossier.code}; hẹn trả mới lúc {later:%H:%M %d/%m/%Y}."
    ]
    # the API keeps ISO 8601
    api = client.post(
        f"/api/v1/procedures/queue/{dossier.pk}/moves/apologise",
        {"reason": "Lần nữa", "new_due_at": (later + timedelta(days=1)).isoformat()},
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["due_at"].startswith(f"{later + timedelta(days=1):%Y-%m-%d}")


def test_the_tracking_book_and_indicator_periods_read_day_month_year(hp):
    submitted(hp)
    client = staff_client(hp.leader)
    today = timezone.localdate()
    book = client.get("/mot-cua/so-theo-doi/", {"tu": f"{today:%d/%m/%Y}", "den": f"{today:%d/%m/%Y}"})
    assert f"so-theo-doi-ho-so-{today:%Y%m%d}-{today:%Y%m%d}.xlsx" in book["Content-Disposition"]
    text = client.get("/mot-cua/chi-so/", {"tu": "01/03/2026", "den": "31/03/2026"}).content.decode()
    assert 'value="01/03/2026"' in text and 'value="31/03/2026"' in text and 'type="date"' not in text
    reconciliation = client.get("/mot-cua/doi-soat-thanh-toan/", {"ngay": "20/11/2026"}).content.decode()
    assert 'value="20/11/2026"' in reconciliation
    nonsense = client.get("/mot-cua/chi-so/", {"tu": "31/02/2026"})  # no such day: said so, not a default period
    assert nonsense.status_code == 400 and "Hãy nhập một ngày có thật" in nonsense.content.decode()
