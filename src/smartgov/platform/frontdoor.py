"""The front door: the site's WSGI entry point, between Django and the WSGI applications apps mount.

An app may answer some addresses with a lean WSGI application of its own instead of Django (the data-exchange
gateway answers ``/r1/…`` that way: no middleware, no session, a journal line per call). It declares them in its
``frontdoor.MOUNTS``: an address → the dotted path (``"package.module:Factory"``) of a factory taking the Django
application (to hand back what it does not answer) and returning the WSGI application. An address ending in ``/``
is a prefix; any other matches itself and what lies below it (``/listClients`` but not ``/listClientsX``).

Everything else goes straight to Django: a citizen's request never passes through another app's code.
"""

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from django.utils.module_loading import import_string

from smartgov.platform.contract import contract_exports

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class FrontDoor:
    def __init__(self, django_app: WSGIApp) -> None:
        self.django_app = django_app
        self.routes = _routes(django_app)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        for address, app in self.routes:
            if path == address or path.startswith(address if address.endswith("/") else address + "/"):
                return app(environ, start_response)
        return self.django_app(environ, start_response)


def _routes(django_app: WSGIApp) -> list[tuple[str, WSGIApp]]:
    """The mounted addresses, longest first; one application per factory, shared by all its addresses."""
    made: dict[str, WSGIApp] = {}
    routes: list[tuple[str, WSGIApp]] = []
    for config, mounts in contract_exports("frontdoor", "MOUNTS"):
        for address, dotted in mounts.items():
            if not address.startswith("/"):
                raise ValueError(f"{config.label}: front-door address {address!r} must start with /")
            if dotted not in made:
                made[dotted] = _factory(dotted)(django_app)
            routes.append((address, made[dotted]))
    return sorted(routes, key=lambda route: len(route[0]), reverse=True)


@cache
def _factory(dotted: str) -> Callable[[WSGIApp], WSGIApp]:
    factory: Callable[[WSGIApp], WSGIApp] = import_string(dotted.replace(":", "."))
    return factory
