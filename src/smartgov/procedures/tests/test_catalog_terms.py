"""What the catalog says is what happens (issue 14, point 11): for every procedure, the processing time and the
fee the procedure's page shows are read back from the page's text and compared with the appointment the
submission computes and the amount it charges — no "0 ngày làm việc", no "Miễn phí" for a dossier charged
16.000 ₫ for two extract copies."""

import html
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from smartgov.platform.selectors.calendar import add_working_days, add_working_hours
from smartgov.procedures.domain.fees import fee_for
from smartgov.procedures.models import Procedure
from smartgov.procedures.services.deadlines import due_from
from smartgov.procedures.tests.factories import BIRTH, submitted

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MONEY = r"(\d{1,3}(?:\.\d{3})*)\xa0₫"


def money(text: str) -> int:
    return int(text.replace(".", ""))


def shown(client: Client, code: str) -> tuple[str, str]:
    """The processing time and the fee as the procedure's page shows them, in Vietnamese."""
    page = client.get(f"/dich-vu-cong/{code}/").content.decode()
    facts = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", page, flags=re.S))
    fee = re.sub(r"<br>.*", "", facts["Phí, lệ phí"], flags=re.S)  # the legal basis that follows is not the amount
    return html.unescape(facts["Thời hạn giải quyết"]).strip(), html.unescape(fee).strip()


def expected_due(text: str, received: datetime) -> datetime:
    """The appointment a reader of ``text`` expects for a dossier received at ``received``."""
    if text.startswith("Trong ngày làm việc"):
        return add_working_days(received, 0)
    days = re.fullmatch(r"(\d+) ngày làm việc", text)
    if days:
        return add_working_days(received, int(days[1]))
    hours = re.fullmatch(r"([\d,]+) giờ làm việc", text)
    assert hours, f"the catalog's processing time cannot be read: {text!r}"
    return add_working_hours(received, float(hours[1].replace(",", ".")))


def expected_fee(text: str, *, copies: int, pages: int) -> set[int]:
    """The amounts a reader of ``text`` expects to pay for ``copies`` copies of ``pages`` pages."""
    base_text, _, per_copy = text.partition("; ")
    if base_text == "Miễn lệ phí":
        bases = {0}
    elif base_text.startswith("Lệ phí "):
        bases = {money(re.fullmatch("Lệ phí " + MONEY, base_text)[1])}  # type: ignore[index]
    else:
        assert base_text.startswith("Theo trường hợp: "), text
        bases = {money(m) for m in re.findall(MONEY, base_text)}
    if not per_copy:
        return bases
    tiers = re.findall(MONEY + r"/trang(?: cho (\d+) trang đầu| đến trang thứ (\d+))?", per_copy)
    if tiers:
        unit, counted = 0, 0
        for price, first, upto in tiers:
            limit = int(first or upto) if (first or upto) else pages
            take = max(min(pages, limit) - counted, 0)
            unit, counted = unit + take * money(price), counted + take
    else:
        unit = money(re.search(MONEY + "/bản", per_copy)[1])  # type: ignore[index]
    cap = re.search("tối đa " + MONEY + "/bản", per_copy)
    if cap:
        unit = min(unit, money(cap[1]))
    return {base + unit * copies for base in bases}


def test_every_procedure_shows_the_deadline_and_fee_it_applies(hp):
    client = Client()
    procedures = list(Procedure.objects.all())
    assert len(procedures) >= 20
    monday, tuesday_late = datetime(2026, 3, 9, 10, tzinfo=HCM), datetime(2026, 3, 10, 16, tzinfo=HCM)
    for procedure in procedures:
        deadline, fee = shown(client, procedure.code)
        assert not deadline.startswith("0 "), (procedure.code, deadline)
        for received in (monday, tuesday_late):
            assert due_from(procedure, received) == expected_due(deadline, received), (procedure.code, deadline)
        schedule = procedure.fee_schedule or {}
        for copies in (0, 1, 2, 5):
            for pages in (1, 2, 3, 7, 400):
                form = {schedule.get("per", "so_ban"): copies, schedule.get("pages", "so_trang"): pages}
                for case in schedule.get("cases", [{}]):
                    form.update({case["field"]: case["equals"]} if case else {})
                    charged = fee_for(fee_vnd=procedure.fee_vnd, schedule=schedule, form_data=form)
                    assert charged in expected_fee(fee, copies=copies, pages=pages), (procedure.code, fee, form)


def test_the_birth_registration_says_what_it_charges(hp):
    deadline, fee = shown(Client(), "1.001193")
    assert fee == "Miễn lệ phí; bản sao trích lục khai sinh: 8.000\xa0₫/bản"
    assert deadline.startswith("Trong ngày làm việc")
    dossier = submitted(hp, form={**BIRTH, "so_ban": 2})  # through the real submission
    assert dossier.fee_vnd == 16_000 and dossier.fee_vnd in expected_fee(fee, copies=2, pages=1)
    assert dossier.due_at == expected_due(deadline, dossier.submitted_at)


def test_the_catalog_list_shows_the_same_terms(hp):
    page = html.unescape(Client().get("/dich-vu-cong/", {"q": "khai sinh"}).content.decode())
    assert "0 ngày làm việc" not in page
    assert "bản sao trích lục khai sinh: 8.000\xa0₫/bản" in page
