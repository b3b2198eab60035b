"""Background jobs of the warehouse: the nightly publishing of master data and of the one-stop shop's tables;
executing an ingestion run, and the hourly pull of tables fed through the data-exchange gateway."""

from celery import shared_task

from smartgov.warehouse.masterdata import masterdata_load
from smartgov.warehouse.publishers import one_stop_publish
from smartgov.warehouse.services.ingestion import run_execute
from smartgov.warehouse.services.pull import pulls_due


@shared_task(name="smartgov.warehouse.tasks.publish_nightly", acks_late=True, ignore_result=True)
def publish_nightly() -> int:
    """Every night: master data (a new version only where it changed), then the one-stop shop's dossiers and its
    monthly indicators (closed months once, the current month again). Returns the versions written. Running it
    twice writes the same content again: harmless."""
    written = sum(result.changed for result in masterdata_load().values())
    return written + sum(result is not None for result in one_stop_publish().values())


@shared_task(name="warehouse.ingest_run", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def ingest_run(run_id: int) -> str:
    """Execute one queued run; a run already taken (a second delivery of the task) is left alone."""
    run = run_execute(run_id)
    return run.status if run is not None else "skipped"


@shared_task(name="warehouse.pull_due", acks_late=True, ignore_result=True)
def pull_due() -> int:
    """Pull every table whose ``pull_every_hours`` has elapsed since its last pull; the number of runs started."""
    return len(pulls_due())
