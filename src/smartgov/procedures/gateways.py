"""Payment gateways behind one interface.

A gateway turns a pending :class:`~smartgov.procedures.models.Payment` into something the payer acts on (a
page to go to, or a QR code to scan in a banking app) and turns the notice it later sends back into a
verified :class:`Notice` — or refuses it. What to do with a notice (once, whatever the number of repeats) is
the payment service's business (``services/payments.py``), the same for every gateway.

- :class:`RedirectGateway`: the way the national payment platform and the card/e-wallet gateways work — the
  payer is sent to the gateway with a signed request and comes back with a signed result, and the gateway
  notifies the platform server to server (IPN). Both are HMAC-SHA256 over the sorted parameters.
- :class:`SandboxGateway`: a redirect gateway whose "bank" is a page of this platform, for the demo and the
  tests; it signs exactly as a real one does.
- :class:`VietQRGateway`: a bank transfer to the agency's account from a VietQR code (the NAPAS/EMVCo
  merchant-presented payload, built by ``vietnam-qr-pay``); the bank's transaction notice (a signed JSON
  webhook) confirms it, matched by the payment reference in the transfer's description.
"""

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Protocol
from urllib.parse import quote, urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from vietnam_qr_pay import QRPay

from smartgov.platform.errors import DomainError, NotFound
from smartgov.procedures.models import Payment

#: A gateway's answer code for success (the convention of Vietnamese gateways).
SUCCESS = "00"


class NoticeForged(Exception):
    """A notice whose signature does not verify (or that lacks one): it changes nothing."""


@dataclass(frozen=True)
class Checkout:
    """What the payer does next: go to ``redirect_url``, or scan ``qr_payload`` and transfer."""

    gateway: str
    redirect_url: str = ""
    qr_payload: str = ""
    bank_name: str = ""
    account_number: str = ""
    account_name: str = ""
    description: str = ""


@dataclass(frozen=True)
class Notice:
    """A verified notice from a gateway: the payment ``reference`` it is about and what happened."""

    reference: str
    transaction_no: str
    amount_vnd: int
    success: bool
    paid_at: datetime


class Gateway(Protocol):
    code: str
    label: str

    def checkout(self, payment: Payment, *, return_url: str) -> Checkout: ...

    def verify(self, params: Mapping[str, str]) -> Notice: ...


def _sign(secret: str, params: Mapping[str, str]) -> str:
    """HMAC-SHA256 of the parameters sorted by name, URL-encoded, joined with ``&`` (the signature excluded)."""
    canonical = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in sorted(params.items()) if k != "signature")
    return hmac.new(secret.encode(), canonical.encode(), hashlib.sha256).hexdigest()


def signed(secret: str, params: Mapping[str, str]) -> dict[str, str]:
    return {**params, "signature": _sign(secret, params)}


def signature_valid(secret: str, params: Mapping[str, str]) -> bool:
    given = params.get("signature", "")
    return bool(given) and hmac.compare_digest(given, _sign(secret, params))


def _amount(value: str) -> int:
    if not re.fullmatch(r"\d{1,15}", value or ""):
        raise NoticeForged("the amount is not a whole number of đồng")
    return int(value)


def _moment(value: str) -> datetime:
    try:
        moment = datetime.strptime(value, "%Y%m%d%H%M%S")  # noqa: DTZ007 - gateways send local time
    except (TypeError, ValueError) as exc:
        raise NoticeForged("bad payment time") from exc
    return timezone.make_aware(moment)


class RedirectGateway:
    """A gateway the payer is redirected to, answering with signed parameters (return URL and IPN)."""

    def __init__(self, *, code: str, label: str, url: str, merchant: str, secret: str) -> None:
        if not secret:
            raise ValueError(f"payment gateway {code}: no secret configured")
        self.code, self.label, self.url, self.merchant, self.secret = code, label, url, merchant, secret

    def checkout(self, payment: Payment, *, return_url: str) -> Checkout:
        params = signed(
            self.secret,
            {
                "merchant": self.merchant,
                "reference": payment.reference,
                "amount": str(payment.amount_vnd),
                "currency": "VND",
                "order_info": f"Thanh toan phi ho so {payment.dossier.code}",
                "return_url": return_url,
                "created": timezone.localtime().strftime("%Y%m%d%H%M%S"),
            },
        )
        return Checkout(gateway=self.code, redirect_url=f"{self.url}?{urlencode(params)}")

    def verify(self, params: Mapping[str, str]) -> Notice:
        if not signature_valid(self.secret, params):
            raise NoticeForged("signature")
        if params.get("merchant") != self.merchant:
            raise NoticeForged("another merchant's notice")
        return Notice(
            reference=params.get("reference", ""),
            transaction_no=params.get("transaction_no", ""),
            amount_vnd=_amount(params.get("amount", "")),
            success=params.get("response_code") == SUCCESS,
            paid_at=_moment(params.get("pay_date", "")),
        )


class SandboxGateway(RedirectGateway):
    """The demo's gateway: the "bank" is this platform's own sandbox page (never enabled in production)."""

    def __init__(self, *, secret: str) -> None:
        super().__init__(
            code="sandbox",
            label=str(gettext_lazy("Payment sandbox (demo)")),
            url=reverse("procedures:payment-sandbox"),
            merchant="SMARTGOV-SANDBOX",
            secret=secret,
        )

    def answer(self, *, reference: str, amount: str, paid: bool) -> dict[str, str]:
        """What the sandbox "bank" sends back once the payer decided — the notice (IPN) and the return — signed
        exactly as a real gateway signs it."""
        return signed(
            self.secret,
            {
                "merchant": self.merchant,
                "reference": reference,
                "amount": amount,
                "transaction_no": f"SBX{secrets.randbelow(10**10):010d}",
                "response_code": SUCCESS if paid else "24",
                "pay_date": timezone.localtime().strftime("%Y%m%d%H%M%S"),
            },
        )


class VietQRGateway:
    """Bank transfer from a VietQR code to the agency's (treasury) account, confirmed by the bank's notice."""

    code = "vietqr"

    def __init__(self, *, bank_bin: str, bank_name: str, account_number: str, account_name: str, secret: str) -> None:
        if not secret:
            raise ValueError("payment gateway vietqr: no notice secret configured")
        self.bank_bin, self.bank_name = bank_bin, bank_name
        self.account_number, self.account_name, self.secret = account_number, account_name, secret
        self.label = str(gettext_lazy("Bank transfer by VietQR"))

    def checkout(self, payment: Payment, *, return_url: str) -> Checkout:
        description = f"SMARTGOV {payment.reference}"
        payload = QRPay.init_viet_qr(
            bank_bin=self.bank_bin,
            bank_number=self.account_number,
            amount=str(payment.amount_vnd),
            purpose=description,
        ).build()
        return Checkout(
            gateway=self.code,
            qr_payload=payload,
            bank_name=self.bank_name,
            account_number=self.account_number,
            account_name=self.account_name,
            description=description,
        )

    def verify(self, params: Mapping[str, str]) -> Notice:
        """``params``: the bank's JSON notice with its ``signature`` (HMAC-SHA256 of the rest)."""
        if not signature_valid(self.secret, params):
            raise NoticeForged("signature")
        if params.get("account_number") != self.account_number:
            raise NoticeForged("a transfer to another account")
        found = re.search(r"SMARTGOV\s*(P[0-9A-Z]{10})", params.get("description", "").upper())
        return Notice(
            reference=found.group(1) if found else "",
            transaction_no=params.get("transaction_no", ""),
            amount_vnd=_amount(params.get("amount", "")),
            success=True,  # a bank notice reports money that arrived
            paid_at=_moment(params.get("paid_at", "")),
        )


@cache
def _gateways() -> dict[str, Gateway]:
    found: dict[str, Gateway] = {}
    if settings.SMARTGOV_PAYMENT_SANDBOX:
        found["sandbox"] = SandboxGateway(secret=settings.SMARTGOV_PAYMENT_SANDBOX_SECRET)
    for config in settings.SMARTGOV_PAYMENT_GATEWAYS:
        config = dict(config)
        kind = config.pop("kind", "redirect")
        if kind == "vietqr":
            found["vietqr"] = VietQRGateway(**config)
        else:
            gateway = RedirectGateway(**config)
            found[gateway.code] = gateway
    return found


def gateways_available() -> list[Gateway]:
    return list(_gateways().values())


def gateway_get(code: str) -> Gateway:
    gateway = _gateways().get(code)
    if gateway is None:
        raise NotFound(_("No such payment method."))
    return gateway


def return_url(request: HttpRequest, code: str) -> str:
    """Where a redirect gateway sends the payer back to (absolute: the gateway is another site)."""
    return request.build_absolute_uri(reverse("procedures:payment-return", args=[code or "-"]))


def gateway_choice(code: str) -> Gateway:
    """The gateway a payer chose (a clear 400 when it is not one offered here)."""
    if code not in _gateways():
        raise DomainError(_("Choose one of the payment methods offered."))
    return _gateways()[code]
