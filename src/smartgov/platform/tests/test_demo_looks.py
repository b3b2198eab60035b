"""`make demo` looks like the product (issue 14, point 17): the sign-in address follows the address served, the
font subsetting does not fill the log, the Makefile keeps pip quiet."""

import logging
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from smartgov.platform.demo import DemoReport


def test_sign_in_address_follows_the_port(monkeypatch, settings):
    settings.DEBUG = True
    settings.SMARTGOV_SITE_URL = "http://127.0.0.1:8123"
    monkeypatch.setattr(
        "smartgov.platform.management.commands.load_demo.demo_load",
        lambda progress: DemoReport(steps={"x": 0}, logins=[("031195001234", "citizen", "pw")]),
    )
    out = StringIO()
    monkeypatch.setattr("sys.stdout", out)
    call_command("load_demo")
    printed = out.getvalue().replace("\n", "")
    assert "http://127.0.0.1:8123/dang-nhap/" in printed and ":8000" not in printed


def test_font_subsetting_is_quiet():
    assert not logging.getLogger("fontTools.subset").isEnabledFor(logging.INFO)
    assert logging.getLogger("fontTools.subset").isEnabledFor(logging.WARNING)


def test_the_makefile_keeps_pip_quiet_and_the_demo_on_its_own_pages():
    makefile = (Path(__file__).resolve().parents[4] / "Makefile").read_text()
    pip_lines = [line for line in makefile.splitlines() if "/pip install" in line]
    assert pip_lines and all("--quiet" in line and "--disable-pip-version-check" in line for line in pip_lines)
    demo = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "SMARTGOV_PRODUCT_PAGES=1" in demo
