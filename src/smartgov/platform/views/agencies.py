"""The agencies directory."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from smartgov.platform.models import Agency
from smartgov.platform.selectors.org import agency_get, agency_list


def agencies(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    if kind not in Agency.Kind.values:
        kind = ""
    page = Paginator(agency_list(query=query, kind=kind), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "platform/agencies/list.html",
        {"page": page, "query": query, "kind": kind, "kinds": Agency.Kind.choices},
    )


def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = agency_get(code=code)
    if agency is None:
        raise Http404
    children = agency_list(active_only=True).filter(parent=agency)
    return render(request, "platform/agencies/detail.html", {"agency": agency, "children": children})


urlpatterns: list[URLPattern] = [
    path("co-quan/", agencies, name="agencies"),
    path("co-quan/<str:code>/", agency_detail, name="agency"),
]
