"""Public services with many dossiers: status lookups and submissions per second, KPI computation time.

The site gets the demo (catalog, agencies) and generated past dossiers: 1,000,000 on PostgreSQL
(``DATABASE_URL``), 100,000 on the embedded SQLite (``SMARTGOV_BENCH_DOSSIERS`` overrides). Then, against
gunicorn with the production settings, as a ratio to the bare stack measured in the same run:

- public status lookup ``GET /api/v1/procedures/lookup?code=…&secret=…`` over 1,000 random dossiers;
- submission: create a draft and submit it through the API with an access token (two requests; reported
  as submissions per second);

and in-process: the Decision 766 indicators for one month and for a year (milliseconds, median of 5), and
the database queries each request makes.
"""

from __future__ import annotations

import os

from _harness import Context, Result, drive, prepare_site, production_server, site_script

SETUP = r"""
import json, random, secrets, statistics, sys, time
from datetime import date, timedelta
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_application_model
from smartgov.identity.models import User
from smartgov.procedures.kpi import kpis
from smartgov.procedures.models import Dossier, Procedure, Sector

spec = json.loads(sys.stdin.read())
if Dossier.objects.count() < spec["count"]:
    call_command("dossiers_generate", count=spec["count"] - Dossier.objects.count(), force=True, verbosity=1)
Procedure.objects.update_or_create(code="9.999999", defaults=dict(
    name="Thủ tục đo hiệu năng", sector=Sector.objects.first(), level="commune", online_level="full",
    processing_time=3, processing_unit="working_days", components=[], form_schema={"type": "object"}))
user, _ = User.objects.get_or_create(username="031195009999", defaults=dict(
    kind="citizen", personal_id="031195009999", full_name="Người đo hiệu năng", phone="0912000000"))
app, _ = get_application_model().objects.get_or_create(name="bench", defaults=dict(
    client_type="public", authorization_grant_type="authorization-code"))
get_access_token_model().objects.create(user=user, application=app, token=spec["token"],
    expires=timezone.now() + timedelta(days=1), scope="openid dossiers.read dossiers.write")
rng = random.Random(1)
ids = list(Dossier.objects.filter(code__isnull=False).order_by("?").values_list("code", "applicant_phone")[:1000])
out = {"lookups": ids, "ward": "000.21.07.H31"}
from smartgov.platform.models import Agency
ward = Agency.objects.filter(kind="commune_committee").order_by("code").first()
out["ward"] = ward.code
today = timezone.localdate()
def timed(fn):
    runs = []
    for _ in range(5):
        t = time.perf_counter(); fn(); runs.append((time.perf_counter() - t) * 1000)
    return statistics.median(runs)
month_start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
out["kpi_month_ms"] = timed(lambda: kpis(start=month_start, end=month_start.replace(day=28)))
out["kpi_year_ms"] = timed(lambda: kpis(start=today - timedelta(days=365), end=today))
client = Client(HTTP_AUTHORIZATION="Bearer " + spec["token"], HTTP_HOST="127.0.0.1")
with CaptureQueriesContext(connection) as q:
    client.get("/api/v1/procedures/lookup", {"code": ids[0][0], "secret": ids[0][1]})
out["lookup_queries"] = len(q)
with CaptureQueriesContext(connection) as q:
    body = {"procedure_code": "9.999999", "receiving_agency": ward.code}
    draft = client.post("/api/v1/procedures/dossiers", body, content_type="application/json").json()
out["draft_queries"] = len(q)
with CaptureQueriesContext(connection) as q:
    client.post(f"/api/v1/procedures/dossiers/{draft['id']}/submit", {}, content_type="application/json")
out["submit_queries"] = len(q)
out["dossiers"] = Dossier.objects.count()
print("BENCH-JSON " + json.dumps(out))
"""

LOOKUP_LUA = """
local pairs_ = {pairs}
request = function()
  local p = pairs_[math.random(#pairs_)]
  return wrk.format("GET", "/api/v1/procedures/lookup?code=" .. p[1] .. "&secret=" .. p[2])
end
"""

SUBMIT_LUA = """
local draft = nil
local body = '{{"procedure_code": "9.999999", "receiving_agency": "{ward}"}}'
request = function()
  local headers = {{["Authorization"] = "Bearer {token}", ["Content-Type"] = "application/json"}}
  if draft then
    local path = "/api/v1/procedures/dossiers/" .. draft .. "/submit"
    draft = nil
    return wrk.format("POST", path, headers, "{{}}")
  end
  return wrk.format("POST", "/api/v1/procedures/dossiers", headers, body)
end
response = function(status, headers, body)
  if status == 201 then draft = string.match(body, '"id": (%d+)') end
end
"""


def _setup(env: dict[str, str], count: int, token: str) -> dict:
    return site_script(SETUP, env, {"count": count, "token": token}, timeout=3600)


def run(ctx: Context) -> list[Result]:
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    count = int(os.environ.get("SMARTGOV_BENCH_DOSSIERS", 1_000_000 if on_postgres else 100_000))
    env = prepare_site(ctx.workdir, demo=True)
    token = "bench-" + os.urandom(12).hex()
    facts = _setup(env, count, token)
    lookups = "{" + ",".join(f'{{"{c}","{p}"}}' for c, p in facts["lookups"]) + "}"
    results: list[Result] = []
    with production_server(env) as base:
        bare = drive(base + "/healthz/live", ctx)
        results.append(
            Result(
                f"bare stack /healthz/live ({facts['dossiers']:,} dossiers)",
                bare.requests_per_second,
                "req/s",
                extra={"p50 ms": bare.p50_ms, "p99 ms": bare.p99_ms, "errors": bare.errors},
            )
        )
        lookup = drive(base, ctx, script=LOOKUP_LUA.format(pairs=lookups))
        results.append(
            Result(
                "status lookup by code + phone",
                lookup.requests_per_second,
                "req/s",
                baseline="bare stack",
                ratio=lookup.requests_per_second / bare.requests_per_second,
                extra={
                    "p50 ms": lookup.p50_ms,
                    "p99 ms": lookup.p99_ms,
                    "errors": lookup.errors,
                    "queries": facts["lookup_queries"],
                },
            )
        )
        submit = drive(base, ctx, script=SUBMIT_LUA.format(ward=facts["ward"], token=token))
        per_second = submit.requests_per_second / 2
        results.append(
            Result(
                "submission (draft + submit)",
                per_second,
                "dossiers/s",
                baseline="bare stack",
                ratio=submit.requests_per_second / bare.requests_per_second,
                extra={
                    "p50 ms": submit.p50_ms,
                    "p99 ms": submit.p99_ms,
                    "errors": submit.errors,
                    "queries": facts["draft_queries"] + facts["submit_queries"],
                },
            )
        )
    results.append(Result("KPI, one month (in-process)", facts["kpi_month_ms"], "ms"))
    results.append(Result("KPI, twelve months (in-process)", facts["kpi_year_ms"], "ms"))
    return results
