"""The one-stop shop's tables in the warehouse: the dossiers as they are in the database, the monthly rollups
equal to the live indicators, closed months rolled up once."""

from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from smartgov.procedures.selectors import dossier_rows, kpis, procedure_by_code
from smartgov.warehouse import publishers
from smartgov.warehouse.engine.storage import storage_from_settings
from smartgov.warehouse.engine.tables import dataset
from smartgov.warehouse.models import Column, IngestionRun, Table
from smartgov.warehouse.selectors.rollups import COUNTS

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def storage(settings, tmp_path):
    settings.WAREHOUSE_STORAGE_URL = (tmp_path / "warehouse").as_uri()
    return storage_from_settings()


def _table(code):
    return Table.objects.select_related("database").get(database__code="mot_cua", code=code)


def test_dossier_rows_equal_the_database(storage, dossiers_over_a_year):
    made = dossiers_over_a_year(2025, 60)
    result = publishers.dossiers_publish(chunk_size=7)  # several chunks
    table = _table("ho_so")
    assert (result.rows, table.rows, table.classification, table.owner.kind) == (60, 60, "personal", "service_centre")
    written = {r["code"]: r for r in dataset(storage, table.storage_key).to_table().to_pylist()}
    assert set(written) == {d.code for d in made}  # the draft is not published
    for d in made:
        row = written[d.code]
        assert row["procedure_code"] == d.procedure.code
        assert row["receiving_agency_code"] == d.receiving_agency.code
        assert (row["channel"], row["status"], row["fee_vnd"], row["rating"]) == (
            d.channel,
            d.status,
            d.fee_vnd,
            d.rating,
        )
        assert (row["submitted_at"], row["due_at"], row["finished_at"]) == (d.submitted_at, d.due_at, d.finished_at)
        assert row["on_time"] == (None if d.finished_at is None else d.finished_at <= d.due_at)
        assert (row["applicant_personal_id"], row["applicant_name"]) == (d.applicant.personal_id, d.applicant_name)
    personal = set(Column.objects.filter(table=table, personal=True).values_list("name", flat=True))
    assert personal == {"applicant_personal_id", "applicant_name"}


def test_dossier_rows_come_in_bounded_chunks(dossiers_over_a_year):
    dossiers_over_a_year(2025, 25)
    sizes = [len(chunk) for chunk in dossier_rows(chunk_size=10)]
    assert sizes == [10, 10, 5]


def _rows_of(storage):
    table = _table("chi_so_766_thang")
    return table, dataset(storage, table.storage_key, table.current_version).to_table().to_pylist()


def test_rollups_equal_the_live_indicators_month_by_month(storage, dossiers_over_a_year):
    year = timezone.localdate().year - 1
    dossiers_over_a_year(year, 150)
    publishers.kpi_rollups_publish()
    table, rows = _rows_of(storage)
    live = kpis(start=date(year, 1, 1), end=timezone.localdate())
    assert len(live) > 30  # three agencies over twelve months and more
    rolled = {(r["month"], r["agency_code"]): r for r in rows}
    assert len(rolled) == len(live)
    for row in live:
        mine = rolled[(row.month, row.agency_code)]
        assert [mine[name] for name in COUNTS] == [getattr(row, name) for name in COUNTS]
        assert mine["closed"] == (row.month < timezone.localdate().replace(day=1))
    run = IngestionRun.objects.get(table=table)
    assert run.report["months_from"] == f"{year}-01-01"


def test_closed_months_are_rolled_up_once(storage, dossiers_over_a_year, dossier_factory, hp, monkeypatch):
    year = timezone.localdate().year - 1
    dossiers_over_a_year(year, 60)
    # the first run is made on 15 June: January–May are closed, June is open
    monkeypatch.setattr(publishers, "timezone", SimpleNamespace(localdate=lambda: date(year, 6, 15)))
    publishers.kpi_rollups_publish()
    table, rows = _rows_of(storage)
    assert IngestionRun.objects.get(table=table).report["closed_through"] == f"{year}-05-01"
    assert {r["month"].month for r in rows if not r["closed"]} == {6}
    assert max(r["month"] for r in rows) == date(year, 6, 1)
    # a dossier that appears later in closed March is not counted again (March was rolled up once); June is redone
    for month in (3, 6):
        at = datetime(year, month, 10, 9, tzinfo=HCM)
        dossier_factory(
            procedure=procedure_by_code("1.004873"),
            applicant=hp.mai,
            receiving_agency=hp.ward,
            created_at=at,
            submitted_at=at,
            due_at=at + timedelta(days=3),
        )
    monkeypatch.setattr(publishers, "timezone", SimpleNamespace(localdate=lambda: date(year, 7, 2)))
    publishers.kpi_rollups_publish()
    table, second = _rows_of(storage)

    def received(rows, month):
        return sum(
            r["received"] for r in rows if r["month"] == date(year, month, 1) and r["agency_code"] == hp.ward.code
        )

    assert received(second, 3) == received(rows, 3)
    assert received(second, 6) == received(rows, 6) + 1
    assert all(r["closed"] for r in second if r["month"].month == 6)
    assert IngestionRun.objects.filter(table=table).count() == 2


def test_nothing_to_roll_up_without_dossiers(storage, hp):
    assert publishers.kpi_rollups_publish() is None
    assert not Table.objects.filter(code="chi_so_766_thang").exists()


def test_recompute_from_rolls_closed_months_up_again(storage, dossiers_over_a_year, dossier_factory, hp):
    year = timezone.localdate().year - 1
    dossiers_over_a_year(year, 36)
    publishers.kpi_rollups_publish()
    at = datetime(year, 3, 10, 9, tzinfo=HCM)
    dossier_factory(
        procedure=procedure_by_code("1.004873"),
        applicant=hp.mai,
        receiving_agency=hp.ward,
        created_at=at,
        submitted_at=at,
    )
    publishers.kpi_rollups_publish(recompute_from=date(year, 3, 1))
    rows = _rows_of(storage)[1]
    live = kpis(start=date(year, 1, 1), end=timezone.localdate())
    assert sorted((r["month"], r["agency_code"], r["received"]) for r in rows) == sorted(
        (r.month, r.agency_code, r.received) for r in live
    )


def test_the_demo_steps_publish_once(storage, dossiers_over_a_year, hai_phong, hp):
    from smartgov.platform.services.org import AgencyData, agency_upsert
    from smartgov.warehouse.demo_publish import PUBLISH_STEPS

    agency_upsert(actor=None, data=AgencyData(code="000.00.06.H31", name="Sở Khoa học và Công nghệ", kind="department"))
    dossiers_over_a_year(timezone.localdate().year - 1, 24)
    masterdata, one_stop = (step.run for step in PUBLISH_STEPS)
    assert masterdata(None) == 7 and one_stop(None) == 2
    assert masterdata(None) == 0 and one_stop(None) == 0  # loading twice changes nothing
    assert _table("ho_so").rows == 24
