"""Admin for the gateway's registry. Writes are audited here too (the services audit, the admin logs); the
credentials and the message log are read-only: keys and certificates are issued and revoked by command
(``smartgov exchange key|cert``), and the log is written by the gateway alone."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from smartgov.exchange.models import (
    AccessRight,
    ApiKey,
    ClientCertificate,
    ClientGroup,
    Endpoint,
    EventDelivery,
    LogBatch,
    Member,
    MemberClass,
    MessageRecord,
    Service,
    Subscription,
    Subsystem,
    Topic,
)
from smartgov.exchange.services.registry import registry_entry_delete, registry_entry_save
from smartgov.platform.admin.audit import ReadOnlyAdmin


class AuditedAdmin(admin.ModelAdmin):
    """Saves and deletes through the registry's services, which audit them."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        registry_entry_save(actor=request.user, entry=obj, fields=list(form.changed_data), created=not change)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        registry_entry_delete(actor=request.user, entry=obj)


admin.site.register(MemberClass, AuditedAdmin)


@admin.register(Member)
class MemberAdmin(AuditedAdmin):
    list_display = ("code", "name", "member_class", "agency")
    list_filter = ("member_class",)
    search_fields = ("code", "name")


@admin.register(Subsystem)
class SubsystemAdmin(AuditedAdmin):
    list_display = ("code", "name", "member", "enabled")
    list_filter = ("enabled",)
    search_fields = ("code", "name", "member__code")


class EndpointInline(admin.TabularInline):
    model = Endpoint
    extra = 0


class AccessRightInline(admin.TabularInline):
    model = AccessRight
    extra = 0
    raw_id_fields = ("subsystem", "group", "endpoint")


@admin.register(Service)
class ServiceAdmin(AuditedAdmin):
    list_display = ("code", "title", "provider", "url", "enabled")
    list_filter = ("enabled",)
    search_fields = ("code", "title")
    inlines = [EndpointInline, AccessRightInline]


@admin.register(ClientGroup)
class ClientGroupAdmin(AuditedAdmin):
    list_display = ("code", "description")
    filter_horizontal = ("subsystems",)


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdmin):
    list_display = ("prefix", "subsystem", "label", "created_at", "revoked_at")


@admin.register(ClientCertificate)
class ClientCertificateAdmin(ReadOnlyAdmin):
    list_display = ("serial", "subsystem", "not_after", "revoked_at")
    search_fields = ("serial", "fingerprint")


@admin.register(MessageRecord)
class MessageRecordAdmin(ReadOnlyAdmin):
    list_display = ("id", "request_at", "client", "service", "method", "status", "error", "duration_ms")
    list_filter = ("status", "error")
    search_fields = ("query_id", "client", "service", "user_id")
    exclude = ("request_body", "response_body")


@admin.register(LogBatch)
class LogBatchAdmin(ReadOnlyAdmin):
    list_display = ("first_id", "last_id", "count", "signed_at", "key_id")


@admin.register(Topic)
class TopicAdmin(AuditedAdmin):
    list_display = ("code", "title", "publisher")


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("topic", "subscriber", "url", "active", "created_at")


@admin.register(EventDelivery)
class EventDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("event", "subscription", "state", "attempts", "next_at", "done_at", "last_error")
    list_filter = ("state",)
