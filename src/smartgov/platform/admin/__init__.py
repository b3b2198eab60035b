"""Django admin for the shared kernel, one module per area."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from smartgov.platform.admin import audit, calendar, org, units  # noqa: F401

# The admin under the platform's name (Django's default says "Django administration").
admin.site.site_title = _("SmartGov administration")
admin.site.site_header = _("SmartGov: platform administration")
admin.site.index_title = _("Platform administration")
