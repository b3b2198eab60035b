"""Password hashing cost: milliseconds per hash of Argon2id at candidate settings, one core.

Baseline: Django's PBKDF2-SHA256 at its default iterations (what Django would use without argon2-cffi). The
cost chosen for SmartGov is justified in docs/benchmarks.md from these figures: slow enough to make offline
guessing of a stolen hash expensive, fast and small enough that a burst of sign-ins does not starve the
web workers (memory is per concurrent hash).
"""

from __future__ import annotations

import time

import django
from django.conf import settings

from _harness import Context, Result

CANDIDATES = [  # (label, time_cost, memory_cost KiB, parallelism)
    ("Argon2id t=2 m=100 MiB p=8 (Django default)", 2, 102_400, 8),
    ("Argon2id t=2 m=19 MiB p=1 (OWASP minimum)", 2, 19_456, 1),
    ("Argon2id t=3 m=64 MiB p=4 (RFC 9106 second choice)", 3, 65_536, 4),
    ("Argon2id t=3 m=64 MiB p=1", 3, 65_536, 1),
    ("Argon2id t=2 m=46 MiB p=1 (SmartGov)", 2, 47_104, 1),
    ("Argon2id t=1 m=2 GiB p=4 (RFC 9106 first choice)", 1, 2_097_152, 4),
]


def _per_hash_ms(hasher: object, rounds: int) -> tuple[float, float]:
    """Wall-clock and CPU milliseconds per hash (Argon2 lanes run in parallel threads: CPU can exceed wall)."""
    hasher.encode("Mat-khau-dai-2026", hasher.salt())  # type: ignore[attr-defined]  # warm-up
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        hasher.encode("Mat-khau-dai-2026", hasher.salt())  # type: ignore[attr-defined]
    return (time.perf_counter() - start) * 1000 / rounds, (time.process_time() - cpu) * 1000 / rounds


def run(ctx: Context) -> list[Result]:
    if not settings.configured:
        settings.configure(USE_TZ=True)
        django.setup()
    from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher

    pbkdf2 = PBKDF2PasswordHasher()
    base_ms, base_cpu = _per_hash_ms(pbkdf2, 3)
    results: list[Result] = [
        Result(
            f"PBKDF2-SHA256 {pbkdf2.iterations:,} iterations (Django default)",
            base_ms,
            "ms/hash",
            extra={"CPU ms/hash": base_cpu},
        )
    ]
    for label, time_cost, memory_cost, parallelism in CANDIDATES:
        hasher = type(
            "Candidate",
            (Argon2PasswordHasher,),
            {"time_cost": time_cost, "memory_cost": memory_cost, "parallelism": parallelism},
        )()
        ms, cpu = _per_hash_ms(hasher, 2 if memory_cost > 500_000 else 10)
        results.append(
            Result(
                label,
                ms,
                "ms/hash",
                baseline="PBKDF2",
                ratio=ms / base_ms,
                extra={"CPU ms/hash": cpu, "hashes/s per core": 1000 / cpu, "MiB per hash": memory_cost / 1024},
            )
        )
    return results
