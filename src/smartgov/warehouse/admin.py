"""The warehouse's catalog in the Django admin: read-only. Stewards keep the catalog through its services (checks,
audit, events), and the data itself through loads; the admin only shows. Saved queries and runs are not here: they
are a person's work and the ingestion pages' records."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from smartgov.platform.admin.audit import ReadOnlyAdmin
from smartgov.warehouse.models import Column, SharedDatabase, Table, TableGrant


class ColumnInline(admin.TabularInline):
    model = Column
    extra = 0
    fields = (
        "position",
        "name",
        "type",
        "personal",
        "required",
        "unique",
        "minimum",
        "maximum",
        "pattern",
        "reference",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SharedDatabase)
class SharedDatabaseAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "owner", "status")
    list_filter = ("status",)
    search_fields = ("code", "name")
    list_select_related = ("owner",)


@admin.register(Table)
class TableAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "name", "owner", "classification", "importance", "status", "rows", "current_version")
    list_filter = ("classification", "importance", "status", "open_dataset")
    search_fields = ("code", "name", "database__code")
    list_select_related = ("database", "owner")
    inlines = [ColumnInline]


@admin.register(TableGrant)
class TableGrantAdmin(ReadOnlyAdmin):
    list_display = ("table", "agency", "personal", "purpose", "granted_at")
    list_filter = ("personal",)
    list_select_related = ("table__database", "agency")
