"""Counting wrong tries of a secret in Django's cache (Redis in production, so every web host shares the counts;
local memory in the demo and the tests).

A ``Limit`` allows ``tries`` wrong tries per value (a dossier code, an address, ...) in a window of ``seconds``
starting at the first wrong try. The caller asks ``tries_exhausted`` before checking the secret and refuses with
``TooManyTries`` (429) while a value is exhausted, the right secret included (or the limit would only slow the
guessing); it calls ``try_failed`` after a wrong secret. A right secret is not counted and clears nothing: a
success from an address must not reset the guessing of another secret from there. The values are hashed into the
cache keys, so no code or address is stored in the cache in clear."""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import cache

from smartgov.platform.errors import DomainError


class TooManyTries(DomainError):
    """Too many wrong tries: answer 429, with ``Retry-After`` (seconds)."""

    status = 429
    code = "too_many_tries"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limit:
    name: str  #: what is counted, e.g. ``lookup-code``; part of the cache key and of the security event
    tries: int
    seconds: int

    def key(self, value: str) -> str:
        digest = hashlib.sha256(value.encode()).hexdigest()[:40]
        return f"throttle:{self.name}:{digest}"


Counted = Sequence[tuple[Limit, str]]


def tries_exhausted(counted: Counted) -> tuple[Limit, str] | None:
    """The first (limit, value) whose wrong tries have reached the limit in the current window, else None."""
    keys = {limit.key(value): (limit, value) for limit, value in counted}
    counts = cache.get_many(list(keys))
    return next(((limit, value) for key, (limit, value) in keys.items() if counts.get(key, 0) >= limit.tries), None)


def try_failed(counted: Counted) -> list[tuple[Limit, str]]:
    """Count one wrong try against each (limit, value); return those this very try brought to their limit (once per
    window, so the caller records one security event per limit hit, not one per refused try)."""
    reached = []
    for limit, value in counted:
        key = limit.key(value)
        cache.add(key, 0, timeout=limit.seconds)  # the window starts at the first wrong try
        try:
            count = cache.incr(key)
        except ValueError:  # the window ended between add and incr
            cache.set(key, 1, timeout=limit.seconds)
            count = 1
        if count == limit.tries:
            reached.append((limit, value))
    return reached
