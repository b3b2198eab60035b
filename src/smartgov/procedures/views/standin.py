"""The pages and endpoints of the National Public Service Portal's stand-in (``procedures/standin.py``): where a
demo citizen submits a dossier "on the national portal", the feed the city's intake reads through the gateway, and
the receiver of the status synchronisation — with a page showing every status the city reported."""

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from smartgov.platform.errors import DomainError
from smartgov.platform.models import Agency
from smartgov.procedures.domain.fees import fee_for
from smartgov.procedures.models import Procedure
from smartgov.procedures.standin import (
    standin_dossiers,
    standin_feed,
    standin_on,
    standin_status_receive,
    standin_submit,
)

#: What the page offers to fill in: a birth registration (the demo's most used procedure).
EXAMPLE_FORM = {
    "ho_ten_tre": "Phạm Gia Hân",
    "ngay_sinh": "2026-11-02",
    "gioi_tinh": "Nữ",
    "noi_sinh": "Bệnh viện Phụ sản Hải Phòng",
    "ho_ten_me": "Vũ Thị Lan",
    "quan_he": "Mẹ",
    "so_ban": 1,
}
MAX_FILES = 10


def _submit(request: HttpRequest) -> str:
    """The citizen's submission on the stand-in; returns its national code (a DomainError says what is wrong)."""
    procedure = Procedure.objects.filter(code=request.POST.get("procedure", ""), active=True).first()
    if procedure is None:
        raise DomainError(_("Choose a procedure."))
    try:
        form = json.loads(request.POST.get("form", "") or "{}")
    except ValueError as exc:
        raise DomainError(_("The form data is not valid JSON.")) from exc
    if not isinstance(form, dict):
        raise DomainError(_("The form data is not valid JSON."))
    files = request.FILES.getlist("documents")
    if len(files) > MAX_FILES:
        raise DomainError(_("Attach at most %(n)d files.") % {"n": MAX_FILES})
    components = [c["code"] for c in procedure.components]
    documents = [(components[n % len(components)], f.name or "", f.read()) for n, f in enumerate(files) if components]
    fee = fee_for(fee_vnd=procedure.fee_vnd, schedule=procedure.fee_schedule, form_data=form)
    row = standin_submit(
        procedure_code=procedure.code,
        agency_code=request.POST.get("agency", ""),
        applicant={
            "personal_id": request.POST.get("personal_id", "").strip(),
            "full_name": request.POST.get("full_name", "").strip(),
            "phone": request.POST.get("phone", "").strip(),
        },
        form=form,
        documents=documents,
        paid_vnd=fee if fee and request.POST.get("pay") else None,
    )
    return row.national_code


def portal_page(request: HttpRequest) -> HttpResponse:
    standin_on()
    if request.method == "POST":
        try:
            code = _submit(request)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Dossier %(code)s submitted on the national portal.") % {"code": code})
            return redirect("procedures:portal-standin")
    context = {
        "rows": standin_dossiers(),
        "procedures": Procedure.objects.filter(active=True).order_by("code").only("code", "name"),
        "agencies": Agency.objects.filter(is_active=True, kind=Agency.Kind.COMMUNE_COMMITTEE).order_by("name")[:300],
        "example": json.dumps(EXAMPLE_FORM, ensure_ascii=False, indent=1),
        "posted": request.POST if request.method == "POST" else {},
    }
    return render(request, "procedures/portal_standin.html", context)


@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    """The feed the intake reads through the gateway: ``?after=<cursor>&limit=<n>``."""
    standin_on()
    try:
        limit = int(request.GET.get("limit", "20"))
        page = standin_feed(after=request.GET.get("after", ""), limit=limit)
    except ValueError:
        return JsonResponse({"title": _("The limit is not a number.")}, status=400)
    except DomainError as exc:
        return JsonResponse({"title": exc.message}, status=400)
    return JsonResponse(page, json_dumps_params={"ensure_ascii": False})


@csrf_exempt
@require_POST
def status(request: HttpRequest) -> HttpResponse:
    """The status synchronisation's pushes (Standard Webhooks signature checked)."""
    standin_on()
    try:
        kept = standin_status_receive(headers=request.headers, body=request.body)
    except DomainError as exc:
        return JsonResponse({"title": exc.message}, status=400)
    return HttpResponse(status=202 if kept else 401)


urlpatterns: list[URLPattern] = [
    path("mo-phong/cong-dvc-quoc-gia/", portal_page, name="portal-standin"),
    path("mo-phong/cong-dvc-quoc-gia/api/ho-so", feed, name="portal-standin-feed"),
    path("mo-phong/cong-dvc-quoc-gia/api/trang-thai", status, name="portal-standin-status"),
]
