"""Fixtures of the shared kernel, for every app's tests (loaded as a pytest plugin by the root conftest)."""

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from smartgov.platform.models import AdminUnit, AdminUnitSuccession


@pytest.fixture(autouse=True)
def _test_client_sends_form_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Page POSTs from Django's test client carry a form key, as the page's form would (platform.formkeys)."""
    from django.test import Client

    from smartgov.platform.testing import posting_with_form_keys

    monkeypatch.setattr(Client, "post", posting_with_form_keys(Client.post))


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


# Browser tests, wherever their app keeps them (<app>/tests/browser/): Playwright driving Debian's Chromium against the
# live test server. Without /usr/bin/chromium they are skipped, unless SMARTGOV_REQUIRE_BROWSER=1 (CI): then that
# is a failure.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _csp_watch(tab: Any) -> list[str]:
    """Every Content-Security-Policy refusal Chromium reports on the tab (an inline script or style, an outside
    host): a browser test fails on any, so every page works under the strict policy."""
    refused: list[str] = []
    tab.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    return refused


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("SMARTGOV_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing but SMARTGOV_REQUIRE_BROWSER=1: install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    refused = _csp_watch(tab)
    yield tab
    context.close()
    assert not refused, f"the Content-Security-Policy refused: {refused}"


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 375, "height": 812},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    tab = context.new_page()
    refused = _csp_watch(tab)
    yield tab
    context.close()
    assert not refused, f"the Content-Security-Policy refused: {refused}"


@pytest.fixture
def hai_phong(small_units):
    from smartgov.platform.models import AdminUnit
    from smartgov.platform.services.org import AgencyData, agency_upsert, locality_set

    province = AdminUnit.objects.get(generation="2025", level=1, code="31")
    locality_set(
        actor=None,
        province=province,
        name="Thành phố Hải Phòng",
        name_en="Hai Phong City",
        agency_id_suffix="H31",
        portal_name="Cổng Dịch vụ công thành phố Hải Phòng",
    )
    agency_upsert(
        actor=None,
        data=AgencyData(
            code="000.00.00.H31",
            name="Ủy ban nhân dân thành phố Hải Phòng",
            kind="peoples_committee",
            admin_unit=province,
        ),
    )
    return province
