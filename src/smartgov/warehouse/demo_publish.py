"""The warehouse's publishing part of the demo: master data, then the one-stop shop's tables once the procedures
demo has made its dossiers. ``demo.py`` adds these to its ``STEPS`` (``STEPS += PUBLISH_STEPS``).

Loading twice changes nothing: master data is written only when its content changed, and the one-stop shop's
tables are published only when they have no version yet (the nightly task keeps them current afterwards)."""

from smartgov.platform.demo import DemoContext, DemoStep
from smartgov.warehouse.masterdata import masterdata_load
from smartgov.warehouse.models import Table
from smartgov.warehouse.publishers import ROLLUP_DATABASE, dossiers_publish, kpi_rollups_publish


def _masterdata(ctx: DemoContext) -> int:
    return sum(result.changed for result in masterdata_load().values())


def _published(code: str) -> bool:
    return Table.objects.filter(database__code=ROLLUP_DATABASE, code=code, current_version__isnull=False).exists()


def _one_stop(ctx: DemoContext) -> int:
    written = 0
    if not _published("ho_so"):
        dossiers_publish()
        written += 1
    if not _published("chi_so_766_thang") and kpi_rollups_publish() is not None:
        written += 1
    return written


PUBLISH_STEPS = [
    DemoStep("masterdata", _masterdata, after=("platform.locality",)),
    DemoStep(
        "one_stop", _one_stop, after=("warehouse.masterdata", "procedures.dossiers", "procedures.national_portal")
    ),
]
