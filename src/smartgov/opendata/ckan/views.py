"""The CKAN Action API's one entry point (docs/opendata.md, "The Action API"): ``/api/3/action/<name>`` and
``/api/action/<name>``, with or without a trailing slash, never a redirect.

It reads the caller's token (``Authorization``, with or without ``Bearer``, or ``X-CKAN-API-Key``), the parameters
(a GET's query string for read actions; a POST's JSON object, form or multipart upload for every action), runs the
action and answers CKAN's envelope: ``{"help", "success": true, "result"}``, or ``{"help", "success": false,
"error": {"__type", "message" | field: [messages]}}`` with 400 (bad request), 403 (Authorization Error), 404 (Not
Found Error), 409 (Validation Error) or 429 (too many requests). Every request counts against the caller's address
(``platform.throttle``), wrong tokens against a smaller limit."""

import json
import logging
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from smartgov.identity.authz import token_principal
from smartgov.opendata.ckan.actions import ACTIONS, Context
from smartgov.opendata.domain.validation import Invalid
from smartgov.platform.errors import DomainError, NotFound
from smartgov.platform.net import client_address
from smartgov.platform.throttle import Limit, TooManyTries, tries_exhausted, try_failed

logger = logging.getLogger(__name__)


class BadRequest(Exception):
    """The request itself is unusable (not JSON, too large, a write by GET): 400 "Bad Request"."""


def _limits() -> tuple[Limit, Limit]:
    return (
        Limit("opendata-api", tries=settings.OPENDATA_API_RATE, seconds=60),
        Limit("opendata-token", tries=settings.OPENDATA_TOKEN_TRIES, seconds=3600),
    )


def request_token(request: HttpRequest) -> str:
    given = request.headers.get("X-CKAN-API-Key") or request.headers.get("Authorization") or ""
    given = given.strip()
    if given[:7].lower() == "bearer ":
        given = given[7:].strip()
    return given


def _parameters(request: HttpRequest, read: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """The action's data dict and uploaded files."""
    if request.method == "GET":
        if not read:
            raise BadRequest(_("This action changes data: send it as a POST."))
        return {key: request.GET.get(key) for key in request.GET}, {}
    content_type = request.content_type or ""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if content_type.startswith("multipart/") or content_type == "application/x-www-form-urlencoded":
        limit = settings.OPENDATA_UPLOAD_MAX_BYTES + settings.OPENDATA_BODY_MAX_BYTES
        if not length.isdigit() or int(length) > limit:  # refused before a byte of the file is stored
            raise BadRequest(_("The request body is larger than %(n)d bytes.") % {"n": limit})
        data = {key: request.POST.get(key) for key in request.POST}
        if not _storable(data):
            raise BadRequest(_("JSON Error: text must be valid UTF-8 without NUL characters."))
        return data, {key: request.FILES[key] for key in request.FILES}
    if not length.isdigit() or int(length) > settings.OPENDATA_BODY_MAX_BYTES:
        raise BadRequest(_("The request body is larger than %(n)d bytes.") % {"n": settings.OPENDATA_BODY_MAX_BYTES})
    body = request.body
    if not body.strip():
        return {}, {}
    try:
        data = json.loads(body, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise BadRequest(_("JSON Error: %(error)s") % {"error": str(exc)[:200]}) from None
    if not isinstance(data, dict):
        raise BadRequest(_("JSON Error: the body must be a JSON object."))
    if not _storable(data):
        raise BadRequest(_("JSON Error: text must be valid UTF-8 without NUL characters."))
    return data, {}


def _storable(data: Any) -> bool:
    """Whether every key and text in ``data`` can be stored and compared by the database: valid UTF-8 (JSON's
    ``\\ud800`` escapes make lone surrogates) and no NUL, which PostgreSQL refuses."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            if "\x00" in item:
                return False
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
    return True


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _answer(request: HttpRequest, name: str, status: int, body: dict[str, Any]) -> JsonResponse:
    help_url = request.build_absolute_uri("/api/3/action/help_show") + "?" + urlencode({"name": name})
    return JsonResponse({"help": help_url, **body}, status=status, json_dumps_params={"ensure_ascii": False})


def _error(
    request: HttpRequest,
    name: str,
    status: int,
    kind: str,
    message: str | None = None,
    fields: dict[str, Any] | None = None,
) -> JsonResponse:
    error: dict[str, Any] = {"__type": kind}
    if message is not None:
        error["message"] = message
    error.update(fields or {})
    return _answer(request, name, status, {"success": False, "error": error})


@csrf_exempt
def action_view(request: HttpRequest, action_name: str) -> JsonResponse:
    """Run one action of the CKAN Action API (the URL names which)."""
    registered = ACTIONS.get(action_name)
    name = action_name[:100]
    address = client_address(request) or "unknown"
    rate, wrong_tokens = _limits()
    try:
        if tries_exhausted([(rate, address)]):
            raise TooManyTries(_("Too many requests: try again in a minute."), retry_after=rate.seconds)
        try_failed([(rate, address)])  # counts every request
        if registered is None:
            raise BadRequest(_("Action name not known: %(name)s") % {"name": name})
        if request.method not in ("GET", "POST"):
            response = _error(request, name, 405, "Bad Request", _("Use GET or POST."))
            response["Allow"] = "GET, POST" if registered.read else "POST"
            return response
        data, files = _parameters(request, registered.read)
        principal = None
        token = request_token(request)
        if token:
            if tries_exhausted([(wrong_tokens, address)]):
                raise TooManyTries(_("Too many wrong tokens: try again later."), retry_after=wrong_tokens.seconds)
            principal = token_principal(token)
            if principal is None:
                try_failed([(wrong_tokens, address)])
                raise PermissionDenied(_("The API token is not valid or has expired."))
        if principal is None and not registered.read:
            raise PermissionDenied(_("This action needs an API token of a publisher."))
        base = request.build_absolute_uri("/").rstrip("/")
        result = registered.function(Context(principal=principal, base=base, files=files), data)
        response = _answer(request, name, 200, {"success": True, "result": result})
    except BadRequest as exc:
        response = _error(request, name, 400, "Bad Request", f"{_('Bad request')} - {exc}")
    except (RequestDataTooBig, TooManyFieldsSent, MultiPartParserError, UnicodeDecodeError) as exc:
        response = _error(request, name, 400, "Bad Request", f"{_('Bad request')} - {str(exc)[:200]}")
    except Invalid as exc:
        response = _error(request, name, 409, "Validation Error", fields=exc.fields)
    except NotFound as exc:
        response = _error(request, name, 404, "Not Found Error", exc.message)
    except TooManyTries as exc:
        response = _error(request, name, 429, "Too Many Requests", exc.message)
        response["Retry-After"] = str(exc.retry_after)
    except PermissionDenied as exc:
        message = str(exc) or _("You are not allowed to do this.")
        response = _error(request, name, 403, "Authorization Error", f"{_('Access denied')}: {message}")
    except DomainError as exc:
        if exc.status == 403:
            response = _error(request, name, 403, "Authorization Error", f"{_('Access denied')}: {exc.message}")
        else:
            response = _error(request, name, 409, "Validation Error", exc.message)
    if token_given(request):
        add_never_cache_headers(response)
    return response


def token_given(request: HttpRequest) -> bool:
    return bool(request.headers.get("X-CKAN-API-Key") or request.headers.get("Authorization"))
