"""The working calendar in the admin: edits go through the services (audit rows, cache refresh)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from smartgov.platform.models import CalendarDay
from smartgov.platform.services.calendar import calendar_day_clear, calendar_day_set


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "is_working", "source")
    list_filter = ("is_working", "source")
    search_fields = ("name", "name_en", "note")
    date_hierarchy = "date"
    fields = ("date", "is_working", "name", "name_en", "note")

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        saved = calendar_day_set(
            actor=request.user,  # type: ignore[arg-type]
            day=obj.date,
            is_working=obj.is_working,
            name=obj.name,
            name_en=obj.name_en,
            note=obj.note,
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        calendar_day_clear(actor=request.user, day=obj.date)  # type: ignore[arg-type]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and super().has_delete_permission(request, obj)
