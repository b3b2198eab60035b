"""RFC 3161 time-stamps (pyHanko's client): asking an authority for a token over a digest, and checking one.

Used by the audit checkpoints (``platform.checkpoints``) and the exchange's message log.
"""

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from smartgov.platform.aio import outside_event_loop


def _stamper(url: str, timeout: int) -> Any:
    """pyHanko's time-stamp client, its HTTP call made by the platform's one outbound client."""
    from asn1crypto import tsp
    from pyhanko.sign.timestamps.api import TimeStamper
    from pyhanko.sign.timestamps.common_utils import TimestampRequestError, set_tsp_headers

    from smartgov.platform import outbound

    class OutboundTimeStamper(TimeStamper):
        async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
            def call() -> outbound.Response:
                return outbound.request(
                    "POST", url, headers=set_tsp_headers({}), body=req.dump(), timeout=timeout, retries=0
                )

            try:
                answer = await asyncio.to_thread(call)
            except outbound.OutboundError as exc:
                raise TimestampRequestError("Error in communication with timestamp server") from exc
            if answer.header("Content-Type") != "application/timestamp-reply":
                raise TimestampRequestError("Timestamp server response is malformed.")
            return tsp.TimeStampResp.load(answer.body)

    return OutboundTimeStamper()


def timestamp_fetch(url: str, digest: bytes, *, timeout: int = 10) -> bytes:
    """A DER time-stamp token over the SHA-256 ``digest`` from the authority at ``url``. Raises when the
    authority does not answer or refuses."""
    stamper = _stamper(url, timeout)

    def stamp() -> Any:
        return asyncio.run(stamper.async_timestamp(digest, "sha256"))

    token = outside_event_loop(stamp)
    return bytes(token.dump())


def x509_pem_to_der(data: bytes) -> bytes:
    from cryptography import x509 as crypto_x509
    from cryptography.hazmat.primitives.serialization import Encoding

    return crypto_x509.load_pem_x509_certificate(data).public_bytes(Encoding.DER)


def timestamp_problem(token: bytes, digest: bytes, roots: Sequence[str], *, what: str = "message") -> str:
    """Why ``token`` is not a good time-stamp of ``digest`` ("" when it is): its imprint must be ``digest`` and,
    when ``roots`` (PEM files) are given, it must be signed by an authority chaining to one of them. ``what``
    names the stamped thing in the answer ("batch", "checkpoint")."""
    from asn1crypto import cms, tsp
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
    from pyhanko_certvalidator import ValidationContext

    try:
        content = cms.ContentInfo.load(token)
        signed_data = content["content"]
        info = signed_data["encap_content_info"]["content"].parsed
        if not isinstance(info, tsp.TSTInfo):
            return "the time-stamp token cannot be read"
        imprint = info["message_imprint"]["hashed_message"].native
    except Exception:
        return "the time-stamp token cannot be read"
    if imprint != digest:
        return f"the time-stamp token is for another {what}"
    trusted = [asn1_x509.Certificate.load(x509_pem_to_der(Path(p).read_bytes())) for p in roots]
    if trusted:
        context = ValidationContext(trust_roots=trusted)
        try:
            status = outside_event_loop(
                lambda: asyncio.run(validate_tst_signed_data(signed_data, context, lambda _alg: digest))
            )
        except Exception:
            return "the time-stamp token's signature does not verify"
        if not (status.get("intact") and status.get("valid") and status.get("trust_problem_indic") is None):
            return "the time-stamp token is not signed by a trusted authority"
    return ""
