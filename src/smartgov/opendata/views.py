"""The open data portal's file downloads: a resource's uploaded file, always as an attachment (never shown inline,
so an uploaded HTML or SVG file cannot run as a page of the site), for those who may see its dataset."""

from typing import Any
from uuid import UUID

from django.http import FileResponse, Http404, HttpRequest
from django.utils.cache import add_never_cache_headers

from smartgov.identity.authz import token_principal
from smartgov.opendata import selectors
from smartgov.opendata.ckan.views import request_token
from smartgov.platform.errors import NotFound


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
