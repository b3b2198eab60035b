"""Dates as Vietnamese people write them (issue 14): pages read and show day/month/year, the API ISO 8601."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from smartgov.platform.dates import DayField, MomentField, parse_day, parse_moment, show_day
from smartgov.platform.services.calendar import calendar_fill

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_day_month_year_is_read_and_iso_still_is():
    assert parse_day("20/11/2026") == date(2026, 11, 20)
    assert parse_day(" 1/2/2026 ") == date(2026, 2, 1)
    assert parse_day("2026-11-20") == date(2026, 11, 20)  # an old link or bookmark
    for wrong in ("31/02/2026", "11/20/2026", "20-11-2026", "20/11/26", "", None, "x" * 500):
        assert parse_day(wrong) is None, wrong


def test_a_moment_is_read_in_vietnamese_time():
    assert parse_moment("20/11/2026 14:30") == datetime(2026, 11, 20, 14, 30, tzinfo=VN)
    assert parse_moment("2026-11-20T14:30:00+07:00") == datetime(2026, 11, 20, 14, 30, tzinfo=VN)
    for wrong in ("20/11/2026 25:00", "20/11/2026", "31/02/2026 10:00", "2026-13-01T00:00"):
        assert parse_moment(wrong) is None, wrong


def test_a_form_json_date_is_shown_day_month_year():
    assert show_day("2026-11-20") == "20/11/2026"
    assert show_day(date(2026, 11, 20)) == "20/11/2026"
    assert show_day("Nguyễn An Nhiên") == "Nguyễn An Nhiên" and show_day(3) == 3


def test_the_fields_refuse_with_one_vietnamese_message():
    assert DayField().clean("20/11/2026") == date(2026, 11, 20)
    with pytest.raises(Exception, match="ngày/tháng/năm, ví dụ 20/11/2026"):
        DayField().clean("11/31/2026")
    widget = DayField().widget.render("ngay", date(2026, 11, 20))
    assert 'value="20/11/2026"' in widget and 'type="text"' in widget and 'inputmode="numeric"' in widget
    assert MomentField().clean("20/11/2026 14:30") == datetime(2026, 11, 20, 14, 30, tzinfo=VN)


@pytest.mark.django_db
def test_the_deadline_calculator_takes_day_month_year():
    calendar_fill(years=[2026])
    page = (
        Client()
        .get("/lich-lam-viec/", {"year": 2026, "received": "13/02/2026 09:00", "amount": "3", "unit": "days"})
        .content.decode()
    )
    assert "25/02/2026" in page and 'value="13/02/2026 09:00"' in page and "datetime-local" not in page
    wrong = Client().get("/lich-lam-viec/", {"received": "2026-02-31 09:00", "amount": "3", "unit": "days"})
    assert "Hãy nhập ngày giờ theo dạng ngày/tháng/năm giờ:phút" in wrong.content.decode()
