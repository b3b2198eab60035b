"""The background thread of a gateway process: journals into the database, batches signed."""

import logging
import threading

from django.db import close_old_connections

from smartgov.exchange.messagelog.batches import log_batches_sign
from smartgov.exchange.messagelog.ingest import log_ingest


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
