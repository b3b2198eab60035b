"""Admin for the locality, agencies and positions. Saving goes through the services (audit rows, events)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from smartgov.platform.models import Agency, Locality, Position
from smartgov.platform.services.org import AgencyData, agency_upsert, locality_set, position_assign


@admin.register(Locality)
class LocalityAdmin(admin.ModelAdmin):
    list_display = ("name", "province", "agency_id_suffix")
    raw_id_fields = ("province",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not Locality.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Locality, form: Any, change: bool) -> None:
        saved, _changed = locality_set(
            actor=request.user,
            province=obj.province,
            name=obj.name,
            name_en=obj.name_en,
            agency_id_suffix=obj.agency_id_suffix,
            portal_name=obj.portal_name,
            website=obj.website,
        )
        obj.pk = saved.pk


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "search_name", "short_name")
    raw_id_fields = ("parent", "admin_unit")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("code",) if obj else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # agencies are deactivated (is_active, valid_to), never deleted: records refer to them

    def save_model(self, request: HttpRequest, obj: Agency, form: Any, change: bool) -> None:
        saved, _changed = agency_upsert(
            actor=request.user,
            data=AgencyData(
                code=obj.code,
                name=obj.name,
                kind=obj.kind,
                name_en=obj.name_en,
                short_name=obj.short_name,
                parent_code=obj.parent.code if obj.parent else None,
                admin_unit=obj.admin_unit,
                address=obj.address,
                phone=obj.phone,
                email=obj.email,
                is_active=obj.is_active,
                valid_from=obj.valid_from,
                valid_to=obj.valid_to,
            ),
        )
        obj.pk = saved.pk


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ("user", "title", "agency", "is_leader")
    list_filter = ("is_leader",)
    search_fields = ("user__username", "user__full_name", "title", "agency__name")
    raw_id_fields = ("user", "agency")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("agency", "user", "title") if obj else ()

    def save_model(self, request: HttpRequest, obj: Position, form: Any, change: bool) -> None:
        saved, _changed = position_assign(
            actor=request.user, user=obj.user, agency=obj.agency, title=obj.title, is_leader=obj.is_leader
        )
        obj.pk = saved.pk
