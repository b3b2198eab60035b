"""Background jobs of the exchange: event deliveries, and shipping the message log into the database."""

import logging

from celery import shared_task

from smartgov.exchange.messagelog.seal import LogSealRefused, log_seal
from smartgov.exchange.services.events import deliveries_sweep, delivery_attempt
from smartgov.exchange.services.messagelog import log_batches_sign, log_ingest


@shared_task(name="exchange.deliver_event", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def deliver_event(delivery_id: int) -> str:
    """Send one event delivery. Failures are not retried here: the delivery records its back-off and the sweep
    sends it again when due (a second run of this task for a delivered delivery sends nothing)."""
    return delivery_attempt(delivery_id=delivery_id)


@shared_task(name="exchange.sweep_events", acks_late=True, ignore_result=True)
def sweep_events() -> int:
    """Send what is due: retries after their back-off, and what the on-commit hand-over missed (broker down)."""
    return deliveries_sweep()


@shared_task(name="exchange.ship_message_log", acks_late=True, ignore_result=True)
def ship_message_log() -> int:
    """Take this machine's gateway journals into the message log, sign the batches that are ready, and seal the
    log (a signed checkpoint outside the database). This is how the journals of the gateway served by the web
    workers (the front door) and of the platform's in-process calls get shipped: no web worker ships. A log that
    contradicts its last checkpoint is reported as an error, and not sealed."""
    added = log_ingest()
    log_batches_sign()
    try:
        log_seal()
    except LogSealRefused:
        logging.getLogger(__name__).exception("the message log was NOT sealed: run `smartgov exchange verify`")
    return added
