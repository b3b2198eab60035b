"""How the platform's own modules call another system through the gateway (docs/kernel.md §7).

``GatewayClient().call(service=..., path=..., user_id=...)`` goes through exactly what an outside client goes
through — authentication (the platform's API key), the access rights of ``SMARTGOV_EXCHANGE_CLIENT``, the rate
limit and the message log — either to the gateway at ``SMARTGOV_EXCHANGE_URL`` (through the platform's outbound
client) or, when that is empty, to the gateway in this process through its Python interface,
``Gateway.handle(GatewayRequest) -> GatewayAnswer`` (no HTTP hop and no WSGI environ on the client side; the
provider is still called over HTTP). The in-process gateway only journals: the Celery beat job
``exchange.ship_message_log`` takes its journal into the message log.

``exchange_call(...)`` is the same call in one function.
"""

import json
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from smartgov.exchange.gateway import Gateway, GatewayAnswer, GatewayRequest
from smartgov.platform import outbound


@dataclass
class Answer:
    """What the gateway answered the platform: status, headers (one value per name), body."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def error(self) -> str:
        """The gateway's X-Road error code ("" when the provider answered)."""
        return self.headers.get("X-Road-Error", "")

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    @classmethod
    def of(cls, answer: GatewayAnswer) -> "Answer":
        return cls(answer.status, dict(answer.headers), answer.body)


class ExchangeUnavailable(Exception):
    """The platform has no credentials for the gateway, or the gateway cannot be reached."""


def _api_key() -> str:
    if settings.SMARTGOV_EXCHANGE_API_KEY:
        return str(settings.SMARTGOV_EXCHANGE_API_KEY)
    path = Path(settings.SMARTGOV_EXCHANGE_KEY_FILE)
    if path.exists():
        return path.read_text().strip()
    raise ExchangeUnavailable("no API key for the data-exchange gateway (SMARTGOV_EXCHANGE_API_KEY)")


_local: dict[str, Gateway] = {}
_local_lock = threading.Lock()


def _local_gateway() -> Gateway:
    """One in-process gateway per journal folder (the folder is read once, when the journal opens)."""
    folder = str(settings.SMARTGOV_EXCHANGE_JOURNAL_DIR)
    with _local_lock:
        if folder not in _local:
            _local[folder] = Gateway()
        return _local[folder]


class GatewayClient:
    """The platform's client of the gateway, calling as ``SMARTGOV_EXCHANGE_CLIENT`` with its API key."""

    def __init__(self, *, url: str | None = None, client: str | None = None, api_key: str | None = None) -> None:
        self.url = settings.SMARTGOV_EXCHANGE_URL if url is None else url.rstrip("/")
        self.client = client or settings.SMARTGOV_EXCHANGE_CLIENT
        self.api_key = api_key

    def call(self, *, service: str, path: str, method: str = "GET", user_id: str = "", body: bytes = b"") -> Answer:
        """Call ``path`` of ``service`` (``INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE``)."""
        headers = {
            "X-Road-Client": self.client,
            "X-SmartGov-Api-Key": self.api_key or _api_key(),
            "X-Road-Id": str(uuid.uuid4()),
            "Accept": "application/json",
        }
        if user_id:
            headers["X-Road-UserId"] = user_id
        address = f"/r1/{service}{path}"
        if self.url:
            try:
                answer = outbound.request(method, self.url + address, headers=headers, body=body, timeout=30)
            except outbound.OutboundError as exc:
                raise ExchangeUnavailable(f"the gateway cannot be reached: {type(exc).__name__}") from exc
            return Answer(answer.status, dict(answer.headers), answer.body)
        parts = urlsplit(address)
        request = GatewayRequest(method=method, path=parts.path, query=parts.query, headers=headers, body=body)
        return Answer.of(_local_gateway().handle(request))


def exchange_call(*, service: str, path: str, method: str = "GET", user_id: str = "", body: bytes = b"") -> Answer:
    """``GatewayClient().call(...)``: call ``path`` of ``service`` as the platform's client."""
    return GatewayClient().call(service=service, path=path, method=method, user_id=user_id, body=body)
