"""The platform's own calls through the gateway (services/client.py): in process through the gateway's Python
interface, or to a remote gateway through the outbound client; and nothing in a web worker ships the journal."""

import io
import threading

import pytest

from smartgov.exchange import services as ex
from smartgov.exchange.gateway import Gateway, GatewayRequest
from smartgov.exchange.models import MessageRecord
from smartgov.exchange.registry import registry_forget
from smartgov.exchange.services.client import ExchangeUnavailable, GatewayClient, exchange_call
from smartgov.exchange.services.messagelog import log_ingest

pytestmark = pytest.mark.django_db(transaction=True)
MAI = "/citizens/031195001234"
SERVICE = "VN-HP/GOV/000.00.00.G01/CSDLQGDC/citizens"


def _shippers() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "exchange-log-shipper"]


def test_the_platform_calls_the_gateway_in_process_through_handle(exchange, exchange_one_stop, monkeypatch):
    """No WSGI environ is forged: the gateway's WSGI entry is out of order and the call still goes through, with
    the same checks (the one-stop shop has no right yet) and the same message log."""

    def no_wsgi(self, environ, start_response):
        raise AssertionError("the in-process client must not go through the WSGI application")

    monkeypatch.setattr(Gateway, "__call__", no_wsgi)
    refused = GatewayClient().call(service=SERVICE, path=MAI, user_id="motcua.thanhdong")
    assert (refused.status, refused.error) == (403, "Server.ServerProxy.AccessDenied")
    ex.access_grant(actor=None, service=exchange.service, subsystem=exchange_one_stop)
    registry_forget()
    answer = exchange_call(service=SERVICE, path=MAI, user_id="motcua.thanhdong")
    assert answer.status == 200 and answer.json()["full_name"] == "Nguyễn Thị Mai" and not answer.error
    assert len(answer.headers["X-Road-Request-Id"]) == 36
    missing = exchange_call(service=SERVICE, path="/citizens/000000000000")
    assert missing.status == 404 and not missing.error
    assert _shippers() == []  # the in-process gateway only journals
    assert MessageRecord.objects.count() == 0
    assert log_ingest() == 3
    record = MessageRecord.objects.get(status=200)
    assert record.client == "VN-HP/GOV/000.00.00.H31/MOTCUA" and record.user_id == "motcua.thanhdong"


def test_handle_answers_a_request_and_refuses_what_is_not_the_gateways(exchange):
    gateway = Gateway()
    headers = {"x-road-client": exchange.civil_id, "X-SMARTGOV-API-KEY": exchange.key}  # names in any case
    answer = gateway.handle(GatewayRequest(method="GET", path=f"/r1/{SERVICE}{MAI}", headers=headers))
    assert answer.status == 200 and answer.json()["personal_id"] == "031195001234"
    assert answer.header("x-road-client") == exchange.civil_id and answer.header("X-Road-Request-Hash")
    too_big = gateway.handle(
        GatewayRequest(method="POST", path=f"/r1/{SERVICE}{MAI}", headers=headers, body=b"x" * (10 * 1024 * 1024 + 1))
    )
    assert (too_big.status, too_big.error) == (413, "Client.RequestTooLarge")
    elsewhere = gateway.handle(GatewayRequest(method="GET", path="/dich-vu-cong/"))
    assert (elsewhere.status, elsewhere.error) == (404, "Client.InvalidRequest")


def test_a_gateway_behind_the_front_door_never_starts_a_shipper(exchange, settings):
    """A web worker serves the gateway's addresses through the front door; its journal waits for the Celery beat
    job (``exchange.ship_message_log``) or ``smartgov exchange ingest``: no thread of its own."""
    from smartgov.exchange.tasks import ship_message_log
    from smartgov.platform.frontdoor import FrontDoor

    def django_app(environ, start_response):
        start_response("200 OK", [])
        return [b"django"]

    door = FrontDoor(django_app)
    seen: list[str] = []
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": f"/r1/{SERVICE}{MAI}", "wsgi.input": io.BytesIO(b"")}
    b"".join(door(environ, lambda status, headers, exc_info=None: seen.append(status)))
    assert seen[0].startswith("400")  # no X-Road-Client: refused, journalled
    assert _shippers() == []
    assert MessageRecord.objects.count() == 0
    assert ship_message_log() == 1
    assert MessageRecord.objects.get().error == "Client.InvalidClientIdentifier"


def test_the_platform_calls_a_remote_gateway_through_the_outbound_client(exchange, settings):
    """``exchange_call`` with SMARTGOV_EXCHANGE_URL set: HTTPS to the gateway through the outbound client, which
    checks the gateway's certificate against the configured CA and its address against the allow-list."""
    from smartgov.exchange.services.client import exchange_call
    from smartgov.platform.pki import ca_file

    settings.SMARTGOV_EXCHANGE_URL = exchange.base
    settings.SMARTGOV_EXCHANGE_API_KEY = exchange.key
    settings.SMARTGOV_EXCHANGE_CLIENT = exchange.civil_id
    settings.SMARTGOV_OUTBOUND_ALLOW = ["127.0.0.1"]
    service = "VN-HP/GOV/000.00.00.G01/CSDLQGDC/citizens"
    with pytest.raises(ExchangeUnavailable):  # the system's CAs do not know the platform's
        exchange_call(service=service, path=MAI, user_id="motcua.thanhdong")
    settings.SMARTGOV_OUTBOUND_CA_BUNDLE = str(ca_file())
    answer = exchange_call(service=service, path=MAI, user_id="motcua.thanhdong")
    assert answer.status == 200 and answer.json()["full_name"] == "Nguyễn Thị Mai"
    assert answer.headers["X-Road-Client"] == exchange.civil_id and not answer.error
    refused = exchange_call(service=service, path="/citizens/000000000000")
    assert refused.status == 404
    settings.SMARTGOV_OUTBOUND_ALLOW = []
    with pytest.raises(ExchangeUnavailable, match="AddressRefused"):
        exchange_call(service=service, path=MAI)
