"""Signed checkpoints of the append-only logs, kept outside the database.

A checkpoint states how far a log had grown when it was sealed (each chain's last sequence number and hash,
where each chain starts): whoever later deletes the newest rows and moves the head back, or deletes the first
rows and moves the anchor, contradicts the newest checkpoint. The database never holds them.

- **Store:** ``SMARTGOV_AUDIT_CHECKPOINT_DIR/<log>/<YYYY-MM-DD>.jsonl``, one JSON line per checkpoint, only ever
  appended to (under an exclusive lock, flushed to disk). Each line carries the SHA-256 of the line before it,
  so a line removed from the middle, or a file removed, breaks the sequence. Mount the folder append-only, or
  copy it to an object store with a retention lock.
- **Signed** with Ed25519: ``SMARTGOV_AUDIT_SIGNING_KEY`` (base64 of the 32-byte private key), else a key file
  made on first use in ``SMARTGOV_PKI_DIR`` (encrypted with the signing passphrase). Lines signed by an earlier
  key verify while its public key is in ``SMARTGOV_AUDIT_SIGNING_KEYS_RETIRED``.
- **Time-stamped** (RFC 3161) when ``SMARTGOV_AUDIT_TSA_URL`` is set: the token covers the SHA-256 of the
  signed message; an authority that does not answer leaves that checkpoint without a token.

Both the audit log (``platform``) and the exchange's message log use this store.
"""

import base64
import binascii
import contextlib
import fcntl
import hashlib
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from smartgov.platform.pki import pki_path, private_file_create, signing_passphrase
from smartgov.platform.timestamps import timestamp_fetch, timestamp_problem

SIGNING_KEY_FILE = "audit-checkpoint-ed25519.pem"
FORMAT = b"smartgov-checkpoint/1\n"
logger = logging.getLogger(__name__)


# --- keys ------------------------------------------------------------------------------------------------------
def public_key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_key_text(public: Ed25519PublicKey) -> str:
    """The public key as SMARTGOV_AUDIT_SIGNING_KEYS_RETIRED takes it (base64 of the 32 raw bytes)."""
    return base64.b64encode(public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()


def signing_key_new() -> str:
    """A fresh signing key, as SMARTGOV_AUDIT_SIGNING_KEY takes it."""
    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return base64.b64encode(raw).decode()


def _raw32(text: str, name: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except binascii.Error:
        raise ImproperlyConfigured(f"{name} is not base64") from None
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{name} must be 32 bytes (base64)")
    return raw


@lru_cache(maxsize=8)
def _signing_key(setting: str, pki_dir: str, passphrase: bytes) -> Ed25519PrivateKey:
    if setting:
        return Ed25519PrivateKey.from_private_bytes(_raw32(setting, "SMARTGOV_AUDIT_SIGNING_KEY"))

    def make() -> bytes:
        return Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase),
        )

    loaded = serialization.load_pem_private_key(
        private_file_create(pki_path(SIGNING_KEY_FILE), make), password=passphrase
    )
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{pki_path(SIGNING_KEY_FILE)} is not an Ed25519 key")
    return loaded


def signing_key() -> Ed25519PrivateKey:
    return _signing_key(settings.SMARTGOV_AUDIT_SIGNING_KEY, str(settings.SMARTGOV_PKI_DIR), signing_passphrase())


def trusted_keys() -> dict[str, Ed25519PublicKey]:
    """The public keys a checkpoint may be signed with: the current key's, and the retired ones."""
    current = signing_key().public_key()
    keys = {public_key_id(current): current}
    for text in settings.SMARTGOV_AUDIT_SIGNING_KEYS_RETIRED:
        public = Ed25519PublicKey.from_public_bytes(_raw32(text, "SMARTGOV_AUDIT_SIGNING_KEYS_RETIRED"))
        keys[public_key_id(public)] = public
    return keys


# --- checkpoints -----------------------------------------------------------------------------------------------
def _canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class Checkpoint:
    log: str
    number: int
    made_at: str
    #: What the log looked like (its own format: chains, heads, anchors).
    state: dict[str, Any]
    #: Why it was written, when not by the periodic seal (an archive, an acknowledged break).
    note: dict[str, Any] = field(default_factory=dict)
    prev: str = ""
    key_id: str = ""
    signature: str = ""
    timestamp: str | None = None

    def _body(self) -> dict[str, Any]:
        return {
            "log": self.log,
            "number": self.number,
            "made_at": self.made_at,
            "state": self.state,
            "note": self.note,
            "prev": self.prev,
        }

    def message(self) -> bytes:
        """What the signature covers (and the time-stamp, through its SHA-256)."""
        return FORMAT + _canonical(self._body())

    def line(self) -> bytes:
        signed = {"key_id": self.key_id, "signature": self.signature, "timestamp": self.timestamp}
        return _canonical({**self._body(), **signed})

    @classmethod
    def parse(cls, raw: bytes) -> "Checkpoint":
        data = json.loads(raw)
        return cls(
            log=str(data["log"]),
            number=int(data["number"]),
            made_at=str(data["made_at"]),
            state=dict(data["state"]),
            note=dict(data.get("note") or {}),
            prev=str(data["prev"]),
            key_id=str(data["key_id"]),
            signature=str(data["signature"]),
            timestamp=data.get("timestamp"),
        )

    def signature_problem(self, keys: dict[str, Ed25519PublicKey]) -> str:
        public = keys.get(self.key_id)
        if public is None:
            return f"checkpoint {self.number} is signed by an unknown key ({self.key_id})"
        try:
            public.verify(base64.b64decode(self.signature), self.message())
        except (InvalidSignature, binascii.Error, ValueError):
            return f"checkpoint {self.number}'s signature is invalid"
        return ""

    def describe(self) -> str:
        return f"checkpoint {self.number} of {self.made_at}"


def _folder(log: str) -> Path:
    return Path(settings.SMARTGOV_AUDIT_CHECKPOINT_DIR) / log


def _files(log: str) -> list[Path]:
    folder = _folder(log)
    return sorted(folder.glob("*.jsonl")) if folder.exists() else []


def _last_line(path: Path) -> bytes | None:
    with path.open("rb") as stream:
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        chunk = 4096
        while True:
            start = max(0, size - chunk)
            stream.seek(start)
            data = stream.read(size - start).rstrip(b"\n")
            cut = data.rfind(b"\n")
            if cut >= 0 or start == 0:
                line = data[cut + 1 :]
                return line or None
            chunk *= 4


def _latest_line(log: str) -> bytes | None:
    for path in reversed(_files(log)):
        line = _last_line(path)
        if line is not None:
            return line
    return None


def checkpoint_latest(log: str) -> Checkpoint | None:
    """The newest checkpoint of ``log``, its signature checked (``ValueError`` when it does not verify)."""
    raw = _latest_line(log)
    if raw is None:
        return None
    checkpoint = Checkpoint.parse(raw)
    if problem := checkpoint.signature_problem(trusted_keys()):
        raise ValueError(problem)
    return checkpoint


@contextlib.contextmanager
def _store_lock(log: str) -> Iterator[None]:
    folder = _folder(log)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(folder / ".lock", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _timestamp(message: bytes) -> str | None:
    url = settings.SMARTGOV_AUDIT_TSA_URL
    if not url:
        return None
    try:
        token = timestamp_fetch(url, hashlib.sha256(message).digest())
    except Exception:  # the authority is down or refused: this checkpoint stays signed, the next is stamped
        logger.warning("time-stamping authority %s failed; the checkpoint is signed without a time-stamp", url)
        return None
    return base64.b64encode(token).decode()


def checkpoint_append(*, log: str, state: dict[str, Any], note: dict[str, Any] | None = None) -> Checkpoint:
    """Sign ``state`` as the next checkpoint of ``log`` and append it to the store."""
    key = signing_key()
    with _store_lock(log):
        previous = _latest_line(log)
        number = Checkpoint.parse(previous).number + 1 if previous is not None else 1
        now = datetime.now(tz=UTC)
        unsigned = Checkpoint(
            log=log,
            number=number,
            made_at=now.isoformat(timespec="microseconds"),
            state=state,
            note=note or {},
            prev=hashlib.sha256(previous).hexdigest() if previous is not None else "",
            key_id=public_key_id(key.public_key()),
        )
        message = unsigned.message()
        checkpoint = replace(
            unsigned, signature=base64.b64encode(key.sign(message)).decode(), timestamp=_timestamp(message)
        )
        path = _folder(log) / f"{now:%Y-%m-%d}.jsonl"
        created = not path.exists()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, checkpoint.line() + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:  # the new file's name must survive a power cut too
            dir_fd = os.open(_folder(log), os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
    return checkpoint


@dataclass(frozen=True)
class StoreCheck:
    """What the store of one log says: its newest checkpoint, how many there are, and the first fault."""

    latest: Checkpoint | None
    count: int
    problem: str = ""
    #: Checkpoints that record an acknowledged break (a restore, for instance): (number, reason).
    breaks: tuple[tuple[int, str], ...] = ()


def checkpoints_check(log: str) -> StoreCheck:
    """Read every checkpoint of ``log``: numbers consecutive, each linked to the line before it, each signed by
    a trusted key; the newest time-stamp checked when there is one."""
    keys = trusted_keys()
    previous: bytes | None = None
    latest: Checkpoint | None = None
    count = 0
    breaks: list[tuple[int, str]] = []
    for path in _files(log):
        with path.open("rb") as stream:
            for raw in stream:
                line = raw.rstrip(b"\n")
                if not line:
                    continue
                try:
                    checkpoint = Checkpoint.parse(line)
                except (ValueError, KeyError, TypeError):
                    return StoreCheck(latest, count, f"{path.name}: a checkpoint line cannot be read")
                expected = latest.number + 1 if latest is not None else 1
                if checkpoint.number != expected or checkpoint.log != log:
                    return StoreCheck(
                        latest, count, f"checkpoint {expected} is missing from the store (found {checkpoint.number})"
                    )
                if checkpoint.prev != (hashlib.sha256(previous).hexdigest() if previous is not None else ""):
                    return StoreCheck(
                        latest, count, f"checkpoint {checkpoint.number} does not follow the one before it"
                    )
                if problem := checkpoint.signature_problem(keys):
                    return StoreCheck(latest, count, problem)
                if "break" in checkpoint.note:
                    breaks.append((checkpoint.number, str(checkpoint.note["break"])))
                previous, latest, count = line, checkpoint, count + 1
    if latest is not None and latest.timestamp:
        digest = hashlib.sha256(latest.message()).digest()
        token = base64.b64decode(latest.timestamp)
        if problem := timestamp_problem(token, digest, settings.SMARTGOV_AUDIT_TSA_ROOTS, what="checkpoint"):
            return StoreCheck(latest, count, f"{latest.describe()}: {problem}")
    return StoreCheck(latest, count, "", tuple(breaks))
