"""The audit log and the outbox in the admin: read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from smartgov.platform.models import AuditEntry, OutboxEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "chain",
        "seq",
        "occurred_at",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_repr",
    )
    list_filter = ("action", "object_type")
    search_fields = ("actor_label", "object_id", "object_repr", "request_id")
    date_hierarchy = "occurred_at"


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "topic", "aggregate_type", "aggregate_id", "state", "done_at", "attempts")
    list_filter = ("state", "topic")
    search_fields = ("topic", "aggregate_id")
