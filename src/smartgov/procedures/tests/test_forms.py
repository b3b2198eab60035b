"""The application forms (issue 14, points 7-10): every rule declared in the catalog's form is applied in one place
for the page and the API, with one Vietnamese message per field at its path; a failed submission leaves no draft;
drafts are named, listed and deletable; withdrawing asks for a confirmation and a reason."""

import re
from datetime import date

import pytest
from django.test import Client

from smartgov.platform.models import AuditEntry
from smartgov.procedures.domain.status import Status
from smartgov.procedures.forms import FormInvalid, form_errors
from smartgov.procedures.models import Dossier, DossierEvent, Procedure
from smartgov.procedures.services import dossiers as svc
from smartgov.procedures.tests.factories import BIRTH, pdf, submitted

pytestmark = pytest.mark.django_db
API = "/api/v1/procedures"
APPLY = "/dich-vu-cong/1.001193/nop-ho-so/"
TODAY = date(2026, 12, 3)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _messages(code: str, data: dict, today: date = TODAY) -> dict[tuple[str, ...], str]:
    schema = Procedure.objects.get(code=code).form_schema
    errors = form_errors(schema, data, today=today)
    assert len({e.loc for e in errors}) == len(errors), "one message per field"
    return {e.loc: e.msg for e in errors}


# --- point 10: the rules of each procedure's form --------------------------------------------------------------
def test_a_valid_birth_registration_passes(hp):
    assert _messages("1.001193", BIRTH) == {}


def test_a_birth_date_in_the_future_and_a_negative_number_of_copies_are_named_once(hp):
    found = _messages("1.001193", {**BIRTH, "ngay_sinh": "2030-01-01", "so_ban": -1})
    assert found == {
        ("form_data", "ngay_sinh"): "Ngày sinh không được sau ngày hôm nay.",
        ("form_data", "so_ban"): "Số bản sao trích lục đề nghị cấp phải từ 0 đến 20.",
    }


def test_a_child_is_not_born_before_its_parents_and_ids_are_12_digits(hp):
    found = _messages(
        "1.001193",
        {**BIRTH, "ngay_sinh_me": "2026-11-25", "so_dinh_danh_me": "03119500123", "ngay_sinh_cha": "1990-01-01"},
    )
    assert found == {
        ("form_data", "ngay_sinh"): "Ngày sinh không được trước ngày sinh của mẹ.",
        (
            "form_data",
            "so_dinh_danh_me",
        ): "Số định danh cá nhân của mẹ phải gồm đúng 12 chữ số của số định danh cá nhân.",
        ("form_data", "ho_ten_cha"): "Hãy nhập Họ tên cha.",  # the father's birth date needs his name
    }


def test_fields_that_depend_on_each_other(hp):
    father = {**BIRTH, "quan_he": "Cha"}
    assert _messages("1.001193", father) == {("form_data", "ho_ten_cha"): "Hãy nhập Họ tên cha."}
    assert _messages("1.001193", {**father, "ho_ten_cha": "Trần Văn Bình"}) == {}


def test_marriage_ages_and_death_dates_and_phone_numbers(hp):
    marriage = {
        "ho_ten_chong": "Trần Văn Bình",
        "ngay_sinh_chong": "2007-01-01",  # 19 years old on the day
        "ho_ten_vo": "Nguyễn Thị Mai",
        "ngay_sinh_vo": "2008-12-03",  # 18 today
    }
    assert _messages("1.000894", marriage) == {
        ("form_data", "ngay_sinh_chong"): "Ngày sinh bên nam: người này phải đủ 20 tuổi trở lên."
    }
    death = {"ho_ten_nguoi_chet": "Lê Văn A", "ngay_sinh_nguoi_chet": "1950-05-01", "ngay_chet": "1949-01-01"}
    assert _messages("1.000656", {**death, "noi_chet": "Hải Phòng", "quan_he": "Con"}) == {
        ("form_data", "ngay_chet"): "Ngày chết không được trước ngày sinh của người chết."
    }
    business = {"ten_ho_kinh_doanh": "Quán Mai", "noi_dung": "Đổi địa chỉ", "so_dien_thoai": "912345678"}
    assert _messages("2.000720", business) == {
        ("form_data", "so_dien_thoai"): "Số điện thoại liên hệ phải là số điện thoại gồm 10 chữ số, bắt đầu bằng số 0."
    }
    assert _messages("2.000720", {**business, "so_dien_thoai": "0912345678"}) == {}


def test_an_empty_form_names_every_required_field_once_in_the_forms_order(hp):
    found = _messages("1.001193", {})
    assert list(found) == [
        ("form_data", name) for name in ("ho_ten_tre", "ngay_sinh", "gioi_tinh", "noi_sinh", "ho_ten_me", "quan_he")
    ]
    assert found[("form_data", "gioi_tinh")] == "Hãy chọn Giới tính."


# --- point 7: the API's problem details carry each field's path ------------------------------------------------
def test_the_api_checks_a_form_without_saving_and_answers_one_entry_per_field(hp):
    me = _signed_in(hp.mai)
    empty = me.post(
        f"{API}/dossiers/check",
        {"procedure_code": "1.001193", "receiving_agency": "", "form_data": {"ngay_sinh": "2030-01-01", "so_ban": -1}},
        content_type="application/json",
    )
    assert empty.status_code == 422 and empty["Content-Type"] == "application/problem+json"
    problem = empty.json()
    locs = [e["loc"] for e in problem["errors"]]
    assert locs[0] == ["receiving_agency"] and len(locs) == len({tuple(loc) for loc in locs})
    assert ["form_data", "ngay_sinh"] in locs and ["form_data", "so_ban"] in locs
    assert problem["fields"]["receiving_agency"] == "Hãy chọn nơi nộp hồ sơ."
    assert problem["fields"]["form_data.ngay_sinh"] == "Ngày sinh không được sau ngày hôm nay."
    assert "Không có cơ quan" not in empty.content.decode()
    assert problem["title"] == f"Vui lòng sửa {len(locs)} trường được đánh dấu."  # the title lists nothing
    valid = me.post(
        f"{API}/dossiers/check",
        {"procedure_code": "1.001193", "receiving_agency": hp.ward.code, "form_data": BIRTH},
        content_type="application/json",
    )
    assert valid.status_code == 204
    assert not Dossier.objects.exists()


def test_submitting_through_the_api_names_the_fields_and_the_missing_documents(hp):
    me = _signed_in(hp.mai)
    draft = me.post(
        f"{API}/dossiers",
        {"procedure_code": "1.001193", "receiving_agency": hp.ward.code, "form_data": {**BIRTH, "so_ban": -3}},
        content_type="application/json",
    ).json()
    refused = me.post(f"{API}/dossiers/{draft['id']}/submit", {}, "application/json")
    assert refused.status_code == 422
    assert [e["loc"] for e in refused.json()["errors"]] == [
        ["form_data", "so_ban"],
        ["components", "to_khai"],
        ["components", "giay_chung_sinh"],
    ]
    assert Dossier.objects.get(pk=draft["id"]).status == Status.DRAFT


def test_an_unknown_agency_is_the_agency_fields_error(hp):
    answer = _signed_in(hp.mai).post(
        f"{API}/dossiers",
        {"procedure_code": "1.001193", "receiving_agency": "khong-co", "form_data": {}},
        content_type="application/json",
    )
    assert answer.status_code == 422 and answer.json()["errors"][0]["loc"] == ["receiving_agency"]
    assert not Dossier.objects.exists()


# --- point 7 and 8 on the page ----------------------------------------------------------------------------------
def test_an_empty_form_on_the_page_marks_each_field_and_leaves_no_draft(hp):
    page = _signed_in(hp.mai).post(APPLY, {"action": "submit", "agency": ""})
    html = page.content.decode()
    assert page.status_code == 400
    assert "Không có cơ quan" not in html
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert summary and 'role="alert"' in summary.group(0) and "autofocus" in summary.group(0)
    assert '<a href="#id_agency">Hãy chọn nơi nộp hồ sơ.</a>' in summary.group(0)
    assert '<a href="#id_ho_ten_tre">Hãy nhập Họ, chữ đệm và tên của trẻ.</a>' in summary.group(0)
    assert '<a href="#file_to_khai">Hãy đính kèm Tờ khai đăng ký khai sinh.</a>' in summary.group(0)
    field = re.search(r"<input[^>]*id=\"id_ho_ten_tre\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="id_ho_ten_tre_error"' in field
    assert html.count("Hãy nhập Họ, chữ đệm và tên của trẻ.") == 2  # in the summary, and beside its field
    assert 'id="id_ho_ten_tre_error"' in html
    assert not Dossier.objects.exists()


def test_failed_submissions_make_no_drafts_and_a_saved_draft_is_named_and_listed(hp):
    me = _signed_in(hp.mai)
    half = {"agency": hp.ward.code, "ho_ten_tre": "Nguyễn An Nhiên", "ngay_sinh": "2030-01-01", "so_ban": "-1"}
    for _ in range(3):
        answer = me.post(APPLY, {**half, "action": "submit"})
        assert answer.status_code == 400
    html = answer.content.decode()
    assert html.count("Số bản sao trích lục đề nghị cấp phải từ 0 đến 20.") == 2
    assert html.count("Ngày sinh không được sau ngày hôm nay.") == 2
    assert not Dossier.objects.exists()

    saved = me.post(APPLY, {**half, "action": "save"})  # a draft may be incomplete: saved on request only
    draft = Dossier.objects.get(applicant=hp.mai)
    assert saved.status_code == 302 and draft.status == Status.DRAFT
    again = me.post(APPLY, {**half, "action": "submit", "dossier": draft.pk})
    assert again.status_code == 400 and Dossier.objects.count() == 1
    label = f"Bản nháp: Đăng ký khai sinh, {draft.created_at.astimezone().strftime('%d/%m/%Y')}"
    assert draft.label == label
    listing = me.get("/ho-so-cua-toi/").content.decode()
    assert label in listing and "Bản nháp" in listing and f"/ho-so-cua-toi/{draft.pk}/xoa/" in listing
    opened = me.get(f"/ho-so-cua-toi/{draft.pk}/").content.decode()
    assert "None" not in opened and label in opened
    assert "giay-tiep-nhan.pdf" not in opened  # a draft has no receipt
    assert f"{APPLY}?ho-so={draft.pk}" in opened


def test_a_draft_is_deleted_after_a_confirmation_and_only_a_draft(hp, django_capture_on_commit_callbacks):
    me = _signed_in(hp.mai)
    me.post(APPLY, {"agency": hp.ward.code, "ho_ten_tre": "An", "action": "save", "file_to_khai": pdf("tk.pdf")})
    draft = Dossier.objects.get(applicant=hp.mai)
    stored = draft.attachments.get().file
    assert stored.storage.exists(stored.name)
    confirm = me.get(f"/ho-so-cua-toi/{draft.pk}/xoa/")
    assert confirm.status_code == 200 and "Xoá bản nháp" in confirm.content.decode()
    assert Dossier.objects.filter(pk=draft.pk).exists()  # nothing happens on GET
    assert _signed_in(hp.binh).post(f"/ho-so-cua-toi/{draft.pk}/xoa/").status_code == 404  # another person's
    with django_capture_on_commit_callbacks(execute=True):  # the files go once the deletion is committed
        deleted = me.post(f"/ho-so-cua-toi/{draft.pk}/xoa/")
    assert deleted.status_code == 302 and deleted["Location"] == "/ho-so-cua-toi/"
    assert not Dossier.objects.filter(pk=draft.pk).exists()
    assert AuditEntry.objects.filter(action="procedures.dossier.draft_delete", object_id=str(draft.pk)).exists()
    assert not stored.storage.exists(stored.name)
    assert me.post(f"/ho-so-cua-toi/{draft.pk}/xoa/").status_code == 404

    dossier = submitted(hp)
    me.post(f"/ho-so-cua-toi/{dossier.pk}/xoa/")
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED
    with pytest.raises(Exception, match="Chỉ xoá được bản nháp"):
        svc.dossier_draft_delete(applicant=hp.mai, dossier_id=dossier.pk)
    api = _signed_in(hp.mai)
    made = api.post(
        f"{API}/dossiers",
        {"procedure_code": "1.001193", "receiving_agency": hp.ward.code, "form_data": {}},
        content_type="application/json",
    ).json()
    assert api.delete(f"{API}/dossiers/{made['id']}").status_code == 204
    assert api.delete(f"{API}/dossiers/{made['id']}").status_code == 404
    assert api.delete(f"{API}/dossiers/{dossier.pk}").status_code == 409


# --- point 9: withdrawing is confirmed, with a reason ----------------------------------------------------------
def test_withdrawing_asks_for_a_reason_on_a_page_of_its_own(hp):
    dossier = submitted(hp)
    me = _signed_in(hp.mai)
    shown = me.get(f"/ho-so-cua-toi/{dossier.pk}/").content.decode()
    actions = re.search(r'<div class="actions">.*?</div>', shown, re.S).group(0)
    assert "giay-tiep-nhan.pdf" in actions and "/rut/" not in actions  # not beside the receipt
    assert f'href="/ho-so-cua-toi/{dossier.pk}/rut/"' in shown  # a link to the confirmation, not a button
    confirm = me.get(f"/ho-so-cua-toi/{dossier.pk}/rut/")
    assert confirm.status_code == 200 and "Lý do rút hồ sơ" in confirm.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED  # nothing happens on GET

    empty = me.post(f"/ho-so-cua-toi/{dossier.pk}/rut/", {"reason": "   "})
    html = empty.content.decode()
    assert empty.status_code == 400 and html.count("Hãy nêu lý do rút hồ sơ.") == 2
    assert 'aria-invalid="true"' in html and "id_reason_error" in html
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED

    done = me.post(f"/ho-so-cua-toi/{dossier.pk}/rut/", {"reason": "Đã nộp nhầm thủ tục"})
    assert done.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).status == Status.WITHDRAWN
    event = DossierEvent.objects.filter(dossier=dossier, action="withdraw").get()
    assert event.note == "Đã nộp nhầm thủ tục"
    assert "Đã nộp nhầm thủ tục" in me.get(f"/ho-so-cua-toi/{dossier.pk}/").content.decode()  # on the timeline
    assert me.get(f"/ho-so-cua-toi/{dossier.pk}/rut/").status_code == 302  # no second withdrawal


def test_the_api_refuses_a_withdrawal_without_a_reason_at_its_field(hp):
    dossier = submitted(hp)
    me = _signed_in(hp.mai)
    refused = me.post(f"{API}/dossiers/{dossier.pk}/withdraw", {"note": ""}, "application/json")
    assert refused.status_code == 422 and refused.json()["errors"] == [
        {"loc": ["note"], "msg": "Hãy nêu lý do rút hồ sơ.", "type": "required"}
    ]
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED
    with pytest.raises(FormInvalid):
        svc.dossier_withdraw(applicant=hp.mai, dossier_id=dossier.pk, reason="")
    done = me.post(f"{API}/dossiers/{dossier.pk}/withdraw", {"note": "Không cần nữa"}, "application/json")
    assert done.status_code == 200 and done.json()["status"] == Status.WITHDRAWN
