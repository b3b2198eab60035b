"""Signed batches of the message log: Ed25519 over runs of records, RFC 3161 time-stamped when configured."""

import base64
import hashlib
import logging
from datetime import timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from smartgov.exchange.models import LogBatch, MessageRecord
from smartgov.platform.pki import pki_path, private_file_write, signing_passphrase
from smartgov.platform.timestamps import timestamp_fetch, timestamp_problem

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


def log_batches_sign(*, max_age: timedelta = timedelta(seconds=30)) -> int:
    """Sign full batches, and a partial one whose oldest record waited longer than ``max_age``."""
    size = settings.SMARTGOV_EXCHANGE_BATCH
    key = log_signing_key()
    signed = 0
    while True:
        with transaction.atomic():
            pending = list(
                MessageRecord.objects.select_for_update()
                .filter(batch__isnull=True)
                .order_by("id")
                .values_list("id", "hash", "request_at")[:size]
            )
            if not pending:
                return signed
            if len(pending) < size and timezone.now() - pending[0][2] < max_age:
                return signed
            first_id, last_id, last_hash = pending[0][0], pending[-1][0], pending[-1][1]
            signature = key.sign(batch_message(first_id, last_id, len(pending), last_hash))
            batch = LogBatch.objects.create(
                first_id=first_id,
                last_id=last_id,
                count=len(pending),
                last_hash=last_hash,
                signature=base64.b64encode(signature).decode(),
                key_id=key_id(key.public_key()),
                signed_at=timezone.now(),
            )
            MessageRecord.objects.filter(id__gte=first_id, id__lte=last_id, batch__isnull=True).update(batch=batch)
            signed += 1
        log_batches_timestamp()  # outside the lock: the time-stamping authority is another server


def batch_digest(batch: LogBatch) -> bytes:
    return hashlib.sha256(batch_message(batch.first_id, batch.last_id, batch.count, batch.last_hash)).digest()


def log_batches_timestamp(*, limit: int = 100) -> int:
    """Have the signed batches without a token time-stamped by ``SMARTGOV_EXCHANGE_TSA_URL`` (RFC 3161, over the
    SHA-256 of the signed message). An authority that does not answer is tried again at the next round."""
    url = settings.SMARTGOV_EXCHANGE_TSA_URL
    if not url:
        return 0
    stamped = 0
    for batch in LogBatch.objects.filter(timestamp_token__isnull=True).order_by("first_id")[:limit]:
        try:
            token = timestamp_fetch(url, batch_digest(batch))
        except Exception:  # the authority is down or refused: the batch stays signed, stamped later
            logger.warning("time-stamping authority %s failed; retrying later", url)
            return stamped
        LogBatch.objects.filter(pk=batch.pk).update(timestamp_token=token, timestamped_at=timezone.now())
        stamped += 1
    return stamped


def timestamp_check(batch: LogBatch) -> str:
    """Why the batch's time-stamp token is not right ("" when it is): it must be over this batch's signed message
    and, when SMARTGOV_EXCHANGE_TSA_ROOTS are set, signed by an authority chaining to them."""
    token = bytes(batch.timestamp_token or b"")
    return timestamp_problem(token, batch_digest(batch), settings.SMARTGOV_EXCHANGE_TSA_ROOTS, what="batch")
