"""The procedure catalog in the Django admin: read-only. Stewards keep it on their own page
(``procedures:catalog-manage``: checks, a preview before an import, every change audited), which each row links to.
Dossiers and payments are not in the admin: they hold personal data and have their own pages and checkpoints."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from smartgov.platform.admin.audit import ReadOnlyAdmin
from smartgov.procedures.models import Procedure, Sector


class CatalogReadOnly(ReadOnlyAdmin):
    """Shown, never changed here: the stewards' page is where the catalog is edited."""

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        context = {
            **(extra_context or {}),
            "subtitle": _("Read-only here: the catalog is edited on its stewards' page."),
        }
        return super().changelist_view(request, context)


@admin.register(Sector)
class SectorAdmin(CatalogReadOnly):
    list_display = ("code", "name", "name_en")
    search_fields = ("code", "name", "name_en")


@admin.register(Procedure)
class ProcedureAdmin(CatalogReadOnly):
    list_display = ("code", "name", "sector", "level", "fee_vnd", "processing_time", "active", "manage")
    list_filter = ("active", "level", "online_level", "sector")
    search_fields = ("code", "name", "search_name")
    list_select_related = ("sector",)

    @admin.display(description=_("Edit"))
    def manage(self, obj: Procedure) -> SafeString:
        url = reverse("procedures:catalog-edit", kwargs={"code": obj.code})
        return format_html('<a href="{}">{}</a>', url, _("on the catalog page"))
