"""The working-day calendar: a year's exceptions, and deadlines in working days or hours."""

from datetime import date, datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from smartgov.platform.errors import DomainError
from smartgov.platform.selectors.calendar import add_working_days, add_working_hours, days_of_year, receipt_day

router = Router(tags=["working calendar"])
#: The years the calendar answers for (those of ``/days``).
FIRST_YEAR, LAST_YEAR = 1990, 2100


class DayOut(Schema):
    date: date
    is_working: bool = Field(description="True for a compensating working day on a weekend")
    name: str
    name_en: str
    source: str


class DeadlineQuery(Schema):
    start: datetime = Field(description="When the dossier was received, ISO 8601 with a time zone offset")
    days: int | None = Field(None, ge=0, le=3650, description="Processing time in working days")
    hours: float | None = Field(None, ge=0, le=30000, description="Processing time in working hours")


class DeadlineOut(Schema):
    received_on: date = Field(description="The working day the dossier counts as received")
    due_at: datetime
    days: int | None
    hours: float | None


@router.get("/days", response=list[DayOut], summary="Public holidays, days off and compensating working days")
def year_days(request: HttpRequest, year: int = Query(..., ge=FIRST_YEAR, le=LAST_YEAR)) -> list[DayOut]:
    return [
        DayOut(date=d.date, is_working=d.is_working, name=d.name, name_en=d.name_en, source=d.source)
        for d in days_of_year(year)
    ]


@router.get("/deadline", response=DeadlineOut, summary="Due date of a processing time from a receipt moment")
def deadline(request: HttpRequest, query: Query[DeadlineQuery]) -> DeadlineOut:
    if (query.days is None) == (query.hours is None):
        raise DomainError(_("Give the processing time either in working days or in working hours."), code="validation")
    if query.start.tzinfo is None:
        raise DomainError(_("The start time needs a time zone offset, e.g. 2026-02-13T09:00:00+07:00."))
    if not FIRST_YEAR <= query.start.year <= LAST_YEAR:  # before 1900 the city's offset was not whole minutes
        raise DomainError(
            _("The start time must be in the years %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="validation",
        )
    if query.days is not None:
        due = add_working_days(query.start, query.days)
    else:
        due = add_working_hours(query.start, float(query.hours or 0))
    return DeadlineOut(received_on=receipt_day(query.start), due_at=due, days=query.days, hours=query.hours)
