"""X-Road identifiers: ``INSTANCE/CLASS/MEMBER/SUBSYSTEM`` for a client, ``…/SUBSYSTEM/SERVICE`` for a service.

Segments travel percent-encoded (UTF-8) in headers and paths; they may not contain ``/``, ``\\``, ``;``, ``%``,
``:`` or control characters (X-Road's identifier character restrictions).
"""

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

_FORBIDDEN = re.compile(r"[/\\;%:\x00-\x1f\x7f]")


def segment_valid(text: str) -> bool:
    return bool(text) and len(text) <= 255 and not _FORBIDDEN.search(text)


@dataclass(frozen=True, slots=True)
class ClientId:
    instance: str
    member_class: str
    member_code: str
    subsystem_code: str

    def __str__(self) -> str:
        return "/".join(
            quote(part, safe="") for part in (self.instance, self.member_class, self.member_code, self.subsystem_code)
        )


@dataclass(frozen=True, slots=True)
class ServiceId:
    provider: ClientId
    service_code: str

    def __str__(self) -> str:
        return f"{self.provider}/{quote(self.service_code, safe='')}"


def client_id_parse(text: str) -> ClientId | None:
    """``VN-HP/GOV/000.00.04.H31/HOTICH`` → ClientId; None when malformed."""
    parts = [unquote(p) for p in text.strip().split("/")]
    if len(parts) != 4 or not all(segment_valid(p) for p in parts):
        return None
    return ClientId(*parts)
