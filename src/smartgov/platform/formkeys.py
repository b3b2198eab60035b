"""One filled form acts once: form keys for every page POST (docs/kernel.md §3, issue 13, finding 12).

Every state-changing form of a page carries a fresh key, ``{% form_key %}`` next to ``{% csrf_token %}``: a random
value signed with a time stamp, so the platform knows it made it and when. :class:`FormKeyMiddleware` claims the key
(per account, or per browser for visitors) in ``FormClaim`` before the view runs, in a transaction of its own:

- the first POST of a key runs the view; a redirect or a page as answer is kept (status and ``Location``), a 4xx or
  5xx answer releases the key, so the person can correct the form and send it again;
- a repeat of a key that was answered gets the same redirect (303), so a double click, a reload or twenty parallel
  posts land on the one dossier the first made; a repeat of a key answered with a page (not kept: it may hold
  personal data) is sent back to the page the form was on;
- a repeat while the first still runs waits for it (``SMARTGOV_FORM_KEY_WAIT`` seconds), then answers 409;
- a page POST without a valid key (a page older than ``SMARTGOV_FORM_KEY_TTL``, a form without the tag, a key made
  up or tampered with) is refused with 400 and asked to reload, unless the URL's rule declares why repeating it does
  no harm (``Access.open(repeatable=...)``: signing in or out, switching the language).

The JSON API (its own rules: a status machine refuses a second submit), the machines' endpoints, the Django admin and
the front door's gateway paths (not Django views) are outside: only URLs whose rule is a page are checked.
"""

import hashlib
import logging
import secrets
import time
from collections.abc import Callable
from datetime import timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import ResolverMatch
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from smartgov.platform.access import Access
from smartgov.platform.contract import contract_exports
from smartgov.platform.models import FormClaim
from smartgov.platform.selectors.forms import form_claim_of
from smartgov.platform.services.forms import form_claim_answer, form_claim_release, form_claim_take

logger = logging.getLogger(__name__)

#: The name of the hidden input that carries the key.
FIELD = "form_key"
_SALT = "smartgov.platform.formkeys"
_MAX_LENGTH = 120
#: Seconds between two looks at a claim whose POST is still running.
POLL = 0.1


def form_key_new() -> str:
    """A fresh key: 128 random bits, time-stamped and signed (``SECRET_KEY``)."""
    return signing.TimestampSigner(salt=_SALT).sign(secrets.token_urlsafe(16))


def form_key_valid(key: str) -> bool:
    """Whether the platform made ``key`` less than ``SMARTGOV_FORM_KEY_TTL`` seconds ago."""
    if not key or len(key) > _MAX_LENGTH:
        return False
    try:
        signing.TimestampSigner(salt=_SALT).unsign(key, max_age=settings.SMARTGOV_FORM_KEY_TTL)
    except signing.BadSignature:  # expired keys too (SignatureExpired)
        return False
    return True


@cache
def _url_rules() -> dict[str, Access]:
    return {name: rule for _config, declared in contract_exports("policies", "URLS") for name, rule in declared.items()}


def page_rule(match: ResolverMatch | None) -> Access | None:
    """The rule of the page a request resolved to, or ``None`` when it is not a page (API, machines, admin)."""
    if match is None or "api" in match.namespaces:  # the JSON API's operations are named api:<operation>
        return None
    rule = _url_rules().get(match.view_name)
    return rule if rule is not None and rule.is_page else None


def _scope(request: HttpRequest) -> str:
    """Whose keys: the signed-in account's, else the browser's (its CSRF secret, which every accepted POST has)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"account:{user.pk}"
    browser = request.META.get("CSRF_COOKIE") or ""
    return "browser:" + hashlib.sha256(browser.encode()).hexdigest()[:64]


def _back(request: HttpRequest, otherwise: str = "/") -> str:
    """Where the form was: the page that sent it when it is on this site, else ``otherwise``."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
        return referer
    return otherwise


def _refusal(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    context = {"title": title, "message": message, "back": _back(request)}
    return render(request, "platform/form_key.html", context, status=status)


def _stale(request: HttpRequest) -> HttpResponse:
    return _refusal(
        request,
        400,
        _("This form is out of date"),
        _("This form is out of date. Reload the page, check what you entered and send it again."),
    )


def _pending(request: HttpRequest) -> HttpResponse:
    return _refusal(
        request,
        409,
        _("This form is being sent"),
        _("This form is being sent… Wait a moment, then open the page again: it was sent only once."),
    )


def _repeat(request: HttpRequest, held: FormClaim) -> HttpResponse:
    """The answer to a repeat of an answered form: the first one's redirect, or (it answered with a page, which is
    not kept) the page the form was on (303)."""
    messages.info(request, _("This form had already been sent: it was not sent a second time."), fail_silently=True)
    response = HttpResponseRedirect(held.location or _back(request, request.get_full_path()))
    response.status_code = 303
    return response


class FormKeyMiddleware:
    """Claims each page POST's form key before its view runs; keeps or releases the claim after (module docstring).

    Placed after the CSRF check and ``PolicyMiddleware``: a POST they refuse claims nothing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        claim: FormClaim | None = getattr(request, "form_claim", None)
        if claim is not None:
            self._settle(claim, response)
        if getattr(request, "form_key_issued", False):
            add_never_cache_headers(response)  # a page with a key is never shared from a cache
        return response

    @staticmethod
    def _settle(claim: FormClaim, response: HttpResponse) -> None:
        """Keep the answer of a POST that acted, release the key of one that failed. The view's work is done and
        answered: a database failure here is logged, not turned into an error page (the claim, left unanswered, is
        taken over after ``SMARTGOV_FORM_KEY_STALE``)."""
        status = response.status_code
        try:
            if status < 400:
                location = response.get("Location", "") if 300 <= status < 400 else ""
                form_claim_answer(claim=claim, status=status, location=location)
            else:
                form_claim_release(claim=claim)
        except DatabaseError:
            logger.exception("the answer of form claim %s was not kept", claim.pk)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.method != "POST":
            return None
        rule = page_rule(request.resolver_match)
        if rule is None:
            return None
        key = request.POST.get(FIELD, "")
        if not key and rule.repeatable:
            return None
        if not form_key_valid(key):
            return _stale(request)
        return self._claim(request, key)

    @staticmethod
    def _claim(request: HttpRequest, key: str) -> HttpResponse | None:
        scope = _scope(request)
        stale_after = timedelta(seconds=settings.SMARTGOV_FORM_KEY_STALE)
        deadline = time.monotonic() + settings.SMARTGOV_FORM_KEY_WAIT
        while True:
            claim = form_claim_take(scope=scope, key=key, path=request.path, stale_after=stale_after)
            if claim is not None:
                request.form_claim = claim  # type: ignore[attr-defined]
                return None
            held = form_claim_of(scope=scope, key=key)
            if held is not None and held.status is not None:
                return _repeat(request, held)
            if time.monotonic() >= deadline:
                return _pending(request)
            if held is not None:  # still running: look again shortly (released meanwhile: claim it at once)
                time.sleep(POLL)
