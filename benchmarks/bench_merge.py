"""Merging localities: rows per second of `smartgov merge` export and import against a plain bulk insert of the same
rows, in the same run.

Two sites with the production settings, each with the national catalogue and its service centre, and its own
wards. The first gets generated past dossiers, one event each: 20,000 dossiers (``SMARTGOV_BENCH_MERGE_DOSSIERS``
overrides) on the embedded SQLite (the two sites need two databases, so this benchmark does not take
``DATABASE_URL``). It exports everything as locality 30. The second site imports the archive: every account, agency and
procedure is matched by its natural key, every ward, account, dossier and event is created with its foreign keys
remapped and linked. The baseline is the same dossier and event rows, read from the same files and parsed by the
same fields, written with ``bulk_create`` in batches of the same size and nothing else (no matching, no links),
then rolled back. Reported: export rows/s, archive check (SHA-256 of every file) rows/s, and the import's rows/s for the
dossiers and events as a ratio to that baseline.
"""

from __future__ import annotations

import os
from pathlib import Path

from _harness import Context, Result, prepare_site, site_script

SEED = r"""
import json, sys
from pathlib import Path
from smartgov.platform.services.org import AgencyData, agency_upsert
from smartgov.procedures.services.catalog import catalog_import
from django.conf import settings

spec = json.loads(sys.stdin.read())
for code, name, kind in spec["agencies"]:
    agency_upsert(actor=None, data=AgencyData(code=code, name=name, kind=kind))
catalog = Path(settings.BASE_DIR) / "src" / "smartgov" / "procedures" / "data" / "catalog.json"
catalog_import(data=json.loads(catalog.read_text(encoding="utf-8")), actor=None)
print("BENCH-JSON {}")
"""

EXPORT = r"""
import json, sys, time
from pathlib import Path
from django.utils import timezone
from smartgov.platform.merge import merge_export
from smartgov.procedures.models import Dossier, DossierEvent
from django.core.management import call_command

spec = json.loads(sys.stdin.read())
call_command("dossiers_generate", count=spec["count"], force=True, verbosity=0)
events = [DossierEvent(dossier_id=pk, at=created, action="submit", from_status=0, to_status=1, agency_id=agency)
          for pk, created, agency in Dossier.objects.values_list("pk", "created_at", "receiving_agency_id")]
DossierEvent.objects.bulk_create(events, batch_size=2000)
start = time.perf_counter()
archive = merge_export(out=Path(spec["out"]), locality="30")
seconds = time.perf_counter() - start
rows = sum(f["rows"] for f in archive.manifest["files"])
print("BENCH-JSON " + json.dumps({"rows": rows, "seconds": seconds}))
"""

IMPORT = r"""
import json, sys, time
from pathlib import Path
from django.db import transaction
from smartgov.platform.merge import archive_open, merge_import, merge_plan
from smartgov.platform.merge import importer

spec = json.loads(sys.stdin.read())
path = Path(spec["archive"])
start = time.perf_counter()
archive = archive_open(path)
check_seconds = time.perf_counter() - start
rows_total = sum(f["rows"] for f in archive.manifest["files"])
plan = merge_plan()
measured = ["procedures.dossier", "procedures.dossierevent"]
rows = sum(archive.files()[label]["rows"] for label in measured)

class Rollback(Exception):
    pass

# The baseline inserts the rows the target lacks (the demo's own dossiers are in both sites): picked before timing.
from smartgov.procedures.models import Dossier
here = set(Dossier.objects.exclude(code=None).values_list("code", flat=True))
dossier_fields = [f.name for f in plan.model("procedures.dossier").fields()]
code_at = dossier_fields.index("code")
skip = {pk for pk, values in archive.rows("procedures.dossier") if values[code_at] in here}
owner_at = {"procedures.dossier": None, "procedures.dossierevent": 0}
inserted = 0
start = time.perf_counter()
try:
    with transaction.atomic():
        for label in measured:
            spec_ = plan.model(label)
            fields = spec_.fields()
            batch = []
            for pk, values in archive.rows(label):
                if (pk if owner_at[label] is None else values[owner_at[label]]) in skip:
                    continue
                attrs = {f.attname: v if v is None or f.is_relation else f.to_python(v)
                         for f, v in zip(fields, values)}
                batch.append(spec_.model(**attrs))
                if len(batch) == importer.BATCH:
                    spec_.model.objects.bulk_create(batch)
                    inserted += len(batch)
                    batch = []
            spec_.model.objects.bulk_create(batch)
            inserted += len(batch)
        raise Rollback
except Rollback:
    pass
baseline_seconds = time.perf_counter() - start

marks = {}
last = [time.perf_counter()]
def progress(label, tally):
    now = time.perf_counter()
    marks[label] = now - last[0]
    last[0] = now
start = time.perf_counter()
try:
    report = merge_import(archive=archive, progress=progress)
except importer.ConflictsRefused as refused:
    sys.exit(f"conflicts: {refused.report.conflicts}")
all_seconds = time.perf_counter() - start
assert report.models["procedures.dossier"].created == archive.files()["procedures.dossier"]["rows"]
assert report.total().conflicts == 0
print("BENCH-JSON " + json.dumps({
    "rows": rows, "inserted": inserted, "rows_total": rows_total, "check": check_seconds, "baseline": baseline_seconds,
    "import": sum(marks[label] for label in measured), "all": all_seconds,
    "matched": report.total().matched,
}))
"""


def _shell(script: str, env: dict[str, str], spec: dict[str, object]) -> dict[str, float]:
    return site_script(script, env, spec, timeout=3600)


def run(ctx: Context) -> list[Result]:
    if os.environ.get("DATABASE_URL"):
        raise RuntimeError("bench_merge needs two databases: run it on the embedded SQLite (unset DATABASE_URL)")
    count = int(os.environ.get("SMARTGOV_BENCH_MERGE_DOSSIERS", 20_000))
    centre = ("000.00.16.H31", "Trung tâm Phục vụ hành chính công", "service_centre")  # named by the catalogue
    wards = {
        "hai-duong": [("000.21.07.H30", "UBND phường Cẩm Thượng", "commune_committee"),
                      ("000.21.08.H30", "UBND phường Nguyễn Trãi", "commune_committee")],
        "hai-phong": [("000.21.07.H31", "UBND phường Thành Đông", "commune_committee")],
    }  # fmt: skip
    sites = []
    for name, own in wards.items():
        (ctx.workdir / name).mkdir()
        env = prepare_site(ctx.workdir / name, demo=False)
        _shell(SEED, env, {"agencies": [centre, *own]})
        sites.append(env)
    source, target = sites
    archive = Path(ctx.workdir) / "archive"
    exported = _shell(EXPORT, source, {"count": count, "out": str(archive)})
    imported = _shell(IMPORT, target, {"archive": str(archive)})
    baseline = imported["inserted"] / imported["baseline"]
    rate = imported["rows"] / imported["import"]
    return [
        Result("export (all parts, SHA-256, private files)", exported["rows"] / exported["seconds"], "rows/s"),
        Result("archive check (SHA-256 of every file)", imported["rows_total"] / imported["check"], "rows/s"),
        Result("bulk insert of the dossiers and events (baseline)", baseline, "rows/s"),
        Result("merge import of the dossiers and events (matched, remapped, linked)", rate, "rows/s",
               baseline="bulk insert", ratio=rate / baseline,
               extra={"whole import s": imported["all"], "rows matched": imported["matched"]}),
    ]  # fmt: skip
