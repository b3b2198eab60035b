"""The query page: governed SQL over the tables the person may read (listed with their columns, the masked ones
marked), the answer as a table (cut at the page's limit, and said so), a chart of it (bars or a line, the label and
value columns chosen), exports (CSV, XLSX, Parquet), and saved queries (mine and those my agencies share).

Every query goes through ``services.queries`` (access, masking, limits, audit); an error is shown in the page in
the person's language with a 4xx status."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartgov.platform.errors import DomainError
from smartgov.warehouse.models import Column, SavedQuery
from smartgov.warehouse.present import CHART_POINTS, cell_text, chart_size, numeric_columns, result_chart
from smartgov.warehouse.selectors.catalog import grants_for
from smartgov.warehouse.selectors.queries import saved_queries_for, saved_query_for
from smartgov.warehouse.services import queries as svc

EXAMPLE = "SELECT *\nFROM database.table\nLIMIT 100"


def _readable(user: Any) -> list[dict[str, Any]]:
    """The tables ``user`` may query, each with its columns and which of them are masked."""
    found = []
    granted = grants_for(user)
    by_table: dict[int, list[Column]] = {}
    for column in Column.objects.filter(table__in=[t for t, _m in granted]).order_by("table_id", "position"):
        by_table.setdefault(column.table_id, []).append(column)
    for table, masked in granted:
        columns = [
            {"name": c.name, "type": c.get_type_display(), "masked": c.name in masked}
            for c in by_table.get(table.pk, [])
        ]
        found.append({"table": table, "columns": columns, "has_data": table.current_version is not None})
    return found


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) < 10 else None


def _page(request: HttpRequest, tables: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "tables": _readable(request.user) if tables is None else tables,
        "saved": list(saved_queries_for(request.user)[:200]),
        "charts": SavedQuery.Chart.choices,
        "example": EXAMPLE,
        "max_rows": settings.WAREHOUSE_QUERY_MAX_ROWS,
        **extra,
    }


def _answer(request: HttpRequest, sql: str, chart: str, label: str, value: str) -> dict[str, Any]:
    answer = svc.query_execute(request.user, sql, max_rows=settings.WAREHOUSE_QUERY_MAX_ROWS)
    result = answer.result
    numbers = numeric_columns(result.columns, result.rows)
    texts = [c for c in result.columns if c not in numbers]
    if not label or label not in result.columns:
        label = (texts or result.columns)[0] if result.columns else ""
    if not value or value not in result.columns:
        value = next((c for c in numbers if c != label), "")
    if chart == "" and "chart" not in request.POST and value:
        chart = "bar"
    title = _("%(value)s by %(label)s") % {"value": value, "label": label}
    return {
        "answer": answer,
        "result": result,
        "cells": [[cell_text(v) for v in row] for row in result.rows],
        "numbers": numbers,
        "chart": chart,
        "chart_x": label,
        "chart_y": value,
        "chart_size": chart_size(min(len(result.rows), CHART_POINTS)),
        "drawing": result_chart(result.columns, result.rows, kind=chart, label=label, value=value, title=title),
    }


@login_required
def query(request: HttpRequest) -> HttpResponse:
    """GET: the page (``?luu=<id>`` opens a saved query and runs it; ``?bang=<database.table>`` starts from the
    table's first rows, only for a table the person may read); POST: run the SQL sent."""
    sql, chart, label, value, status = "", "", "", "", 200
    context: dict[str, Any] = {}
    saved_id = _int(request.GET.get("luu"))
    tables = _readable(request.user)
    if request.method == "POST":
        sql = request.POST.get("sql", "")
        chart = request.POST.get("chart", "")
        label, value = request.POST.get("chart_x", ""), request.POST.get("chart_y", "")
    elif saved_id is not None:
        saved = saved_query_for(request.user, saved_id)
        sql, chart, label, value = saved.sql, saved.chart, saved.chart_x, saved.chart_y
        context["opened"] = saved
    elif (start := request.GET.get("bang", "")[:127]) and any(t["table"].qualified_name == start for t in tables):
        sql = f"SELECT *\nFROM {start}\nLIMIT 100"  # nosec B608 - a granted table's own name
    if sql:
        try:
            context |= _answer(request, sql, chart if chart in SavedQuery.Chart.values else "", label, value)
        except DomainError as refused:
            context["error"], status = refused.message, refused.status
    return render(request, "warehouse/query.html", _page(request, tables, sql=sql, **context), status=status)


@require_POST
@login_required
def export(request: HttpRequest) -> HttpResponseBase:
    sql, format = request.POST.get("sql", ""), request.POST.get("format", "csv")
    try:
        target, extension, media_type = svc.query_export(request.user, sql, format)
    except DomainError as refused:
        return render(
            request, "warehouse/query.html", _page(request, sql=sql, error=refused.message), status=refused.status
        )
    return FileResponse(target, as_attachment=True, filename=f"truy-van.{extension}", content_type=media_type)


@require_POST
@login_required
def save(request: HttpRequest) -> HttpResponse:
    post = request.POST
    chart = post.get("chart", "")
    try:
        saved = svc.saved_query_create(
            actor=request.user,
            title=post.get("title", ""),
            sql=post.get("sql", ""),
            chart=chart if chart in SavedQuery.Chart.values else "",
            chart_x=post.get("chart_x", "")[:63],
            chart_y=post.get("chart_y", "")[:63],
            shared=post.get("shared") == "on",
        )
    except DomainError as refused:
        context = _page(request, sql=post.get("sql", ""), error=refused.message)
        return render(request, "warehouse/query.html", context, status=refused.status)
    messages.success(request, _("The query “%(title)s” is saved.") % {"title": saved.title})
    return redirect(f"{_query_url()}?luu={saved.pk}")


@require_POST
@login_required
def delete(request: HttpRequest, query_id: int) -> HttpResponse:
    try:
        svc.saved_query_delete(actor=request.user, query_id=query_id)
    except DomainError as refused:
        return render(request, "warehouse/query.html", _page(request, error=refused.message), status=refused.status)
    messages.success(request, _("The saved query is deleted."))
    return redirect(_query_url())


def _query_url() -> str:
    return reverse("warehouse:query")


urlpatterns: list[URLPattern] = [
    path("can-bo/kho-du-lieu/truy-van/", query, name="query"),
    path("can-bo/kho-du-lieu/truy-van/xuat/", export, name="query-export"),
    path("can-bo/kho-du-lieu/truy-van/luu/", save, name="query-save"),
    path("can-bo/kho-du-lieu/truy-van/da-luu/<int:query_id>/xoa/", delete, name="query-delete"),
]
