"""Following a dossier by its code and the applicant's phone or personal ID (page and API) is throttled: wrong tries
are counted per dossier code and per address; past the limit every try is refused with 429 (the right secret
too, or the limit would only slow the guessing) and the limit being hit is a security event (issue 13, 11)."""

import pytest
from django.apps import apps
from django.test import Client

from smartgov.procedures.tests.factories import submitted

pytestmark = pytest.mark.django_db
API = "/api/v1/procedures/lookup"
PAGE = "/dich-vu-cong/tra-cuu-ho-so/"
PHONE = "0912345678"  # hp.mai's, the applicant's


def _api(code: str, secret: str, ip: str):
    return Client().get(API, {"code": code, "secret": secret}, REMOTE_ADDR=ip)


def _page(code: str, secret: str, ip: str):
    return Client().get(PAGE, {"ma": code, "xac-minh": secret}, REMOTE_ADDR=ip)


def _lockouts():
    security_event = apps.get_model("identity", "SecurityEvent")
    return security_event.objects.filter(kind=security_event.Kind.LOCKOUT)


@pytest.mark.parametrize("ask", [_api, _page], ids=["api", "page"])
def test_ten_wrong_tries_on_one_code_from_many_addresses_lock_the_code(hp, ask):
    code = submitted(hp).code
    for n in range(10):
        assert ask(code, f"09000000{n:02d}", f"198.51.100.{n}").status_code == 404
    refused = ask(code, PHONE, "203.0.113.50")
    assert refused.status_code == 429, "past the limit even the right phone number is refused"
    assert ask(code.lower(), "0900000099", "203.0.113.51").status_code == 429, "the code is compared normalised"
    event = _lockouts().get()
    assert event.details["limit"] == "lookup-code" and event.details["code"] == code
    assert PHONE not in str(event.details) and "0900000009" not in str(event.details)

    other = submitted(hp, applicant=hp.binh).code
    assert ask(other, hp.binh.phone, "198.51.100.1").status_code == 200, "other dossiers are not locked"


def test_the_refusal_says_what_to_do_page_and_api(hp):
    code = submitted(hp).code
    for n in range(10):
        _api(code, f"09000000{n:02d}", f"198.51.100.{n}")

    api = _api(code, PHONE, "203.0.113.50")
    assert api.status_code == 429 and api["Content-Type"] == "application/problem+json"
    problem = api.json()
    assert problem["status"] == 429 and problem["code"] == "too_many_tries"
    assert "15 phút" in problem["title"], problem
    assert api["Retry-After"] == "900"

    page = _page(code, PHONE, "203.0.113.50")
    assert page.status_code == 429 and page["Retry-After"] == "900"
    text = page.content.decode()
    assert "15 phút" in text and "Trạng thái" not in text  # no dossier shown

    in_english = Client()
    in_english.cookies["smartgov_language"] = "en"
    english = in_english.get(API, {"code": code, "secret": PHONE}, REMOTE_ADDR="203.0.113.9")
    assert english.status_code == 429 and "15 minutes" in english.json()["title"]


@pytest.mark.parametrize("ask", [_api, _page], ids=["api", "page"])
def test_thirty_wrong_tries_from_one_address_over_many_codes_lock_the_address(hp, ask):
    code = submitted(hp).code
    for n in range(30):
        assert ask(f"000.21.07.H31-251124-{n:04d}", PHONE, "203.0.113.7").status_code == 404
    assert ask(code, PHONE, "203.0.113.7").status_code == 429, "the address is locked, whatever the code"
    assert _lockouts().get().details["limit"] == "lookup-address"
    assert _lockouts().get().ip_address == "203.0.113.7"
    assert ask(code, PHONE, "203.0.113.8").status_code == 200, "other addresses are not locked"


def test_right_answers_are_not_counted_and_do_not_clear_the_wrong_ones(hp):
    code = submitted(hp).code
    for _ in range(40):
        assert _api(code, PHONE, "203.0.113.7").status_code == 200
    for n in range(9):
        _api(code, f"09000000{n:02d}", "203.0.113.7")
    assert _api(code, PHONE, "203.0.113.7").status_code == 200
    assert _api(code, "0900000099", "203.0.113.7").status_code == 404, "the tenth wrong try is still answered"
    assert _api(code, PHONE, "203.0.113.7").status_code == 429
    assert not _lockouts().filter(details__limit="lookup-address").exists()


def test_the_receipts_qr_code_opens_a_clean_form_with_the_code(hp):
    """Issue 14, point 6: the QR code on the receipt is ``?ma=<code>``; nothing was typed, so no error and no try
    counted — the form waits with the code filled in."""
    code = submitted(hp).code
    for _n in range(12):  # more than the limit: opening the QR code is not a wrong try
        page = Client().get(PAGE, {"ma": code}, REMOTE_ADDR="198.51.100.7")
        assert page.status_code == 200
    text = page.content.decode()
    assert 'role="alert"' not in text and "aria-invalid" not in text
    assert f'value="{code}"' in text and "autofocus" in text
    assert _page(code, PHONE, "198.51.100.7").status_code == 200
    sent_empty = _page(code, "", "198.51.100.7")
    assert sent_empty.status_code == 400 and "Hãy nhập mã hồ sơ và số điện thoại" in sent_empty.content.decode()
    assert not _lockouts().exists()


def test_the_receipts_qr_code_opens_the_dossier_for_its_signed_in_owner(hp):
    dossier = submitted(hp)
    owner = Client()
    owner.force_login(hp.mai)
    response = owner.get(PAGE, {"ma": dossier.code.lower()})
    assert response.status_code == 302 and response["Location"] == f"/ho-so-cua-toi/{dossier.pk}/"
    someone_else = Client()
    someone_else.force_login(hp.binh)
    page = someone_else.get(PAGE, {"ma": dossier.code})
    assert page.status_code == 200 and 'role="alert"' not in page.content.decode()
