"""The public-services API as its clients use it: a signed-in browser (session) or another system (access
token); every refusal is an RFC 7807 problem with the right status, and nothing changes."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_application_model

from smartgov.procedures.models import Dossier
from smartgov.procedures.tests.factories import BIRTH, PDF

pytestmark = pytest.mark.django_db
API = "/api/v1/procedures"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _draft(client: Client) -> dict:
    answer = client.post(
        f"{API}/dossiers",
        {"procedure_code": "1.001193", "receiving_agency": "000.21.07.H31", "form_data": BIRTH},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    return answer.json()


def _attach(client: Client, dossier_id: int, component: str, content: bytes = PDF, name: str = "a.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        f"{API}/dossiers/{dossier_id}/attachments",
        {"component": component, "file": SimpleUploadedFile(name, content, "application/pdf")},
    )


def test_catalog_search_matches_text_without_diacritics(hp):
    client = Client()
    with_marks = client.get(f"{API}/procedures", {"q": "giấy phép xây dựng"}).json()
    without = client.get(f"{API}/procedures", {"q": "giay phep xay dung"}).json()
    assert {p["code"] for p in with_marks} == {p["code"] for p in without} == {"1.013225", "1.013227", "1.013228"}
    assert client.get(f"{API}/procedures", {"q": "khai sinh", "level": "commune"}).json()[0]["code"].startswith("1.")
    assert len(client.get(f"{API}/procedures").json()) == 22
    detail = client.get(f"{API}/procedures/1.001193").json()
    assert detail["form_schema"]["properties"]["ho_ten_tre"]["title"] == "Họ, chữ đệm và tên của trẻ"
    missing = client.get(f"{API}/procedures/9.999999")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/problem+json"


def test_a_citizen_submits_through_the_api_and_an_officer_accepts(hp):
    me = signed_in(hp.mai)
    draft = _draft(me)
    assert draft["status"] == 0 and draft["code"] is None
    for component in ("to_khai", "giay_chung_sinh"):
        assert _attach(me, draft["id"], component).status_code == 201
    version = me.get(f"{API}/dossiers/{draft['id']}").json()["version"]
    done = me.post(f"{API}/dossiers/{draft['id']}/submit", {"version": version}, "application/json")
    assert done.status_code == 200, done.content
    dossier = done.json()
    assert dossier["status"] == 1 and dossier["code"].startswith("000.21.07.H31-")

    officer = signed_in(hp.officer)
    _otp(officer, hp.officer)
    assert [d["code"] for d in officer.get(f"{API}/queue").json()] == [dossier["code"]]
    stale = officer.post(f"{API}/queue/{dossier['id']}/moves/accept", {"version": 0}, "application/json")
    assert stale.status_code == 409 and "Người khác" in stale.json()["title"]
    accepted = officer.post(
        f"{API}/queue/{dossier['id']}/moves/accept", {"version": dossier["version"]}, "application/json"
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == 2
    again = officer.post(f"{API}/queue/{dossier['id']}/moves/accept", {}, "application/json")
    assert again.status_code == 409 and again.json()["code"] == "conflict"

    public = Client().get(f"{API}/lookup", {"code": dossier["code"], "secret": "0912345678"})
    assert public.status_code == 200 and public.json()["status"] == 2
    assert "form_data" not in public.json()  # the public answer holds no personal data
    wrong = Client().get(f"{API}/lookup", {"code": dossier["code"], "secret": "0000000000"})
    assert wrong.status_code == 404


def test_bad_input_is_a_clear_4xx_and_changes_nothing(hp):
    me = signed_in(hp.mai)
    draft = _draft(me)
    disguised = _attach(me, draft["id"], "giay_chung_sinh", content=b"MZ\x90\x00" + b"\x00" * 100, name="x.pdf")
    assert disguised.status_code == 415 and "PDF, JPEG" in disguised.json()["title"]
    me.put(
        f"{API}/dossiers/{draft['id']}",
        {"procedure_code": "1.001193", "receiving_agency": "000.21.07.H31", "form_data": {**BIRTH, "ngay_sinh": "x"}},
        content_type="application/json",
    )
    invalid = me.post(f"{API}/dossiers/{draft['id']}/submit", {}, "application/json")
    assert invalid.status_code == 422 and set(invalid.json()["fields"]) >= {"form_data.ngay_sinh"}
    other = signed_in(hp.binh)
    assert other.get(f"{API}/dossiers/{draft['id']}").status_code == 404  # someone else's dossier
    assert other.post(f"{API}/dossiers/{draft['id']}/withdraw", {}, "application/json").status_code == 404
    wrong_agency = me.post(
        f"{API}/dossiers",
        {"procedure_code": "1.001193", "receiving_agency": "000.00.16.H31", "form_data": {}},
        content_type="application/json",
    )
    assert wrong_agency.status_code == 422 and wrong_agency.json()["errors"][0]["loc"] == ["receiving_agency"]
    assert Dossier.objects.get(pk=draft["id"]).status == 0 and Dossier.objects.count() == 1
    assert Client().get(f"{API}/dossiers").status_code == 401


def test_another_system_calls_with_an_access_token(hp):
    app = get_application_model().objects.create(
        name="Ứng dụng di động", client_type="public", authorization_grant_type="authorization-code"
    )
    get_access_token_model().objects.create(
        user=hp.mai, application=app, token="token-of-the-test", scope="openid dossiers.read",
        expires=timezone.now() + timedelta(minutes=5),
    )  # fmt: skip
    client = Client(HTTP_AUTHORIZATION="Bearer token-of-the-test")
    assert client.get(f"{API}/dossiers").status_code == 200
    expired = Client(HTTP_AUTHORIZATION="Bearer nope")
    assert expired.get(f"{API}/dossiers").status_code == 401


def _otp(client: Client, user) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.create(user=user, name="app", confirmed=True).persistent_id
    session.save()


def test_the_receipt_is_a_pdf_with_the_code_the_appointment_and_a_qr_code(hp):
    import io

    from pypdf import PdfReader

    me = signed_in(hp.mai)
    draft = _draft(me)
    assert me.get(f"{API}/dossiers/{draft['id']}/receipt.pdf").status_code == 400  # a draft has no receipt
    for component in ("to_khai", "giay_chung_sinh"):
        _attach(me, draft["id"], component)
    dossier = me.post(f"{API}/dossiers/{draft['id']}/submit", {}, "application/json").json()
    answer = me.get(f"{API}/dossiers/{draft['id']}/receipt.pdf")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    page = PdfReader(io.BytesIO(answer.content)).pages[0]
    text = page.extract_text()
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert dossier["code"] in text and "Nguyễn Thị Mai" in text and "Đăng ký khai sinh" in text
    assert "Giấy chứng sinh" in text and "Thời gian trả kết quả" in text
    assert "/dich-vu-cong/tra-cuu-ho-so/?ma=" in text
    assert len(page.images) == 1  # the QR code
    assert signed_in(hp.binh).get(f"{API}/dossiers/{draft['id']}/receipt.pdf").status_code == 404


def test_queries_per_request_are_bounded(hp, django_assert_max_num_queries):
    """The counts the benchmark reports, held here so a change that multiplies queries fails."""
    me = signed_in(hp.mai)
    draft = _draft(me)
    for component in ("to_khai", "giay_chung_sinh"):
        _attach(me, draft["id"], component)
    with django_assert_max_num_queries(24):  # session, dossier lock, checks, code counter, audit, outbox
        dossier = me.post(f"{API}/dossiers/{draft['id']}/submit", {}, "application/json").json()
    with django_assert_max_num_queries(1):
        Client().get(f"{API}/lookup", {"code": dossier["code"], "secret": "0912345678"})
    for _ in range(5):
        _draft(me)
    with django_assert_max_num_queries(8):  # the list does not grow with the number of dossiers
        me.get(f"{API}/dossiers")
