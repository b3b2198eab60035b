from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from oauth2_provider import admin as oauth2_admin
from oauth2_provider import forms as oauth2_forms
from oauth2_provider.models import get_application_model

from smartgov.identity import authz
from smartgov.identity.models import (
    ConsentRecord,
    DataRequest,
    FederatedIdentity,
    PersonalDataAccess,
    RoleAssignment,
    SecurityEvent,
    User,
)
from smartgov.identity.oidc import client_problems
from smartgov.identity.services.privacy import personal_data_view_record
from smartgov.identity.services.roles import role_grant, role_revoke


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that are evidence: nobody adds, edits or deletes them by hand."""

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts. Lists show personal IDs masked; opening a citizen's or business's account is logged."""

    list_display = ("masked_username", "full_name", "kind", "is_staff", "is_active")
    list_filter = ("kind", "is_staff", "is_active")
    search_fields = ("username", "full_name", "email")
    readonly_fields = ("email_verified_at", "phone_verified_at")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            _("Identity"),
            {
                "fields": (
                    "kind",
                    "full_name",
                    "personal_id",
                    "tax_code",
                    "phone",
                    "email_verified_at",
                    "phone_verified_at",
                )
            },
        ),
    )

    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "kind",
                    "full_name",
                    "email",
                    "phone",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    @admin.display(description=_("account name"), ordering="username")
    def masked_username(self, obj: User) -> str:
        return obj.masked_username

    def change_view(self, request: Any, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        subject = User.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        if subject is not None and subject.kind != User.Kind.STAFF:
            personal_data_view_record(request=request, subject=subject, place="admin: account")
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    list_display = ("decided_at", "user", "purpose", "action", "notice_version")
    list_filter = ("purpose", "action")
    date_hierarchy = "decided_at"


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ("accessed_at", "viewer", "subject", "place", "reason")
    list_filter = ("place",)
    date_hierarchy = "accessed_at"


@admin.register(DataRequest)
class DataRequestAdmin(ReadOnlyAdmin):
    """Answered on the data stewards' page (the service applies the change); here only to look up."""

    list_display = ("submitted_at", "user", "kind", "status", "handled_by", "handled_at")
    list_filter = ("kind", "status")


@admin.register(FederatedIdentity)
class FederatedIdentityAdmin(admin.ModelAdmin):
    list_display = ("user", "provider", "linked_at", "last_login_at")
    list_filter = ("provider",)
    readonly_fields = ("user", "provider", "subject", "linked_at", "last_login_at")

    def has_add_permission(self, request: Any) -> bool:
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "kind", "severity", "username", "ip_address")
    list_filter = ("kind", "severity")
    search_fields = ("username", "ip_address", "request_id")
    date_hierarchy = "occurred_at"


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    """Grants and revocations go through the services: audit rows and privilege-change security events."""

    list_display = ("user", "role", "agency", "admin_unit", "granted_at", "granted_by")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "agency__name")
    raw_id_fields = ("user", "agency", "admin_unit")
    fields = ("user", "role", "agency", "admin_unit")

    def has_add_permission(self, request: Any) -> bool:
        return super().has_add_permission(request) and authz.permitted(request, "identity.role.grant")

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and authz.permitted(request, "identity.role.revoke", obj)

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


class ApplicationForm(oauth2_forms.ApplicationForm):
    """DOT's client form, refusing what SmartGov does not issue: grants other than the code flow and client
    credentials, ID tokens not signed RS256, redirect URIs that are not https or a loopback address."""

    class Meta:
        model = get_application_model()
        fields = (
            "client_id", "name", "client_type", "authorization_grant_type", "client_secret", "hash_client_secret",
            "redirect_uris", "post_logout_redirect_uris", "allowed_origins", "algorithm", "skip_authorization", "user",
        )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for field, messages in client_problems(self.instance_with(cleaned)).items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return cleaned

    def instance_with(self, cleaned: dict[str, Any]) -> Any:
        """The client as the form would save it (the fields typed, the rest as stored)."""
        found = self.instance
        for name in ("authorization_grant_type", "algorithm", "redirect_uris", "post_logout_redirect_uris"):
            if name in cleaned:
                setattr(found, name, cleaned[name] or "")
        return found


class ApplicationAdmin(oauth2_admin.ApplicationAdmin):
    """The OpenID Connect clients (``OAUTH2_PROVIDER["APPLICATION_ADMIN_CLASS"]``), registered through
    :class:`ApplicationForm`."""

    form = ApplicationForm
