"""The open data portal in the Django admin: read-only. Publishers keep their datasets through the CKAN Action API
(the services' checks, audit and events); the admin only shows."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from smartgov.opendata.models import Dataset, Group, Resource
from smartgov.platform.admin.audit import ReadOnlyAdmin


class ResourceInline(admin.TabularInline):
    model = Resource
    extra = 0
    fields = ("position", "name", "format", "url", "upload", "modified_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Dataset)
class DatasetAdmin(ReadOnlyAdmin):
    list_display = ("name", "title", "owner", "state", "private", "license_id", "modified_at")
    list_filter = ("state", "private", "license_id", "frequency")
    search_fields = ("name", "title")
    inlines = [ResourceInline]


@admin.register(Group)
class GroupAdmin(ReadOnlyAdmin):
    list_display = ("name", "title", "created_at")
    search_fields = ("name", "title")
