"""Taking journal lines into the database is a service (``smartgov.exchange.services.messagelog.log_ingest``:
every database write of the message log goes through the exchange's services). The name stays importable here for
the callers outside the exchange that still use it."""

from smartgov.exchange.services.messagelog import log_ingest

__all__ = ["log_ingest"]
