"""The hot path of the message log: one JSON line per call, appended to this process's journal file."""

import base64
import json
import os
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

ROTATE_BYTES = 64 * 1024 * 1024


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


def journal_files(directory: Path) -> list[Path]:
    """The journal files in ``directory``, oldest first."""
    return sorted(directory.glob("*.jsonl"), key=lambda p: (p.stat().st_mtime, p.name))


def writer_alive(name: str) -> bool:
    """Whether the process that writes the journal file ``name`` (``<pid>-<ns>.jsonl``) still runs."""
    try:
        os.kill(int(name.split("-", 1)[0]), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def record_new(**fields: Any) -> dict[str, Any]:
    return {"record_id": str(uuid.uuid4()), **fields}


def now_iso() -> str:
    return datetime.now(tz=UTC).isoformat(timespec="microseconds")
