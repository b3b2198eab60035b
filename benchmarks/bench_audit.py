"""Audited writes per second from 2 and 8 concurrent writers on PostgreSQL, against the same writes without audit.

Each writer is a process of its own with its own database connection, as web and task workers are. Two kinds
of write, each in one transaction:

- **service**: the platform's real ``agency_upsert`` creating an agency (look-up under lock, validation with its
  uniqueness query, insert, outbox event, and the audit row); without audit, the same service with its
  ``audit_record`` call replaced by nothing. This is the measure the goal (at least 0.7) is about.
- **insert**: the smallest write there is, one INSERT of an agency, and that INSERT plus ``audit_record``: the
  audit row's cost at its most visible.

Runs alternate without, with, with, without audit (so a machine that slows down during the run does not favour
either side); the figure is writes per second over both runs of each side. The audit log is sealed and verified
afterwards. Needs ``DATABASE_URL`` to name a PostgreSQL server (the benchmark makes and drops a database of its
own there); skipped otherwise: SQLite serialises every writer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

from _harness import BIN, ROOT, Context, Result, server_env

WRITER = r"""
import json, sys, time
import django
django.setup()
from django.db import transaction
from smartgov.platform.models import Agency
from smartgov.platform.services import org
from smartgov.platform.services.audit import audit_record

run, writer, shape, audited = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1"
if not audited:
    org.audit_record = lambda **kwargs: None


def write(n):
    code = f"{run}.{writer}.{n}"
    name = f"Phòng Tư pháp {code}"
    if shape == "service":
        org.agency_upsert(actor=None, data=org.AgencyData(code=code, name=name, kind=Agency.Kind.UNIT))
        return
    with transaction.atomic():
        agency = Agency.objects.create(code=code, name=name, search_name=name.lower(), kind=Agency.Kind.UNIT)
        if audited:
            audit_record(actor=None, action="platform.agency.create", obj=agency,
                         changes={"code": [None, code], "name": [None, name], "kind": [None, "unit"]})


write(0)  # connected, warm
print("READY", flush=True)
start, stop = map(float, sys.stdin.readline().split())
while time.time() < start:
    time.sleep(0.0005)
n = 1
while time.time() < stop:
    write(n)
    n += 1
print("BENCH-JSON " + json.dumps({"writes": n - 1}), flush=True)
"""


def _writers(env: dict[str, str], *, run: str, writers: int, shape: str, audited: bool, seconds: int) -> float:
    """Start ``writers`` processes, let them write for ``seconds`` from the same moment once every one is connected;
    writes per second in total."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, run, str(w), shape, "1" if audited else "0"],
            env=env,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(writers)
    ]
    try:
        for process in processes:
            assert process.stdout is not None and process.stdin is not None  # noqa: S101 - piped above
            if process.stdout.readline().strip() != "READY":
                raise RuntimeError(f"a writer failed:\n{process.communicate(timeout=60)[1][-3000:]}")
        start = time.time() + 0.5
        for process in processes:
            process.stdin.write(f"{start} {start + seconds}\n")  # type: ignore[union-attr]
            process.stdin.flush()  # type: ignore[union-attr]
        total = 0
        for process in processes:
            out, err = process.communicate(timeout=seconds + 120)
            if process.returncode != 0:
                raise RuntimeError(f"a writer failed:\n{err[-3000:]}")
            line = next(x for x in out.splitlines() if x.startswith("BENCH-JSON "))
            total += json.loads(line.split(" ", 1)[1])["writes"]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    return total / seconds


@contextmanager
def _scratch_database(url: str) -> Iterator[str]:
    """A new database beside the one ``url`` names (same server and credentials), dropped afterwards."""
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'smartgov'}_bench_audit"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(ctx: Context) -> list[Result]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench_audit skipped: set DATABASE_URL to a PostgreSQL server (postgres://user@host/db); SQLite")
        print("serialises every writer, so there is nothing to measure there")
        return []
    with _scratch_database(url) as scratch:
        # events handed to an in-process queue, as a worker's broker would take them (not delivered in the writer)
        env = dict(server_env(ctx.workdir), DATABASE_URL=scratch, CELERY_TASK_ALWAYS_EAGER="false")
        return _measure(ctx, env)


def _measure(ctx: Context, env: dict[str, str]) -> list[Result]:
    smartgov = str(BIN / "smartgov")
    subprocess.run([smartgov, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT, timeout=600)
    results: list[Result] = []
    for shape, writers in (("service", 2), ("service", 8), ("insert", 2), ("insert", 8)):
        rates: dict[bool, list[float]] = {False: [], True: []}
        for i, audited in enumerate((False, True, True, False)):
            run = f"{shape[0]}{writers}{i}"
            rates[audited].append(
                _writers(env, run=run, writers=writers, shape=shape, audited=audited, seconds=ctx.duration)
            )
        plain, audited_rate = sum(rates[False]) / 2, sum(rates[True]) / 2
        what = "agency_upsert (service)" if shape == "service" else "one INSERT"
        baseline = f"{writers} writers, {what}, no audit"
        results += [
            Result(
                f"{baseline} (baseline)", plain, "writes/s", extra={"run 1": rates[False][0], "run 4": rates[False][1]}
            ),
            Result(
                f"{writers} writers, {what} + audit_record",
                audited_rate,
                "writes/s",
                baseline=baseline,
                ratio=audited_rate / plain,
                extra={"run 2": rates[True][0], "run 3": rates[True][1]},
            ),
        ]
    sealed = subprocess.run([smartgov, "audit", "seal"], env=env, cwd=ROOT, capture_output=True, text=True)
    verified = subprocess.run([smartgov, "audit", "verify"], env=env, cwd=ROOT, capture_output=True, text=True)
    if sealed.returncode != 0 or verified.returncode != 0:
        raise RuntimeError(f"the audit log does not verify after the run: {sealed.stderr}{verified.stderr}")
    print(verified.stdout.strip())
    return results
