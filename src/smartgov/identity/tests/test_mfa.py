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
    assert answer["Location"] == "/"


def test_citizens_are_not_forced(client):
    get_user_model().objects.create_user(username="031195001234", password=PASSWORD, kind="citizen")
    _password_step(client, username="031195001234")
    assert client.get("/co-quan/").status_code == 200
