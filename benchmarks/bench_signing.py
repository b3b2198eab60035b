"""Signed results: PDF results signed per second (PAdES with the agency's certificate, pyHanko) and checked per
second on the verification page's path, against rendering the same result unsigned, in the same run."""

from __future__ import annotations

from _harness import Context, Result, prepare_site, site_script

SCRIPT = r"""
import json, sys, time
from django.utils import timezone
from smartgov.platform.models import Agency
from smartgov.procedures.models import Dossier, Procedure, Sector
from smartgov.procedures.results import pdf_sign, pdf_verify, result_pdf

seconds = json.loads(sys.stdin.read())["seconds"]
agency = Agency(code="000.21.07.H31", name="Ủy ban nhân dân phường Thành Đông")
procedure = Procedure(code="1.001193", name="Đăng ký khai sinh", sector=Sector(name="Hộ tịch"),
                      result_title="TRÍCH LỤC KHAI SINH",
                      result_body="Họ, chữ đệm, tên: {ho_ten_tre}. Ngày sinh: {ngay_sinh}. Nơi sinh: {noi_sinh}.")
dossier = Dossier(code="000.21.07.H31-261124-0001", procedure=procedure, receiving_agency=agency,
                  current_agency=agency, applicant_name="Nguyễn Thị Mai", submitted_at=timezone.now(),
                  form_data={"ho_ten_tre": "Nguyễn An Nhiên", "ngay_sinh": "20/11/2026",
                             "noi_sinh": "Bệnh viện Phụ sản Hải Phòng"})
url = "https://dichvucong.haiphong.gov.vn/xac-thuc-ket-qua/?ma=KQ-ABCD-EFGH"

def rate(work):
    work()  # warm-up (fonts, certificate, imports)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        work(); done += 1
    return done / (time.perf_counter() - start)

render = lambda: result_pdf(dossier, code="KQ-ABCD-EFGH", verify_url=url, signed_by=agency)
signed = pdf_sign(render(), agency=agency, reason="benchmark").data
out = {
    "render": rate(render),
    "sign": rate(lambda: pdf_sign(render(), agency=agency, reason="benchmark")),
    "verify": rate(lambda: pdf_verify(signed)),
    "size": len(signed),
}
print("BENCH-JSON " + json.dumps(out))
"""


def run(ctx: Context) -> list[Result]:
    env = prepare_site(ctx.workdir, demo=False)
    env.update(SMARTGOV_PKI_LOCAL_CA="true")
    facts = site_script(SCRIPT, env, {"seconds": max(2, ctx.duration // 2)})
    base = facts["render"]
    return [
        Result("result PDF rendered, unsigned (baseline)", base, "docs/s", extra={"signed size bytes": facts["size"]}),
        Result("result PDF rendered and signed (PAdES)", facts["sign"], "docs/s", baseline="unsigned",
               ratio=facts["sign"] / base),
        Result("signed result verified (integrity, chain, coverage)", facts["verify"], "docs/s",
               baseline="unsigned", ratio=facts["verify"] / base),
    ]  # fmt: skip
