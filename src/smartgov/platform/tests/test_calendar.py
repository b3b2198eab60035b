"""Working days and deadlines over Vietnamese holidays (hand-checked against the official calendars)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from smartgov.platform.models import AuditEntry, CalendarDay
from smartgov.platform.selectors.calendar import (
    add_working_days,
    add_working_hours,
    is_working_day,
    next_working_day,
    receipt_day,
    working_days_between,
)
from smartgov.platform.services.calendar import calendar_day_clear, calendar_day_set, calendar_fill

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN)


@pytest.fixture
def filled():
    calendar_fill(years=[2025, 2026])


def test_tet_2026_break(filled):
    # Tết Bính Ngọ: Monday 16 to Friday 20 February 2026 are holidays; with the weekends, 14–22 Feb off.
    for day in range(14, 23):
        assert not is_working_day(date(2026, 2, day)), day
    assert is_working_day(date(2026, 2, 13)) and is_working_day(date(2026, 2, 23))
    assert CalendarDay.objects.get(date=date(2026, 2, 17)).name == "Tết Nguyên Đán"


def test_deadline_across_tet_2026(filled):
    # Received Friday 13 Feb 2026 at 09:00, 3 working days: 23, 24, 25 Feb → due Wednesday 25 Feb, 17:00.
    assert add_working_days(at(2026, 2, 13), 3) == at(2026, 2, 25, 17, 0)
    # The same after the 15:00 cut-off counts from Monday 23 Feb → 24, 25, 26.
    assert add_working_days(at(2026, 2, 13, 15, 1), 3) == at(2026, 2, 26, 17, 0)


def test_30_april_1_may_2025_with_the_swapped_saturday(filled):
    # 2025: 30/4 (Wed), 1/5 (Thu) holidays; Fri 2/5 off in exchange for working on Saturday 26/4.
    assert not is_working_day(date(2025, 4, 30))
    assert not is_working_day(date(2025, 5, 1))
    assert not is_working_day(date(2025, 5, 2))
    assert is_working_day(date(2025, 4, 26))
    # Received Tuesday 29/4 at 10:00 with 2 working days: Mon 5/5, Tue 6/5.
    assert add_working_days(at(2025, 4, 29, 10), 2) == at(2025, 5, 6, 17, 0)
    # Received Friday 25/4 with 1 day: the compensating Saturday 26/4 counts.
    assert add_working_days(at(2025, 4, 25, 10), 1) == at(2025, 4, 26, 17, 0)


def test_30_april_1_may_2026(filled):
    # 2026: Hùng Kings' day falls on Sunday 26/4 → Monday 27/4 off; 30/4 Thu, 1/5 Fri.
    assert [is_working_day(date(2026, 4, d)) for d in (27, 28, 29, 30)] == [False, True, True, False]
    assert not is_working_day(date(2026, 5, 1))
    # Received Wednesday 29/4 at 16:00 (after the cut-off): counts from Monday 4/5; 1 day → Tuesday 5/5.
    assert receipt_day(at(2026, 4, 29, 16)) == date(2026, 5, 4)
    assert add_working_days(at(2026, 4, 29, 16), 1) == at(2026, 5, 5, 17, 0)


def test_cutoff_and_weekends(filled):
    assert receipt_day(at(2026, 3, 10, 14, 59)) == date(2026, 3, 10)
    assert receipt_day(at(2026, 3, 10, 15, 1)) == date(2026, 3, 11)
    assert receipt_day(at(2026, 3, 14, 10)) == date(2026, 3, 16)  # Saturday → Monday
    assert add_working_days(at(2026, 3, 10, 10), 0) == at(2026, 3, 10, 17, 0)
    assert add_working_days(at(2026, 3, 10, 15, 30), 0, cutoff=time(16, 0)) == at(2026, 3, 10, 17, 0)
    # A UTC moment is read in Vietnamese time: 07:30Z is 14:30 in Hanoi, before the cut-off.
    assert receipt_day(datetime(2026, 3, 10, 7, 30, tzinfo=ZoneInfo("UTC"))) == date(2026, 3, 10)


def test_manual_day_off_and_compensating_saturday(filled):
    assert add_working_days(at(2026, 3, 9), 1) == at(2026, 3, 10, 17, 0)
    calendar_day_set(actor=None, day=date(2026, 3, 10), is_working=False, name="Nghỉ bầu cử")
    assert add_working_days(at(2026, 3, 9), 1) == at(2026, 3, 11, 17, 0)
    calendar_day_set(actor=None, day=date(2026, 3, 14), is_working=True, name="Làm bù")
    assert next_working_day(date(2026, 3, 13)) == date(2026, 3, 14)
    assert AuditEntry.objects.filter(action="platform.calendar.set").count() == 2
    calendar_day_clear(actor=None, day=date(2026, 3, 10))
    assert is_working_day(date(2026, 3, 10))


def test_working_hours_across_lunch_and_holidays(filled):
    # 10:30 + 2 h: one hour before lunch (to 11:30), one after (13:00–14:00).
    assert add_working_hours(at(2026, 3, 10, 10, 30), 2) == at(2026, 3, 10, 14, 0)
    # Wednesday 29/4/2026 16:30 is after the cut-off: starts Monday 4/5 07:30; 8 hours → 17:00 that day.
    assert add_working_hours(at(2026, 4, 29, 16, 30), 8) == at(2026, 5, 4, 17, 0)
    # Thursday 12/2 13:00 + 16 h: Thu 13:00–17:00 (4 h), Fri 13/2 (8 h), Tết, then Mon 23/2 07:30 + 4 h → 11:30.
    assert add_working_hours(at(2026, 2, 12, 13, 0), 16) == at(2026, 2, 23, 11, 30)
    assert add_working_hours(at(2026, 3, 10, 6, 0), 1) == at(2026, 3, 10, 8, 30)  # before opening


def test_naive_and_negative_are_refused():
    with pytest.raises(ValueError, match="naive"):
        add_working_days(datetime(2026, 3, 10, 9, 0), 1)  # noqa: DTZ001
    with pytest.raises(ValueError):
        add_working_days(at(2026, 3, 10), -1)
    with pytest.raises(ValueError):
        add_working_hours(at(2026, 3, 10), -2)


def test_working_days_between(filled):
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 25)) == 3
    assert working_days_between(date(2026, 2, 25), date(2026, 2, 13)) == 0


def test_fill_is_idempotent_and_keeps_manual_rows():
    calendar_day_set(actor=None, day=date(2026, 9, 2), is_working=False, name="Quốc khánh (ghi chú riêng)")
    first = calendar_fill(years=[2026])
    assert first.created > 10 and first.kept_manual == 1
    audits = AuditEntry.objects.count()
    second = calendar_fill(years=[2026])
    assert second.changed == 0
    assert AuditEntry.objects.count() == audits
    assert CalendarDay.objects.get(date=date(2026, 9, 2)).name == "Quốc khánh (ghi chú riêng)"
    assert CalendarDay.objects.get(date=date(2026, 8, 22)).is_working  # swapped Saturday


def test_api_days_and_deadline(client, filled):
    days = client.get("/api/v1/platform/calendar/days", {"year": 2026}).json()
    tet = next(d for d in days if d["date"] == "2026-02-17")
    assert (tet["is_working"], tet["name"], tet["source"]) == (False, "Tết Nguyên Đán", "holidays")
    assert next(d for d in days if d["date"] == "2026-08-22")["is_working"] is True
    due = client.get("/api/v1/platform/calendar/deadline", {"start": "2026-02-13T09:00:00+07:00", "days": 3}).json()
    assert due["received_on"] == "2026-02-13"
    assert due["due_at"].startswith("2026-02-25T17:00:00")
    hours = client.get("/api/v1/platform/calendar/deadline", {"start": "2026-03-10T10:30:00+07:00", "hours": 2})
    assert hours.json()["due_at"].startswith("2026-03-10T14:00:00")


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-02-13T09:00:00+07:00"},
        {"start": "2026-02-13T09:00:00+07:00", "days": 1, "hours": 2},
        {"start": "2026-02-13T09:00:00+07:00", "days": -1},
        {"start": "not a date", "days": 1},
        {"start": "2026-02-13T09:00:00", "days": 1},
        {"days": 1},
    ],
)
def test_api_deadline_bad_input(client, params):
    response = client.get("/api/v1/platform/calendar/deadline", params)
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"


def test_calendar_page_and_calculator(client, filled):
    page = client.get("/lich-lam-viec/", {"year": 2026})
    assert page.status_code == 200
    assert "Tết Nguyên Đán" in page.text
    result = client.get(
        "/lich-lam-viec/", {"year": 2026, "received": "2026-02-13T09:00", "amount": "3", "unit": "days"}
    )
    assert "25/02/2026" in result.text
    bad = client.get("/lich-lam-viec/", {"received": "hôm qua", "amount": "-3", "unit": "days"})
    assert bad.status_code == 200
    assert "errorlist" in bad.text
    assert client.get("/lich-lam-viec/", {"year": "abc"}).status_code == 200


@pytest.mark.parametrize("start", ["0165-11-02T00:12:03Z", "1899-12-31T09:00:00+07:00", "2101-01-02T09:00:00+07:00"])
def test_api_deadline_refuses_a_start_outside_the_calendar(client, start):
    """Found by schemathesis (issue 13, finding 17): a start in year 165 answered a due time with the city's old
    local-mean-time offset (+07:06:30), which is not an RFC 3339 date-time."""
    response = client.get("/api/v1/platform/calendar/deadline", {"start": start, "hours": 2000})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "1990" in response.json()["title"]
