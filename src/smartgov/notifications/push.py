"""Web Push (RFC 8030, message encryption RFC 8291, VAPID RFC 8292) with pywebpush: the key pair that signs our
pushes, and one send through the platform's outbound client (its requests adapter: time and size limits, no
redirects, the connected address checked)."""

import base64
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush

from smartgov.platform.outbound.adapter import OutboundSession

#: How long one push may take (a push service answers in well under a second).
TIMEOUT = 10


class Gone(Exception):
    """The push service no longer knows the subscription (404, 410): the browser unsubscribed or expired it."""


class PushFailed(Exception):
    """The push service did not take the message (5xx, 429, no answer): try again later."""


@cache
def vapid() -> Vapid02:
    """The installation's VAPID key, made and kept (mode 600) on first use."""
    path = Path(settings.SMARTGOV_VAPID_KEY_FILE)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Vapid02()
        key.generate_keys()
        pem = key.private_pem()
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(pem)
    return Vapid02.from_file(str(path))


def public_key() -> str:
    """The application server key a browser subscribes with (uncompressed P-256 point, base64url)."""
    raw = vapid().public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def push_send(*, endpoint: str, p256dh: str, auth: str, message: dict[str, Any]) -> None:
    """Encrypt ``message`` (JSON) to the subscription and hand it to its push service."""
    info = {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}
    try:
        webpush(
            info,
            data=json.dumps(message, ensure_ascii=False),
            vapid_private_key=vapid(),
            vapid_claims={"sub": settings.SMARTGOV_PUSH_CONTACT},
            ttl=settings.SMARTGOV_PUSH_TTL,
            timeout=TIMEOUT,
            requests_session=OutboundSession(),
        )
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        if status in (404, 410):
            raise Gone(str(status)) from exc
        raise PushFailed(f"push service answered {status}") from exc
    except Exception as exc:  # the outbound client's refusals and time-outs
        raise PushFailed(type(exc).__name__) from exc
