"""The key of the hash chains (the audit log, the exchange's message log), kept outside the database.

Each row's hash is HMAC-SHA256 under this key, so somebody who can write to the database but does not hold the
key cannot recompute a chain after editing a row. The key is ``SMARTGOV_AUDIT_KEY`` (base64, at least 32 bytes,
the same on every host); without it, a key file made on first use in ``SMARTGOV_PKI_DIR`` (one host only;
the production settings require the variable). Rows written under an earlier key keep verifying while that
key is listed in ``SMARTGOV_AUDIT_KEYS_RETIRED``.
"""

import base64
import binascii
import hashlib
import hmac
import os
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from smartgov.platform.pki import pki_path, private_file_create

KEY_FILE = "audit-hmac.key"
MIN_KEY_BYTES = 32


def key_decode(text: str, name: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except binascii.Error:
        raise ImproperlyConfigured(f"{name} is not base64") from None
    if len(raw) < MIN_KEY_BYTES:
        raise ImproperlyConfigured(f"{name} must hold at least {MIN_KEY_BYTES} random bytes")
    return raw


def key_new() -> str:
    """A fresh key, as SMARTGOV_AUDIT_KEY takes it."""
    return base64.b64encode(os.urandom(MIN_KEY_BYTES)).decode()


@lru_cache(maxsize=16)
def _keyring(current: str, retired: tuple[str, ...], pki_dir: str) -> tuple[bytes, ...]:
    if current:
        key = key_decode(current, "SMARTGOV_AUDIT_KEY")
    else:
        text = private_file_create(pki_path(KEY_FILE), lambda: (key_new() + "\n").encode())
        key = key_decode(text.decode(), str(pki_path(KEY_FILE)))
    return (key, *(key_decode(r, "SMARTGOV_AUDIT_KEYS_RETIRED") for r in retired))


def chain_keys() -> tuple[bytes, ...]:
    """The current key first, then the retired ones (for verifying older rows)."""
    return _keyring(
        settings.SMARTGOV_AUDIT_KEY, tuple(settings.SMARTGOV_AUDIT_KEYS_RETIRED), str(settings.SMARTGOV_PKI_DIR)
    )


def chain_mac(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def key_id(key: bytes) -> str:
    """A name for a key that reveals nothing about it."""
    return chain_mac(key, b"smartgov-key-id")[:16]


class MacChecker:
    """Checks row MACs against the keyring, trying first the key that matched last (rows come in runs)."""

    def __init__(self) -> None:
        self.keys = list(chain_keys())

    def matches(self, message: bytes, mac: str) -> bool:
        for i, key in enumerate(self.keys):
            if hmac.compare_digest(chain_mac(key, message), mac):
                if i:
                    self.keys.insert(0, self.keys.pop(i))
                return True
        return False
