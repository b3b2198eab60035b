"""The site's JSON API at /api/v1/: one NinjaAPI, every installed app's router, RFC 7807 errors.

Each app's ``api`` package exports ``router``; it is mounted at ``/api/v1<api_prefix>`` (by default the app's label),
in ``INSTALLED_APPS`` order (docs/kernel.md §1). Each operation's access rule is ``api:<its URL name>`` in its app's
``policies.URLS``; the rule names the access-token scopes the operation needs. The site tells the authentication
which operation runs (``platform.access.API_OPERATION``), so an access token is checked against that operation's scopes
(``identity.authz.AccessTokenAuth``), and publishes the scopes in the OpenAPI document."""

import json
import math
import sys
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.operation import Operation
from ninja.parser import Parser

from smartgov.platform.access import API_OPERATION, Access
from smartgov.platform.contract import contract_exports
from smartgov.platform.errors import DomainError

#: The OpenAPI security scheme of access tokens (the class name of ``identity.authz.AccessTokenAuth``).
TOKEN_SCHEME = "AccessTokenAuth"  # noqa: S105 - a scheme name, not a secret


def api_rules() -> dict[str, Access]:
    """The access rule of every API operation, by URL name (``api:<name>``), from the apps' ``policies.URLS``."""
    return {name: rule for _config, urls in contract_exports("policies", "URLS") for name, rule in urls.items()
            if name.startswith("api:")}  # fmt: skip


#: Every error the API's shared mechanisms answer with (the handlers below), by status: what it means.
ERRORS: dict[int, str] = {
    400: "The request cannot be done as sent (a rule of the domain, or a body that is not JSON)",
    401: "No valid credentials: sign in, or send a valid access token",
    403: "The credentials do not allow this (role, agency, or the token's scope)",
    404: "Not found, or not visible to the caller",
    409: "The object is not in a state that allows this",
    413: "The request body is over the limit",
    415: "A file is not of a type the operation accepts, whatever its name says",
    422: "A parameter or field is not valid (`errors` says which)",
    429: "Too many tries; `Retry-After` says when to try again",
    502: "Another system the operation needs did not answer",
}
_WRITES = {"post", "put", "patch", "delete"}
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 7807 problem details; `title` is in the caller's language.",
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "code": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "array", "items": {"type": "string"}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
}


def _errors_of(method: str, operation: dict[str, Any]) -> list[int]:
    """The error statuses an operation may answer: any rule of the domain (400, 403, 404, 409, 429, 502), an
    invalid parameter (422); 401 where credentials are needed; 413 where there is a body; 415 where it carries files
    (platform.files inspects them)."""
    statuses = [400, 403, 404, 409, 422, 429, 502]
    if operation.get("security"):
        statuses.append(401)
    if method in _WRITES or "requestBody" in operation:
        statuses.append(413)
    if "multipart/form-data" in operation.get("requestBody", {}).get("content", {}):
        statuses.append(415)
    return sorted(statuses)


def problems_document(schema: dict[str, Any]) -> None:
    """Declare, on every operation of ``schema``, the problem-details answers the handlers below give."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    problem_ref = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for methods in schema.get("paths", {}).values():
        for method, operation in methods.items():
            responses = operation.setdefault("responses", {})
            for status in _errors_of(method, operation):  # keyed as ninja keys its own answers (int)
                if status not in responses and str(status) not in responses:
                    responses[status] = {"description": ERRORS[status], "content": problem_ref}


class SiteAPI(NinjaAPI):
    def operations(self) -> Iterator[tuple[str, Operation]]:
        """Every operation the site serves, with its URL name (``api:<name>``)."""
        for bound in self._get_bound_routers():
            for path_view in bound.path_operations.values():
                for operation in path_view.operations:
                    yield self.operation_name(operation), operation

    def operation_name(self, operation: Operation) -> str:
        name = getattr(operation, "url_name", None) or self.get_operation_url_name(operation, router=None)  # type: ignore[arg-type]
        return f"{self.urls_namespace}:{name}"

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """ninja's document, with the errors every operation may answer (RFC 7807 problem details) and the scopes
        each operation needs on its access-token security requirement."""
        schema = super().get_openapi_schema(**kwargs)
        problems_document(schema)
        rules = api_rules()
        scopes = {
            self.get_openapi_operation_id(op): rules[name].scopes for name, op in self.operations() if name in rules
        }
        for methods in schema.get("paths", {}).values():
            for operation in methods.values():
                for requirement in operation.get("security", []):
                    if TOKEN_SCHEME in requirement:
                        requirement[TOKEN_SCHEME] = sorted(scopes.get(operation.get("operationId"), ()))
        scheme = schema.get("components", {}).get("securitySchemes", {}).get(TOKEN_SCHEME)
        if scheme is not None:
            scheme["description"] = (
                "An access token from SmartGov's OpenID Connect provider (/o/.well-known/openid-configuration). "
                "Each operation lists the scopes the token must hold; a token without them gets 403."
            )
        return schema

    def get_openapi_operation_id(self, operation: Operation) -> str:
        """ninja's ``<module>_<function>``, unless the app's ``api`` package sets ``OPERATION_ID_PREFIX``: then
        ``<prefix>_<function>`` whichever of its modules holds the route (an API that grew from one module into a
        package keeps its operation ids, which generated clients are named after)."""
        module = operation.view_func.__module__
        head, found, _rest = module.partition(".api.")
        prefix = getattr(sys.modules.get(f"{head}.api"), "OPERATION_ID_PREFIX", None) if found else None
        if prefix is None:
            return super().get_openapi_operation_id(operation)
        return f"{prefix}_{operation.view_func.__name__}"


def _not_finite(token: str) -> float:
    raise ValueError(f"{token} is not a JSON number")


class FiniteJSONParser(Parser):
    """JSON as RFC 8259 defines it: ``NaN``, ``Infinity`` and numbers beyond a float's range (``1e999``) are
    refused (ninja answers 400 "Cannot parse request body") instead of reaching a model and the database, and so
    are strings with a NUL byte, which PostgreSQL cannot store (the query and path are NulByteMiddleware's)."""

    def parse_body(self, request: HttpRequest) -> Any:
        def finite(text: str) -> float:
            value = float(text)
            return value if math.isfinite(value) else _not_finite(text)

        return _without_nul(json.loads(request.body, parse_constant=_not_finite, parse_float=finite))

    def parse_querydict(self, data: Any, list_fields: list[str], request: HttpRequest) -> dict[str, Any]:
        """Form fields of a multipart body (files aside) with a NUL byte are refused (422), as the query's are."""
        parsed = super().parse_querydict(data, list_fields, request)
        for key, value in parsed.items():
            if any(isinstance(v, str) and "\x00" in v for v in (value if isinstance(value, list) else [value])):
                raise ValidationError([{"loc": ["form", key], "msg": _("A NUL byte is not allowed."), "type": "nul"}])
        return parsed


def _without_nul(value: Any) -> Any:
    """``value`` unchanged, or ValueError when a string in it holds a NUL byte (PostgreSQL cannot store one)."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("a NUL byte in a string")
    if isinstance(value, dict):
        for key, item in value.items():
            _without_nul(key)
            _without_nul(item)
    elif isinstance(value, list):
        for item in value:
            _without_nul(item)
    return value


def _operation_named(run: Callable[..., Any]) -> Callable[..., Any]:
    """Wraps each operation's ``run`` (ninja's "view" decorators) to name the operation on the request before its
    authentication runs."""
    operation = run.__self__  # type: ignore[attr-defined]  # the bound method of the operation being bound

    @wraps(run)
    def named(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        setattr(request, API_OPERATION, api.operation_name(operation))
        return run(request, *args, **kwargs)

    return named


api = SiteAPI(
    title="SmartGov API",
    version="1",
    description="JSON API of the SmartGov digital-government platform. Errors follow RFC 7807 (problem details).",
    urls_namespace="api",
    parser=FiniteJSONParser(),
)


def problem(request: HttpRequest, *, status: int, title: str, detail: str = "", **extra: Any) -> HttpResponse:
    """An RFC 7807 problem-details response."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body["instance"] = request.path
    body.update(extra)
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    extra: dict[str, Any] = {}
    if fields := getattr(exc, "fields", None):  # a form's errors, one message per field (path → message)
        extra["fields"] = fields
    if errors := getattr(exc, "errors", None):  # the same with their paths (``loc``), as a 422 of the schema
        extra["errors"] = errors
    response = problem(request, status=exc.status, title=exc.message, code=exc.code, **extra)
    if retry_after := getattr(exc, "retry_after", None):  # platform.throttle.TooManyTries
        response["Retry-After"] = str(retry_after)
    return response


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"loc": [str(part) for part in err.get("loc", [])], "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors
    ]
    return problem(request, status=422, title=_("The request is not valid."), code="validation", errors=errors)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, status=exc.status_code, title=str(exc.message))


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE (Django raises when the body is read)."""
    return problem(request, status=413, title=_("The request is too large."), code="too_large")


@api.exception_handler(AuthenticationError)
def _authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(request, status=401, title=_("Please sign in."), code="unauthenticated")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, status=404, title=_("Not found."), code="not_found")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(request, status=403, title=_("You do not have access to this."), code="forbidden")


api.add_decorator(_operation_named, mode="view")
for _config, _router in contract_exports("api", "router"):
    api.add_router(_config.api_mount, _router)
