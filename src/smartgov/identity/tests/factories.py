"""Factories of identity's data (factory_boy): accounts of citizens, businesses and civil servants, role assignments
(granted through the service, so audited as in life) and a confirmed authenticator. Other apps get them through the
fixtures in ``fixtures.py``, never by importing this module."""

from typing import Any

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum.vn import mst

from smartgov.identity.models import RoleAssignment, User
from smartgov.identity.services.roles import role_grant

#: The password every account made by the factories has.
PASSWORD = "Mat-khau-dai-2026"


def _personal_id(n: int) -> str:
    """A valid personal identification number: Hai Phong (031), a man born in 1995, serial ``n``."""
    return f"0311950{n:05d}"


def _tax_code(n: int) -> str:
    """A valid enterprise tax code (Hanoi's prefix 01, a serial of its own for ``n``, its check digit). Some serials
    have no valid check digit, so each ``n`` owns ten serials and takes the first that is valid."""
    for serial in range(n * 10, n * 10 + 10):
        code = f"01{serial:07d}"
        code += mst.calc_check_digit(code)
        if mst.is_valid(code):
            return code
    raise ValueError(f"no valid tax code among the serials of {n}")


_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ")


class UserFactory(factory.django.DjangoModelFactory):
    """A citizen's account, signed in with its personal ID and :data:`PASSWORD`."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    kind = User.Kind.CITIZEN
    personal_id: Any = factory.Sequence(lambda n: _personal_id(n + 1))
    username: Any = factory.LazyAttribute(lambda o: o.personal_id)
    full_name = factory.Sequence(lambda n: f"{_FAMILY[n % len(_FAMILY)]} Thị Thử {n + 1}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.vn")
    phone = factory.Sequence(lambda n: f"0912{n:06d}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _saved(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()


class CitizenFactory(UserFactory):
    pass


class BusinessFactory(UserFactory):
    """A business's account, signed in with its tax code."""

    kind = User.Kind.BUSINESS
    personal_id = None
    tax_code = factory.Sequence(lambda n: _tax_code(n + 1))
    username = factory.LazyAttribute(lambda o: o.tax_code)
    full_name = factory.Sequence(lambda n: f"Công ty TNHH Thử nghiệm {n + 1}")


class StaffFactory(UserFactory):
    """A civil servant's account (sign-in name ``canbo<n>``); give it roles with :class:`RoleAssignmentFactory` and
    an authenticator with :class:`TOTPDeviceFactory` (staff must sign in with a second factor)."""

    kind = User.Kind.STAFF
    personal_id = None
    username = factory.Sequence(lambda n: f"canbo{n + 1}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@haiphong.gov.vn")


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    """A role granted by the system through ``role_grant`` (audited, a security event), to a new civil servant
    unless ``user`` is given. Pass ``agency`` for the roles held in an agency."""

    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(StaffFactory)
    role = RoleAssignment.Role.PLATFORM_ADMIN
    agency = None
    admin_unit = None

    @classmethod
    def _create(cls, model_class: type[RoleAssignment], *args: Any, **kwargs: Any) -> RoleAssignment:
        return role_grant(
            actor=None,
            user=kwargs["user"],
            role=kwargs["role"],
            agency=kwargs.get("agency"),
            admin_unit=kwargs.get("admin_unit"),
        )


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    """A confirmed authenticator app (the ``totp_code`` fixture gives its current code)."""

    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(StaffFactory)
    name = "authenticator"
    confirmed = True
