"""Administrative-unit pages: the city's units, one unit, and "what is my old ward now?"."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from smartgov.platform.models import AdminUnit
from smartgov.platform.selectors.org import locality_get
from smartgov.platform.selectors.units import (
    unit_children,
    unit_get,
    unit_predecessors,
    unit_search,
    unit_successors,
)

_COMMUNE_KINDS = [
    (k.value, k.label) for k in (AdminUnit.Kind.WARD, AdminUnit.Kind.COMMUNE, AdminUnit.Kind.SPECIAL_ZONE)
]


def units(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    if kind not in dict(_COMMUNE_KINDS):
        kind = ""
    locality = locality_get()
    province = locality.province if locality else None
    found = unit_search(
        query=query,
        generation=AdminUnit.Generation.CURRENT,
        level=AdminUnit.Level.COMMUNE,
        kind=kind or None,
        parent_code=province.code if province else None,
        limit=None,
    )
    page = Paginator(found, 30).get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "kind": kind, "kinds": _COMMUNE_KINDS, "province": province}
    return render(request, "platform/units/list.html", context)


def unit_detail(request: HttpRequest, generation: str, code: str) -> HttpResponse:
    if generation not in AdminUnit.Generation.values:
        raise Http404
    unit = unit_get(generation=generation, code=code)
    if unit is None:
        raise Http404
    context = {"unit": unit, "children": unit_children(unit) if unit.level < AdminUnit.Level.COMMUNE else []}
    if unit.level == AdminUnit.Level.COMMUNE:
        if generation == AdminUnit.Generation.CURRENT:
            context["predecessors"] = unit_predecessors(code=unit.code)
        else:
            context["successors"] = unit_successors(code=unit.code)
    return render(request, "platform/units/detail.html", context)


def units_lookup(request: HttpRequest) -> HttpResponse:
    """A citizen types the old ward or commune (diacritics optional) and sees the new unit(s)."""
    query = request.GET.get("q", "").strip()
    results = []
    if query:
        matches = unit_search(
            query=query, generation=AdminUnit.Generation.LEGACY, level=AdminUnit.Level.COMMUNE, limit=20
        )
        results = [(unit, unit_successors(code=unit.code) or []) for unit in matches]
    return render(request, "platform/units/lookup.html", {"query": query, "results": results})


urlpatterns: list[URLPattern] = [
    path("don-vi-hanh-chinh/", units, name="units"),
    path("don-vi-hanh-chinh/tra-cuu/", units_lookup, name="units-lookup"),
    path("don-vi-hanh-chinh/<str:generation>/<str:code>/", unit_detail, name="unit"),
]
