"""How the platform's own modules call another system through the gateway.

``exchange_call(service=..., path=..., user_id=...)`` goes through exactly what an outside client goes through —
authentication (the platform's API key), the access rights of ``SMARTGOV_EXCHANGE_CLIENT``, the rate limit and
the message log — either to the gateway at ``SMARTGOV_EXCHANGE_URL`` (through the platform's outbound client) or,
when that is empty, to the gateway in this process (no HTTP hop on the client side; the provider is still called
over HTTP).
"""

import io
import json
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from smartgov.exchange.gateway import Gateway
from smartgov.platform import outbound


@dataclass
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def error(self) -> str:
        return self.headers.get("X-Road-Error", "")

    def json(self) -> Any:
        return json.loads(self.body or b"null")


class ExchangeUnavailable(Exception):
    """The platform has no credentials for the gateway, or the gateway cannot be reached."""


def _api_key() -> str:
    if settings.SMARTGOV_EXCHANGE_API_KEY:
        return settings.SMARTGOV_EXCHANGE_API_KEY
    path = Path(settings.SMARTGOV_EXCHANGE_KEY_FILE)
    if path.exists():
        return path.read_text().strip()
    raise ExchangeUnavailable("no API key for the data-exchange gateway (SMARTGOV_EXCHANGE_API_KEY)")


@cache
def _local_gateway(journal_dir: str) -> Gateway:
    """One in-process gateway per journal folder (the folder is read once, when the journal opens)."""
    return Gateway()


def exchange_call(*, service: str, path: str, method: str = "GET", user_id: str = "", body: bytes = b"") -> Answer:
    """Call ``path`` of ``service`` (``INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE``) as the platform's client."""
    headers = {
        "X-Road-Client": settings.SMARTGOV_EXCHANGE_CLIENT,
        "X-SmartGov-Api-Key": _api_key(),
        "X-Road-Id": str(uuid.uuid4()),
        "Accept": "application/json",
    }
    if user_id:
        headers["X-Road-UserId"] = user_id
    address = f"/r1/{service}{path}"
    if settings.SMARTGOV_EXCHANGE_URL:
        try:
            answer = outbound.request(
                method, settings.SMARTGOV_EXCHANGE_URL + address, headers=headers, body=body, timeout=30
            )
        except outbound.OutboundError as exc:
            raise ExchangeUnavailable(f"the gateway cannot be reached: {type(exc).__name__}") from exc
        return Answer(answer.status, dict(answer.headers), answer.body)
    parts = urlsplit(address)
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": parts.path.encode().decode("latin-1"),
        "QUERY_STRING": parts.query,
        "CONTENT_LENGTH": str(len(body)) if body else "",
        "wsgi.input": io.BytesIO(body),
        **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()},
    }
    captured: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]]) -> None:
        captured["status"] = int(status.split(" ", 1)[0])
        captured["headers"] = dict(response_headers)

    chunks = _local_gateway(settings.SMARTGOV_EXCHANGE_JOURNAL_DIR)(environ, start_response)
    return Answer(captured["status"], captured["headers"], b"".join(chunks))
