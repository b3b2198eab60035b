"""The catalog's pages: finding tables, a shared database, a table (its description, lineage, last runs and
declared schema), and the public progress page (counts only, per department, drawn as inline SVG)."""

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, register_converter, reverse
from django.utils.translation import gettext as _

from smartgov.platform.charts import StackedBarChart, stacked_bar_chart
from smartgov.platform.models import Agency
from smartgov.warehouse.models import Table
from smartgov.warehouse.selectors import (
    Progress,
    catalog_search,
    database_detail,
    databases_list,
    progress_figures,
    table_detail,
    table_runs,
)
from smartgov.warehouse.selectors.catalog import DEPARTMENT_KINDS


class CodeConverter:
    """A code usable in SQL (``models.code_validator``): never a hyphenated page slug."""

    regex = "[a-z][a-z0-9_]{0,62}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CodeConverter, "whcode")

#: The colours of the progress charts (contrast ≥ 3:1 against white for graphics, WCAG 1.4.11).
PUBLISHED, COLLECTING, PLANNED = "#0b6b3a", "#b35c00", "#5b6472"


def catalog(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    department = request.GET.get("co-quan", "")
    classification = request.GET.get("phan-loai", "")
    status = request.GET.get("trang-thai", "")
    found = catalog_search(
        request.user,
        query,
        department=department,
        classification=classification if classification in Table.Classification.values else "",
        status=status if status in Table.Status.values else "",
    )
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    owners = Agency.objects.filter(warehouse_tables__isnull=False).distinct().order_by("name")
    return render(
        request,
        "warehouse/catalog.html",
        {
            "page": page,
            "query": query,
            "department": department,
            "classification": classification,
            "status": status,
            "owners": owners,
            "classifications": Table.Classification.choices,
            "statuses": Table.Status.choices,
        },
    )


def databases(request: HttpRequest) -> HttpResponse:
    return render(request, "warehouse/databases.html", {"databases": databases_list(request.user)})


def database(request: HttpRequest, code: str) -> HttpResponse:
    found, tables = database_detail(request.user, code)
    return render(request, "warehouse/database.html", {"database": found, "tables": tables})


def table(request: HttpRequest, database: str, code: str) -> HttpResponse:
    found, access = table_detail(request.user, database, code)
    runs = [(run, reverse("warehouse:run", kwargs={"run": run.uuid})) for run in table_runs(found)]
    columns = list(found.columns.all())
    return render(
        request,
        "warehouse/table.html",
        {
            "table": found,
            "access": access,
            "columns": columns,
            "personal_columns": sum(1 for c in columns if c.personal),
            "grants": list(found.grants.all()) if access.steward else [],
            "runs": runs,
        },
    )


def _charts(figures: Progress) -> list[StackedBarChart]:
    series = [(_("Published"), PUBLISHED), (_("Being collected"), COLLECTING), (_("Planned"), PLANNED)]
    owners = [d for d in figures.departments if d.tables]
    return [
        stacked_bar_chart(
            _("Tables per department"),
            series,
            [(d.short_name, [d.published, d.collecting, d.planned]) for d in owners],
            caption=_("Tables per department, by status"),
        ),
    ]


def progress(request: HttpRequest) -> HttpResponse:
    figures = progress_figures()
    context: dict[str, Any] = {
        "figures": figures,
        "charts": _charts(figures),
        "classifications": [
            (label, figures.by_classification.get(value, 0)) for value, label in Table.Classification.choices
        ],
        "statuses": [(label, figures.by_status.get(value, 0)) for value, label in Table.Status.choices],
        "department_kinds": [Agency.Kind(kind).label for kind in DEPARTMENT_KINDS],
    }
    return render(request, "warehouse/progress.html", context)


urlpatterns: list[URLPattern] = [
    path("kho-du-lieu/tien-do/", progress, name="progress"),
    path("can-bo/kho-du-lieu/", catalog, name="catalog"),
    path("can-bo/kho-du-lieu/co-so-du-lieu/", databases, name="databases"),
    path("can-bo/kho-du-lieu/co-so-du-lieu/<whcode:code>/", database, name="database"),
    path("can-bo/kho-du-lieu/bang/<whcode:database>/<whcode:code>/", table, name="table"),
]
