"""The web shell: pages, language, health, metrics, logs with request ids, error pages."""

import json
import logging
from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_home_is_vietnamese_by_default_whatever_the_browser_says(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert '<html lang="vi">' in response.text
    assert response["Content-Language"] == "vi"


def test_language_switch_keeps_the_page(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/co-quan/"})
    assert response.status_code == 302
    assert response["Location"] == "/co-quan/"
    page = client.get("/co-quan/")
    assert '<html lang="en">' in page.text
    assert "Agencies" in page.text


def test_liveness_touches_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_health_reports_each_check(client, settings):
    settings.REDIS_URL = ""
    settings.MQTT_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "skipped", "mqtt": "skipped"}}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_health_is_503_when_a_check_fails(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "error"


@pytest.mark.redis
def test_health_checks_real_redis_and_mqtt(client, settings):
    import os

    if not os.environ.get("REDIS_URL") or not os.environ.get("MQTT_URL"):
        pytest.skip("REDIS_URL and MQTT_URL are not set")
    settings.REDIS_URL = os.environ["REDIS_URL"]
    settings.MQTT_URL = os.environ["MQTT_URL"]
    response = client.get("/healthz")
    assert response.json()["checks"] == {"database": "ok", "broker": "ok", "mqtt": "ok"}


def test_metrics_exposition_and_token(client, settings):
    client.get("/healthz/live")
    settings.SMARTGOV_METRICS_TOKEN = ""
    open_metrics = client.get("/metrics")
    assert open_metrics.status_code == 200
    assert b"django_http_requests_total_by_method_total" in open_metrics.content
    settings.SMARTGOV_METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token").status_code == 200


def test_access_log_line_carries_the_request_id(client, caplog):
    with caplog.at_level(logging.INFO, logger="smartgov.access"):
        response = client.get("/healthz/live", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    records = [r for r in caplog.records if r.name == "smartgov.access"]
    assert records and records[-1].request_id == "abc-123"
    assert records[-1].status == 200
    assert records[-1].path == "/healthz/live"


def test_malformed_request_id_is_replaced(client):
    response = client.get("/healthz/live", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline"
    assert len(response["X-Request-ID"]) == 32


def test_json_log_format():
    from pythonjsonlogger.json import JsonFormatter

    from smartgov.platform.logging import RequestIdFilter, request_id_var

    formatter = JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
    record = logging.LogRecord("smartgov.test", logging.INFO, __file__, 1, "xin chào", None, None)
    token = request_id_var.set("req-1")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = json.loads(formatter.format(record))
    assert line["message"] == "xin chào"
    assert line["request_id"] == "req-1"


@override_settings(DEBUG=False)
def test_404_page_is_styled_and_translated(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "site-header" in response.text
    assert "404" in response.text
    client.cookies["smartgov_language"] = "en"
    assert "Page not found" in client.get("/nope/").text


@override_settings(DEBUG=False)
def test_500_page_renders_when_the_database_is_down(client):
    from smartgov.platform.views import shell

    client.raise_request_exception = False
    with (
        mock.patch.object(shell, "_home_figures", side_effect=DatabaseError("down")),
        mock.patch("smartgov.platform.context_processors.locality_get", side_effect=DatabaseError("down")),
    ):
        response = client.get("/")
    assert response.status_code == 500
    assert "site-header" in response.text


def test_home_queries_are_bounded(client, small_units, django_assert_max_num_queries):
    from smartgov.platform.services.org import locality_set

    locality_set(
        actor=None,
        province=small_units["hai_phong"],
        name="Thành phố Hải Phòng",
        name_en="Hai Phong City",
        agency_id_suffix="H31",
        portal_name="Cổng Dịch vụ công thành phố Hải Phòng",
    )
    with django_assert_max_num_queries(5):
        first = client.get("/")
    from smartgov.platform.selectors.units import unit_counts

    assert f"{unit_counts(province_code='31')['ward']} phường" in first.text
    with django_assert_max_num_queries(0):  # locality and figures come from the cache
        client.get("/")
