"""The front door (platform.frontdoor) gives the gateway its addresses and everything else to Django: a citizen's
request never runs exchange code."""

import io

import pytest

from smartgov.exchange.gateway import Gateway
from smartgov.platform.frontdoor import FrontDoor

pytestmark = pytest.mark.django_db


def _call(app, path: str) -> str:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }
    seen: list[str] = []
    body = app(environ, lambda status, headers, exc_info=None: seen.append(status))
    b"".join(body)
    return seen[0]


@pytest.fixture
def django_app():
    """Stands in for Django: records the paths it is given."""
    seen: list[str] = []

    def app(environ, start_response):
        seen.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"django"]

    app.seen = seen
    return app


def test_gateway_addresses_go_to_the_gateway_and_nothing_else_does(monkeypatch, django_app):
    calls: list[str] = []
    original = Gateway.__call__

    def counted(self, environ, start_response):
        calls.append(environ["PATH_INFO"])
        return original(self, environ, start_response)

    monkeypatch.setattr(Gateway, "__call__", counted)
    door = FrontDoor(django_app)
    for path in ("/", "/dich-vu-cong/", "/listClientsX", "/r1", "/events", "/tai-khoan/"):
        assert _call(door, path).startswith("200")
    assert calls == [] and django_app.seen == ["/", "/dich-vu-cong/", "/listClientsX", "/r1", "/events", "/tai-khoan/"]
    assert _call(door, "/listClients").split()[0] in {"200", "401", "400"}
    assert _call(door, "/r1/VN-HP/GOV/000.00.00.G01/CSDLQGDC/citizens").startswith("400")  # no X-Road-Client
    assert calls == ["/listClients", "/r1/VN-HP/GOV/000.00.00.G01/CSDLQGDC/citizens"]
