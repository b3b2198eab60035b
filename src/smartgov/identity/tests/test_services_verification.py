"""Proving an e-mail address and a phone number, and resetting a forgotten password."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from smartgov.identity.models import SecurityEvent, VerificationCode
from smartgov.platform.sms import LoggingSmsBackend

pytestmark = pytest.mark.django_db
PASSWORD = "Mat-khau-dai-2026"


@pytest.fixture
def citizen():
    return get_user_model().objects.create_user(
        username="031195001234",
        password=PASSWORD,
        full_name="Nguyễn Thị Mai",
        personal_id="031195001234",
        email="mai@example.vn",
        phone="0912345678",
        kind="citizen",
    )


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    return client


@pytest.fixture(autouse=True)
def _no_sms():
    LoggingSmsBackend.sent = []


def _link(text: str) -> str:
    found = re.search(r"https?://\S+", text)
    assert found is not None, text
    return found.group(0)


def test_email_is_verified_by_the_link_in_the_message(signed_in, citizen):
    page = signed_in.get("/tai-khoan/thong-tin/")
    assert "chưa xác nhận" in page.content.decode()
    assert signed_in.post("/tai-khoan/xac-minh-email/").status_code == 302
    [message] = mail.outbox
    assert message.to == ["mai@example.vn"]
    link = _link(message.body)
    signed_in.logout()  # the link is the proof: it works in any browser
    done = signed_in.get(link.replace("http://testserver", ""))
    assert done.status_code == 200
    citizen.refresh_from_db()
    assert citizen.email_verified_at is not None


def test_an_email_link_dies_when_the_address_changes(signed_in, citizen):
    signed_in.post("/tai-khoan/xac-minh-email/")
    link = _link(mail.outbox[0].body).replace("http://testserver", "")
    changed = signed_in.post(
        "/tai-khoan/thong-tin/", {"full_name": "Nguyễn Thị Mai", "email": "moi@example.vn", "phone": ""}
    )
    assert changed.status_code == 302
    stale = signed_in.get(link)
    assert stale.status_code == 400
    assert "không còn" in stale.content.decode()
    citizen.refresh_from_db()
    assert citizen.email == "moi@example.vn" and citizen.email_verified_at is None
    assert signed_in.get("/tai-khoan/xac-minh-email/not-a-real-token/").status_code == 400


def test_phone_is_verified_by_an_sms_code(signed_in, citizen):
    assert signed_in.post("/tai-khoan/xac-minh-dien-thoai/", {"action": "send"}).status_code == 302
    [sms] = LoggingSmsBackend.sent
    assert sms.to == "0912345678"
    code = re.search(r"\b(\d{6})\b", sms.text).group(1)
    stored = VerificationCode.objects.get(user=citizen)
    assert code not in stored.code_hash  # only an HMAC is kept

    wrong = signed_in.post(
        "/tai-khoan/xac-minh-dien-thoai/", {"action": "check", "code": "000000" if code != "000000" else "111111"}
    )
    assert wrong.status_code == 400
    assert SecurityEvent.objects.filter(kind="verify_failed", user=citizen).count() == 1
    right = signed_in.post("/tai-khoan/xac-minh-dien-thoai/", {"action": "check", "code": code})
    assert right.status_code == 302
    citizen.refresh_from_db()
    assert citizen.phone_verified_at is not None
    again = signed_in.post("/tai-khoan/xac-minh-dien-thoai/", {"action": "check", "code": code})
    assert again.status_code == 400  # a code works once


def test_phone_codes_are_rate_limited_and_die_after_five_wrong_tries(signed_in, citizen):
    signed_in.post("/tai-khoan/xac-minh-dien-thoai/", {"action": "send"})
    too_soon = signed_in.post("/tai-khoan/xac-minh-dien-thoai/", {"action": "send"})
    assert too_soon.status_code == 400 and len(LoggingSmsBackend.sent) == 1
    code = re.search(r"\b(\d{6})\b", LoggingSmsBackend.sent[0].text).group(1)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        signed_in.post("/tai-khoan/xac-minh-dien-thoai/", {"action": "check", "code": wrong})
    exhausted = signed_in.post("/tai-khoan/xac-minh-dien-thoai/", {"action": "check", "code": code})
    assert exhausted.status_code == 400
    citizen.refresh_from_db()
    assert citizen.phone_verified_at is None

    VerificationCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert signed_in.post("/tai-khoan/xac-minh-dien-thoai/", {"action": "send"}).status_code == 302
    fresh = re.search(r"\b(\d{6})\b", LoggingSmsBackend.sent[-1].text).group(1)
    assert signed_in.post("/tai-khoan/xac-minh-dien-thoai/", {"action": "check", "code": fresh}).status_code == 302


def test_password_reset_goes_only_to_verified_contacts(client, citizen):
    answer = client.post("/quen-mat-khau/", {"identifier": "031195001234"})
    assert answer.status_code == 302 and answer["Location"] == "/quen-mat-khau/da-gui/"
    assert mail.outbox == [] and LoggingSmsBackend.sent == []  # nothing verified yet: nothing sent

    citizen.email_verified_at = citizen.phone_verified_at = timezone.now()
    citizen.save()
    client.post("/quen-mat-khau/", {"identifier": "0311 9500 1234"})
    assert len(mail.outbox) == 1 and len(LoggingSmsBackend.sent) == 1
    link = _link(mail.outbox[0].body).replace("http://testserver", "")
    assert link in LoggingSmsBackend.sent[0].text.replace("http://testserver", "")

    form = client.get(link, follow=True)  # Django swaps the token for a session-held one
    assert form.status_code == 200
    new_password = "Mot-mat-khau-moi-2026"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302 and done["Location"] == "/dang-nhap/"
    citizen.refresh_from_db()
    assert citizen.check_password(new_password)
    assert SecurityEvent.objects.filter(kind="password_changed", user=citizen).exists()
    reused = client.get(link, follow=True)
    assert "không hợp lệ" in reused.content.decode()  # a reset link works once


def test_password_reset_does_not_reveal_accounts(client, citizen):
    unknown = client.post("/quen-mat-khau/", {"identifier": "079200000001"})
    known = client.post("/quen-mat-khau/", {"identifier": "031195001234"})
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    event = SecurityEvent.objects.filter(kind="password_reset").first()
    assert event is not None and "079200000001" not in event.username  # the typed ID is masked


def test_verified_claims_reach_relying_parties(citizen):
    from types import SimpleNamespace

    from smartgov.identity.oidc import SmartGovOAuth2Validator

    claims = SmartGovOAuth2Validator().get_additional_claims(SimpleNamespace(user=citizen))
    assert claims["email_verified"] is False and claims["phone_number_verified"] is False
    citizen.email_verified_at = timezone.now()
    claims = SmartGovOAuth2Validator().get_additional_claims(SimpleNamespace(user=citizen))
    assert claims["email_verified"] is True and claims["phone_number_verified"] is False
