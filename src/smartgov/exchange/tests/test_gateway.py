"""The gateway end to end over real HTTPS: X-Road headers, access rights per subsystem and endpoint, errors
with X-Road-Error and the right status, limits, no redirects followed, hop-by-hop headers filtered."""

import json
import threading

import pytest
from cheroot import wsgi

from smartgov.exchange import services as ex
from smartgov.exchange.models import Endpoint, MessageRecord
from smartgov.exchange.services.messagelog import log_ingest
from smartgov.exchange.tests.fixtures import plain_server, settle

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_department_reads_a_citizen_through_the_gateway(exchange):
    answer = exchange.http.get(
        f"{exchange.url}/citizens/031195001234",
        headers={
            "X-Road-Client": exchange.civil_id,
            "X-SmartGov-Api-Key": exchange.key,
            "X-Road-UserId": "VN031195001234",
        },
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["full_name"] == "Nguyễn Thị Mai"
    assert answer.headers["X-Road-Client"] == exchange.civil_id
    assert answer.headers["X-Road-Service"] == "VN-HP/GOV/000.00.00.G01/CSDLQGDC/citizens"
    assert len(answer.headers["X-Road-Id"]) == 36 and len(answer.headers["X-Road-Request-Hash"]) == 88  # SHA-512
    assert log_ingest() == 1
    record = MessageRecord.objects.get(record_id=answer.headers["X-Road-Request-Id"])
    assert (record.client, record.status, record.user_id) == (exchange.civil_id, 200, "VN031195001234")
    assert record.path.endswith("/citizens/031195001234") and record.response_size == len(answer.content)
    assert record.provider_ms is not None and record.duration_ms >= record.provider_ms


def _error(answer) -> str:
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.json()["type"] == answer.headers["X-Road-Error"]
    return answer.headers["X-Road-Error"]


def test_refusals_carry_x_road_errors_and_are_logged_too(exchange, settings):
    get = exchange.http.get
    ok = {"X-Road-Client": exchange.civil_id, "X-SmartGov-Api-Key": exchange.key}
    cases = [
        (
            get(f"{exchange.url}/citizens/1", headers={"X-SmartGov-Api-Key": exchange.key}),
            400,
            "Client.InvalidClientIdentifier",
        ),
        (
            get(f"{exchange.url}/citizens/1", headers={**ok, "X-Road-Client": "VN-HP/GOV"}),
            400,
            "Client.InvalidClientIdentifier",
        ),
        (
            get(f"{exchange.url}/citizens/1", headers={"X-Road-Client": exchange.civil_id}),
            401,
            "Server.ClientProxy.AuthenticationFailed",
        ),
        (
            get(f"{exchange.url}/citizens/1", headers={**ok, "X-SmartGov-Api-Key": "sgk_forged"}),
            401,
            "Server.ClientProxy.AuthenticationFailed",
        ),
        (
            get(f"{exchange.url}/citizens/1", headers={**ok, "X-Road-Client": exchange.other_id}),
            403,
            "Server.ClientProxy.ClientIdentifierMismatch",
        ),
        (
            get(
                f"{exchange.url}/citizens/1",
                headers={"X-Road-Client": exchange.other_id, "X-SmartGov-Api-Key": exchange.other_key},
            ),
            403,
            "Server.ServerProxy.AccessDenied",
        ),
        (get(exchange.url.replace("citizens", "taxes") + "/1", headers=ok), 404, "Server.ServerProxy.UnknownService"),
        (get(f"{exchange.base}/r1/VN-HP/GOV", headers=ok), 400, "Client.InvalidRequest"),
    ]
    for answer, status, code in cases:
        assert (answer.status_code, _error(answer)) == (status, code)
    assert get(f"{exchange.url}/citizens/999999999999", headers=ok).status_code == 404  # the provider's own 404
    settings.SMARTGOV_EXCHANGE_MAX_BODY = 100
    big = exchange.http.post(f"{exchange.url}/citizens", headers=ok, data=b"x" * 101)
    assert (big.status_code, _error(big)) == (413, "Client.RequestTooLarge")
    ex.service_enable(actor=None, service=exchange.service, enabled=False)
    settle()
    off = get(f"{exchange.url}/citizens/031195001234", headers=ok)
    assert (off.status_code, _error(off)) == (503, "Server.ServerProxy.ServiceDisabled")
    assert log_ingest() == len(cases) + 3
    refused = MessageRecord.objects.exclude(error="")
    assert refused.count() == len(cases) + 2
    assert refused.filter(error="Server.ServerProxy.AccessDenied", client=exchange.other_id).count() == 1


def test_rights_per_endpoint_and_per_group(exchange):
    inspect = ex.subsystem_register(actor=None, member=exchange.other.member, code="KIEMTRA")
    _row, key = ex.api_key_issue(actor=None, subsystem=inspect)
    endpoint = Endpoint.objects.get(service=exchange.service, path="/citizens/{personal_id}", method="GET")
    ex.access_grant(actor=None, service=exchange.service, subsystem=inspect, endpoint=endpoint)
    group = ex.group_add(actor=None, code="thanh-tra", description="Thanh tra", subsystems=[exchange.other])
    settle()
    headers = {"X-Road-Client": "VN-HP/GOV/000.00.04.H31/KIEMTRA", "X-SmartGov-Api-Key": key}
    assert exchange.http.get(f"{exchange.url}/citizens/031195001234", headers=headers).status_code == 200
    assert exchange.http.post(f"{exchange.url}/citizens/031195001234", headers=headers).status_code == 403
    assert exchange.http.get(f"{exchange.url}/citizens", headers=headers).status_code == 403
    other = {"X-Road-Client": exchange.other_id, "X-SmartGov-Api-Key": exchange.other_key}
    assert exchange.http.get(f"{exchange.url}/citizens/031195001234", headers=other).status_code == 403
    ex.access_grant(actor=None, service=exchange.service, group=group)
    settle()
    assert exchange.http.get(f"{exchange.url}/citizens/031195001234", headers=other).status_code == 200


def _provider(handler):
    server, port = plain_server(handler)
    return server, f"http://127.0.0.1:{port}"


def test_redirects_are_not_followed_and_hop_by_hop_headers_do_not_pass(exchange):
    seen = {}

    def app(environ, start_response):
        seen.update({k: v for k, v in environ.items() if k.startswith("HTTP_")})
        if environ["PATH_INFO"] == "/moved":
            start_response("302 Found", [("Location", "http://127.0.0.1:1/elsewhere"), ("Content-Length", "0")])
            return [b""]
        body = json.dumps({"path": environ["PATH_INFO"], "query": environ["QUERY_STRING"]}).encode()
        start_response(
            "200 OK",
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
                ("Keep-Alive", "timeout=5"),
                ("X-Provider", "yes"),
            ],
        )
        return [body]

    server, url = _provider(app)
    ex.service_register(
        actor=None, provider=exchange.population, code="echo", title="Echo", url=url, endpoints=[("*", "/**")]
    )
    ex.access_grant(actor=None, service=exchange.service.provider.services.get(code="echo"), subsystem=exchange.civil)
    settle()
    headers = {
        "X-Road-Client": exchange.civil_id,
        "X-SmartGov-Api-Key": exchange.key,
        "Proxy-Authorization": "secret",
        "TE": "trailers",
        "X-Custom": "kept",
    }
    base = exchange.url.replace("citizens", "echo")
    answer = exchange.http.get(f"{base}/a/b?x=1&y=đ", headers=headers)
    assert answer.json() == {"path": "/a/b", "query": "x=1&y=%C4%91"}
    assert "HTTP_PROXY_AUTHORIZATION" not in seen and "HTTP_TE" not in seen and "HTTP_X_SMARTGOV_API_KEY" not in seen
    assert seen["HTTP_X_CUSTOM"] == "kept" and seen["HTTP_X_ROAD_CLIENT"] == exchange.civil_id
    assert "Keep-Alive" not in answer.headers and answer.headers["X-Provider"] == "yes"
    vietnamese = exchange.http.get(f"{base}/đơn vị/Hải Phòng", headers=headers)  # sent percent-encoded
    assert vietnamese.json()["path"] == "/đơn vị/Hải Phòng".encode().decode("latin-1")  # WSGI's way to hand it
    moved = exchange.http.get(f"{base}/moved", headers=headers, allow_redirects=False)
    assert moved.status_code == 302 and moved.headers["Location"] == "http://127.0.0.1:1/elsewhere"
    server.stop()


def test_provider_down_slow_or_too_big(exchange, settings):
    slow_release = threading.Event()

    def slow(environ, start_response):
        slow_release.wait(5)
        start_response("200 OK", [("Content-Length", "2")])
        return [b"ok"]

    def big(environ, start_response):
        start_response("200 OK", [("Content-Length", "5000")])
        return [b"y" * 5000]

    slow_server, slow_url = _provider(slow)
    big_server, big_url = _provider(big)
    for code, url, timeout in (("slow", slow_url, 300), ("big", big_url, 5000), ("gone", "http://127.0.0.1:9", 2000)):
        service = ex.service_register(
            actor=None,
            provider=exchange.population,
            code=code,
            title=code,
            url=url,
            endpoints=[("GET", "/**")],
            timeout_ms=timeout,
        )
        ex.access_grant(actor=None, service=service, subsystem=exchange.civil)
    settle()
    settings.SMARTGOV_EXCHANGE_MAX_BODY = 4000
    headers = {"X-Road-Client": exchange.civil_id, "X-SmartGov-Api-Key": exchange.key}
    base = exchange.url.rsplit("/", 1)[0]
    timed_out = exchange.http.get(f"{base}/slow/x", headers=headers)
    slow_release.set()
    assert (timed_out.status_code, _error(timed_out)) == (504, "Server.ServerProxy.ServiceFailed.Timeout")
    too_big = exchange.http.get(f"{base}/big/x", headers=headers)
    assert (too_big.status_code, _error(too_big)) == (502, "Server.ServerProxy.ServiceFailed.ResponseTooLarge")
    gone = exchange.http.get(f"{base}/gone/x", headers=headers)
    assert (gone.status_code, _error(gone)) == (502, "Server.ServerProxy.ServiceFailed.NetworkError")
    slow_server.stop()
    big_server.stop()


def test_providers_are_called_only_at_addresses_the_gateways_allow_list_permits(exchange, settings):
    """The provider's address comes from the registry: loopback, link-local and the like are refused unless
    SMARTGOV_EXCHANGE_PROVIDER_ALLOW lists them; the platform's own outbound allow-list does not apply here."""
    headers = {"X-Road-Client": exchange.civil_id, "X-SmartGov-Api-Key": exchange.key}
    settings.SMARTGOV_OUTBOUND_ALLOW = []
    settings.SMARTGOV_EXCHANGE_PROVIDER_ALLOW = ["127.0.0.1"]
    assert exchange.http.get(exchange.url + "/citizens/031195001234", headers=headers).status_code == 200
    settings.SMARTGOV_EXCHANGE_PROVIDER_ALLOW = ["10.0.0.0/8", "192.168.0.0/16"]
    refused = exchange.http.get(exchange.url + "/citizens/031195001234", headers=headers)
    assert (refused.status_code, _error(refused)) == (502, "Server.ServerProxy.ServiceFailed.NetworkError")
    assert "not allowed" in refused.json()["message"]
    log_ingest()
    assert list(MessageRecord.objects.order_by("id").values_list("status", flat=True)) == [200, 502]


def test_rate_limit_per_client(exchange, settings):
    settings.SMARTGOV_EXCHANGE_RATE_LIMIT = 3
    headers = {"X-Road-Client": exchange.civil_id, "X-SmartGov-Api-Key": exchange.key}
    codes = [exchange.http.get(f"{exchange.url}/citizens/031195001234", headers=headers).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    again = exchange.http.get(f"{exchange.url}/citizens/031195001234", headers=headers)
    assert _error(again) == "Server.ClientProxy.RateLimitExceeded"


def test_no_gateway_address_goes_to_the_platform(exchange):
    fallback_called = []

    def fallback(environ, start_response):
        fallback_called.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Length", "2")])
        return [b"ok"]

    from smartgov.exchange.gateway import Gateway

    server, port = plain_server(Gateway(fallback))
    import requests

    assert requests.get(f"http://127.0.0.1:{port}/thu-tuc/", timeout=5).text == "ok"
    assert fallback_called == ["/thu-tuc/"]
    server.stop()
    assert isinstance(server, wsgi.Server)


def test_the_platforms_metrics_count_every_gateway_process(exchange, client, settings):
    settings.SMARTGOV_METRICS_TOKEN = ""
    headers = {"X-Road-Client": exchange.civil_id, "X-SmartGov-Api-Key": exchange.key}
    for _ in range(3):
        exchange.http.get(f"{exchange.url}/citizens/031195001234", headers=headers)
    exchange.http.get(f"{exchange.url}/citizens/1", headers={**headers, "X-SmartGov-Api-Key": "sgk_wrong"})
    log_ingest()
    text = client.get("/metrics").content.decode()
    service = "VN-HP/GOV/000.00.00.G01/CSDLQGDC/citizens"
    assert f'smartgov_exchange_calls_5m{{client="{exchange.civil_id}",outcome="ok",service="{service}"}} 3.0' in text
    assert 'outcome="refused"' in text and "smartgov_exchange_log_unsigned 4.0" in text
    assert f'smartgov_exchange_duration_ms_5m{{service="{service}",stat="avg"}}' in text


def test_metrics_from_the_log_also_in_multi_process_mode(exchange, client, settings, monkeypatch, tmp_path):
    settings.SMARTGOV_METRICS_TOKEN = ""
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    headers = {"X-Road-Client": exchange.civil_id, "X-SmartGov-Api-Key": exchange.key}
    exchange.http.get(f"{exchange.url}/citizens/031195001234", headers=headers)
    log_ingest()
    text = client.get("/metrics").content.decode()
    assert text.count("# TYPE smartgov_exchange_calls_5m gauge") == 1 and 'outcome="ok"' in text


def test_the_gateways_own_failure_is_an_x_road_error_and_logged(exchange, monkeypatch):
    import smartgov.exchange.gateway.app as gateway_module

    def broken():
        raise RuntimeError("the registry's database is gone")

    monkeypatch.setattr(gateway_module, "registry", broken)
    headers = {"X-Road-Client": exchange.civil_id, "X-SmartGov-Api-Key": exchange.key}
    answer = exchange.http.get(f"{exchange.url}/citizens/031195001234", headers=headers)
    assert (answer.status_code, _error(answer)) == (500, "Server.ClientProxy.InternalError")
    log_ingest()
    assert MessageRecord.objects.get(record_id=answer.headers["X-Road-Request-Id"]).status == 500
