"""The message log: written to a journal before the gateway answers, then chained and signed in the database.

Hot path (``Journal.write``): one ``os.write`` of one JSON line to this process's journal file, opened with
``O_APPEND``. The line is in the operating system's hands before the client gets its answer, so a killed
gateway (``kill -9``) loses no record of an answered request; ``SMARTGOV_EXCHANGE_JOURNAL_FSYNC=always`` also
survives a power cut, at the cost of a disk flush per request.

Behind it (``log_ingest``), a background thread of the gateway (and the periodic task, and
``smartgov exchange ingest``) takes new lines into ``MessageRecord``: under the chain head's lock it gives each
record ``hash = SHA-256(previous hash | canonical content)`` and remembers how far each journal file was read,
in the same transaction, so a line is taken exactly once whatever crashes. ``log_batches_sign`` then signs runs
of records with the gateway's Ed25519 key; ``log_verify`` recomputes the chain and checks every signature.
"""

import asyncio
import base64
import contextlib
import hashlib
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from smartgov.exchange.models import JournalOffset, LogBatch, LogChainHead, MessageRecord
from smartgov.platform.aio import outside_event_loop
from smartgov.platform.pki import pki_path, private_file_write, signing_passphrase

GENESIS = "0" * 64
#: The fields a record's hash covers, in this order.
CHAINED = (
    "record_id",
    "query_id",
    "client",
    "service",
    "method",
    "path",
    "user_id",
    "request_at",
    "duration_ms",
    "provider_ms",
    "status",
    "error",
    "request_size",
    "response_size",
    "request_hash",
    "response_hash",
    "bodies",
)
ROTATE_BYTES = 64 * 1024 * 1024


# --- the hot path ----------------------------------------------------------------------------------------------
def _body_key() -> AESGCM | None:
    key = settings.SMARTGOV_EXCHANGE_LOG_KEY
    return AESGCM(base64.b64decode(key)) if key else None


def body_seal(data: bytes) -> str:
    """A body as kept in the log: base64, AES-GCM encrypted (nonce first) when a key is configured."""
    aead = _body_key()
    if aead is not None:
        nonce = os.urandom(12)
        data = nonce + aead.encrypt(nonce, data, None)
    return base64.b64encode(data).decode()


def body_open(stored: bytes, *, encrypted: bool) -> bytes:
    if not encrypted:
        return stored
    aead = _body_key()
    if aead is None:
        raise ValueError("the body is encrypted and SMARTGOV_EXCHANGE_LOG_KEY is not set")
    return aead.decrypt(stored[:12], stored[12:], None)


class Journal:
    """This process's journal file; safe to write from many threads (each line is one append)."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory or settings.SMARTGOV_EXCHANGE_JOURNAL_DIR)
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.fsync = settings.SMARTGOV_EXCHANGE_JOURNAL_FSYNC == "always"
        self.lock = threading.Lock()
        self.pid = -1
        self.fd = -1
        self.written = 0
        self._open()

    def _open(self) -> None:
        self.pid = os.getpid()
        name = self.directory / f"{self.pid}-{time.time_ns()}.jsonl"
        self.fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self.written = 0

    def write(self, record: dict[str, Any]) -> None:
        line = (json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n").encode()
        if self.pid != os.getpid() or self.written > ROTATE_BYTES:  # forked, or the file is big: a new one
            with self.lock:
                if self.pid != os.getpid() or self.written > ROTATE_BYTES:
                    self._open()
        os.write(self.fd, line)
        self.written += len(line)
        if self.fsync:
            os.fsync(self.fd)


# --- into the database -----------------------------------------------------------------------------------------
def canonical(record: dict[str, Any]) -> bytes:
    return json.dumps([record.get(k) for k in CHAINED], separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(prev: str, record: dict[str, Any]) -> str:
    return hashlib.sha256(prev.encode() + b"|" + canonical(record)).hexdigest()


def _as_chained(row: MessageRecord) -> dict[str, Any]:
    """A stored row in the shape it was chained in."""
    bodies = None
    if row.request_body is not None or row.response_body is not None:
        bodies = hashlib.sha256(bytes(row.request_body or b"") + b"|" + bytes(row.response_body or b"")).hexdigest()
    return {
        "record_id": str(row.record_id),
        "query_id": row.query_id,
        "client": row.client,
        "service": row.service,
        "method": row.method,
        "path": row.path,
        "user_id": row.user_id,
        "request_at": row.request_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "duration_ms": row.duration_ms,
        "provider_ms": row.provider_ms,
        "status": row.status,
        "error": row.error,
        "request_size": row.request_size,
        "response_size": row.response_size,
        "request_hash": row.request_hash,
        "response_hash": row.response_hash,
        "bodies": bodies,
    }


def _row(line: dict[str, Any]) -> MessageRecord:
    request_body = base64.b64decode(line["request_body"]) if line.get("request_body") is not None else None
    response_body = base64.b64decode(line["response_body"]) if line.get("response_body") is not None else None
    moment = parse_datetime(line["request_at"])
    assert moment is not None  # noqa: S101 - written by Journal.write
    return MessageRecord(
        record_id=uuid.UUID(line["record_id"]),
        query_id=line["query_id"][:100],
        client=line["client"][:300],
        service=line["service"][:300],
        method=line["method"][:8],
        path=line["path"][:1000],
        user_id=line["user_id"][:200],
        request_at=moment,
        duration_ms=line["duration_ms"],
        provider_ms=line["provider_ms"],
        status=line["status"],
        error=line["error"],
        request_size=line["request_size"],
        response_size=line["response_size"],
        request_hash=line["request_hash"],
        response_hash=line["response_hash"],
        request_body=request_body,
        response_body=response_body,
        encrypted=bool(line.get("encrypted")),
    )


def _pid_alive(name: str) -> bool:
    try:
        os.kill(int(name.split("-", 1)[0]), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def _journal_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.jsonl"), key=lambda p: (p.stat().st_mtime, p.name))


def log_ingest(*, directory: str | Path | None = None, limit: int = 5000) -> int:
    """Take new journal lines into the message log, chained. Returns how many records were added."""
    folder = Path(directory or settings.SMARTGOV_EXCHANGE_JOURNAL_DIR)
    if not folder.exists():
        return 0
    added = 0
    for path in _journal_files(folder):
        while True:
            n = _ingest_file(path, limit)
            added += n
            if n < limit:
                break
        _forget_if_done(path)
    return added


def _ingest_file(path: Path, limit: int) -> int:
    with contextlib.suppress(IntegrityError):  # another shipper made it at the same moment
        LogChainHead.objects.get_or_create(pk=1)
    with transaction.atomic():
        # the write lock first (an UPDATE of the head row: a row lock on PostgreSQL, the write lock on SQLite),
        # then read where we are: two shippers never take the same lines
        LogChainHead.objects.filter(pk=1).update(last_id=F("last_id"))
        head = LogChainHead.objects.get(pk=1)
        offset_row, _ = JournalOffset.objects.get_or_create(name=path.name)
        try:
            with path.open("rb") as stream:
                stream.seek(offset_row.offset)
                data = stream.read(limit * 4096)
        except FileNotFoundError:
            return 0
        end = data.rfind(b"\n")
        if end < 0:
            return 0
        lines = data[: end + 1].splitlines()[:limit]
        consumed = sum(len(line) + 1 for line in lines)
        rows = []
        prev = head.last_hash
        for raw in lines:
            line = json.loads(raw)
            row = _row(line)
            chained = _as_chained(row)
            row.prev_hash = prev
            row.hash = prev = chain_hash(prev, chained)
            rows.append(row)
        MessageRecord.objects.bulk_create(rows, batch_size=500)  # ids come back (RETURNING) on every database used
        head.last_id, head.last_hash = rows[-1].pk, prev
        head.save(update_fields=["last_id", "last_hash"])
        offset_row.offset += consumed
        offset_row.save(update_fields=["offset"])
    return len(rows)


def _forget_if_done(path: Path) -> None:
    """A journal fully taken whose writer has gone (or that has been quiet for an hour) is removed."""
    try:
        size, mtime = path.stat().st_size, path.stat().st_mtime
    except FileNotFoundError:
        return
    offset = JournalOffset.objects.filter(name=path.name).values_list("offset", flat=True).first() or 0
    if offset >= size and (not _pid_alive(path.name) or time.time() - mtime > 3600):
        path.unlink(missing_ok=True)
        JournalOffset.objects.filter(name=path.name).delete()


# --- signed batches --------------------------------------------------------------------------------------------
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


# --- RFC 3161 time-stamps ---------------------------------------------------------------------------------------
def _batch_digest(batch: LogBatch) -> bytes:
    return hashlib.sha256(batch_message(batch.first_id, batch.last_id, batch.count, batch.last_hash)).digest()


def log_batches_timestamp(*, limit: int = 100) -> int:
    """Have the signed batches without a token time-stamped by ``SMARTGOV_EXCHANGE_TSA_URL`` (RFC 3161, over the
    SHA-256 of the signed message). An authority that does not answer is tried again at the next round."""
    url = settings.SMARTGOV_EXCHANGE_TSA_URL
    if not url:
        return 0
    from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

    stamper = RequestsHTTPTimeStamper(url, timeout=10)
    stamped = 0
    for batch in LogBatch.objects.filter(timestamp_token__isnull=True).order_by("first_id")[:limit]:
        digest = _batch_digest(batch)

        def stamp(digest: bytes = digest) -> Any:
            return asyncio.run(stamper.async_timestamp(digest, "sha256"))

        try:
            token = outside_event_loop(stamp)
        except Exception:  # the authority is down or refused: the batch stays signed, stamped later
            logging.getLogger(__name__).warning("time-stamping authority %s failed; retrying later", url)
            return stamped
        LogBatch.objects.filter(pk=batch.pk).update(timestamp_token=token.dump(), timestamped_at=timezone.now())
        stamped += 1
    return stamped


def timestamp_check(batch: LogBatch) -> str:
    """Why the batch's time-stamp token is not right ("" when it is): it must be over this batch's signed message
    and, when SMARTGOV_EXCHANGE_TSA_ROOTS are set, signed by an authority chaining to them."""
    from asn1crypto import cms, tsp
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
    from pyhanko_certvalidator import ValidationContext

    try:
        token = cms.ContentInfo.load(bytes(batch.timestamp_token or b""))
        signed_data = token["content"]
        info = signed_data["encap_content_info"]["content"].parsed
        assert isinstance(info, tsp.TSTInfo)  # noqa: S101 - checked by the except below
        imprint = info["message_imprint"]["hashed_message"].native
    except Exception:
        return "the time-stamp token cannot be read"
    if imprint != _batch_digest(batch):
        return "the time-stamp token is for another batch"
    roots = [
        asn1_x509.Certificate.load(x509_pem_to_der(Path(p).read_bytes())) for p in settings.SMARTGOV_EXCHANGE_TSA_ROOTS
    ]
    if roots:
        context = ValidationContext(trust_roots=roots)
        try:
            status = outside_event_loop(
                lambda: asyncio.run(validate_tst_signed_data(signed_data, context, lambda _alg: _batch_digest(batch)))
            )
        except Exception:
            return "the time-stamp token's signature does not verify"
        if not (status.get("intact") and status.get("valid") and status.get("trust_problem_indic") is None):
            return "the time-stamp token is not signed by a trusted authority"
    return ""


def x509_pem_to_der(data: bytes) -> bytes:
    from cryptography import x509 as crypto_x509
    from cryptography.hazmat.primitives.serialization import Encoding

    return crypto_x509.load_pem_x509_certificate(data).public_bytes(Encoding.DER)


# --- verification ----------------------------------------------------------------------------------------------
@dataclass
class Verdict:
    ok: bool
    records: int
    batches: int
    bad_record: int | None = None
    reason: str = ""


def _rows() -> Iterator[MessageRecord]:
    return MessageRecord.objects.order_by("id").iterator(chunk_size=2000)


def log_verify(*, progress: Any = None) -> Verdict:
    """Recompute the chain over every record and check every batch signature; stop at the first fault."""
    public = log_signing_key().public_key()
    batches = {b.last_id: b for b in LogBatch.objects.all()}
    head = LogChainHead.objects.filter(pk=1).first()
    prev, count, batch_records = (head.anchor if head else GENESIS), 0, 0
    first_of_batch: int | None = None
    for row in _rows():
        if row.prev_hash != prev:
            return Verdict(False, count, len(batches), row.id, "the link to the previous record is broken")
        if chain_hash(prev, _as_chained(row)) != row.hash:
            return Verdict(False, count, len(batches), row.id, "the record's content does not match its hash")
        prev = row.hash
        count += 1
        first_of_batch = row.id if first_of_batch is None else first_of_batch
        batch_records += 1
        batch = batches.get(row.id)
        if batch is not None:
            message = batch_message(batch.first_id, batch.last_id, batch.count, batch.last_hash)
            try:
                public.verify(base64.b64decode(batch.signature), message)
            except InvalidSignature:
                return Verdict(False, count, len(batches), row.id, "the batch signature is invalid")
            if batch.last_hash != row.hash or batch.count != batch_records or batch.first_id != first_of_batch:
                return Verdict(False, count, len(batches), row.id, "the signed batch does not match the records")
            if batch.timestamp_token is not None and (problem := timestamp_check(batch)):
                return Verdict(False, count, len(batches), row.id, problem)
            first_of_batch, batch_records = None, 0
        if progress is not None:
            progress(1)
    if head is not None and head.last_hash != prev:
        return Verdict(False, count, len(batches), None, "records are missing at the end of the log")
    return Verdict(True, count, len(batches))


# --- archives ----------------------------------------------------------------------------------------------------
def log_archive(*, before: date, out: Path) -> int:
    """Write the signed batches whose records all came before ``before`` (with those records, bodies included,
    as gzip JSON lines: the batches first, then the records) and remove them from the database. The chain head
    keeps the last archived hash as the anchor the remaining log links to, so ``log_verify`` still proves it."""
    import gzip

    cutoff = datetime.combine(before, datetime.min.time(), tzinfo=timezone.get_current_timezone())
    batches = []
    for batch in LogBatch.objects.order_by("first_id"):
        newest = MessageRecord.objects.filter(id__gte=batch.first_id, id__lte=batch.last_id).order_by("-request_at")
        last_time = newest.values_list("request_at", flat=True).first()
        if last_time is None or last_time >= cutoff:
            break
        batches.append(batch)
    if not batches:
        return 0
    last = batches[-1]
    records = MessageRecord.objects.filter(id__lte=last.last_id).order_by("id")
    moved = 0
    with gzip.open(out, "wt", encoding="utf-8") as stream:
        for batch in batches:
            stream.write(
                json.dumps(
                    {
                        "batch": {
                            "first_id": batch.first_id,
                            "last_id": batch.last_id,
                            "count": batch.count,
                            "last_hash": batch.last_hash,
                            "signature": batch.signature,
                            "key_id": batch.key_id,
                            "signed_at": batch.signed_at.isoformat(),
                        }
                    }
                )
                + "\n"
            )
        for row in records.iterator(chunk_size=2000):
            stream.write(
                json.dumps(
                    {
                        "record": {
                            **_as_chained(row),
                            "id": row.id,
                            "prev_hash": row.prev_hash,
                            "hash": row.hash,
                            "request_body": base64.b64encode(bytes(row.request_body)).decode()
                            if row.request_body is not None
                            else None,
                            "response_body": base64.b64encode(bytes(row.response_body)).decode()
                            if row.response_body is not None
                            else None,
                            "encrypted": row.encrypted,
                        }
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
            moved += 1
    with transaction.atomic():
        LogChainHead.objects.filter(pk=1).update(anchor=last.last_hash)
        records.delete()
        LogBatch.objects.filter(pk__in=[b.pk for b in batches]).delete()
    return moved


# --- the background thread of a gateway process ------------------------------------------------------------------
class Shipper(threading.Thread):
    """Takes this machine's journals into the database every ``every`` seconds, and signs batches."""

    def __init__(self, every: float = 0.5) -> None:
        super().__init__(name="exchange-log-shipper", daemon=True)
        self.every = every
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.every):
            try:
                close_old_connections()
                log_ingest()
                log_batches_sign()
            except Exception:  # the next round tries again; the journal keeps everything meanwhile
                logging.getLogger(__name__).exception("message log shipping failed; retrying")

    def stop(self) -> None:
        self.stopping.set()


def record_new(**fields: Any) -> dict[str, Any]:
    return {"record_id": str(uuid.uuid4()), **fields}


def now_iso() -> str:
    return datetime.now(tz=UTC).isoformat(timespec="microseconds")
