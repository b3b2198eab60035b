from collections.abc import Callable, Iterable
from typing import Any

MOUNTS = {"/bang-tin-tho": "smartgov.tests.noticeboard.frontdoor:plain_board"}


def plain_board(django_app: Callable[..., Any]) -> Callable[..., Iterable[bytes]]:
    """A WSGI application answering before Django: the board's plain-text address."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
        return ["Bảng tin".encode()]

    return app
