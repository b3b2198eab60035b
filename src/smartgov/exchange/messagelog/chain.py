"""How a record is chained: its canonical content, and the hash that links it to the record before.

Records are chained with HMAC-SHA256 under the platform's chain key (``smartgov.platform.chainkey``, kept
outside the database), so nobody who can only write to the database can recompute the chain after editing a
record. Records up to ``LogChainHead.legacy_last_id`` were chained before the key, with SHA-256: they are
verified that way, and a checkpoint pins where they end.
"""

import base64
import hashlib
import json
import uuid
from datetime import UTC
from typing import Any

from django.utils.dateparse import parse_datetime

from smartgov.exchange.models import MessageRecord
from smartgov.platform.chainkey import chain_mac

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


def canonical(record: dict[str, Any]) -> bytes:
    return json.dumps([record.get(k) for k in CHAINED], separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(key: bytes, prev: str, record: dict[str, Any]) -> str:
    """The keyed hash of ``record`` after ``prev``."""
    return chain_mac(key, chain_message(prev, record))


def chain_message(prev: str, record: dict[str, Any]) -> bytes:
    return b"smartgov-exchange-log/2|" + prev.encode() + b"|" + canonical(record)


def legacy_chain_hash(prev: str, record: dict[str, Any]) -> str:
    """How records were chained before the key: SHA-256 over the previous hash and the canonical content."""
    return hashlib.sha256(prev.encode() + b"|" + canonical(record)).hexdigest()


def as_chained(row: MessageRecord) -> dict[str, Any]:
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


def row_from_line(line: dict[str, Any]) -> MessageRecord:
    """A journal line as a (not yet chained) record."""
    request_body = base64.b64decode(line["request_body"]) if line.get("request_body") is not None else None
    response_body = base64.b64decode(line["response_body"]) if line.get("response_body") is not None else None
    moment = parse_datetime(line["request_at"])
    if moment is None:
        raise ValueError(f"unreadable time in journal line {line.get('record_id')}")
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
