"""The working calendar page: a year's days off and a deadline calculator."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartgov.platform.dates import MomentField
from smartgov.platform.selectors.calendar import add_working_days, add_working_hours, days_of_year, receipt_day


class DeadlineForm(forms.Form):
    UNITS = [("days", _("working days")), ("hours", _("working hours"))]

    #: typed as 20/11/2026 14:30 (day/month/year), the way dates are written in Vietnam; ISO still read
    received = MomentField(label=_("Received at"))
    amount = forms.DecimalField(label=_("Processing time"), min_value=0, max_value=3650, decimal_places=1)
    unit = forms.ChoiceField(label=_("Counted in"), choices=UNITS)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("unit") == "days" and data.get("amount") is not None and data["amount"] != int(data["amount"]):
            self.add_error("amount", _("Working days are whole numbers."))
        return data


def calendar(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 1990), 2100)
    result = None
    form = DeadlineForm(request.GET if "amount" in request.GET else None)
    if form.is_bound and form.is_valid():
        received = form.cleaned_data["received"]
        if timezone.is_naive(received):
            received = received.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
        amount = form.cleaned_data["amount"]
        if form.cleaned_data["unit"] == "days":
            due = add_working_days(received, int(amount))
        else:
            due = add_working_hours(received, float(amount))
        result = {"received_on": receipt_day(received), "due": due, "received": received}
    elif not form.is_bound:
        form = DeadlineForm(initial={"received": datetime.combine(today, time(9, 0)), "amount": 3, "unit": "days"})
    context = {
        "year": year,
        "days": days_of_year(year),
        "form": form,
        "result": result,
        "cutoff": settings.SMARTGOV_AFTERNOON_CUTOFF,
    }
    return render(request, "platform/calendar/year.html", context)


urlpatterns: list[URLPattern] = [path("lich-lam-viec/", calendar, name="calendar")]
