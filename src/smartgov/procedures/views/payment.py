"""Paying a fee online: the applicant's choice of method, the gateways' return and notice endpoints, the
sandbox "bank" of the demo, the e-receipt and the leaders' reconciliation reports."""

import json
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from smartgov.identity.selectors import User
from smartgov.platform.dates import parse_day
from smartgov.platform.errors import DomainError, Forbidden, NotFound
from smartgov.platform.qr import qr_svg
from smartgov.procedures.documents import payment_receipt_response
from smartgov.procedures.domain.status import Status
from smartgov.procedures.gateways import (
    SandboxGateway,
    VietQRGateway,
    gateway_get,
    gateways_available,
    return_url,
    signature_valid,
    signed,
)
from smartgov.procedures.models import Payment, PaymentCallback
from smartgov.procedures.selectors import dossier_for_applicant, payment_receipt_for, reconciliations_for
from smartgov.procedures.services.payments import payment_notice_receive, payment_start

Outcome = PaymentCallback.Outcome


def _me(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose how to pay; a redirect gateway sends the payer on, a VietQR transfer shows its code here."""
    dossier = dossier_for_applicant(user=_me(request), dossier_id=pk)
    context: dict[str, object] = {"dossier": dossier, "gateways": gateways_available()}
    if request.method == "POST":
        code = request.POST.get("gateway", "")
        try:
            payment, checkout = payment_start(
                payer=_me(request), dossier_id=pk, gateway=code, return_url=return_url(request, code)
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("procedures:my-dossier", pk=pk)
        if checkout.redirect_url:
            return redirect(checkout.redirect_url)
        context |= {
            "payment": payment,
            "checkout": checkout,
            "qr_svg": qr_svg(checkout.qr_payload),
            "sandbox": settings.SMARTGOV_PAYMENT_SANDBOX,
        }
    elif dossier.status != Status.FINANCIAL_OBLIGATION:
        return redirect("procedures:my-dossier", pk=pk)
    return render(request, "procedures/pay.html", context)


def _say(request: HttpRequest, outcome: str) -> None:
    if outcome in (Outcome.APPLIED, Outcome.DUPLICATE):
        messages.success(request, _("The fee is paid. Processing goes on; the e-receipt is on the dossier's page."))
    elif outcome == Outcome.MISMATCH:
        messages.error(request, _("The amount paid does not match the fee. The agency will contact you."))
    elif outcome == Outcome.FAILED:
        messages.error(request, _("The payment did not go through. You can try again."))
    else:
        messages.warning(request, _("This payment was already settled; any money taken twice will be refunded."))


@login_required
def payment_return(request: HttpRequest, gateway: str) -> HttpResponse:
    """The payer's browser back from a redirect gateway, with the gateway's signed result (applied once, like
    the server-to-server notice — whichever arrives first)."""
    result = payment_notice_receive(gateway=gateway, params=request.GET.dict())
    _say(request, result.outcome)
    if result.payment is None or result.payment.payer_id != _me(request).pk:
        raise NotFound(_("No such payment."))
    return redirect("procedures:my-dossier", pk=result.payment.dossier_id)


@csrf_exempt
@require_POST
def payment_notice(request: HttpRequest, gateway: str) -> HttpResponse:
    """The gateway's server-to-server notice (IPN; a bank's webhook for VietQR transfers). Parameters as a form
    or as JSON; the signature in the parameters or in ``X-Signature``. Answers ``{"code": "00"}`` once the
    notice is recorded, whatever it said, so the gateway stops retrying; 403 to a forged one."""
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse({"code": "99", "message": _("The notice is not valid JSON.")}, status=400)
        if not isinstance(body, dict):
            return JsonResponse({"code": "99", "message": _("The notice is not valid JSON.")}, status=400)
        params = {str(k): str(v) for k, v in body.items()}
    else:
        params = request.POST.dict()
    if "signature" not in params and request.headers.get("X-Signature"):
        params["signature"] = request.headers["X-Signature"]
    try:
        result = payment_notice_receive(gateway=gateway, params=params)
    except Forbidden as exc:
        return JsonResponse({"code": "97", "message": exc.message}, status=403)
    except DomainError as exc:
        return JsonResponse({"code": "99", "message": exc.message}, status=exc.status)
    return JsonResponse({"code": "00" if result.payment else "01", "outcome": result.outcome})


# --- The sandbox "bank" (demo and tests only) ---------------------------------------------------------------
def _sandbox() -> SandboxGateway:
    if not settings.SMARTGOV_PAYMENT_SANDBOX:
        raise NotFound(_("The payment sandbox is not enabled here."))
    gateway = gateway_get("sandbox")
    assert isinstance(gateway, SandboxGateway)  # noqa: S101 - the sandbox is one
    return gateway


def payment_sandbox(request: HttpRequest) -> HttpResponse:
    """Plays the gateway's payment page: checks the platform's signed request, then "pays" or "cancels" and
    sends the signed notice and the signed return, exactly as a real gateway does."""
    gateway = _sandbox()
    asked = request.GET.dict() if request.method == "GET" else request.POST.dict()
    asked = {k: v for k, v in asked.items() if k not in ("csrfmiddlewaretoken", "decision")}
    if not signature_valid(gateway.secret, asked) or asked.get("merchant") != gateway.merchant:
        raise Forbidden(_("This payment request is not signed by the platform."))
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        answer = gateway.answer(
            reference=asked.get("reference", ""), amount=asked.get("amount", ""), paid=decision == "pay"
        )
        payment_notice_receive(gateway=gateway.code, params=answer)  # the IPN, in-process for the sandbox
        separator = "&" if "?" in asked["return_url"] else "?"
        return redirect(asked["return_url"] + separator + urlencode(answer))
    return render(request, "procedures/payment_sandbox.html", {"asked": asked, "amount": int(asked["amount"])})


@login_required
@require_POST
def payment_sandbox_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """Plays the bank's notice of a VietQR transfer arriving (demo only), through the notice service."""
    _sandbox()
    dossier = dossier_for_applicant(user=_me(request), dossier_id=pk)
    payment = dossier.payments.filter(gateway="vietqr", state=Payment.State.PENDING).first()
    gateway = gateway_get("vietqr")
    if payment is None or not isinstance(gateway, VietQRGateway):
        raise NotFound(_("No such payment."))
    notice = signed(
        gateway.secret,
        {
            "account_number": gateway.account_number,
            "amount": str(payment.amount_vnd),
            "description": f"SMARTGOV {payment.reference} chuyen tien",
            "transaction_no": f"FT{secrets.randbelow(10**12):012d}",
            "paid_at": timezone.localtime().strftime("%Y%m%d%H%M%S"),
        },
    )
    _say(request, payment_notice_receive(gateway="vietqr", params=notice).outcome)
    return redirect("procedures:my-dossier", pk=pk)


@login_required
def payment_receipt(request: HttpRequest, pk: int, payment_id: int) -> HttpResponse:
    payment = payment_receipt_for(user=_me(request), payment_id=payment_id)
    if payment.dossier_id != pk:
        raise NotFound(_("No such receipt."))
    return payment_receipt_response(payment)


@login_required
def reconciliation(request: HttpRequest) -> HttpResponse:
    reports = reconciliations_for(user=_me(request))
    day = parse_day(request.GET.get("ngay", ""))  # 20/11/2026, or ISO from an old link
    if day is not None:
        reports = reports.filter(day=day)
    return render(request, "procedures/reconciliation.html", {"reports": reports[:30], "day": day})


urlpatterns: list[URLPattern] = [
    path("ho-so-cua-toi/<int:pk>/thanh-toan/", pay, name="pay"),
    path("ho-so-cua-toi/<int:pk>/thanh-toan/thu-nghiem-chuyen-khoan/", payment_sandbox_transfer, name="pay-transfer"),
    path("ho-so-cua-toi/<int:pk>/bien-lai/<int:payment_id>.pdf", payment_receipt, name="payment-receipt"),
    path("thanh-toan/ket-qua/<str:gateway>/", payment_return, name="payment-return"),
    path("thanh-toan/thong-bao/<str:gateway>/", payment_notice, name="payment-notice"),
    path("thanh-toan/thu-nghiem/", payment_sandbox, name="payment-sandbox"),
    path("mot-cua/doi-soat-thanh-toan/", reconciliation, name="reconciliation"),
]
