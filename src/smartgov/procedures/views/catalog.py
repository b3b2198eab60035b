"""Pages of the public services: the catalog (search that also matches text typed without diacritics), a
procedure, and following a dossier by its code."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from smartgov.platform.errors import NotFound
from smartgov.platform.throttle import TooManyTries
from smartgov.procedures.models import Dossier, Procedure, Sector
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
    """Following a dossier. The receipt's QR code opens ``?ma=<code>``: its signed-in applicant goes straight to the
    dossier; anyone else gets the form with the code filled in and no error — a lookup (and a counted try) happens
    only when the form is sent, which always carries ``xac-minh``."""
    code = request.GET.get("ma", "").strip()[:40]
    secret = request.GET.get("xac-minh", "").strip()[:20]
    sent = "xac-minh" in request.GET
    if code and not sent and request.user.is_authenticated:
        own = Dossier.objects.filter(code=code.upper(), applicant=request.user).values_list("pk", flat=True).first()
        if own is not None:
            return redirect("procedures:my-dossier", pk=own)
    dossier, error, status, retry_after = None, "", 200, None
    if sent and not (code and secret):
        error, status = _("Type the dossier code and the phone number or personal identification number."), 400
    elif sent:
        try:
            dossier = dossier_track(request=request, code=code, secret=secret)
        except (NotFound, TooManyTries) as exc:
            error, status, retry_after = exc.message, exc.status, getattr(exc, "retry_after", None)
    context = {"dossier": dossier, "error": error, "code": code, "sent": sent}
    response = render(request, "procedures/lookup.html", context, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response
