"""The data-exchange gateway against calling the provider directly, in the same run, on loopback.

The provider is the demo's national population database (``smartgov.exchange.population``), served by the
same HTTP server the gateway runs on (cheroot), answering from memory, so the figures are the gateway's cost.
The gateway runs as in production — its own process (``smartgov exchange serve``), API-key authentication,
access check, rate limit, the message log journalled before every answer and shipped into the database,
chained and signed, in the background. Throughput with 16 connections; added latency (p50, p99) with one
connection, where queueing does not hide it. X-Road's target for this gateway: at least half the direct
throughput and at most 3 ms added at the median.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from dataclasses import replace

from _harness import BIN, ROOT, Context, Result, background, drive, free_port, prepare_site, site_script

REGISTER = r"""
import json, sys
from smartgov.exchange import services as ex
from smartgov.exchange.population import OPENAPI
port = json.loads(sys.stdin.read())["port"]
police = ex.member_register(actor=None, member_class="GOV", code="000.00.00.G01", name="Bộ Công an")
population = ex.subsystem_register(actor=None, member=police, code="CSDLQGDC")
service = ex.service_register(actor=None, provider=population, code="citizens", title="Công dân",
                              url=f"http://127.0.0.1:{port}", openapi=OPENAPI)
justice = ex.member_register(actor=None, member_class="GOV", code="000.00.04.H31", name="Sở Tư pháp")
civil = ex.subsystem_register(actor=None, member=justice, code="HOTICH")
ex.access_grant(actor=None, service=service, subsystem=civil)
_row, key = ex.api_key_issue(actor=None, subsystem=civil)
print("BENCH-JSON " + json.dumps({"key": key}))
"""

PROVIDER = r"""
import sys
from cheroot import wsgi
from smartgov.exchange.population import population_app
server = wsgi.Server(("127.0.0.1", int(sys.argv[1])), population_app, numthreads=32, request_queue_size=512)
server.safe_start()
"""

CLIENT = "VN-HP/GOV/000.00.04.H31/HOTICH"


def _wait(url: str, headers: dict[str, str]) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not come up") from None
            time.sleep(0.25)


def run(ctx: Context) -> list[Result]:
    env = prepare_site(ctx.workdir, demo=False)
    # the provider listens on loopback, which production settings refuse for providers unless listed
    env.update(
        SMARTGOV_EXCHANGE_INSTANCE="VN-HP",
        SMARTGOV_EXCHANGE_RATE_LIMIT="1000000000",
        SMARTGOV_EXCHANGE_PROVIDER_ALLOW="127.0.0.1",
    )
    provider_port, gateway_port = free_port(), free_port()
    key = site_script(REGISTER, env, {"port": provider_port}, timeout=120)["key"]
    direct_url = f"http://127.0.0.1:{provider_port}/citizens/031195001234"
    gateway_url = f"http://127.0.0.1:{gateway_port}/r1/VN-HP/GOV/000.00.00.G01/CSDLQGDC/citizens/citizens/031195001234"
    direct_headers = {"X-Road-Client": CLIENT}
    gateway_headers = {"X-Road-Client": CLIENT, "X-SmartGov-Api-Key": key}
    serve = [str(BIN / "smartgov"), "exchange", "serve", "--plain", "--port", str(gateway_port), "--workers", "2"]
    with background([sys.executable, "-c", PROVIDER, str(provider_port)], env), background(serve, env):
        _wait(direct_url, direct_headers)
        _wait(gateway_url, gateway_headers)
        direct = drive(direct_url, ctx, headers=direct_headers)
        through = drive(gateway_url, ctx, headers=gateway_headers)
        one = replace(ctx, connections=1, threads=1)
        direct_one = drive(direct_url, one, headers=direct_headers)
        through_one = drive(gateway_url, one, headers=gateway_headers)
    logged = subprocess.run(
        [str(BIN / "smartgov"), "exchange", "ingest"], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    verified = subprocess.run(
        [str(BIN / "smartgov"), "exchange", "verify"], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if verified.returncode != 0:
        raise RuntimeError(f"the message log does not verify after the run: {verified.stdout}{logged.stdout}")
    return [
        Result("provider called directly (baseline)", direct.requests_per_second, "req/s",
               extra={"p50_ms": direct.p50_ms, "p99_ms": direct.p99_ms, "errors": direct.errors}),
        Result("through the gateway, message log on", through.requests_per_second, "req/s",
               baseline="provider called directly", ratio=through.requests_per_second / direct.requests_per_second,
               extra={"p50_ms": through.p50_ms, "p99_ms": through.p99_ms, "errors": through.errors}),
        Result("added latency p50, one connection", through_one.p50_ms - direct_one.p50_ms, "ms",
               extra={"direct_p50_ms": direct_one.p50_ms, "gateway_p50_ms": through_one.p50_ms}),
        Result("added latency p99, one connection", through_one.p99_ms - direct_one.p99_ms, "ms",
               extra={"direct_p99_ms": direct_one.p99_ms, "gateway_p99_ms": through_one.p99_ms}),
    ]  # fmt: skip
