"""Web Push: a device's subscription is kept per person (checked, bounded, idempotent), and a notification goes to
it encrypted (RFC 8291, readable only with the browser's keys) and signed (VAPID), through the outbound client, to
a local stand-in of a push service; a subscription the push service forgot (410) is deleted."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from smartgov.notifications.models import Delivery, PushSubscription
from smartgov.notifications.services import push_subscribe, push_unsubscribe
from smartgov.notifications.tests.factories import CitizenFactory
from smartgov.platform.errors import DomainError

pytestmark = pytest.mark.django_db


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class _Browser:
    """A browser's push keys: a P-256 key pair and an auth secret."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = b"0123456789abcdef"
        point = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.p256dh = _b64(point)

    def read(self, body: bytes) -> dict:
        return json.loads(http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"))


@pytest.fixture
def push_service():
    """A push service on a loopback port: keeps what it receives, answers with ``status``."""
    received: list[dict] = []
    state = {"status": 201}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(
                {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
            )
            self.send_response(state["status"])
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_port}", "received": received, "state": state}
    server.shutdown()


def test_subscriptions_are_checked_bounded_and_idempotent(hai_phong):
    mai, other = CitizenFactory(), CitizenFactory()
    browser = _Browser()
    endpoint = "https://push.example.net/send/abc"
    first = push_subscribe(user=mai, endpoint=endpoint, p256dh=browser.p256dh, auth=_b64(browser.auth))
    again = push_subscribe(user=mai, endpoint=endpoint, p256dh=browser.p256dh, auth=_b64(browser.auth))
    assert first.pk == again.pk and PushSubscription.objects.count() == 1
    for bad in ("http://push.example.net/x", "javascript:alert(1)", "https://" + "a" * 900, ""):
        with pytest.raises(DomainError):
            push_subscribe(user=mai, endpoint=bad, p256dh=browser.p256dh, auth="x")
    with pytest.raises(DomainError):
        push_subscribe(user=mai, endpoint=endpoint, p256dh="", auth="x")
    # the browser's next owner signs in: the device moves to them
    push_subscribe(user=other, endpoint=endpoint, p256dh=browser.p256dh, auth=_b64(browser.auth))
    assert PushSubscription.objects.get().user == other
    for n in range(12):
        push_subscribe(user=mai, endpoint=f"https://push.example.net/{n}", p256dh="k", auth="a")
    assert PushSubscription.objects.filter(user=mai).count() == 10  # the oldest devices give way
    assert push_unsubscribe(user=mai, endpoint="https://push.example.net/11") == 1
    assert push_unsubscribe(user=other, endpoint="https://push.example.net/10") == 0  # not theirs


def test_the_page_turns_push_on_and_off(client, hai_phong):
    mai = CitizenFactory()
    client.force_login(mai)
    page = client.get("/tai-khoan/thong-bao/")
    assert 'data-key="' in page.text and "Thông báo trên thiết bị này" in page.text
    info = {"endpoint": "https://push.example.net/send/1", "keys": {"p256dh": _Browser().p256dh, "auth": "c2VjcmV0"}}
    url = "/tai-khoan/thong-bao/thiet-bi/"
    on = client.post(url, json.dumps({"subscription": info}), content_type="application/json")
    assert on.status_code == 200 and PushSubscription.objects.filter(user=mai).count() == 1
    bad = client.post(url, "[1, 2]", content_type="application/json")
    assert bad.status_code == 400 and "hợp lệ" in bad.json()["message"]
    bad = client.post(url, "{not json", content_type="application/json")
    assert bad.status_code == 400
    off = client.post(url, json.dumps({"endpoint": info["endpoint"], "off": True}), content_type="application/json")
    assert off.status_code == 200 and not PushSubscription.objects.exists()
    client.logout()
    assert client.post(url, json.dumps({"subscription": info}), content_type="application/json").status_code in (
        302,
        403,
    )


def test_a_dossier_move_is_pushed_encrypted_and_signed(
    hp, settings, notify_on_commit, submit_dossier, push_service, tmp_path
):
    settings.SMARTGOV_OUTBOUND_ALLOW = ["127.0.0.0/8"]
    settings.SMARTGOV_VAPID_KEY_FILE = str(tmp_path / "vapid.pem")
    from smartgov.notifications import push

    push.vapid.cache_clear()
    browser = _Browser()
    PushSubscription.objects.create(
        user=hp.mai,
        endpoint=f"{push_service['url']}/send/device-1",
        p256dh=browser.p256dh,
        auth=_b64(browser.auth),
        created_at="2026-12-01T00:00:00Z",
    )
    dossier = notify_on_commit(submit_dossier, hp)
    delivery = Delivery.objects.get(user=hp.mai, channel="push")
    assert delivery.state == "done"
    (sent,) = push_service["received"]
    assert sent["path"] == "/send/device-1"
    assert sent["headers"]["content-encoding"] == "aes128gcm"
    assert sent["headers"]["authorization"].startswith("vapid t=")
    assert f"k={push.public_key()}" in sent["headers"]["authorization"]
    message = browser.read(sent["body"])
    assert message["title"] == f"Đã tiếp nhận hồ sơ {dossier.code}"
    assert message["url"] and message["tag"] == str(delivery.pk)

    # the push service forgot the device: it is deleted, and the next message goes to no one
    push_service["state"]["status"] = 410
    from smartgov.notifications.services import _push

    _push(delivery, "t", "b")
    assert not PushSubscription.objects.exists()
    push.vapid.cache_clear()


def test_a_failing_push_service_leaves_the_delivery_pending(hp, settings, push_service, tmp_path):
    settings.SMARTGOV_OUTBOUND_ALLOW = ["127.0.0.0/8"]
    settings.SMARTGOV_VAPID_KEY_FILE = str(tmp_path / "vapid.pem")
    from smartgov.notifications import push
    from smartgov.notifications.services import ChannelError, _push

    push.vapid.cache_clear()
    browser = _Browser()
    PushSubscription.objects.create(
        user=hp.mai,
        endpoint=f"{push_service['url']}/send/2",
        p256dh=browser.p256dh,
        auth=_b64(browser.auth),
        created_at="2026-12-01T00:00:00Z",
    )
    push_service["state"]["status"] = 503
    delivery = Delivery(user=hp.mai, kind="submitted", channel="push")
    with pytest.raises(ChannelError):
        _push(delivery, "t", "b")
    assert PushSubscription.objects.count() == 1
    push.vapid.cache_clear()
