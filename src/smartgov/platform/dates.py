"""Dates as Vietnamese people write them: day/month/year (``20/11/2026``) and ``20/11/2026 14:30``.

Pages show and accept that form; the API keeps ISO 8601 (``2026-11-20``, ``2026-11-20T14:30:00+07:00``). A browser's
``<input type="date">`` shows the format of the browser's locale (``11/20/2026`` in an English one) and sends ISO,
so page forms use these text inputs instead: ``pattern`` gives the browser's own check, ``static/smartgov/js/
dates.js`` checks the calendar (no 31/02) and hands ISO to a form that calls the API, and the server parses the
text again with :func:`parse_day` / :func:`parse_moment` (ISO too, so old links and bookmarks keep working)."""

import re
from datetime import date, datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DAY_FORMAT = "%d/%m/%Y"
MOMENT_FORMAT = "%d/%m/%Y %H:%M"
#: What the browser checks before sending (the server checks again, and the calendar too).
DAY_PATTERN = r"\s*\d{1,2}/\d{1,2}/\d{4}\s*"
MOMENT_PATTERN = r"\s*\d{1,2}/\d{1,2}/\d{4}\s+\d{1,2}:\d{2}\s*"
_DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_MOMENT = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2})")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

DAY_HINT = _("day/month/year, e.g. 20/11/2026")
MOMENT_HINT = _("day/month/year hour:minute, e.g. 20/11/2026 14:30")
DAY_INVALID = _("Write the date as day/month/year, e.g. 20/11/2026.")
MOMENT_INVALID = _("Write the date and time as day/month/year hour:minute, e.g. 20/11/2026 14:30.")


def parse_day(text: Any) -> date | None:
    """``20/11/2026`` (or ISO ``2026-11-20``) as a date; None for anything else, 31/02 included."""
    raw = str(text or "").strip()[:32]
    found = _DAY.fullmatch(raw)
    try:
        if found:
            day, month, year = (int(g) for g in found.groups())
            return date(year, month, day)
        if _ISO_DAY.fullmatch(raw):
            return date.fromisoformat(raw)
    except ValueError:
        return None
    return None


def parse_moment(text: Any) -> datetime | None:
    """``20/11/2026 14:30`` (or an ISO 8601 moment) as an aware datetime, read in the site's time zone."""
    raw = str(text or "").strip()[:40]
    found = _MOMENT.fullmatch(raw)
    moment: datetime | None = None
    try:
        if found:
            day, month, year, hour, minute = (int(g) for g in found.groups())
            moment = datetime(year, month, day, hour, minute)  # noqa: DTZ001 - made aware just below
        elif raw and "-" in raw:
            moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    if moment is None:
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def show_day(value: Any) -> Any:
    """An ISO date string (as a form's JSON holds it) shown as day/month/year; anything else as it is."""
    if isinstance(value, str) and _ISO_DAY.fullmatch(value.strip()):
        parsed = parse_day(value)
        return parsed.strftime(DAY_FORMAT) if parsed else value
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.strftime(DAY_FORMAT)
    return value


def day_attrs(*, moment: bool = False) -> dict[str, str]:
    """The attributes of a day (or day and time) text input, for templates that draw their own inputs."""
    return {
        "type": "text",
        "inputmode": "numeric",
        "autocomplete": "off",
        "pattern": MOMENT_PATTERN if moment else DAY_PATTERN,
        "placeholder": "dd/mm/yyyy hh:mm" if moment else "dd/mm/yyyy",
        "maxlength": "16" if moment else "10",
        "data-date": "moment" if moment else "day",
        "data-invalid": str(MOMENT_INVALID if moment else DAY_INVALID),
    }


class DayInput(forms.DateInput):
    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={**day_attrs(), **(attrs or {})}, format=DAY_FORMAT)


class MomentInput(forms.DateTimeInput):
    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={**day_attrs(moment=True), **(attrs or {})}, format=MOMENT_FORMAT)


class DayField(forms.DateField):
    """A date typed as day/month/year (ISO accepted too), with one clear message when it is not a date."""

    widget = DayInput
    default_error_messages = {"invalid": DAY_INVALID}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", [DAY_FORMAT, "%Y-%m-%d"])
        kwargs.setdefault("help_text", DAY_HINT)
        super().__init__(**kwargs)


class MomentField(forms.DateTimeField):
    """A date and time typed as day/month/year hour:minute (ISO accepted too)."""

    widget = MomentInput
    default_error_messages = {"invalid": MOMENT_INVALID}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", [MOMENT_FORMAT, "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
        kwargs.setdefault("help_text", MOMENT_HINT)
        super().__init__(**kwargs)
