"""Test configuration shared by every app's tests.

Each installed SmartGov app may offer fixtures to every test in ``<app>/tests/fixtures.py``; they are loaded here as
pytest plugins, found through ``INSTALLED_APPS``, so no test imports another app's test modules (docs/kernel.md §8).
"""

import importlib
import importlib.util
import os

import pytest


def _fixture_plugins() -> list[str]:
    settings = importlib.import_module(os.environ.get("DJANGO_SETTINGS_MODULE", "smartgov.settings"))
    plugins = []
    for app in settings.INSTALLED_APPS:
        if app.startswith("smartgov.") and importlib.util.find_spec(f"{app}.tests") is not None:
            if importlib.util.find_spec(f"{app}.tests.fixtures") is not None:
                plugins.append(f"{app}.tests.fixtures")
    return plugins


pytest_plugins = _fixture_plugins()

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from that thread are safe
# here because the loop only drives the browser.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config: pytest.Config) -> None:
    """No persistent database connections in tests: the live server's request threads would otherwise keep
    theirs open, and PostgreSQL could not drop the test database at the end."""
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


@pytest.fixture(autouse=True)
def _eager_tasks_and_clean_cache(settings):  # type: ignore[no-untyped-def]
    """Tasks run in-process in tests (tests of real workers switch this off), and no cache leaks between tests."""
    from django.core.cache import cache

    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.SMARTGOV_EXCHANGE_SHIP = False  # no background shipping thread: tests take the journal in themselves
    from celery._state import _set_task_join_will_block

    from smartgov.celery import app
    from smartgov.platform.selectors.calendar import calendar_cache_clear

    app.conf.task_always_eager = True
    # Celery's "no result.get() inside a task" flag is one global: an eager task run by a server thread of an
    # earlier test can leave it set (threads interleave its set and reset), and the test thread is not in a task.
    _set_task_join_will_block(False)
    cache.clear()
    calendar_cache_clear()
    yield
    cache.clear()
    calendar_cache_clear()


def _flush_with_audit_guard_open() -> None:
    """Transactional tests empty every table afterwards; the audit log's triggers must let that through."""
    from django.test import TransactionTestCase

    original = TransactionTestCase._fixture_teardown

    def teardown(self: TransactionTestCase) -> None:
        from smartgov.platform.services.audit import audit_maintenance

        with audit_maintenance():
            original(self)

    TransactionTestCase._fixture_teardown = teardown  # type: ignore[method-assign]


_flush_with_audit_guard_open()
