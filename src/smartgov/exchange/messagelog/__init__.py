"""The message log: written to a journal before the gateway answers, then chained, signed and sealed.

- ``journal``: the hot path. ``Journal.write`` is one ``os.write`` of one JSON line to this process's journal
  file, opened with ``O_APPEND``: the line is in the operating system's hands before the client gets its
  answer, so a killed gateway (``kill -9``) loses no record of an answered request;
  ``SMARTGOV_EXCHANGE_JOURNAL_FSYNC=always`` also survives a power cut, at the cost of a disk flush per request.
- ``ingest``: a background thread of the gateway (``shipper``), the periodic task and ``smartgov exchange
  ingest`` take new lines into ``MessageRecord``: under the chain head's lock each record gets
  ``hash = HMAC-SHA256(previous hash | canonical content)`` (``chain``; the key is kept outside the database),
  and how far each journal file was read is saved in the same transaction, so a line is taken exactly once.
- ``batches``: runs of records signed with the gateway's Ed25519 key, RFC 3161 time-stamped when configured.
- ``seal``: signed checkpoints of the head, the anchor and the newest batch, outside the database (the platform's
  checkpoint store), so deleting the newest or the first records cannot go unnoticed.
- ``verify``: recomputes the chain, checks every signature and the newest checkpoint.
- ``archive``: records past retention exported with their batches and removed; the anchor moves, sealed.
"""
