"""Dossiers from the National Public Service Portal: dossiers received per second by the intake, against the same
dossiers submitted by their citizens through the platform's own online path, in the same run.

A site with the production settings, the demo's catalogue, a ward and the working-day calendar. Both sides take
``SMARTGOV_BENCH_INTAKE_DOSSIERS`` birth registrations (200 by default), each with its two required documents (a
one-page PDF, inspected by ``platform.files`` on both paths) and its fee, in-process:

- baseline: ``dossier_draft_save`` + two ``attachment_add`` + ``dossier_submit`` for a citizen who has an account
  (the path of the online form and of the API);
- measured: ``portal_dossier_receive`` of the portal's feed record (decoded, inspected, the citizen matched by
  personal ID, or their account created for half of them, the fee marked paid with a ``Payment`` row, the national
  code kept, the cursor moved, all in one transaction), then the same records again (a repeat: one look-up each).

The feed's HTTP hop through the gateway is not in the figure (the gateway's own cost is in ``bench_exchange``).
"""

from __future__ import annotations

import json
import os
import subprocess

from _harness import BIN, ROOT, Context, Result, prepare_site

SCRIPT = r"""
import base64, json, sys, time
from django.conf import settings
from pathlib import Path
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from smartgov.identity.models import User
from smartgov.platform.models import Agency
from smartgov.platform.services.calendar import calendar_fill
from smartgov.platform.services.org import AgencyData, agency_upsert
from smartgov.procedures.demo import PDF
from smartgov.procedures.domain.fees import fee_for
from smartgov.procedures.models import Procedure
from smartgov.procedures.services import attachments, dossiers as svc
from smartgov.procedures.services.catalog import catalog_import
from smartgov.procedures.services.intake import portal_dossier_receive

spec = json.loads(sys.stdin.read())
n = spec["count"]
today = timezone.localdate()
calendar_fill(years=[today.year, today.year + 1])
ward, _ = agency_upsert(actor=None, data=AgencyData(code="000.21.07.H31", name="UBND phường Thành Đông",
                                                     kind="commune_committee"))
agency_upsert(actor=None, data=AgencyData(code="000.00.16.H31", name="Trung tâm Phục vụ hành chính công",
                                          kind="service_centre"))  # named by the catalogue
catalog = Path(settings.BASE_DIR) / "src" / "smartgov" / "procedures" / "data" / "catalog.json"
catalog_import(data=json.loads(catalog.read_text(encoding="utf-8")), actor=None)
procedure = Procedure.objects.get(code="1.001193")
required = [c["code"] for c in procedure.components if c["required"]]
form = {"ho_ten_tre": "Phạm Gia Hân", "ngay_sinh": today.replace(day=1).isoformat(), "gioi_tinh": "Nữ",
        "noi_sinh": "Bệnh viện Phụ sản Hải Phòng", "ho_ten_me": "Vũ Thị Lan", "quan_he": "Mẹ", "so_ban": 1}
fee = fee_for(fee_vnd=procedure.fee_vnd, schedule=procedure.fee_schedule, form_data=form)

def citizen(i):
    pid = f"0311950{i:05d}"
    return User.objects.create_user(username=pid, kind="citizen", personal_id=pid, full_name="Công dân đo", phone="")

# baseline: the citizen's own online submission
applicants = [citizen(i) for i in range(n)]
start = time.perf_counter()
for applicant in applicants:
    draft = svc.dossier_draft_save(applicant=applicant, procedure=procedure, receiving_agency=ward, form_data=form)
    for code in required:
        attachments.attachment_add(applicant=applicant, dossier_id=draft.pk, component=code,
                                   upload=SimpleUploadedFile(f"{code}.pdf", PDF, content_type="application/pdf"))
    svc.dossier_submit(applicant=applicant, dossier_id=draft.pk)
baseline = time.perf_counter() - start

# measured: the same dossiers received from the portal's feed (half the citizens have no account yet)
pdf = base64.b64encode(PDF).decode()
now = timezone.now().isoformat()
records = [{
    "national_code": f"G22-BENCH-{i:06d}", "procedure_code": procedure.code, "agency_code": ward.code,
    "submitted_at": now, "form": form,
    "applicant": {"personal_id": f"0311950{(i if i % 2 else n + i):05d}", "full_name": "Công dân đo", "phone": ""},
    "documents": [{"component": c, "name": f"{c}.pdf", "content_base64": pdf} for c in required],
    "payment": {"reference": f"NPPBENCH{i:08d}", "amount_vnd": fee, "paid_at": now},
} for i in range(n)]
after = ""
start = time.perf_counter()
for i, record in enumerate(records):
    got = portal_dossier_receive(record, cursor=str(i + 1), after=after)
    after = str(i + 1)
    assert got.portal is not None and not got.duplicate, got
intake = time.perf_counter() - start
start = time.perf_counter()
for record in records:
    assert portal_dossier_receive(record).duplicate
repeats = time.perf_counter() - start
print("BENCH-JSON " + json.dumps({"baseline": baseline, "intake": intake, "repeats": repeats}))
"""


def run(ctx: Context) -> list[Result]:
    count = int(os.environ.get("SMARTGOV_BENCH_INTAKE_DOSSIERS", 200))
    env = prepare_site(ctx.workdir, demo=False)
    done = subprocess.run(
        [str(BIN / "smartgov"), "shell", "-c", SCRIPT],
        input=json.dumps({"count": count}),
        text=True,
        capture_output=True,
        env=env,
        cwd=ROOT,
        check=False,
        timeout=3600,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    facts = json.loads(next(x for x in done.stdout.splitlines() if x.startswith("BENCH-JSON ")).split(" ", 1)[1])
    baseline = count / facts["baseline"]
    rate = count / facts["intake"]
    return [
        Result("online submission by the citizen: draft, 2 documents, submit (baseline)", baseline, "dossiers/s"),
        Result(
            "received from the national portal: record checked, 2 documents, citizen matched or created, fee paid",
            rate,
            "dossiers/s",
            baseline="online submission",
            ratio=rate / baseline,
        ),
        Result("the same record received again (a repeat)", count / facts["repeats"], "dossiers/s"),
    ]
