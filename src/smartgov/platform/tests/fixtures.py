"""Fixtures of the shared kernel, for every app's tests (loaded as a pytest plugin by the root conftest)."""

from datetime import date

import pytest

from smartgov.platform.models import AdminUnit, AdminUnitSuccession


@pytest.fixture(scope="session")
def _units_loaded_once(django_db_setup, django_db_blocker):
    """Load every administrative unit once per session (a few seconds) into the test database."""
    from smartgov.platform.services.units import units_load

    with django_db_blocker.unblock():
        units_load()


@pytest.fixture
def loaded_units(_units_loaded_once, db):
    """The full official data. A transactional test elsewhere may have flushed it: then it is loaded again."""
    if AdminUnit.objects.count() < 14000:
        from smartgov.platform.services.units import units_load

        units_load()


@pytest.fixture
def small_units(db):
    """A handful of units: Hai Phong now, and one Hai Duong ward before the reform, linked."""
    current = AdminUnit.Generation.CURRENT
    legacy = AdminUnit.Generation.LEGACY

    def unit(generation, level, kind, code, name, parent=None):
        from smartgov.platform.text import fold

        found, _created = AdminUnit.objects.get_or_create(
            generation=generation,
            level=level,
            code=code,
            defaults={"kind": kind, "name": name, "search_name": fold(name), "parent": parent},
        )
        return found

    hai_phong = unit(current, 1, "central_city", "31", "Thành phố Hải Phòng")
    thanh_dong = unit(current, 3, "ward", "10507", "Phường Thành Đông", hai_phong)
    unit(current, 3, "ward", "11311", "Phường Hồng Bàng", hai_phong)
    unit(current, 3, "special_zone", "11953", "Đặc khu Cát Hải", hai_phong)
    hai_duong = unit(legacy, 1, "province", "30", "Tỉnh Hải Dương")
    city = unit(legacy, 2, "provincial_city", "288", "Thành phố Hải Dương", hai_duong)
    cam_thuong = unit(legacy, 3, "ward", "10507", "Phường Cẩm Thượng", city)
    AdminUnitSuccession.objects.get_or_create(
        predecessor=cam_thuong, successor=thanh_dong, defaults={"effective_on": date(2025, 7, 1), "legal_basis": "test"}
    )
    return {"hai_phong": hai_phong, "thanh_dong": thanh_dong, "cam_thuong": cam_thuong}
