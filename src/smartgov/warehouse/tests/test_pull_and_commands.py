"""Tables fed through the data-exchange gateway (services/pull.py, ``smartgov warehouse_pull``, the hourly task) and
``smartgov warehouse_load``: a provider registered in the exchange answers JSON rows through the gateway, the answer
is kept as the run's original and loaded; a refused call is a failed run; the schedule pulls only what is due."""

import json
import threading
from datetime import timedelta
from io import StringIO

import pytest
from cheroot import wsgi
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from smartgov.exchange import services as ex
from smartgov.platform.errors import Unavailable
from smartgov.warehouse.engine.storage import storage_from_settings
from smartgov.warehouse.models import IngestionRun, Table
from smartgov.warehouse.services.pull import pull_run, pull_target, pulls_due
from smartgov.warehouse.tasks import pull_due
from smartgov.warehouse.tests.loads import messy_csv

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def english():
    """The messages are checked in English (the platform answers in Vietnamese by default)."""
    with translation.override("en"):
        yield


ROWS = [{"phuong": "Lê Chân", "nam": 2025, "so_ca": 120}, {"phuong": "Ngô Quyền", "nam": 2025, "so_ca": 98}]
OPENAPI = {
    "openapi": "3.0.3",
    "info": {"title": "Thống kê hộ tịch", "version": "1"},
    "paths": {"/thong-ke": {"get": {"responses": {"200": {"description": "Số liệu"}}}}},
}


def statistics_app(environ, start_response):
    """The provider: the Department of Justice's statistics service."""
    if environ["PATH_INFO"] != "/thong-ke":
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [b"{}"]
    start_response("200 OK", [("Content-Type", "application/json; charset=utf-8")])
    return [json.dumps(ROWS, ensure_ascii=False).encode()]


@pytest.fixture
def provider(exchange, exchange_one_stop, ops):
    """The statistics service registered behind the gateway, the platform (one-stop shop client) allowed to call it,
    and the statistics table pulled from it every 6 hours."""
    server = wsgi.Server(("127.0.0.1", 0), statistics_app, numthreads=2)
    server.prepare()
    threading.Thread(target=server.serve, daemon=True).start()
    justice = ex.member_register(actor=None, member_class="GOV", code="000.00.04.H31", name="Sở Tư pháp")
    system = ex.subsystem_register(actor=None, member=justice, code="THONGKE", name="Thống kê")
    service = ex.service_register(
        actor=None, provider=system, code="statistics", title="Thống kê", url=f"http://127.0.0.1:{server.bind_addr[1]}",
        openapi=OPENAPI,
    )  # fmt: skip
    ex.access_grant(actor=None, service=service, subsystem=exchange_one_stop)
    ex.registry_forget()
    Table.objects.filter(pk=ops.statistics.pk).update(
        pull_service="VN-HP/GOV/000.00.04.H31/THONGKE/statistics/thong-ke", pull_every_hours=6, source="pull"
    )
    ops.statistics.refresh_from_db()
    yield ops
    server.stop()


def test_the_pull_target_splits_the_service_from_its_path():
    assert pull_target("VN-HP/GOV/000.00.04.H31/THONGKE/statistics/thong-ke") == (
        "VN-HP/GOV/000.00.04.H31/THONGKE/statistics",
        "/thong-ke",
    )
    for bad in ("VN-HP/GOV", "VN-HP/GOV/x/y/z/../../etc"):
        with pytest.raises(Exception, match="not valid"):
            pull_target(bad)


def test_a_pull_through_the_gateway_is_kept_and_loaded(provider):
    run = pull_run(actor=provider.steward, table=provider.statistics)
    run.refresh_from_db()
    assert (run.kind, run.format, run.status, run.rows_accepted) == ("pull", "json", "succeeded", 2), run.error
    with storage_from_settings().open(run.original_uri) as original:
        assert json.loads(original.read()) == ROWS
    provider.statistics.refresh_from_db()
    assert provider.statistics.current_version == run.version and provider.statistics.rows == 2
    with pytest.raises(Exception, match="data steward"):
        pull_run(actor=provider.officer, table=provider.statistics)


def test_a_refused_pull_is_a_failed_run(provider):
    Table.objects.filter(pk=provider.statistics.pk).update(
        pull_service="VN-HP/GOV/000.00.04.H31/THONGKE/statistics/khong-co"
    )
    provider.statistics.refresh_from_db()
    with pytest.raises(Unavailable):
        pull_run(actor=None, table=provider.statistics)
    failed = IngestionRun.objects.get()
    assert failed.status == "failed" and "404" in failed.error


def test_the_schedule_pulls_only_what_is_due(provider):
    assert pull_due() == 1  # never pulled: due
    assert pull_due() == 0  # pulled a moment ago
    later = timezone.now() + timedelta(hours=7)
    assert len(pulls_due(now=later)) == 1


def test_the_pull_command_prints_the_report(provider):
    out = StringIO()
    call_command("warehouse_pull", "ho_tich.thong_ke", stdout=out)
    assert IngestionRun.objects.get().status == "succeeded"


def test_the_load_command_loads_with_a_report(ops, tmp_path, capsys):
    source = tmp_path / "khai_sinh.csv"
    source.write_bytes(messy_csv())
    call_command("warehouse_load", "ho_tich.khai_sinh", str(source), "--as", ops.steward.username)
    printed = capsys.readouterr().out
    assert "8 rows read, 3 accepted, 5 rejected" in printed and "31/02/2025" in printed
    run = IngestionRun.objects.get()
    assert run.started_by == ops.steward and run.version == 0
    call_command("warehouse_load", "ho_tich.khai_sinh", str(source), "--append")
    assert IngestionRun.objects.filter(mode="append", status="succeeded").exists()
    with pytest.raises(CommandError, match="data steward"):
        call_command("warehouse_load", "ho_tich.khai_sinh", str(source), "--as", ops.officer.username)
    with pytest.raises(CommandError, match="No table"):
        call_command("warehouse_load", "ho_tich.khong_co", str(source))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match=r"empty|rỗng"):
        call_command("warehouse_load", "ho_tich.khai_sinh", str(empty))
