"""Signed batches of the message log: the gateway's Ed25519 key and what it signs (signing and time-stamping the
batches are writes: ``services.messagelog``)."""

import hashlib
import logging

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from smartgov.exchange.models import LogBatch
from smartgov.platform.pki import pki_path, private_file_write, signing_passphrase
from smartgov.platform.timestamps import timestamp_problem

logger = logging.getLogger(__name__)


def log_signing_key() -> Ed25519PrivateKey:
    """The gateway's Ed25519 key for the message log (created on first use, encrypted at rest)."""
    path = pki_path("exchange-log-ed25519.pem")
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(signing_passphrase()),
        )
        private_file_write(path, pem)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=signing_passphrase())
    assert isinstance(loaded, Ed25519PrivateKey)  # noqa: S101 - written above
    return loaded


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def batch_message(first_id: int, last_id: int, count: int, last_hash: str) -> bytes:
    return f"smartgov-exchange-log|{first_id}|{last_id}|{count}|{last_hash}".encode()


def batch_digest(batch: LogBatch) -> bytes:
    return hashlib.sha256(batch_message(batch.first_id, batch.last_id, batch.count, batch.last_hash)).digest()


def timestamp_check(batch: LogBatch) -> str:
    """Why the batch's time-stamp token is not right ("" when it is): it must be over this batch's signed message
    and, when SMARTGOV_EXCHANGE_TSA_ROOTS are set, signed by an authority chaining to them."""
    token = bytes(batch.timestamp_token or b"")
    return timestamp_problem(token, batch_digest(batch), settings.SMARTGOV_EXCHANGE_TSA_ROOTS, what="batch")
