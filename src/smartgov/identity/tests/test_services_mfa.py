"""Two-step sign-in: mandatory for staff, TOTP from an authenticator app, one-time recovery codes."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from smartgov.identity.models import SecurityEvent

pytestmark = pytest.mark.django_db
PASSWORD = "Can-bo-mot-cua-2026"


@pytest.fixture
def officer():
    return get_user_model().objects.create_user(
        username="motcua.thanhdong", password=PASSWORD, kind="staff", full_name="Hoàng Văn Nam"
    )


def _code(device: TOTPDevice, ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    totp.time = time.time() + ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def _password_step(client, username="motcua.thanhdong", password=PASSWORD):
    response = client.post("/dang-nhap/", {"username": username, "password": password})
    assert response.status_code == 302
    return response


def _enrol(client, officer) -> list[str]:
    _password_step(client)
    client.get("/xac-thuc/thiet-lap/")
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    done = client.post("/xac-thuc/thiet-lap/", {"token": _code(device), "next": "/co-quan/"})
    assert done.status_code == 200
    return re.findall(r"<code>(\d{8})</code>", done.content.decode())


def test_staff_must_set_up_a_second_factor_first(client, officer):
    _password_step(client)
    blocked = client.get("/co-quan/")
    assert blocked.status_code == 302
    assert blocked["Location"].startswith("/xac-thuc/thiet-lap/?next=%2Fco-quan%2F")
    assert client.get("/admin/").status_code == 302
    assert client.get("/o/authorize/?client_id=x").status_code == 302  # no single sign-on before the second factor
    page = client.get("/xac-thuc/thiet-lap/")
    assert "<svg" in page.content.decode()
    assert TOTPDevice.objects.filter(user=officer, confirmed=False).count() == 1


def test_enrolment_with_a_wrong_then_a_right_code(client, officer):
    _password_step(client)
    client.get("/xac-thuc/thiet-lap/")
    device = TOTPDevice.objects.get(user=officer)
    wrong = client.post("/xac-thuc/thiet-lap/", {"token": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.MFA_FAILED, user=officer).exists()
    retry_at_once = client.post("/xac-thuc/thiet-lap/", {"token": _code(device)})
    assert retry_at_once.status_code == 400, "a wrong code throttles the next try (exponential delay)"
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)  # the delay has passed
    right = client.post("/xac-thuc/thiet-lap/", {"token": _code(device), "next": "/co-quan/"})
    codes = re.findall(r"<code>(\d{8})</code>", right.content.decode())
    assert len(codes) == 10
    assert client.get("/co-quan/").status_code == 200


def test_later_sign_ins_ask_for_the_code(client, officer):
    codes = _enrol(client, officer)
    client.post("/dang-xuat/")
    _password_step(client)
    assert client.get("/").status_code == 302
    assert client.post("/xac-thuc/", {"token": "12345"}).status_code == 400
    TOTPDevice.objects.update(throttling_failure_timestamp=None)  # the throttling delay has passed
    StaticDevice.objects.update(throttling_failure_timestamp=None)
    device = TOTPDevice.objects.get(user=officer, confirmed=True)
    ok = client.post("/xac-thuc/", {"token": _code(device, ahead=1), "next": "/co-quan/"})
    assert ok.status_code == 302 and ok["Location"] == "/co-quan/"
    assert client.get("/co-quan/").status_code == 200

    client.post("/dang-xuat/")
    _password_step(client)
    assert client.post("/xac-thuc/", {"token": codes[0]}).status_code == 302  # a recovery code works once
    client.post("/dang-xuat/")
    _password_step(client)
    assert client.post("/xac-thuc/", {"token": codes[0]}).status_code == 400


def test_next_cannot_send_people_elsewhere(client, officer):
    _enrol(client, officer)
    client.post("/dang-xuat/")
    _password_step(client)
    device = TOTPDevice.objects.get(user=officer, confirmed=True)
    answer = client.post("/xac-thuc/", {"token": _code(device, ahead=1), "next": "https://evil.example.com/"})
    assert answer["Location"] == "/bat-dau/"  # the person's own home (platform:landing), not the address sent


def test_citizens_are_not_forced(client):
    get_user_model().objects.create_user(username="031195001234", password=PASSWORD, kind="citizen")
    _password_step(client, username="031195001234")
    assert client.get("/co-quan/").status_code == 200


@pytest.fixture
def citizen():
    return get_user_model().objects.create_user(
        username="031195001234", password=PASSWORD, kind="citizen", personal_id="031195001234", full_name="Mai"
    )


def test_a_citizen_turns_two_step_sign_in_on_renews_codes_and_turns_it_off(client, citizen):
    _password_step(client, "031195001234")
    page = client.get("/tai-khoan/bao-mat/").content.decode()
    assert "Bật đăng nhập hai bước" in page
    client.get("/xac-thuc/thiet-lap/")
    device = TOTPDevice.objects.get(user=citizen, confirmed=False)
    done = client.post("/xac-thuc/thiet-lap/", {"token": _code(device), "next": "/tai-khoan/bao-mat/"})
    old_codes = re.findall(r"<code>(\d{8})</code>", done.content.decode())
    assert len(old_codes) == 10
    assert "Còn 10 mã dự phòng" in client.get("/tai-khoan/bao-mat/").content.decode()

    refused = client.post("/tai-khoan/bao-mat/ma-du-phong/", {"token": old_codes[0]})  # a recovery code is not enough
    assert refused.status_code == 400
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # wrong codes slow the next try down
    device.throttle_reset()
    renewed = client.post("/tai-khoan/bao-mat/ma-du-phong/", {"token": _code(device, ahead=1)})
    new_codes = re.findall(r"<code>(\d{8})</code>", renewed.content.decode())
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)

    other = type(client)()  # a citizen who turned it on is asked for it; the old codes no longer work
    assert _password_step(other, "031195001234")
    assert other.get("/tai-khoan/")["Location"].startswith("/xac-thuc/?next=")
    assert other.post("/xac-thuc/", {"token": old_codes[1]}).status_code == 400
    for throttled in (*TOTPDevice.objects.filter(user=citizen), *StaticDevice.objects.filter(user=citizen)):
        throttled.throttle_reset()
    assert other.post("/xac-thuc/", {"token": new_codes[0], "next": "/tai-khoan/"})["Location"] == "/tai-khoan/"

    assert client.post("/tai-khoan/bao-mat/tat-xac-thuc-hai-buoc/", {"token": "123"}).status_code == 400
    device.refresh_from_db()
    device.throttle_reset()
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # the test reuses a time step; a person waits 30 s
    off = client.post("/tai-khoan/bao-mat/tat-xac-thuc-hai-buoc/", {"token": _code(device)})
    assert off.status_code == 302
    assert (
        not TOTPDevice.objects.filter(user=citizen).exists() and not StaticDevice.objects.filter(user=citizen).exists()
    )
    changes = list(
        SecurityEvent.objects.filter(user=citizen, kind="mfa_changed").values_list("details__change", flat=True)
    )
    assert sorted(changes) == ["disable", "enable", "recovery_codes"]


def test_staff_cannot_turn_the_second_factor_off(client, officer):
    codes = _enrol(client, officer)
    assert codes
    device = TOTPDevice.objects.get(user=officer)
    page = client.get("/tai-khoan/bao-mat/").content.decode()
    assert "tat-xac-thuc-hai-buoc" not in page
    refused = client.post("/tai-khoan/bao-mat/tat-xac-thuc-hai-buoc/", {"token": _code(device, ahead=1)})
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(user=officer, confirmed=True).exists()


def test_changing_the_password_signs_other_browsers_out(client, citizen):
    other = type(client)()
    _password_step(other, "031195001234")
    _password_step(client, "031195001234")
    new = "Mat-khau-moi-rat-dai-2026"
    changed = client.post(
        "/tai-khoan/bao-mat/mat-khau/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert changed.status_code == 302
    assert client.get("/tai-khoan/").status_code == 200  # this browser stays signed in
    assert other.get("/tai-khoan/").status_code == 302  # the other one is signed out
    assert SecurityEvent.objects.filter(user=citizen, kind="password_changed").exists()
