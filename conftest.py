"""Test configuration shared by every app's tests."""

import os

import pytest

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
    from smartgov.celery import app
    from smartgov.platform.selectors.calendar import calendar_cache_clear

    app.conf.task_always_eager = True
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
