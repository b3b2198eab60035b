"""Fixtures of identity, for every app's tests (loaded as a pytest plugin by the root conftest): accounts made by
identity's factories (citizens, businesses, civil servants with an authenticator, roles granted through the service),
and signing people in, in a browser, with their password and, for staff, the authenticator's code."""

import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from smartgov.identity.tests.factories import PASSWORD


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


@pytest.fixture
def identity_factories(db: Any) -> SimpleNamespace:
    """identity's factory_boy factories: ``Citizen``, ``Business``, ``Staff``, ``RoleAssignment``, ``TOTPDevice``
    (e.g. ``identity_factories.Staff(full_name="Lê Văn Bình")``)."""
    from smartgov.identity.tests import factories

    return SimpleNamespace(
        Citizen=factories.CitizenFactory,
        Business=factories.BusinessFactory,
        Staff=factories.StaffFactory,
        RoleAssignment=factories.RoleAssignmentFactory,
        TOTPDevice=factories.TOTPDeviceFactory,
    )


@pytest.fixture
def citizen_account(identity_factories: SimpleNamespace) -> Any:
    """A citizen's account with a valid personal ID, e-mail and phone (password: the ``password`` fixture)."""
    return identity_factories.Citizen()


@pytest.fixture
def business_account(identity_factories: SimpleNamespace) -> Any:
    """A business's account with a valid tax code."""
    return identity_factories.Business()


@pytest.fixture
def staff_account(identity_factories: SimpleNamespace) -> Any:
    """A civil servant's account with a confirmed authenticator (``totp_code(staff_account)``) and no role yet."""
    staff = identity_factories.Staff()
    identity_factories.TOTPDevice(user=staff)
    return staff


@pytest.fixture
def grant_role(identity_factories: SimpleNamespace) -> Callable[..., Any]:
    """``grant_role(user, role, agency=None)``: the system grants a role through the service (audited)."""

    def grant(user: Any, role: str, agency: Any = None, admin_unit: Any = None) -> Any:
        return identity_factories.RoleAssignment(user=user, role=role, agency=agency, admin_unit=admin_unit)

    return grant
