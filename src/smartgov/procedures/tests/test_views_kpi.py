"""Service-quality indicators (Decision 766) from a small, hand-checked set of dossiers."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile

from smartgov.procedures.kpi import kpi_by_month, kpis
from smartgov.procedures.models import Attachment, Procedure
from smartgov.procedures.tests.factories import DossierFactory
from smartgov.procedures.tests.fixtures import staff_client

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=HCM)


@pytest.fixture
def dossiers(hp):
    procedure = Procedure.objects.get(code="1.004873")

    def make(n, *, channel="online", submitted, due=None, finished=None, rating=None, documents=True, status=4):
        d = DossierFactory(
            code=f"000.21.07.H31-2603{n:02d}-0001",
            procedure=procedure,
            applicant=hp.mai,
            receiving_agency=hp.ward,
            status=status,
            channel=channel,
            created_at=submitted,
            submitted_at=submitted,
            due_at=due,
            finished_at=finished,
            returned_at=finished,
            rating=rating,
        )
        if documents:
            a = Attachment(
                dossier=d,
                component="to_khai",
                original_name="a.pdf",
                content_type="application/pdf",
                size=4,
                sha256=f"{n:064d}",
                uploaded_at=submitted,
            )
            a.file.save(f"{n}", ContentFile(b"%PDF"), save=True)
        return d

    make(1, submitted=at(3, 2), due=at(3, 6, 17), finished=at(3, 5), rating=5, status=10)
    make(
        2,
        channel="counter",
        submitted=at(3, 10),
        due=at(3, 13, 17),
        finished=at(3, 20),
        rating=3,
        documents=False,
        status=10,
    )
    make(3, submitted=at(3, 30))
    make(4, submitted=at(4, 1), due=at(4, 3, 17), finished=at(4, 2), status=9)
    make(5, submitted=at(3, 3), status=0)  # a draft: not counted
    make(6, submitted=at(5, 4), due=at(5, 7, 17))  # outside the period


def test_hand_checked_march_and_april(dossiers):
    rows = kpis(start=date(2026, 3, 1), end=date(2026, 4, 30))
    march, april = rows
    assert (march.month, march.agency_code) == (date(2026, 3, 1), "000.21.07.H31")
    assert (march.received, march.received_online, march.digitised) == (3, 2, 2)
    assert (march.online_rate, march.digitisation_rate) == (66.7, 66.7)
    assert (march.finished, march.finished_on_time, march.on_time_rate) == (2, 1, 50.0)
    assert (march.rated, march.average_rating, march.satisfaction_rate) == (2, 4.0, 50.0)
    assert march.online_payment_rate is None  # until payments exist: not available, not zero
    assert (april.received, april.online_rate, april.finished, april.on_time_rate) == (1, 100.0, 1, 100.0)
    assert april.average_rating is None
    [total] = kpi_by_month(kpis(start=date(2026, 3, 1), end=date(2026, 3, 31)))
    assert total.received == 3
    assert kpis(start=date(2026, 3, 1), end=date(2026, 4, 30), agency_code="000.21.08.H31") == []


def test_the_dashboard_and_its_excel_file(dossiers, hp):
    import io

    from openpyxl import load_workbook

    leader = staff_client(hp.leader)
    page = leader.get("/mot-cua/chi-so/", {"tu": "2026-03-01", "den": "2026-04-30"})
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<svg") == 8 and "Tỷ lệ đúng hạn" in html and "66,7" in html  # Vietnamese decimal comma
    for title in ("Tỷ lệ hài lòng (%)", "Điểm đánh giá trung bình (1–5)", "Tỷ lệ tái sử dụng thành phần (%)"):
        assert title in html
    excel = leader.get("/mot-cua/chi-so/", {"tu": "2026-03-01", "den": "2026-04-30", "excel": "1"})
    sheet = load_workbook(io.BytesIO(excel.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:6] == ("03/2026", "000.21.07.H31", "Ủy ban nhân dân phường Thành Đông", 3, 2, 66.7)
    assert staff_client(hp.specialist).get("/mot-cua/chi-so/").status_code == 403
    other_leader = hp.other_officer  # leads nothing: refused
    assert staff_client(other_leader).get("/mot-cua/chi-so/").status_code == 403


def test_every_month_of_the_period_is_charted_even_without_dossiers(dossiers, hp):
    """March and May have dossiers, February, April's ratings and June nothing: each month is on every chart,
    an empty one with its rates "not available" (—), its counts zero."""
    rows = kpis(start=date(2026, 2, 1), end=date(2026, 6, 30))
    months = kpi_by_month(rows, start=date(2026, 2, 10), end=date(2026, 6, 30))
    assert [m.month.month for m in months] == [2, 3, 4, 5, 6]
    june = months[-1]
    assert (june.received, june.finished, june.on_time_rate, june.average_rating) == (0, 0, None, None)
    assert [m.month.month for m in kpi_by_month(rows)] == [3, 4, 5]  # without a period: the months with data
    page = staff_client(hp.leader).get("/mot-cua/chi-so/", {"tu": "2026-02-01", "den": "2026-06-30"})
    charts = page.context["charts"]
    assert len(charts) == 8
    assert all([b["label"] for b in c.bars] == ["02/26", "03/26", "04/26", "05/26", "06/26"] for c in charts)
    on_time = {b["label"]: b["value"] for b in charts[0].bars}
    assert on_time == {"02/26": None, "03/26": 50.0, "04/26": 100.0, "05/26": None, "06/26": None}
    rating = next(c for c in charts if c.bars[1]["value"] == 4.0)  # the 1–5 scale, drawn against 5
    assert rating.bars[1]["height"] == 120.0


def test_the_period_is_checked(dossiers, hp):
    leader = staff_client(hp.leader)
    assert leader.get("/mot-cua/chi-so/", {"tu": "2026-06-01", "den": "2026-03-01"}).status_code == 400
    assert leader.get("/mot-cua/chi-so/", {"tu": "1900-01-01", "den": "2026-03-01"}).status_code == 400
    for typed in ("2026-02-30", "30/02/2026", "hôm qua"):  # a day that does not exist, or no day at all
        assert leader.get("/mot-cua/chi-so/", {"tu": typed}).status_code == 400
    assert leader.get("/mot-cua/chi-so/", {"tu": "01/02/2026", "den": "31/03/2026"}).status_code == 200
