"""Writes of the working-day calendar: filling it from the ``holidays`` package, and staff edits."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from smartgov.platform.errors import DomainError, NotFound
from smartgov.platform.models import CalendarDay
from smartgov.platform.selectors.calendar import calendar_cache_clear
from smartgov.platform.services.audit import audit_record
from smartgov.platform.services.common import model_snapshot, model_update

WORKING_SATURDAY_VI = "Ngày làm việc bù"
WORKING_SATURDAY_EN = "Compensating working day"


@dataclass
class CalendarFillReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_manual: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated


def _official_days(years: list[int]) -> dict[date, tuple[bool, str, str]]:
    """{date: (is_working, Vietnamese name, English name)} from the holidays package, swaps included."""
    import holidays

    vi = holidays.country_holidays("VN", years=years, language="vi")
    en = holidays.country_holidays("VN", years=years, language="en_US")
    days = {day: (False, str(name), str(en.get(day, ""))) for day, name in vi.items()}
    for day in getattr(vi, "weekend_workdays", ()):
        if day.year in years:
            days[day] = (True, WORKING_SATURDAY_VI, WORKING_SATURDAY_EN)
    return days


def calendar_fill(*, years: Iterable[int], actor: AbstractBaseUser | None = None) -> CalendarFillReport:
    """Bring the given years' public holidays and swapped days in line with the package (idempotent).

    Rows people entered (``source=manual``) are never overwritten.
    """
    wanted = sorted(set(years))
    if not wanted or any(y < 1990 or y > 2100 for y in wanted):
        raise DomainError(_("Give years between 1990 and 2100."))
    report = CalendarFillReport()
    official = _official_days(wanted)
    with transaction.atomic():
        existing = {row.date: row for row in CalendarDay.objects.filter(date__year__in=wanted)}
        for day, (is_working, name, name_en) in sorted(official.items()):
            row = existing.get(day)
            values = {"is_working": is_working, "name": name[:120], "name_en": name_en[:120]}
            if row is None:
                CalendarDay.objects.create(date=day, source=CalendarDay.Source.HOLIDAYS, **values)
                report.created += 1
            elif row.source == CalendarDay.Source.MANUAL:
                report.kept_manual += 1
            elif model_update(row, values):
                report.updated += 1
            else:
                report.unchanged += 1
        if report.changed:
            audit_record(
                actor=actor,
                actor_label="" if actor else "system:calendar",
                action="platform.calendar.fill",
                object_type="platform.calendarday",
                object_id=",".join(str(y) for y in wanted),
                changes={"created": report.created, "updated": report.updated, "kept_manual": report.kept_manual},
            )
            transaction.on_commit(calendar_cache_clear)
        calendar_cache_clear()
    return report


def calendar_day_set(
    *, actor: AbstractBaseUser | None, day: date, is_working: bool, name: str, name_en: str = "", note: str = ""
) -> CalendarDay:
    """Staff declare a day off or a compensating working day (kept over later fills)."""
    if not name.strip():
        raise DomainError(_("Say why the day is different (a name is required)."))
    values = {
        "is_working": is_working,
        "name": name.strip()[:120],
        "name_en": name_en.strip()[:120],
        "note": note.strip()[:250],
        "source": CalendarDay.Source.MANUAL,
    }
    with transaction.atomic():
        row = CalendarDay.objects.select_for_update().filter(date=day).first()
        if row is None:
            row = CalendarDay.objects.create(date=day, **values)
            changes = model_snapshot(row, ["date", *values])
        else:
            changes = model_update(row, values)
        if changes:
            audit_record(actor=actor, action="platform.calendar.set", obj=row, changes=changes)
        calendar_cache_clear()
        transaction.on_commit(calendar_cache_clear)
    return row


def calendar_day_clear(*, actor: AbstractBaseUser | None, day: date) -> None:
    """Remove the exception on ``day``: it follows the Monday–Friday rule again."""
    with transaction.atomic():
        row = CalendarDay.objects.select_for_update().filter(date=day).first()
        if row is None:
            raise NotFound(_("There is no exception on that day."))
        audit_record(
            actor=actor,
            action="platform.calendar.clear",
            obj=row,
            changes={"is_working": [row.is_working, None], "name": [row.name, None]},
        )
        row.delete()
        calendar_cache_clear()
        transaction.on_commit(calendar_cache_clear)
