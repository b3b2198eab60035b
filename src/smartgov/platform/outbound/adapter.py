"""Libraries built on ``requests`` (Authlib's OAuth client) call out through the outbound client: mount
:class:`OutboundAdapter` on their session, or give them a session class with :class:`OutboundSessionMixin`.

The adapter keeps the outbound client's rules (addresses, limits, proxy from the settings, retries of idempotent
calls, metrics) and speaks ``requests`` to the library: its errors are ``requests`` exceptions, which callers
catch as :data:`RequestsError` without importing ``requests`` themselves. Sessions made with the mixin return 3xx
answers as they are (no redirect followed) and ignore the environment (proxy variables, ``.netrc``).
"""

import email.message
import io
from collections.abc import Mapping
from typing import Any

import requests
from requests.adapters import BaseAdapter
from requests.cookies import extract_cookies_to_jar
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

from smartgov.platform import outbound

#: Headers libcurl writes itself from the call.
_LIBCURL_OWN = frozenset({"content-length", "connection", "transfer-encoding", "host"})
#: What a requests-based library raises when a call fails (through the adapter or for an error status).
RequestsError = requests.RequestException


class ResponseTooLarge(requests.RequestException):
    """The answer is larger than the outbound client's size limit."""


class _Raw(io.BytesIO):
    """The body, with the headers where ``requests`` looks for cookies."""

    def __init__(self, body: bytes, headers: list[tuple[str, str]]) -> None:
        super().__init__(body)
        message = email.message.Message()
        for name, value in headers:
            message[name] = value
        self._original_response = type("Original", (), {"msg": message})()


def _timeouts(timeout: Any) -> tuple[float | None, float | None]:
    """requests' ``timeout`` (seconds, or (connect, read)) as the outbound client's (connect, total)."""
    if timeout is None:
        return None, None
    if isinstance(timeout, tuple):
        connect, read = timeout
        total = None if read is None else (connect or 0) + read
        return connect, total
    return float(timeout), float(timeout)


def _body(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    if hasattr(body, "read"):
        data = body.read()
        return data.encode() if isinstance(data, str) else bytes(data)
    return b"".join(part.encode() if isinstance(part, str) else bytes(part) for part in body)


class OutboundAdapter(BaseAdapter):
    """A ``requests`` transport adapter on :func:`smartgov.platform.outbound.request`."""

    def __init__(self, *, allow: list[str] | None = None) -> None:
        super().__init__()
        self.allow = allow

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: str | tuple[str, str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        connect, total = _timeouts(timeout)
        client_cert = (cert, cert) if isinstance(cert, str) else cert
        try:
            answer = outbound.request(
                request.method or "GET",
                request.url or "",
                headers=[
                    (k, v.decode("latin-1") if isinstance(v, bytes) else v)
                    for k, v in request.headers.items()
                    if k.lower() not in _LIBCURL_OWN
                ],
                body=_body(request.body),
                timeout=total,
                connect_timeout=connect,
                allow=self.allow,
                verify=verify,
                client_cert=client_cert,
            )
        except outbound.TimedOut as exc:
            if exc.connecting:
                raise requests.ConnectTimeout(exc, request=request) from exc
            raise requests.ReadTimeout(exc, request=request) from exc
        except outbound.TooLarge as exc:
            raise ResponseTooLarge(exc, request=request) from exc
        except outbound.OutboundError as exc:
            raise requests.ConnectionError(exc, request=request) from exc
        response = requests.Response()
        response.status_code = answer.status
        response.reason = answer.reason
        response.headers = CaseInsensitiveDict()
        for name, value in answer.headers:
            present = response.headers.get(name)
            response.headers[name] = value if present is None else f"{present}, {value}"
        response.encoding = get_encoding_from_headers(response.headers)
        response.raw = _Raw(answer.body, answer.headers)
        response._content = answer.body
        response.url = request.url or ""
        response.request = request
        response.connection = self  # type: ignore[assignment]  # typed as requests' own adapter
        extract_cookies_to_jar(response.cookies, request, response.raw)
        return response

    def close(self) -> None:
        """Nothing to close: the connections belong to the outbound client's per-thread handles."""


class OutboundSessionMixin:
    """Put before ``requests.Session`` (or a subclass such as Authlib's ``OAuth2Session``) in a session class."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        session: requests.Session = self  # type: ignore[assignment]
        session.trust_env = False
        adapter = OutboundAdapter()
        session.mount("http://", adapter)
        session.mount("https://", adapter)

    def get_redirect_target(self, response: requests.Response) -> str | None:
        return None  # a 3xx answer is the answer: no redirect is followed


class OutboundSession(OutboundSessionMixin, requests.Session):
    """A ``requests.Session`` that calls out through the outbound client."""
