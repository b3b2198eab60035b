"""The service-quality dashboard (Decision 766): rates per month drawn as bar charts (inline SVG, no script),
the table per agency and month, and the same as an Excel file.

The months that have ended come from the warehouse's nightly rollup when it has them (``kpis_rolled_up``); the
current month, and any month the rollup does not cover, is computed live. The page says when the rollup was made."""

import io
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from smartgov.identity import authz
from smartgov.identity.selectors import User
from smartgov.platform.charts import BarChart, bar_chart
from smartgov.platform.dates import parse_day
from smartgov.platform.errors import DomainError, Forbidden
from smartgov.platform.models import Agency
from smartgov.procedures.kpi import KpiRow, kpi_by_month, kpi_totals, kpis_rolled_up

Role = authz.Role
#: The longest period the dashboard draws: one bar per month on each chart (and one grouped query per measure).
MAX_MONTHS = 36


def _visible(user: User, rows: list[KpiRow]) -> list[KpiRow]:
    """Platform administrators see every agency; leaders see the agencies they lead."""
    led_ids = authz.agencies_with(user, Role.LEADER)
    if led_ids == authz.ALL:  # a platform administrator, or a leader without an agency
        return rows
    led = set(Agency.objects.filter(pk__in=led_ids).values_list("code", flat=True))
    if not led:
        raise Forbidden(_("The dashboard is for leaders and platform administrators."))
    return [r for r in rows if r.agency_code in led]


def _chart(title: str, months: list[KpiRow], measure: str, *, top: float = 100, decimals: int = 1) -> BarChart:
    return bar_chart(
        title, [(f"{row.month:%m/%y}", getattr(row, measure)) for row in months], top=top, decimals=decimals
    )


def _charts(months: list[KpiRow]) -> list[BarChart]:
    """All eight indicators of the dashboard, one chart each, every month of the period on each."""
    return [
        _chart(_("On-time rate (%)"), months, "on_time_rate"),
        _chart(_("Online rate (%)"), months, "online_rate"),
        _chart(_("Digitisation rate (%)"), months, "digitisation_rate"),
        _chart(_("Satisfaction (%)"), months, "satisfaction_rate"),
        _chart(_("Average rating (1–5)"), months, "average_rating", top=5, decimals=2),
        _chart(_("Online payment rate (%)"), months, "online_payment_rate"),
        _chart(_("Components reused (%)"), months, "reuse_rate"),
        _chart(_("Results digitised (%)"), months, "result_digitisation_rate"),
    ]


def _date(text: str) -> date | None:
    """The day typed (day/month/year or ISO); empty is None (the default applies), anything else a 400 — never a
    silent default for 30/02/2026, which would show another period than the one asked for."""
    if not text.strip():
        return None
    day = parse_day(text)
    if day is None:
        raise DomainError(_("Type a date that exists, as day/month/year, e.g. 20/11/2026."))
    return day


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    start = _date(request.GET.get("tu", "")) or date(today.year, 1, 1)
    end = _date(request.GET.get("den", "")) or today
    if end < start or (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
        raise DomainError(
            _("Choose a period that ends after it starts and spans at most %(n)d months.") % {"n": MAX_MONTHS}
        )
    computed, rolled_up_at = kpis_rolled_up(start=start, end=end)
    rows = _visible(request.user, computed)  # type: ignore[arg-type]
    if request.GET.get("excel"):
        return _excel(rows, start, end)
    months = kpi_by_month(rows, start=start, end=end)
    context = {
        "rows": rows,
        "total": kpi_totals(rows),
        "months": months,
        "charts": _charts(months),
        "start": start,
        "end": end,
        "rolled_up_at": rolled_up_at,
    }
    return render(request, "procedures/dashboard.html", context)


def _excel(rows: list[KpiRow], start: date, end: date) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has a sheet
    sheet.title = "chi-so-766"
    sheet.append(
        [
            "Tháng",
            "Mã cơ quan",
            "Cơ quan",
            "Tiếp nhận",
            "Trực tuyến",
            "Tỷ lệ trực tuyến (%)",
            "Số hóa",
            "Tỷ lệ số hóa (%)",
            "Đã giải quyết",
            "Đúng hạn",
            "Tỷ lệ đúng hạn (%)",
            "Lượt đánh giá",
            "Điểm trung bình",
            "Tỷ lệ hài lòng (%)",
            "Có phí, lệ phí",
            "Thanh toán trực tuyến",
            "Tỷ lệ thanh toán trực tuyến (%)",
            "Tái sử dụng thành phần",
            "Tỷ lệ tái sử dụng (%)",
            "Kết quả điện tử",
            "Tỷ lệ số hóa kết quả (%)",
        ]
    )
    for r in rows:
        sheet.append(
            [
                r.month.strftime("%m/%Y"),
                r.agency_code,
                r.agency_name,
                r.received,
                r.received_online,
                r.online_rate,
                r.digitised,
                r.digitisation_rate,
                r.finished,
                r.finished_on_time,
                r.on_time_rate,
                r.rated,
                r.average_rating,
                r.satisfaction_rate,
                r.with_fee,
                r.paid_online,
                r.online_payment_rate,
                r.reused_components,
                r.reuse_rate,
                r.results_digitised,
                r.result_digitisation_rate,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="chi-so-766-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
    return response


urlpatterns: list[URLPattern] = [path("mot-cua/chi-so/", dashboard, name="dashboard")]
