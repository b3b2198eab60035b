"""Django admin for the shared kernel, one module per area."""

from smartgov.platform.admin import audit, calendar, org, units  # noqa: F401
