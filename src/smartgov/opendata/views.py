"""The open data portal's file downloads: a resource's uploaded file, always as an attachment (never shown inline,
so an uploaded HTML or SVG file cannot run as a page of the site), for those who may see its dataset. The DCAT-AP
catalogue and records (docs/opendata.md, "DCAT-AP"): public, read-only, cached a few minutes, counted per address."""

import re
from typing import Any
from uuid import UUID

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from smartgov.identity.authz import token_principal
from smartgov.opendata import dcat, selectors
from smartgov.opendata.ckan.views import request_token
from smartgov.opendata.selectors.catalog import catalog_dataset, catalog_page
from smartgov.platform.errors import NotFound
from smartgov.platform.net import client_address
from smartgov.platform.throttle import Limit, tries_exhausted, try_failed

#: Datasets per page of the DCAT-AP catalogue, and the largest page number asked before it is refused unread.
DCAT_PAGE_SIZE = 100
DCAT_PAGE_MAX = 100_000
#: Seconds a browser or a proxy may keep a DCAT-AP answer.
DCAT_MAX_AGE = 300


def resource_download(request: HttpRequest, dataset: UUID, resource: UUID, filename: str) -> FileResponse:
    """The uploaded file of a resource (a visitor, or the caller of an API token for a private dataset)."""
    token = request_token(request)
    principal: Any = token_principal(token) if token else None
    try:
        found = selectors.resource_for_read(principal, str(resource))
    except NotFound:
        raise Http404 from None
    if found.dataset.uuid != dataset or not found.upload or found.upload.name.rsplit("/", 1)[-1] != filename:
        raise Http404
    response = FileResponse(found.upload.open("rb"), as_attachment=True, filename=filename)
    response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    if token:
        add_never_cache_headers(response)  # a private dataset's file, fetched with a token
    return response


def _text(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _dcat_throttled(request: HttpRequest) -> HttpResponse | None:
    """Every request counts against its address (``OPENDATA_API_RATE`` a minute, as the Action API); 429 past it."""
    rate = Limit("opendata-dcat", tries=settings.OPENDATA_API_RATE, seconds=60)
    address = client_address(request) or "unknown"
    if tries_exhausted([(rate, address)]):
        response = _text(_("Too many requests: try again in a minute."), 429)
        response["Retry-After"] = str(rate.seconds)
        return response
    try_failed([(rate, address)])
    return None


def _rdf(body: bytes, extension: str) -> HttpResponse:
    response = HttpResponse(body, content_type=dcat.SERIALISATIONS[extension][1])
    patch_cache_control(response, public=True, max_age=DCAT_MAX_AGE)
    return response


@require_safe
def dcat_catalog(request: HttpRequest, extension: str) -> HttpResponse:
    """A page of the DCAT-AP catalogue (``?page=N``, from 1) as Turtle, RDF/XML or JSON-LD."""
    refused = _dcat_throttled(request)
    if refused is not None:
        return refused
    given = request.GET.get("page", "1")
    if not re.fullmatch(r"[0-9]{1,6}", given) or not 1 <= int(given) <= DCAT_PAGE_MAX:
        return _text(_("The page number must be a whole number from 1 to %(max)d.") % {"max": DCAT_PAGE_MAX}, 400)
    try:
        page = catalog_page(number=int(given), size=DCAT_PAGE_SIZE)
    except NotFound as exc:
        return _text(exc.message, 404)
    return _rdf(dcat.serialise(dcat.catalog_graph(page, extension), extension), extension)


@require_safe
def dcat_dataset(request: HttpRequest, name: str, extension: str) -> HttpResponse:
    """One public dataset's DCAT-AP record as Turtle, RDF/XML or JSON-LD; 404 for any other."""
    refused = _dcat_throttled(request)
    if refused is not None:
        return refused
    try:
        dataset = catalog_dataset(name)
    except NotFound:
        return _text(_("No public dataset has this name."), 404)
    return _rdf(dcat.serialise(dcat.dataset_graph(dataset), extension), extension)
