"""The app contract (docs/kernel.md §1): adding an app is its package and one line in ``INSTALLED_APPS``.

The notice board (``smartgov/tests/noticeboard``) exists only in the tests. Installed by ``SMARTGOV_EXTRA_APPS`` in a
process of its own, it must plug in completely — settings, jobs, pages, API, menu, access rules (the whole
permission matrix runs there too), events, demo, personal data, front door — while no central file names it.
"""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from smartgov.platform.contract import LOADED_AT_START, MODULES, contract_apps

PACKAGE = Path(__file__).resolve().parent.parent
CENTRAL = [
    PACKAGE / "settings",
    PACKAGE / "urls.py",
    PACKAGE / "wsgi.py",
    PACKAGE / "celery.py",
    PACKAGE / "platform",
    PACKAGE.parent.parent / "conftest.py",
    PACKAGE.parent.parent / "pyproject.toml",
]


def test_no_central_file_names_the_test_app():
    for place in CENTRAL:
        files = [place] if place.is_file() else [p for p in place.rglob("*") if p.suffix in (".py", ".toml", ".html")]
        for file in files:
            assert "noticeboard" not in file.read_text(encoding="utf-8"), file


def test_the_installed_apps_follow_the_contract():
    labels = [config.label for config in contract_apps()]
    assert labels == [
        "platform",
        "identity",
        "procedures",
        "notifications",
        "exchange",
        "warehouse",
        "opendata",
        "workspace",
    ]
    assert set(LOADED_AT_START) <= set(MODULES)
    for config in contract_apps():
        assert config.part("urls") is not None, config.label
        assert config.part("policies") is not None, config.label


def test_an_app_plugs_in_without_a_central_edit(tmp_path):
    env = {
        **os.environ,
        "SMARTGOV_EXTRA_APPS": "smartgov.tests.noticeboard",
        "SMARTGOV_VAR_DIR": str(tmp_path),  # its own test database file, beside this run's
    }
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):  # its own test database on the same server
        env["DATABASE_URL"] = (
            f"postgres://{database['USER']}@{database['HOST'] or 'localhost'}:{database['PORT'] or 5432}"
            f"/{database['NAME']}_contract"
        )
    checks = PACKAGE / "tests" / "noticeboard" / "checks.py"
    matrix = PACKAGE / "tests" / "test_policies.py"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(checks), str(matrix)],
        cwd=PACKAGE.parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "failed" not in run.stdout
