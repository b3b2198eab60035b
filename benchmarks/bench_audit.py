"""Audited writes per second from 2 and 8 concurrent writers on PostgreSQL, against the same writes without audit.

Each writer is a process of its own with its own database connection, as web and task workers are. Two kinds
of write, each in one transaction:

- **service**: the platform's real ``agency_upsert`` creating an agency (look-up under lock, validation with its
  uniqueness query, insert, outbox event handed to the queue, and the audit row); without audit, the same
  service with its ``audit_record`` call replaced by nothing. This is the measure the goal (at least 0.7) is
  about.
- **insert**: the smallest write there is, one INSERT of an agency, and that INSERT plus ``audit_record``: the
  audit row's cost at its most visible.

The same writer processes alternate between the two sides in half-second slices (without, with, with,
without, …) for ``--duration`` seconds of each side, so a machine whose load changes during the run (other
jobs, the disk's flushes) weighs on both sides alike. The figure is writes per second over all slices of a
side; the median of the ratios of neighbouring slice pairs is given beside it. The audit log is sealed and
verified afterwards. Needs ``DATABASE_URL`` to name a PostgreSQL server (the benchmark makes and drops a
database of its own there); skipped otherwise: SQLite serialises every writer.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

from _harness import BIN, ROOT, Context, Result, scratch_database, server_env

WRITER = r"""
import json, sys, time
import django
django.setup()
from django.db import transaction
from smartgov.platform.models import Agency
from smartgov.platform.services import org
from smartgov.platform.services.audit import audit_record

writer, shape, pool = int(sys.argv[1]), sys.argv[2], sys.argv[3]
real_audit_record = org.audit_record
n = 0


def write(audited):
    global n
    n += 1
    code = f"{shape[0]}{pool}.{writer}.{n}"
    name = f"Phòng Tư pháp {code}"
    if shape == "service":
        org.audit_record = real_audit_record if audited else (lambda **kwargs: None)
        org.agency_upsert(actor=None, data=org.AgencyData(code=code, name=name, kind=Agency.Kind.UNIT))
        return
    with transaction.atomic():
        agency = Agency.objects.create(code=code, name=name, search_name=name.lower(), kind=Agency.Kind.UNIT)
        if audited:
            audit_record(actor=None, action="platform.agency.create", obj=agency,
                         changes={"code": [None, code], "name": [None, name], "kind": [None, "unit"]})


write(True)  # connected, warm
write(False)
print("READY", flush=True)
for line in sys.stdin:  # "<audited 0/1> <start> <stop>": write from start to stop, say how many
    audited, start, stop = line.split()
    start, stop, done = float(start), float(stop), 0
    while time.time() < start:
        time.sleep(0.0002)
    while time.time() < stop:
        write(audited == "1")
        done += 1
    print(done, flush=True)
"""
SLICE = 0.5


class Writers:
    """``count`` writer processes of one shape, kept for the whole measurement."""

    def __init__(self, env: dict[str, str], *, count: int, shape: str) -> None:
        self.processes = [
            subprocess.Popen(
                [sys.executable, "-c", WRITER, str(w), shape, str(count)],
                env=env,
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for w in range(count)
        ]
        for process in self.processes:
            if self._read(process) != "READY":
                raise RuntimeError(f"a writer failed:\n{process.communicate(timeout=60)[1][-3000:]}")

    @staticmethod
    def _read(process: subprocess.Popen[str]) -> str:
        assert process.stdout is not None  # noqa: S101 - piped
        return process.stdout.readline().strip()

    def slice(self, *, audited: bool, seconds: float) -> int:
        """Every writer writes for ``seconds`` from the same moment; how many writes they made together."""
        start = time.time() + 0.02
        for process in self.processes:
            assert process.stdin is not None  # noqa: S101 - piped
            process.stdin.write(f"{int(audited)} {start} {start + seconds}\n")
            process.stdin.flush()
        total = 0
        for process in self.processes:
            answer = self._read(process)
            if not answer.isdigit():
                raise RuntimeError(f"a writer failed:\n{process.communicate(timeout=60)[1][-3000:]}")
            total += int(answer)
        return total

    def close(self) -> None:
        for process in self.processes:
            if process.stdin is not None:
                process.stdin.close()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _compare(env: dict[str, str], *, shape: str, writers: int, seconds: int) -> tuple[float, float, list[float]]:
    """Writes per second without and with audit, alternating slices; and the ratio of each pair of slices."""
    pool = Writers(env, count=writers, shape=shape)
    try:
        done = {False: 0, True: 0}
        pairs: list[float] = []
        for i in range(max(1, round(seconds / SLICE / 2))):
            order = (False, True) if i % 2 == 0 else (True, False)
            counts = {audited: pool.slice(audited=audited, seconds=SLICE) for audited in order}
            done[False] += counts[False]
            done[True] += counts[True]
            if counts[False]:
                pairs.append(counts[True] / counts[False])
    finally:
        pool.close()
    span = len(pairs) * SLICE or 1.0
    return done[False] / span, done[True] / span, pairs


def run(ctx: Context) -> list[Result]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench_audit skipped: set DATABASE_URL to a PostgreSQL server (postgres://user@host/db); SQLite")
        print("serialises every writer, so there is nothing to measure there")
        return []
    with scratch_database(url, "audit") as scratch:
        # events handed to an in-process queue, as a worker's broker would take them (not delivered in the writer)
        env = dict(server_env(ctx.workdir), DATABASE_URL=scratch, CELERY_TASK_ALWAYS_EAGER="false")
        return _measure(ctx, env)


def _measure(ctx: Context, env: dict[str, str]) -> list[Result]:
    smartgov = str(BIN / "smartgov")
    subprocess.run([smartgov, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT, timeout=600)
    results: list[Result] = []
    for shape, writers in (("service", 2), ("service", 8), ("insert", 2), ("insert", 8)):
        plain, audited, pairs = _compare(env, shape=shape, writers=writers, seconds=ctx.duration)
        what = "agency_upsert (service)" if shape == "service" else "one INSERT"
        baseline = f"{writers} writers, {what}, no audit"
        results += [
            Result(f"{baseline} (baseline)", plain, "writes/s"),
            Result(
                f"{writers} writers, {what} + audit_record",
                audited,
                "writes/s",
                baseline=baseline,
                ratio=audited / plain,
                extra={"median ratio of slice pairs": statistics.median(pairs), "slice pairs": len(pairs)},
            ),
        ]
    sealed = subprocess.run([smartgov, "audit", "seal"], env=env, cwd=ROOT, capture_output=True, text=True)
    verified = subprocess.run([smartgov, "audit", "verify"], env=env, cwd=ROOT, capture_output=True, text=True)
    if sealed.returncode != 0 or verified.returncode != 0:
        raise RuntimeError(f"the audit log does not verify after the run: {sealed.stderr}{verified.stderr}")
    print(verified.stdout.strip())
    return results
