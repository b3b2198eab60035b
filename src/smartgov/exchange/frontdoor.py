"""The addresses the data-exchange gateway answers itself, before Django (docs/kernel.md §7, docs/exchange.md)."""

from smartgov.exchange.gateway import DEMO_PROVIDER, DEMO_RECEIVER

_GATEWAY = "smartgov.exchange.gateway.app:Gateway"

MOUNTS = {
    "/r1/": _GATEWAY,  # X-Road REST calls and the providers' metadata services
    "/listClients": _GATEWAY,
    "/events/": _GATEWAY,  # publishing a cross-agency event
    DEMO_PROVIDER: _GATEWAY,  # the demo's national population database (handed to Django when switched off)
    DEMO_RECEIVER: _GATEWAY,  # the demo's event subscriber (likewise)
}
