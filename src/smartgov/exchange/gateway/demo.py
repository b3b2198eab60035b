"""The demo's stand-ins the gateway serves when ``SMARTGOV_EXCHANGE_DEMO_PROVIDER`` is on (never in production):
the national population database (``smartgov.exchange.population``) and the Department of Health's event
subscriber."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings

from smartgov.exchange.domain.errors import Refusal
from smartgov.exchange.gateway.wire import GatewayAnswer, GatewayRequest, StartResponse, header_name
from smartgov.platform.webhooks import webhook_verify

#: Where the demo's stand-in for the national population database is served (population.py).
DEMO_PROVIDER = "/mo-phong/csdl-dan-cu"
#: Where the demo's subscriber (the Department of Health's vaccination system) takes event deliveries.
DEMO_RECEIVER = "/mo-phong/nhan-su-kien"


def demo_provider(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    from smartgov.exchange.population import population_app

    path = environ.get("PATH_INFO", "")
    return population_app({**environ, "PATH_INFO": path.removeprefix(DEMO_PROVIDER)}, start_response)


def demo_receiver(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    """The demo subscriber (the Department of Health's vaccination system): takes an event delivery (POST) whose
    Standard Webhooks signature verifies with the secret of a subscription to this address, as a real subscriber
    would, and refuses anything else."""
    from smartgov.exchange.selectors import subscription_secrets_at

    if environ.get("REQUEST_METHOD") != "POST":
        start_response("405 Method Not Allowed", [("Content-Length", "0")])
        return [b""]
    try:  # the gateway's own limits on the body, whatever the server passed on
        body = GatewayRequest.from_environ(environ).read_body(settings.SMARTGOV_EXCHANGE_MAX_BODY)
    except Refusal as refusal:
        return GatewayAnswer.refusal(refusal, {}).send(start_response)
    headers = {header_name(k): v for k, v in environ.items() if k.startswith("HTTP_")}
    secrets = subscription_secrets_at(DEMO_RECEIVER)
    if not secrets or not webhook_verify(secret=secrets, headers=headers, body=body):
        start_response("401 Unauthorized", [("Content-Length", "0")])
        return [b""]
    start_response("204 No Content", [])
    return [b""]
