"""The dashboard's year from the warehouse's rollups: the same numbers as computed live, the closed months read
from the rollup, the open month (and whatever the rollup does not cover) computed live, the page saying when."""

from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from smartgov.procedures.selectors import KpiRow, kpis, kpis_rolled_up, procedure_by_code
from smartgov.warehouse import publishers
from smartgov.warehouse.selectors.rollups import kpi_rollups

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def storage(settings, tmp_path):
    settings.WAREHOUSE_STORAGE_URL = (tmp_path / "warehouse").as_uri()


@pytest.fixture
def year_of_dossiers(dossiers_over_a_year, dossier_factory, hp):
    """Last year's dossiers over every month and agency, and two in the current month (open, computed live)."""
    year = timezone.localdate().year - 1
    dossiers_over_a_year(year, 150)
    today = timezone.localdate()
    for hour in (8, 9):
        at = datetime(today.year, today.month, 1, hour, tzinfo=HCM)
        dossier_factory(
            procedure=procedure_by_code("1.004873"),
            applicant=hp.mai,
            receiving_agency=hp.ward,
            created_at=at,
            submitted_at=at,
            due_at=at + timedelta(days=3),
        )
    return year


def _same(rows: list[KpiRow], expected: list[KpiRow]) -> None:
    assert [vars(r) for r in rows] == [vars(r) for r in expected]


def test_the_year_from_the_rollups_equals_the_live_year(storage, year_of_dossiers):
    start, end = date(year_of_dossiers, 1, 1), timezone.localdate()
    rows, when = kpis_rolled_up(start=start, end=end)
    assert when is None  # nothing rolled up yet: all live
    _same(rows, kpis(start=start, end=end))
    publishers.kpi_rollups_publish()
    rolled = kpi_rollups(start, end)
    assert rolled is not None and len(rolled.rows) >= 36 and rolled.months[0] == start
    assert rolled.months[-1] == (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    rows, when = kpis_rolled_up(start=start, end=end)
    assert when is not None
    _same(rows, kpis(start=start, end=end))
    # a period cut inside months: the cut months live, the whole ones rolled up
    cut = (date(year_of_dossiers, 2, 10), date(year_of_dossiers, 11, 20))
    _same(kpis_rolled_up(start=cut[0], end=cut[1])[0], kpis(start=cut[0], end=cut[1]))
    assert kpi_rollups(date(year_of_dossiers - 5, 1, 1), date(year_of_dossiers - 5, 12, 31)) is None


def test_a_stale_rollup_is_completed_live(storage, year_of_dossiers, monkeypatch):
    """Rolled up last on 15 June: the months after May are computed live, and the numbers are still the same."""
    monkeypatch.setattr(publishers, "timezone", SimpleNamespace(localdate=lambda: date(year_of_dossiers, 6, 15)))
    publishers.kpi_rollups_publish()
    start, end = date(year_of_dossiers, 1, 1), timezone.localdate()
    rolled = kpi_rollups(start, end)
    assert rolled is not None and rolled.months[-1] == date(year_of_dossiers, 5, 1)
    rows, when = kpis_rolled_up(start=start, end=end)
    assert when is not None
    _same(rows, kpis(start=start, end=end))


def _leader(user):
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get_or_create(user=user, name="app", confirmed=True)[0].persistent_id
    session.save()
    return client


def test_the_dashboard_reads_the_rollups_and_says_when(storage, year_of_dossiers, hp, dossier_factory):
    leader = _leader(hp.leader)
    period = {"tu": f"01/01/{year_of_dossiers}", "den": f"{timezone.localdate():%d/%m/%Y}"}
    live_page = leader.get("/mot-cua/chi-so/", period)
    assert live_page.status_code == 200 and live_page.context["rolled_up_at"] is None
    assert 'id="rolled-up"' not in live_page.content.decode()
    publishers.kpi_rollups_publish()
    page = leader.get("/mot-cua/chi-so/", period)
    assert page.status_code == 200 and page.context["rolled_up_at"] is not None
    assert 'id="rolled-up"' in page.content.decode()
    _same(page.context["rows"], live_page.context["rows"])
    # a dossier added afterwards in a closed month is not in the page until the next rollup: it reads the rollup
    at = datetime(year_of_dossiers, 3, 5, 9, tzinfo=HCM)
    dossier_factory(
        procedure=procedure_by_code("1.004873"),
        applicant=hp.mai,
        receiving_agency=hp.ward,
        created_at=at,
        submitted_at=at,
    )
    stale = leader.get("/mot-cua/chi-so/", period)
    assert stale.context["total"].received == page.context["total"].received
    live = kpis(start=date(year_of_dossiers, 1, 1), end=timezone.localdate())
    assert sum(r.received for r in live if r.agency_code == hp.ward.code) == stale.context["total"].received + 1
