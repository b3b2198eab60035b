"""Background jobs of the warehouse: the nightly publishing of master data and of the one-stop shop's tables."""

from celery import shared_task

from smartgov.warehouse.masterdata import masterdata_load
from smartgov.warehouse.publishers import one_stop_publish


@shared_task(name="smartgov.warehouse.tasks.publish_nightly", acks_late=True, ignore_result=True)
def publish_nightly() -> int:
    """Every night: master data (a new version only where it changed), then the one-stop shop's dossiers and its
    monthly indicators (closed months once, the current month again). Returns the versions written. Running it
    twice writes the same content again: harmless."""
    written = sum(result.changed for result in masterdata_load().values())
    return written + sum(result is not None for result in one_stop_publish().values())
