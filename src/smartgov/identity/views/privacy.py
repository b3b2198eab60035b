"""The person's consents and "my data" (a copy, correction and deletion requests); the data stewards' queue."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from smartgov.identity.domain.privacy import PURPOSES
from smartgov.identity.forms import DataRequestAnswerForm, DataRequestForm
from smartgov.identity.models import DataRequest
from smartgov.identity.selectors.privacy import (
    consent_state,
    data_request_for_staff,
    data_requests_for_staff,
    data_requests_of,
    my_data_export,
    personal_data_accesses_of,
)
from smartgov.identity.services.privacy import (
    consent_decide,
    data_request_cancel,
    data_request_resolve,
    data_request_submit,
    personal_data_view_record,
)
from smartgov.identity.views.common import signed_in_user, status_of
from smartgov.platform.errors import DomainError


@login_required
def consents(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if request.method == "POST":
        try:
            consent_decide(
                request=request,
                actor=user,
                purpose=request.POST.get("purpose", ""),
                give=request.POST.get("give") == "1",
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("identity:consents")
        messages.success(request, _("Your choice is recorded."))
        return redirect("identity:consents")
    state = consent_state(user=user)
    rows = [{"purpose": purpose, "record": state[code]} for code, purpose in PURPOSES.items()]
    return render(request, "identity/consents.html", {"rows": rows})


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = DataRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            data_request_submit(
                request=request,
                actor=user,
                kind=data["kind"],
                reason=data.get("reason") or "",
                proposed={k: data.get(k) or "" for k in ("full_name", "email", "phone")},
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your request is sent. A data steward answers within 72 hours."))
            return redirect("identity:my-data")
    context = {
        "form": form,
        "requests": data_requests_of(user=user),
        "accesses": personal_data_accesses_of(user=user),
    }
    return render(request, "identity/my_data.html", context, status=status_of(form))


@login_required
def my_data_download(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    body = json.dumps(my_data_export(user=user), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="smartgov-du-lieu-ca-nhan-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def data_request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        data_request_cancel(actor=signed_in_user(request), request_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("identity:my-data")


# --- The data stewards' queue ---------------------------------------------------------------------------------
@login_required
def data_requests_queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or DataRequest.Status.OPEN
    rows = data_requests_for_staff(user=request, status=status)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(
        request, "identity/data_requests.html", {"page": page, "status": status, "statuses": DataRequest.Status.choices}
    )


@login_required
def data_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = signed_in_user(request)
    data_request = data_request_for_staff(user=request, request_id=pk)
    form = DataRequestAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data_request_resolve(
                request=request,
                actor=actor,
                request_id=pk,
                accept=form.cleaned_data["decision"] == "accept",
                answer=form.cleaned_data.get("answer") or "",
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The request is answered."))
            return redirect("identity:data-requests")
    if data_request.user is not None:
        personal_data_view_record(request=request, subject=data_request.user, place="data request", reason=f"#{pk}")
    return render(
        request, "identity/data_request_detail.html", {"item": data_request, "form": form}, status=status_of(form)
    )
