"""Working-day arithmetic over the editable calendar.

Rule: a date is a working day when it is Monday–Friday and has no exception, or when an exception says it is a
working day (a compensating Saturday). Office hours are ``SMARTGOV_WORKING_HOURS`` (8 hours a day); a dossier
received after ``SMARTGOV_AFTERNOON_CUTOFF`` counts as received on the next working day. See docs/calendar.md.
"""

from datetime import date, datetime, time, timedelta
from time import monotonic as time_monotonic
from zoneinfo import ZoneInfo

from django.conf import settings

from smartgov.platform.models import CalendarDay

MAX_SPAN_DAYS = 3660  # ten years: no deadline is longer; guards against runaway loops


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _hm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def office_intervals() -> list[tuple[time, time]]:
    return [(_hm(a), _hm(b)) for a, b in settings.SMARTGOV_WORKING_HOURS]


def default_cutoff() -> time:
    return _hm(settings.SMARTGOV_AFTERNOON_CUTOFF)


#: Per-process cache of each year's exceptions. Edits clear it in the editing process at once; other processes
#: (other gunicorn workers, Celery workers) pick an edit up within CACHE_SECONDS.
CACHE_SECONDS = 60.0
_cache: dict[int, tuple[float, dict[date, bool]]] = {}


def _exceptions(year: int) -> dict[date, bool]:
    cached = _cache.get(year)
    now = time_monotonic()
    if cached is None or now - cached[0] > CACHE_SECONDS:
        cached = (now, dict(CalendarDay.objects.filter(date__year=year).values_list("date", "is_working")))
        _cache[year] = cached
    return cached[1]


def calendar_cache_clear() -> None:
    _cache.clear()


def is_working_day(day: date) -> bool:
    exception = _exceptions(day.year).get(day)
    if exception is not None:
        return exception
    return day.weekday() < 5


def next_working_day(day: date) -> date:
    """The first working day strictly after ``day``."""
    for _step in range(MAX_SPAN_DAYS):
        day += timedelta(days=1)
        if is_working_day(day):
            return day
    raise ValueError("no working day within ten years: the calendar is wrong")


def working_days_between(start: date, end: date) -> int:
    """Working days in the half-open range (start, end]: how many working days after ``start`` ``end`` is."""
    if end <= start:
        return 0
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=n)))


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a naive datetime has no time zone: pass an aware datetime")
    return moment.astimezone(_tz())


def receipt_day(moment: datetime, *, cutoff: time | None = None) -> date:
    """The day a dossier received at ``moment`` counts as received: today if working and before the cut-off."""
    local = _local(moment)
    cutoff = cutoff or default_cutoff()
    if is_working_day(local.date()) and local.time() < cutoff:
        return local.date()
    return next_working_day(local.date())


def add_working_days(start: datetime, days: int, *, cutoff: time | None = None) -> datetime:
    """The end of office hours on the ``days``-th working day after the receipt day of ``start``.

    ``days=0`` gives the end of the receipt day itself.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = receipt_day(start, cutoff=cutoff)
    for _step in range(days):
        day = next_working_day(day)
    closing = office_intervals()[-1][1]
    return datetime.combine(day, closing, tzinfo=_tz())


def add_working_hours(start: datetime, hours: float, *, cutoff: time | None = None) -> datetime:
    """``start`` plus ``hours`` of office time; a start after the cut-off or outside office hours waits for the
    next opening."""
    if hours < 0:
        raise ValueError("hours must not be negative")
    local = _local(start)
    cutoff = cutoff or default_cutoff()
    intervals = office_intervals()
    day = local.date()
    if not is_working_day(day) or local.time() >= cutoff:
        cursor = datetime.combine(next_working_day(day), intervals[0][0], tzinfo=_tz())
    else:
        cursor = local
    remaining = timedelta(hours=hours)
    for _step in range(MAX_SPAN_DAYS):
        for opening, closing in intervals:
            begin = max(cursor, datetime.combine(cursor.date(), opening, tzinfo=_tz()))
            end = datetime.combine(cursor.date(), closing, tzinfo=_tz())
            if begin >= end:
                continue
            if begin + remaining <= end:
                return begin + remaining
            remaining -= end - begin
        cursor = datetime.combine(next_working_day(cursor.date()), intervals[0][0], tzinfo=_tz())
    raise ValueError("the deadline is more than ten years away")


def working_hours_between(start: datetime, end: datetime) -> float:
    """Hours of office time in ``[start, end]``: lunch, nights and days off count for nothing. The measure a
    workflow step's share of the time left is taken of (a share of wall-clock time lands at night)."""
    begin, finish = _local(start), _local(end)
    if finish <= begin:
        return 0.0
    if (finish.date() - begin.date()).days > MAX_SPAN_DAYS:
        raise ValueError("the span is more than ten years")
    total = timedelta(0)
    day = begin.date()
    while day <= finish.date():
        if is_working_day(day):
            for opening, closing in office_intervals():
                low = max(begin, datetime.combine(day, opening, tzinfo=_tz()))
                high = min(finish, datetime.combine(day, closing, tzinfo=_tz()))
                if high > low:
                    total += high - low
        day += timedelta(days=1)
    return total.total_seconds() / 3600


def days_of_year(year: int) -> list[CalendarDay]:
    return list(CalendarDay.objects.filter(date__year=year).order_by("date"))


def upcoming_days_off(*, today: date, limit: int = 3) -> list[CalendarDay]:
    return list(CalendarDay.objects.filter(date__gte=today, is_working=False).order_by("date")[:limit])
