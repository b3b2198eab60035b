"""Browser tests: Playwright driving Debian's Chromium against the live test server.

Without /usr/bin/chromium the tests are skipped, unless SMARTGOV_REQUIRE_BROWSER=1 (CI), where that is a failure.
Screenshots go to build/screenshots/<name>.png: look at them.
"""

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(settings.BASE_DIR) / "build" / "screenshots"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
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
    yield tab
    context.close()


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
    yield tab
    context.close()


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """Run axe-core (from the npm package) on the page; return the violations of the given impacts."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = [v for v in result["violations"] if v.get("impact") in impacts]
    if found:
        print(json.dumps([{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in found], indent=1))
    return found


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
