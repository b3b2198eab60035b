"""The archive's file format: gzip JSON lines, the signed batches first, then their records (bodies included).
Writing an archive and removing what it holds is ``services.messagelog.log_archive``."""

import base64

from smartgov.exchange.messagelog.chain import as_chained
from smartgov.exchange.models import LogBatch, MessageRecord


def batch_line(batch: LogBatch) -> dict[str, object]:
    return {
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


def _b64(data: bytes | memoryview | None) -> str | None:
    return base64.b64encode(bytes(data)).decode() if data is not None else None


def record_line(row: MessageRecord) -> dict[str, object]:
    return {
        "record": {
            **as_chained(row),
            "id": row.id,
            "prev_hash": row.prev_hash,
            "hash": row.hash,
            "request_body": _b64(row.request_body),
            "response_body": _b64(row.response_body),
            "encrypted": row.encrypted,
        }
    }
