"""Fixtures for the identity tests: the platform's small set of administrative units."""

from smartgov.platform.tests.conftest import small_units

__all__ = ["small_units"]
