"""The gateway: ``Gateway.handle(GatewayRequest) -> GatewayAnswer`` and the same as a WSGI application
(``app``), the request and answer (``wire``), the call to a provider (``forward``), the metadata services
(``metadata``), the demo's stand-ins (``demo``) and ``smartgov exchange serve`` (``server``)."""

from smartgov.exchange.gateway.app import Gateway
from smartgov.exchange.gateway.demo import DEMO_PROVIDER, DEMO_RECEIVER
from smartgov.exchange.gateway.wire import GatewayAnswer, GatewayRequest

__all__ = ["DEMO_PROVIDER", "DEMO_RECEIVER", "Gateway", "GatewayAnswer", "GatewayRequest"]
