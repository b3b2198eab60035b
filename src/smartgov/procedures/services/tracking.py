"""Following a dossier by its code and the applicant's phone number or personal ID (the page and the API), with
the guessing of that secret throttled: wrong tries are counted per dossier code and per address
(``SMARTGOV_LOOKUP_TRIES_PER_CODE``, ``SMARTGOV_LOOKUP_TRIES_PER_ADDRESS`` in ``SMARTGOV_LOOKUP_WINDOW_SECONDS``,
smartgov.platform.throttle); past either limit every try is refused with 429, and a limit being hit is a security
event. The only writes are the cache's counters and that event."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from smartgov.identity.services import client_ip, security_event_record
from smartgov.platform.errors import NotFound
from smartgov.platform.throttle import Limit, TooManyTries, tries_exhausted, try_failed
from smartgov.procedures.models import Dossier
from smartgov.procedures.selectors import dossier_public_lookup


def _limits() -> tuple[Limit, Limit]:
    window = settings.SMARTGOV_LOOKUP_WINDOW_SECONDS
    return (
        Limit("lookup-code", settings.SMARTGOV_LOOKUP_TRIES_PER_CODE, window),
        Limit("lookup-address", settings.SMARTGOV_LOOKUP_TRIES_PER_ADDRESS, window),
    )


def dossier_track(*, request: HttpRequest, code: str, secret: str) -> Dossier:
    """The dossier with this code whose applicant has this phone number or personal ID (NotFound otherwise), unless
    this code or this address has had too many wrong tries lately (TooManyTries, a 429)."""
    per_code, per_address = _limits()
    code = code.strip().upper()
    counted = [(per_code, code), (per_address, client_ip(request) or "")]
    if tries_exhausted(counted):
        minutes = -(-per_code.seconds // 60)
        raise TooManyTries(
            _(
                "Too many wrong tries to follow this dossier. Wait %(minutes)d minutes and try again, or sign in "
                "to see your own dossiers."
            )
            % {"minutes": minutes},
            retry_after=per_code.seconds,
        )
    try:
        return dossier_public_lookup(code=code, secret=secret)
    except NotFound:
        for limit, _value in try_failed(counted):
            security_event_record(
                kind="lockout",  # identity's SecurityEvent.Kind.LOCKOUT: a lock-out of guessing a secret
                severity="high",
                request=request,
                details={"place": "dossier_lookup", "limit": limit.name, "code": code, "tries": limit.tries},
            )
        raise
