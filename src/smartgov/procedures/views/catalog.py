"""Pages of the public services: the catalog (search that also matches text typed without diacritics), a
procedure, and following a dossier by its code."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from smartgov.platform.errors import NotFound
from smartgov.platform.throttle import TooManyTries
from smartgov.procedures.models import Procedure, Sector
from smartgov.procedures.selectors import procedure_by_code, procedures_search
from smartgov.procedures.services.tracking import dossier_track


def catalog(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
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
    dossier, error, status, retry_after = None, "", 200, None
    if code or secret:
        try:
            dossier = dossier_track(request=request, code=code, secret=secret)
        except (NotFound, TooManyTries) as exc:
            error, status, retry_after = exc.message, exc.status, getattr(exc, "retry_after", None)
    context = {"dossier": dossier, "error": error, "code": code}
    response = render(request, "procedures/lookup.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response
