"""Shared pieces of the benchmarks: a production-like server and a load generator (wrk) on loopback.

Benchmarks print figures and ratios to a baseline measured in the same run; they assert nothing about speed.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS_DIR = ROOT / "build" / "benchmarks"


@dataclass
class Result:
    name: str
    value: float
    unit: str
    baseline: str | None = None  # name of the result this one is compared with
    ratio: float | None = None
    extra: dict[str, float] = field(default_factory=dict)


@dataclass
class Context:
    """What every benchmark gets: where to keep files, and how long to drive load."""

    workdir: Path
    duration: int = 10
    connections: int = 16
    threads: int = 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(workdir: Path) -> dict[str, str]:
    """Environment of the production settings: SQLite under ``workdir`` unless DATABASE_URL is set (run.py gives each
    benchmark a PostgreSQL database of its own then)."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="smartgov.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        SMARTGOV_SIGNING_PASSPHRASE=secrets.token_urlsafe(24),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DEBUG="false",
        STATIC_ROOT=str(workdir / "static"),
        OIDC_RSA_PRIVATE_KEY_FILE=str(workdir / "oidc-signing-key.pem"),
        SMARTGOV_AUDIT_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        SMARTGOV_AUDIT_SIGNING_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        SMARTGOV_AUDIT_CHECKPOINT_DIR=str(workdir / "audit-checkpoints"),
        SMARTGOV_METRICS_TOKEN=secrets.token_hex(32),
        SMARTGOV_VAR_DIR=str(workdir / "var"),
        LOG_LEVEL="WARNING",
        # Served over plain HTTP on loopback: what is measured is the application, not the TLS proxy in front.
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_SSL_REDIRECT="false",
        # A throw-away site that loads the demo: its local CA signs the demo agencies' certificates and the
        # payment sandbox takes the demo fees (both off by default in production).
        SMARTGOV_PKI_LOCAL_CA="true",
        SMARTGOV_PAYMENT_SANDBOX="true",
    )
    return env


def prepare_site(workdir: Path, *, demo: bool = True) -> dict[str, str]:
    """Migrate, load the demo and collect static files for a production-settings server."""
    env = server_env(workdir)
    smartgov = str(BIN / "smartgov")
    steps = [[smartgov, "migrate", "--noinput", "-v0"], [smartgov, "collectstatic", "--noinput", "-v0"]]
    if demo:
        steps.append([smartgov, "load_demo", "--force", "--quiet-logins", "-v0"])
    for step in steps:
        subprocess.run(step, env=env, check=True, cwd=ROOT, timeout=600)
    return env


@contextmanager
def production_server(env: dict[str, str], *, workers: int | None = None) -> Iterator[str]:
    """gunicorn with deploy/gunicorn.conf.py on a free loopback port; yields the base URL once it answers.

    Its log goes to a file, not a pipe nobody reads while the load runs (a full pipe would stop the server). Start-up
    is waited for generously (a loaded machine boots the workers slowly; this is readiness, not a measure), and a
    server that never answers is stopped before its log is read."""
    port = free_port()
    env = dict(env, GUNICORN_BIND=f"127.0.0.1:{port}")
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "smartgov.wsgi:application"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 300
            while True:
                try:
                    with urllib.request.urlopen(base + "/healthz/live", timeout=15) as response:
                        if response.status == 200:
                            break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        _stop(process)
                        log.seek(0)
                        raise RuntimeError(f"the server did not start:\n{log.read().decode()[-3000:]}") from None
                    time.sleep(0.25)
            yield base
        finally:
            _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def on_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


@contextmanager
def scratch_database(url: str, suffix: str) -> Iterator[str]:
    """A new, empty database beside the one ``url`` names (same server and credentials), dropped afterwards: a
    benchmark never finds the rows of an earlier run, nor leaves its own in the database the tests use."""
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'smartgov'}_bench_{suffix}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


#: How a script run by :func:`site_script` hands back what it measured: one stdout line, this prefix and JSON.
FACTS_PREFIX = "BENCH-JSON "


def site_script(script: str, env: dict[str, str], spec: dict[str, Any], *, timeout: int = 600) -> dict[str, Any]:
    """Run ``script`` in ``smartgov shell`` on the site of ``env`` with ``spec`` as JSON on its stdin, and return
    what it printed on its ``BENCH-JSON {...}`` line (the measures taken inside the site's own process)."""
    done = subprocess.run(
        [str(BIN / "smartgov"), "shell", "-c", script],
        input=json.dumps(spec),
        text=True,
        capture_output=True,
        env=env,
        cwd=ROOT,
        check=False,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-4000:])
    line = next((x for x in done.stdout.splitlines() if x.startswith(FACTS_PREFIX)), None)
    if line is None:
        raise RuntimeError(f"the script printed no {FACTS_PREFIX.strip()} line:\n{done.stdout[-2000:]}")
    facts: dict[str, Any] = json.loads(line.removeprefix(FACTS_PREFIX))
    return facts


@contextmanager
def background(args: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """A process for the length of a benchmark, stopped (then killed if it must) afterwards."""
    process = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing wrk (Debian package) for the load generator ...", flush=True)
        quiet = {"stdout": subprocess.DEVNULL, "env": dict(os.environ, DEBIAN_FRONTEND="noninteractive")}
        subprocess.run(["apt-get", "update", "-qq"], check=True, timeout=300, **quiet)  # type: ignore[call-overload]
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, timeout=300, **quiet)  # type: ignore[call-overload]
        found = shutil.which("wrk")
    if not found:
        raise SystemExit("The benchmarks need wrk: install it with `apt-get install wrk` (Debian) and run again.")
    return found


@dataclass
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"unreadable latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> Load:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        errors += int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        errors += sum(int(n) for n in match.groups())
    return Load(rps, p50, p99, errors)


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def drive(
    url: str,
    ctx: Context,
    *,
    warmup: int = 2,
    method: str = "GET",
    body: str | None = None,
    headers: dict[str, str] | None = None,
    script: str | None = None,
) -> Load:
    """Load ``url`` with wrk for ``ctx.duration`` seconds after a short warm-up: any method, body and headers,
    or a whole wrk Lua ``script`` (requests that vary, answers that feed the next request)."""
    wrk = ensure_wrk()
    base = [wrk, f"-t{ctx.threads}", f"-c{ctx.connections}", "--latency", url]
    if script is not None:
        path = ctx.workdir / f"wrk-{secrets.token_hex(4)}.lua"
        path.write_text(script)
        base[4:4] = ["-s", str(path)]
    elif method != "GET" or body is not None or headers:
        lines = [f"wrk.method = {_lua_string(method)}"]
        if body is not None:
            lines.append(f"wrk.body = {_lua_string(body)}")
        lines += [f"wrk.headers[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in (headers or {}).items()]
        script = ctx.workdir / f"wrk-{secrets.token_hex(4)}.lua"
        script.write_text("\n".join(lines) + "\n")
        base[4:4] = ["-s", str(script)]
    subprocess.run([*base[:3], f"-d{warmup}s", *base[3:]], capture_output=True, check=True, timeout=warmup + 30)
    done = subprocess.run(
        [*base[:3], f"-d{ctx.duration}s", *base[3:]],
        capture_output=True,
        text=True,
        check=True,
        timeout=ctx.duration + 60,
    )
    if "Requests/sec" not in done.stdout:  # a script error, or no request at all
        raise RuntimeError(f"wrk failed: {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


def save(name: str, results: list[Result]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps([asdict(r) for r in results], indent=2, ensure_ascii=False) + "\n")
    return path


def temp_workdir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="smartgov-bench-")
