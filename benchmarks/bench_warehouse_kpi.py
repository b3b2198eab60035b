"""The service-quality dashboard's year from the warehouse's monthly rollups, against the same year computed live.

The site gets the demo (catalog, agencies) and generated dossiers over the past year: 1,000,000
(``SMARTGOV_BENCH_KPI_DOSSIERS`` overrides; CI runs it tiny). Measured in the site's own process, median of
``SMARTGOV_BENCH_KPI_RUNS`` runs (default 5), over the twelve months up to today (eleven that have ended, and the
current one):

- baseline: the Decision 766 indicators computed live (``kpis()``, one grouped query per measure);
- the same rows as the dashboard now gets them (``kpis_rolled_up``): the ended months read from
  ``mot_cua.chi_so_766_thang`` (through DuckDB over its Delta version the first time, then from the process's
  per-version cache), the current month computed live; and the same with the cache emptied before each run (the
  first view after a publish);
- once: publishing the rollups (every month computed, the table written), which the nightly task does, and a second
  run (the ended months kept, only the current month computed again).

The rows are checked equal to the live ones before anything is reported.
"""

from __future__ import annotations

import os

from _harness import Context, Result, prepare_site, site_script

SCRIPT = r"""
import json, statistics, sys, time
from datetime import timedelta
from django.core.management import call_command
from django.utils import timezone
from smartgov.procedures.kpi import kpis, kpis_rolled_up
from smartgov.procedures.models import Dossier
from smartgov.warehouse.publishers import kpi_rollups_publish
from smartgov.warehouse.selectors.rollups import rollups_cache_clear

spec = json.loads(sys.stdin.read())
missing = spec["count"] - Dossier.objects.count()
if missing > 0:
    call_command("dossiers_generate", count=missing, force=True, verbosity=0)
today = timezone.localdate()
start = today.replace(day=1)
for _ in range(11):
    start = (start - timedelta(days=1)).replace(day=1)

def median_ms(work):
    times = []
    for _ in range(spec["runs"]):
        begin = time.perf_counter()
        work()
        times.append((time.perf_counter() - begin) * 1000)
    return statistics.median(times)

live_ms = median_ms(lambda: kpis(start=start, end=today))
begin = time.perf_counter()
kpi_rollups_publish()
publish_s = time.perf_counter() - begin
begin = time.perf_counter()
kpi_rollups_publish()
republish_s = time.perf_counter() - begin
rows, when = kpis_rolled_up(start=start, end=today)
assert when is not None, "the rollup served nothing"
assert [vars(r) for r in rows] == [vars(r) for r in kpis(start=start, end=today)], "rollup rows differ from live"
def cold():
    rollups_cache_clear()
    kpis_rolled_up(start=start, end=today)

cold_ms = median_ms(cold)
rolled_ms = median_ms(lambda: kpis_rolled_up(start=start, end=today))
current_ms = median_ms(lambda: kpis(start=today.replace(day=1), end=today))
out = {"dossiers": Dossier.objects.count(), "rows": len(rows), "live_ms": live_ms, "rolled_ms": rolled_ms,
       "cold_ms": cold_ms, "current_ms": current_ms, "publish_s": publish_s, "republish_s": republish_s,
       "start": start.isoformat()}
print("BENCH-JSON " + json.dumps(out))
"""


def run(ctx: Context) -> list[Result]:
    count = int(os.environ.get("SMARTGOV_BENCH_KPI_DOSSIERS", "1000000"))
    runs = int(os.environ.get("SMARTGOV_BENCH_KPI_RUNS", "5"))
    env = prepare_site(ctx.workdir, demo=True)
    facts = site_script(SCRIPT, env, {"count": count, "runs": runs}, timeout=4 * 3600)
    extra = {"dossiers": float(facts["dossiers"]), "rows": float(facts["rows"])}
    return [
        Result(f"year from {facts['start']} computed live, kpis() (baseline)", facts["live_ms"], "ms", extra=extra),
        Result(
            "same year from the rollups (current month live)",
            facts["rolled_ms"],
            "ms",
            baseline="computed live",
            ratio=facts["rolled_ms"] / facts["live_ms"],
            extra={"of which current month live, ms": facts["current_ms"]},
        ),
        Result(
            "same, the version's rows read again with DuckDB (first view after a publish)",
            facts["cold_ms"],
            "ms",
            baseline="computed live",
            ratio=facts["cold_ms"] / facts["live_ms"],
        ),
        Result("publishing the rollups, first run (every month)", facts["publish_s"], "s"),
        Result("publishing the rollups again (current month only)", facts["republish_s"], "s"),
    ]
