"""Signed webhooks in the Standard Webhooks format (https://www.standardwebhooks.com/), for every webhook the
platform sends (the exchange's event deliveries, the national portal's status push) and for receivers.

Each request carries three headers::

    webhook-id: <the message's id: the same when the same message is sent again>
    webhook-timestamp: <unix seconds when it was sent>
    webhook-signature: v1,<base64 HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")>

A secret is ``whsec_`` followed by the base64 key (32 random bytes here). While a secret is rotated the header
carries one signature per secret, separated by spaces; a receiver accepts the message when any of them is
valid. Receivers refuse timestamps more than ``TOLERANCE`` seconds away from their clock (replays) and compare
in constant time: :func:`webhook_verify` does both.

A secret without the ``whsec_`` prefix is used as it is (its UTF-8 bytes are the key): the shared secrets
configured before this format keep working, and a receiver given such a secret ``s`` verifies with
``whsec_`` + base64(``s``).
"""

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from collections.abc import Iterable
from typing import Protocol

PREFIX = "whsec_"


class Headers(Protocol):
    """Request headers: a mapping, Django's ``request.headers``, ``http.server``'s message…"""

    def items(self) -> Iterable[tuple[str, str]]: ...


#: Seconds a receiver accepts between the sender's timestamp and its own clock, either way.
TOLERANCE = 300


def webhook_secret_new() -> str:
    """A new secret: ``whsec_`` and 32 random bytes in base64."""
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def webhook_key(secret: str) -> bytes:
    """The HMAC key of a secret (``whsec_<base64>``, or any other text as its UTF-8 bytes)."""
    if secret.startswith(PREFIX):
        encoded = secret.removeprefix(PREFIX)
        try:
            return base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
        except binascii.Error as exc:
            raise ValueError("the webhook secret is not whsec_ followed by base64") from exc
    return secret.encode()


def _secrets(secret: str | Iterable[str]) -> list[str]:
    keys = [secret] if isinstance(secret, str) else list(secret)
    if not keys or not all(keys):
        raise ValueError("a webhook needs a secret")
    return keys


def _digest(key: bytes, msg_id: str, timestamp: int, body: bytes) -> bytes:
    return hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()


def webhook_sign(*, secret: str | Iterable[str], msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value: ``v1,<base64>`` per secret, separated by spaces."""
    return " ".join(
        "v1," + base64.b64encode(_digest(webhook_key(s), msg_id, timestamp, body)).decode() for s in _secrets(secret)
    )


def webhook_headers(
    *, secret: str | Iterable[str], msg_id: str, body: bytes, timestamp: int | None = None
) -> dict[str, str]:
    """The three headers of a signed webhook request (``timestamp`` defaults to now)."""
    stamp = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": webhook_sign(secret=secret, msg_id=msg_id, timestamp=stamp, body=body),
    }


def webhook_verify(
    *,
    secret: str | Iterable[str],
    headers: Headers,
    body: bytes,
    tolerance: int = TOLERANCE,
    now: float | None = None,
) -> bool:
    """What a receiver runs on each request: are ``headers`` (any mapping; names in any case) a valid signature of
    ``body`` with one of the secrets, made less than ``tolerance`` seconds from now? Malformed headers are
    refused, never an error."""
    given = {name.lower(): value for name, value in headers.items()}
    msg_id = given.get("webhook-id", "")
    stamp_text = given.get("webhook-timestamp", "")
    signatures = given.get("webhook-signature", "")
    if not (msg_id and signatures and stamp_text.isascii() and stamp_text.isdigit()):
        return False
    stamp = int(stamp_text)
    if abs((time.time() if now is None else now) - stamp) > tolerance:
        return False
    candidates: list[bytes] = []
    for part in signatures.split(" "):
        version, sep, value = part.partition(",")
        if version != "v1" or not sep:
            continue
        try:
            candidates.append(base64.b64decode(value, validate=True))
        except binascii.Error:
            continue
    try:
        keys = [webhook_key(s) for s in _secrets(secret)]
    except ValueError:
        return False
    expected = [_digest(key, msg_id, stamp, body) for key in keys]
    # every comparison runs (no early exit on the first match), each in constant time
    matches = [hmac.compare_digest(e, c) for e in expected for c in candidates]
    return any(matches)
