"""The shipping thread of ``smartgov exchange serve``'s supervising process: journals into the database, batches
signed. Never started by a gateway itself, so never inside a web worker (the front door's gateway and the
platform's in-process calls are shipped by the Celery beat job ``exchange.ship_message_log``)."""

import logging
import threading

from django.db import close_old_connections

from smartgov.exchange.services.messagelog import log_batches_sign, log_ingest


class Shipper(threading.Thread):
    """Takes this machine's journals into the database every ``every`` seconds, and signs batches. Sealing
    (checkpoints) is left to one process for the whole installation: the periodic task."""

    def __init__(self, every: float = 0.5) -> None:
        super().__init__(name="exchange-log-shipper", daemon=True)
        self.every = every
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.every):
            try:
                close_old_connections()
                log_ingest()
                log_batches_sign()
            except Exception:  # the next round tries again; the journal keeps everything meanwhile
                logging.getLogger(__name__).exception("message log shipping failed; retrying")

    def stop(self) -> None:
        self.stopping.set()
