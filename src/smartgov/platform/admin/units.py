"""Admin for administrative units (read-mostly) and the review of split successions."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from smartgov.platform.errors import DomainError
from smartgov.platform.models import AdminUnit, AdminUnitSuccession
from smartgov.platform.services.units import units_succession_review


@admin.register(AdminUnit)
class AdminUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "generation", "parent")
    list_filter = ("generation", "level", "kind")
    search_fields = ("name", "search_name", "code")
    readonly_fields = ("generation", "level", "code", "parent")
    list_select_related = ("parent",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # units come from the official data (smartgov units load)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AdminUnitSuccession)
class AdminUnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ("predecessor", "successor", "is_partial", "needs_review")
    list_filter = ("needs_review", "is_partial")
    search_fields = ("predecessor__name", "successor__name", "predecessor__code", "successor__code")
    list_select_related = ("predecessor", "successor")
    readonly_fields = ("predecessor", "successor", "is_partial", "needs_review", "effective_on", "legal_basis")
    actions = ["mark_reviewed"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Mark the selected split successions as reviewed"))
    def mark_reviewed(self, request: HttpRequest, queryset: QuerySet[AdminUnitSuccession]) -> None:
        done = 0
        for edge in queryset.filter(needs_review=True):
            try:
                units_succession_review(actor=request.user, succession_id=edge.pk)  # type: ignore[arg-type]
                done += 1
            except DomainError as exc:
                self.message_user(request, exc.message, messages.WARNING)
        self.message_user(request, _("%(count)d successions reviewed.") % {"count": done}, messages.SUCCESS)
