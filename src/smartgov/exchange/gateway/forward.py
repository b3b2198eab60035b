"""The gateway's call to a provider, through the platform's outbound client."""

import logging

from django.conf import settings

from smartgov.exchange.domain.errors import Refusal
from smartgov.exchange.gateway.wire import headers_back
from smartgov.platform import outbound

logger = logging.getLogger(__name__)


def provider_call(
    method: str, url: str, headers: dict[str, str], body: bytes, timeout: float
) -> tuple[int, list[tuple[str, str]], bytes]:
    """One call to the provider through the platform's outbound client: no redirect followed, time and size
    limited, no retry (the client decides), bodies passed through as they are, and only to a public address or
    one in ``SMARTGOV_EXCHANGE_PROVIDER_ALLOW`` (the registry names the addresses)."""
    limit = settings.SMARTGOV_EXCHANGE_MAX_BODY
    try:
        answer = outbound.request(
            method, url, headers=headers, body=body, timeout=timeout, connect_timeout=min(timeout, 5.0),
            max_bytes=limit, allow=settings.SMARTGOV_EXCHANGE_PROVIDER_ALLOW, retries=0, decode=False,
        )  # fmt: skip
    except outbound.TooLarge as exc:
        raise Refusal(
            502,
            "Server.ServerProxy.ServiceFailed.ResponseTooLarge",
            f"The provider's answer is larger than {limit} bytes",
        ) from exc
    except outbound.TimedOut as exc:
        raise Refusal(504, "Server.ServerProxy.ServiceFailed.Timeout", "The provider did not answer in time") from exc
    except outbound.AddressRefused as exc:
        logger.warning("provider address refused: %s", exc)
        raise Refusal(
            502, "Server.ServerProxy.ServiceFailed.NetworkError", "The provider's address is not allowed"
        ) from exc
    except outbound.OutboundError as exc:
        raise Refusal(502, "Server.ServerProxy.ServiceFailed.NetworkError", "The provider cannot be reached") from exc
    return answer.status, headers_back(answer.headers), answer.body
