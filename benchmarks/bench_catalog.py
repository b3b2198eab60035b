"""The catalog's Excel import: rows per second of a steward's import (inspection, parse, row checks, write with an
audit row each) against the plain ORM bulk path for the same workbook, in the same run.

A site with the production settings (SQLite unless ``DATABASE_URL``) and the demo's 22 procedures; a workbook of
2,000 procedures (``SMARTGOV_BENCH_CATALOG_ROWS`` overrides) made from them with new codes. The baseline reads the same
workbook with openpyxl and writes the rows with ``bulk_create`` (no inspection, no checks, no audit), then deletes
them. Measured, each once on a fresh state: the preview (``catalog_from_xlsx`` with the upload inspection, then
``catalog_import(dry_run=True)``); the import that creates every row (inspection, parse, checks, one INSERT and one
audit row per procedure, one summary row); the same file again (nothing changes: every row compared, nothing written).
Every generated procedure has a form of its own, so each form is checked against the JSON Schema meta-schema (the
import skips that check only for a form identical to one already stored or checked).
"""

from __future__ import annotations

import os

from _harness import Context, Result, prepare_site, site_script

SCRIPT = r"""
import io, json, sys, time
from pathlib import Path
from django.conf import settings
from django.contrib.auth import get_user_model
from openpyxl import load_workbook
from smartgov.identity.services import role_grant
from smartgov.procedures.models import Procedure, Sector
from smartgov.procedures.services.catalog import (
    JSON_COLUMNS, catalog_export, catalog_from_xlsx, catalog_import, catalog_to_xlsx,
)

from smartgov.platform.services.org import AgencyData, agency_upsert

rows = json.loads(sys.stdin.read())["rows"]
for code, name, kind in [("000.00.16.H31", "Trung tâm Phục vụ hành chính công", "service_centre"),
                         ("000.00.02.H31", "Sở Nội vụ", "department")]:
    agency_upsert(actor=None, data=AgencyData(code=code, name=name, kind=kind))
settings.SMARTGOV_CATALOG_IMPORT_MAX_ROWS = max(settings.SMARTGOV_CATALOG_IMPORT_MAX_ROWS, rows)
catalog = Path(settings.BASE_DIR) / "src" / "smartgov" / "procedures" / "data" / "catalog.json"
catalog_import(data=json.loads(catalog.read_text(encoding="utf-8")), actor=None)
steward = get_user_model().objects.create_user(username="bench.steward", kind="staff")
role_grant(actor=None, user=steward, role="catalog_steward")
demo = catalog_export()
procedures = []
for n in range(rows):
    source = demo["procedures"][n % len(demo["procedures"])]
    # every form its own (a title of its own), as in a real catalog: each is checked against the meta-schema
    form = {**source["form_schema"], "title": f"Tờ khai {n}"}
    procedures.append({**source, "code": f"9.{n:06d}", "name": f"Thủ tục thử {n}", "form_schema": form})
workbook = catalog_to_xlsx({"sectors": demo["sectors"], "procedures": procedures})

def bulk():
    book = load_workbook(io.BytesIO(workbook), read_only=True, data_only=True)
    sheet = book["procedures"].iter_rows(values_only=True)
    header = list(next(sheet))
    sectors = {s.code: s for s in Sector.objects.all()}
    made = []
    for values in sheet:
        row = dict(zip(header, values))
        for column in JSON_COLUMNS:
            row[column] = json.loads(row[column]) if row[column] else None
        row["sector"] = sectors[row["sector"]]
        row["agency"] = None
        made.append(Procedure(**{k: v for k, v in row.items() if v is not None or k == "agency"}))
    Procedure.objects.bulk_create(made, batch_size=500)

def timed(work):
    start = time.perf_counter()
    work()
    return time.perf_counter() - start

baseline = timed(bulk)
Procedure.objects.filter(code__startswith="9.").delete()
preview = timed(lambda: catalog_import(data=catalog_from_xlsx(workbook), actor=steward, dry_run=True))
create = timed(lambda: catalog_import(data=catalog_from_xlsx(workbook), actor=steward))
again = timed(lambda: catalog_import(data=catalog_from_xlsx(workbook), actor=steward))
assert Procedure.objects.filter(code__startswith="9.").count() == rows
out = {"rows": rows, "bytes": len(workbook), "baseline": baseline, "preview": preview, "create": create, "again": again}
print("BENCH-JSON " + json.dumps(out))
"""


def run(ctx: Context) -> list[Result]:
    env = prepare_site(ctx.workdir, demo=False)
    rows = int(os.environ.get("SMARTGOV_BENCH_CATALOG_ROWS", "2000"))
    facts = site_script(SCRIPT, env, {"rows": rows}, timeout=1800)
    base = rows / facts["baseline"]
    extra = {"rows": float(rows), "workbook MB": facts["bytes"] / 1e6}
    return [
        Result("openpyxl + bulk_create, no checks (baseline)", base, "rows/s", extra=extra),
        Result("preview: inspected, parsed, every row checked", rows / facts["preview"], "rows/s",
               baseline="bulk_create", ratio=rows / facts["preview"] / base),
        Result("import creating every row, audited", rows / facts["create"], "rows/s",
               baseline="bulk_create", ratio=rows / facts["create"] / base),
        Result("same file again: nothing changes", rows / facts["again"], "rows/s",
               baseline="bulk_create", ratio=rows / facts["again"] / base),
    ]  # fmt: skip
