"""Pages of the public services: the catalog (search that also matches text typed without diacritics), a
procedure, and following a dossier by its code."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from smartgov.platform import navigation
from smartgov.platform.errors import NotFound
from smartgov.procedures import views_applicant, views_kpi, views_officer, views_payment, views_portal, views_results
from smartgov.procedures.models import Procedure, Sector
from smartgov.procedures.selectors import dossier_public_lookup, procedure_by_code, procedures_search

app_name = "procedures"
navigation.register(navigation.NavItem(_("Public services"), "procedures:catalog", order=15))
navigation.register(navigation.NavItem(_("Track a dossier"), "procedures:lookup", order=16))
navigation.register(navigation.NavItem(_("My dossiers"), "procedures:my-dossiers", order=17))


def catalog(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    sector = request.GET.get("linh-vuc", "")
    level = request.GET.get("cap", "")
    level = level if level in Procedure.Level.values else ""
    found = procedures_search(query=query, sector=sector, level=level)
    page = Paginator(found, 20).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "sector": sector,
        "level": level,
        "sectors": Sector.objects.all(),
        "levels": Procedure.Level.choices,
    }
    return render(request, "procedures/catalog.html", context)


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "procedures/procedure.html", {"procedure": procedure_by_code(code)})


def lookup(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("ma", "").strip()[:40]
    secret = request.GET.get("xac-minh", "").strip()[:20]
    dossier, error = None, ""
    if code or secret:
        try:
            dossier = dossier_public_lookup(code=code, secret=secret)
        except NotFound as exc:
            error = exc.message
    context = {"dossier": dossier, "error": error, "code": code}
    return render(request, "procedures/lookup.html", context, status=404 if error else 200)


urlpatterns: list[URLPattern] = [
    path("dich-vu-cong/", catalog, name="catalog"),
    path("dich-vu-cong/tra-cuu-ho-so/", lookup, name="lookup"),
    path("dich-vu-cong/<str:code>/", procedure_detail, name="procedure"),
    *views_applicant.urlpatterns,
    *views_kpi.urlpatterns,
    *views_officer.urlpatterns,
    *views_payment.urlpatterns,
    *views_results.urlpatterns,
    *views_portal.urlpatterns,
]
