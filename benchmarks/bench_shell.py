"""Bare stack and home page: requests/s on the production server setup (gunicorn, production settings).

Baseline: ``/healthz/live``, a view that touches nothing (Django + gunicorn + middleware only). Then the
home page of the demo (locality, navigation, unit counts, agencies, next holiday), as a ratio to it.
"""

from __future__ import annotations

from _harness import Context, Result, drive, prepare_site, production_server


def run(ctx: Context) -> list[Result]:
    env = prepare_site(ctx.workdir, demo=True)
    results: list[Result] = []
    with production_server(env) as base:
        bare = drive(base + "/healthz/live", ctx)
        results.append(
            Result(
                "bare stack /healthz/live",
                bare.requests_per_second,
                "req/s",
                extra={"p50 ms": bare.p50_ms, "p99 ms": bare.p99_ms, "errors": bare.errors},
            )
        )
        home = drive(base + "/", ctx)
        results.append(
            Result(
                "home page /",
                home.requests_per_second,
                "req/s",
                baseline="bare stack",
                ratio=home.requests_per_second / bare.requests_per_second,
                extra={"p50 ms": home.p50_ms, "p99 ms": home.p99_ms, "errors": home.errors},
            )
        )
    return results
