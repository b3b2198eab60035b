"""The message log: written to a journal before the gateway answers, then chained, signed and sealed.

- ``journal``: the hot path. ``Journal.write`` is one ``os.write`` of one JSON line to this process's journal
  file, opened with ``O_APPEND``: the line is in the operating system's hands before the client gets its
  answer, so a killed gateway (``kill -9``) loses no record of an answered request;
  ``SMARTGOV_EXCHANGE_JOURNAL_FSYNC=always`` also survives a power cut, at the cost of a disk flush per request.
- ``services.messagelog.log_ingest`` (every database write of the log is a service): run by the supervising
  process of ``smartgov exchange serve`` (``shipper``), the Celery beat job ``exchange.ship_message_log`` and
  ``smartgov exchange ingest`` — never by a web worker — it takes new lines into ``MessageRecord``: under the
  chain head's lock each record gets ``hash = HMAC-SHA256(previous hash | canonical content)`` (``chain``; the key
  is kept outside the database), and how far each journal file was read is saved in the same transaction, so a
  line is taken exactly once.
- ``batches``: the gateway's Ed25519 key and what it signs: runs of records (``services.messagelog.
  log_batches_sign``), RFC 3161 time-stamped when configured.
- ``seal``: signed checkpoints of the head, the anchor and the newest batch, outside the database (the platform's
  checkpoint store), so deleting the newest or the first records cannot go unnoticed.
- ``verify``: recomputes the chain, checks every signature and the newest checkpoint.
- ``archive``: the archive's file format (``services.messagelog.log_archive`` exports records past retention with
  their batches and removes them; the anchor moves, sealed).
"""
