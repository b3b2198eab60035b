"""Standard Webhooks signing and verification: the specification's own test vector, key rotation, and every way a
forged, tampered, replayed or malformed request is refused."""

import base64
import time

import pytest
from django.test import RequestFactory

from smartgov.platform.webhooks import (
    TOLERANCE,
    webhook_headers,
    webhook_key,
    webhook_secret_new,
    webhook_sign,
    webhook_verify,
)

# The vector of the Standard Webhooks reference library (libraries/python/tests/test_webhooks.py, test_sign_function)
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def _headers(secret: str = SPEC_SECRET, body: bytes = SPEC_BODY, **overrides: str) -> dict[str, str]:
    headers = webhook_headers(secret=secret, msg_id=SPEC_ID, body=body)
    headers.update(overrides)
    return headers


def test_the_specification_vector():
    assert webhook_sign(secret=SPEC_SECRET, msg_id=SPEC_ID, timestamp=SPEC_TIMESTAMP, body=SPEC_BODY) == SPEC_SIGNATURE
    headers = {"webhook-id": SPEC_ID, "webhook-timestamp": str(SPEC_TIMESTAMP), "webhook-signature": SPEC_SIGNATURE}
    assert webhook_verify(secret=SPEC_SECRET, headers=headers, body=SPEC_BODY, now=SPEC_TIMESTAMP + 10)
    # the same request five minutes and a second later is a replay
    assert not webhook_verify(secret=SPEC_SECRET, headers=headers, body=SPEC_BODY, now=SPEC_TIMESTAMP + TOLERANCE + 1)
    # the specification's "invalid signature" (its last character changed)
    forged = {**headers, "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA="}
    assert not webhook_verify(secret=SPEC_SECRET, headers=forged, body=SPEC_BODY, now=SPEC_TIMESTAMP)


def test_a_signed_request_verifies_and_every_change_is_refused():
    headers = _headers()
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert abs(int(headers["webhook-timestamp"]) - time.time()) < 5
    assert webhook_verify(secret=SPEC_SECRET, headers=headers, body=SPEC_BODY)
    assert not webhook_verify(secret=SPEC_SECRET, headers=headers, body=SPEC_BODY + b" ")  # tampered body
    assert not webhook_verify(secret=SPEC_SECRET, headers={**headers, "webhook-id": "msg_other"}, body=SPEC_BODY)
    moved = str(int(headers["webhook-timestamp"]) + 1)
    assert not webhook_verify(secret=SPEC_SECRET, headers={**headers, "webhook-timestamp": moved}, body=SPEC_BODY)
    assert not webhook_verify(secret=webhook_secret_new(), headers=headers, body=SPEC_BODY)  # another key


def test_old_and_future_timestamps_are_refused():
    stale = webhook_headers(secret=SPEC_SECRET, msg_id=SPEC_ID, body=SPEC_BODY, timestamp=int(time.time()) - 301)
    assert not webhook_verify(secret=SPEC_SECRET, headers=stale, body=SPEC_BODY)
    assert webhook_verify(secret=SPEC_SECRET, headers=stale, body=SPEC_BODY, tolerance=600)
    future = webhook_headers(secret=SPEC_SECRET, msg_id=SPEC_ID, body=SPEC_BODY, timestamp=int(time.time()) + 3600)
    assert not webhook_verify(secret=SPEC_SECRET, headers=future, body=SPEC_BODY)


def test_rotation_signs_with_every_secret_and_verifies_with_any():
    old, new = webhook_secret_new(), webhook_secret_new()
    headers = webhook_headers(secret=[old, new], msg_id=SPEC_ID, body=SPEC_BODY)
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert webhook_verify(secret=old, headers=headers, body=SPEC_BODY)
    assert webhook_verify(secret=new, headers=headers, body=SPEC_BODY)
    assert webhook_verify(secret=[webhook_secret_new(), new], headers=_headers(new), body=SPEC_BODY)
    assert not webhook_verify(secret=webhook_secret_new(), headers=headers, body=SPEC_BODY)
    # signatures of other versions or other keys beside the right one do not matter
    good = _headers()["webhook-signature"]
    mixed = f"v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= {good}"
    assert webhook_verify(secret=SPEC_SECRET, headers=_headers(**{"webhook-signature": mixed}), body=SPEC_BODY)
    # a v2 signature is not taken for a v1 one
    v2 = good.replace("v1,", "v2,")
    assert not webhook_verify(secret=SPEC_SECRET, headers=_headers(**{"webhook-signature": v2}), body=SPEC_BODY)


@pytest.mark.parametrize(
    "change",
    [
        {"webhook-id": ""},
        {"webhook-timestamp": ""},
        {"webhook-timestamp": "abc"},
        {"webhook-timestamp": "²"},
        {"webhook-timestamp": "-5"},
        {"webhook-timestamp": "1.5e9"},
        {"webhook-signature": ""},
        {"webhook-signature": "v1"},
        {"webhook-signature": "v1,not base64!"},
        {"webhook-signature": ","},
        {"webhook-signature": "garbage"},
    ],
)
def test_malformed_headers_are_refused_without_an_error(change):
    assert not webhook_verify(secret=SPEC_SECRET, headers=_headers(**change), body=SPEC_BODY)


def test_missing_headers_and_unusable_secrets_are_refused():
    for name in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        headers = _headers()
        del headers[name]
        assert not webhook_verify(secret=SPEC_SECRET, headers=headers, body=SPEC_BODY)
    assert not webhook_verify(secret="whsec_!!!", headers=_headers(), body=SPEC_BODY)
    assert not webhook_verify(secret=[], headers=_headers(), body=SPEC_BODY)
    with pytest.raises(ValueError):
        webhook_headers(secret="", msg_id=SPEC_ID, body=SPEC_BODY)


def test_secrets():
    secret = webhook_secret_new()
    assert secret.startswith("whsec_") and len(webhook_key(secret)) == 32
    assert secret != webhook_secret_new()
    # unpadded base64 is accepted, as the reference library does
    assert webhook_key(SPEC_SECRET) == base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    key = bytes(range(31))
    unpadded = "whsec_" + base64.b64encode(key).decode().rstrip("=")
    assert webhook_key(unpadded) == key
    # a secret without the prefix is its own bytes: its Standard Webhooks form is whsec_ + base64 of them
    legacy = "portal-shared-secret"
    assert webhook_key(legacy) == legacy.encode()
    as_whsec = "whsec_" + base64.b64encode(legacy.encode()).decode()
    assert webhook_verify(secret=as_whsec, headers=_headers(legacy), body=SPEC_BODY)
    with pytest.raises(ValueError):
        webhook_key("whsec_not*base64")


def test_a_django_receiver_verifies_with_request_headers():
    """The receiver example of docs/delivery.md: Django's request.headers and the raw body."""
    secret = webhook_secret_new()
    body = b'{"id":"1","topic":"ho-tich.khai-sinh"}'
    signed = webhook_headers(secret=secret, msg_id="1", body=body)
    request = RequestFactory().post(
        "/nhan-su-kien/", data=body, content_type="application/json", headers={k.title(): v for k, v in signed.items()}
    )
    assert webhook_verify(secret=secret, headers=request.headers, body=request.body)
    assert not webhook_verify(secret=secret, headers=request.headers, body=request.body + b"x")
