"""Publishing through the gateway (POST /events/{topic}), and the demo's subscriber served by the gateway."""

import pytest

from smartgov.exchange.models import EventDelivery, MessageRecord
from smartgov.exchange.services import events
from smartgov.exchange.services.messagelog import log_ingest
from smartgov.exchange.tests.fixtures import settle

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_publisher_publishes_through_the_gateway(exchange, exchange_receiver):
    receiver = exchange_receiver
    topic = events.topic_register(actor=None, code="dan-cu.thay-doi", title="Thay đổi dân cư", publisher=exchange.civil)
    _sub, receiver.secret = events.subscription_add(
        actor=None, topic=topic, subscriber=exchange.other, url=receiver.url
    )
    settle()
    url = f"{exchange.base}/events/dan-cu.thay-doi"
    mine = {"X-Road-Client": exchange.civil_id, "X-SmartGov-Api-Key": exchange.key}
    answer = exchange.http.post(url, headers=mine, json={"personal_id": "031195001234", "change": "address"})
    assert answer.status_code == 202, answer.text
    assert receiver.got[0]["payload"] == {"personal_id": "031195001234", "change": "address"}
    assert receiver.got[0]["id"] == answer.json()["id"]

    theirs = {"X-Road-Client": exchange.other_id, "X-SmartGov-Api-Key": exchange.other_key}
    refused = exchange.http.post(url, headers=theirs, json={})
    assert (refused.status_code, refused.headers["X-Road-Error"]) == (403, "Server.ServerProxy.AccessDenied")
    unknown = exchange.http.post(f"{exchange.base}/events/khong-co", headers=mine, json={})
    assert (unknown.status_code, unknown.headers["X-Road-Error"]) == (404, "Server.ServerProxy.UnknownTopic")
    bad = exchange.http.post(url, headers=mine, data=b"not json")
    assert bad.status_code == 400
    assert exchange.http.get(url, headers=mine).status_code == 405
    assert EventDelivery.objects.count() == 1 and len(receiver.got) == 1
    log_ingest()
    assert MessageRecord.objects.filter(service__startswith="events/").count() == 5  # refusals logged too


def test_the_demo_subscriber_takes_only_deliveries_signed_for_it(exchange, settings):
    """The Department of Health's stand-in (served by the gateway for the demo) verifies the Standard Webhooks
    signature with its subscription's secret, as a real subscriber must."""
    from smartgov.exchange.gateway import DEMO_RECEIVER
    from smartgov.platform.pki import ca_file
    from smartgov.platform.webhooks import webhook_headers, webhook_secret_new

    settings.SMARTGOV_EXCHANGE_DEMO_PROVIDER = True
    settings.SMARTGOV_OUTBOUND_CA_BUNDLE = str(ca_file())
    settings.SMARTGOV_OUTBOUND_ALLOW = ["127.0.0.1"]
    topic = events.topic_register(actor=None, code="ho-tich.khai-sinh", title="Khai sinh", publisher=exchange.civil)
    url = f"{exchange.base}{DEMO_RECEIVER}/"
    subscription, secret = events.subscription_add(actor=None, topic=topic, subscriber=exchange.other, url=url)
    events.event_publish(publisher=exchange.civil, topic_code=topic.code, payload={"n": 1})
    assert EventDelivery.objects.get().state == "done"

    body = b'{"id":"x"}'
    forged = webhook_headers(secret=webhook_secret_new(), msg_id="x", body=body)
    assert exchange.http.post(url, data=body, headers=forged).status_code == 401
    assert exchange.http.post(url, data=body).status_code == 401
    signed = webhook_headers(secret=secret, msg_id="x", body=body)
    assert exchange.http.post(url, data=body, headers=signed).status_code == 204
    assert exchange.http.get(url).status_code == 405
    subscription_off = events.subscription_remove(actor=None, subscription=subscription)
    assert not subscription_off.active
    assert exchange.http.post(url, data=body, headers=signed).status_code == 401
