"""Fixtures of identity, for every app's tests (loaded as a pytest plugin by the root conftest): signing people in,
in a browser, with their password and, for staff, the authenticator's code."""

import time
from collections.abc import Callable
from typing import Any

import pytest

PASSWORD = "Mat-khau-dai-2026"


@pytest.fixture
def password() -> str:
    """The password the tests give every account they make."""
    return PASSWORD


def _totp_code(user: Any) -> str:
    """The authenticator's code now, or the next step's when this one was already used (codes work once)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user)
    now = time.time()
    step_now = int((now - device.t0) // device.step)
    while device.last_t >= step_now + 1:  # both usable steps spent: wait for the next one
        time.sleep(1)
        now = time.time()
        step_now = int((now - device.t0) // device.step)
    ahead = 1 if device.last_t >= step_now else 0
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    totp.time = now + ahead * device.step
    return f"{totp.token():06d}"


@pytest.fixture
def totp_code() -> Callable[[Any], str]:
    """``totp_code(user)``: the code of the user's confirmed authenticator."""
    return _totp_code


@pytest.fixture
def sign_in() -> Callable[..., None]:
    """``sign_in(page, username, user=None)``: a fresh browser session signed in with the tests' password; for a
    staff account (pass ``user``), the authenticator's code too."""

    def sign_in(page: Any, username: str, user: Any = None, password: str = PASSWORD) -> None:
        page.context.clear_cookies()
        page.goto("/dang-nhap/")
        page.get_by_label("Số định danh cá nhân, mã số thuế hoặc tên tài khoản").fill(username)
        page.get_by_label("Mật khẩu").fill(password)
        page.get_by_role("button", name="Đăng nhập").click()
        if user is not None and user.kind == "staff":
            page.get_by_label("Mã").first.fill(_totp_code(user))
            page.get_by_role("button", name="Xác thực").click()

    return sign_in
