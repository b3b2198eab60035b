from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from smartgov.identity.models import RoleAssignment, SecurityEvent, User
from smartgov.identity.roles import role_grant, role_revoke


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "full_name", "kind", "is_staff", "is_active")
    list_filter = ("kind", "is_staff", "is_active")
    search_fields = ("username", "full_name", "email")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Identity"), {"fields": ("kind", "full_name", "personal_id", "tax_code", "phone")}),
    )


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "kind", "severity", "username", "ip_address")
    list_filter = ("kind", "severity")
    search_fields = ("username", "ip_address", "request_id")
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    """Grants and revocations go through the services: audit rows and privilege-change security events."""

    list_display = ("user", "role", "agency", "admin_unit", "granted_at", "granted_by")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "agency__name")
    raw_id_fields = ("user", "agency", "admin_unit")
    fields = ("user", "role", "agency", "admin_unit")

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: Any, obj: RoleAssignment, form: Any, change: bool) -> None:
        saved = role_grant(
            actor=request.user, user=obj.user, role=obj.role, agency=obj.agency, admin_unit=obj.admin_unit
        )
        obj.pk = saved.pk

    def delete_model(self, request: Any, obj: RoleAssignment) -> None:
        role_revoke(actor=request.user, assignment_id=obj.pk)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for assignment in queryset:
            role_revoke(actor=request.user, assignment_id=assignment.pk)
