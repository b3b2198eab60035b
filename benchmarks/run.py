"""Run the benchmarks: `make bench` runs them all, `make bench BENCH_ARGS=shell` only bench_shell.py.

Each ``benchmarks/bench_<name>.py`` has a docstring and ``run(ctx) -> list[Result]``; this prints their figures
and ratios as a table, keeps them as JSON in build/benchmarks/, and prints rows to paste into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import Context, Result, on_postgres, save, scratch_database, temp_workdir


def discover() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in Path(__file__).parent.glob("bench_*.py"))


@contextmanager
def _own_database(name: str) -> Iterator[None]:
    """On PostgreSQL, each benchmark runs on a database of its own, made for it and dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not on_postgres(url):
        yield
        return
    with scratch_database(url, name) as scratch:
        os.environ["DATABASE_URL"] = scratch
        try:
            yield
        finally:
            os.environ["DATABASE_URL"] = url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: all of {', '.join(discover())})")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per measurement")
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    names = args.names or discover()
    unknown = set(names) - set(discover())
    if unknown:
        parser.error(f"no such benchmark: {', '.join(sorted(unknown))}")

    console = Console()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    console.print(f"[bold]SmartGov benchmarks[/bold] on {machine}")
    for name in names:
        module = importlib.import_module(f"bench_{name}")
        console.rule(f"{name}: {(module.__doc__ or '').strip().splitlines()[0]}")
        with temp_workdir() as workdir, _own_database(name):
            ctx = Context(workdir=Path(workdir), duration=args.duration, connections=args.connections)
            results: list[Result] = module.run(ctx)
        path = save(name, results)
        table = Table(show_header=True)
        for column in ("measure", "value", "unit", "ratio to baseline"):
            table.add_column(column)
        for r in results:
            ratio = f"{r.ratio:.2f} × {r.baseline}" if r.ratio is not None else "baseline"
            table.add_row(r.name, f"{r.value:,.1f}", r.unit, ratio)
        console.print(table)
        console.print(f"kept in {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
        console.print("rows for docs/benchmarks.md:")
        for r in results:
            ratio = f"{r.ratio:.2f}" if r.ratio is not None else "1 (baseline)"
            extra = ", ".join(f"{k} {v:.2f}" for k, v in r.extra.items())
            print(f"| {name} | {r.name} | {r.value:,.1f} {r.unit} | {ratio} | {extra} |")


if __name__ == "__main__":
    main()
