"""Settings of the data-exchange gateway (LGSP, docs/exchange.md) and its scheduled jobs (docs/kernel.md §1)."""

from pathlib import Path
from typing import Any

import environ

env = environ.Env()

#: The X-Road instance this gateway belongs to (the first part of every identifier).
SMARTGOV_EXCHANGE_INSTANCE = env.str("SMARTGOV_EXCHANGE_INSTANCE", default="VN-HP")
#: Where the gateway writes its message journal before answering (taken into the database right after).
#: Keep the request and response bodies in the message log (digests are always kept).
SMARTGOV_EXCHANGE_LOG_BODIES = env.bool("SMARTGOV_EXCHANGE_LOG_BODIES", default=False)
#: 32-byte key, base64, to encrypt logged bodies with AES-GCM; empty: bodies kept as they are.
SMARTGOV_EXCHANGE_LOG_KEY = env.str("SMARTGOV_EXCHANGE_LOG_KEY", default="")
#: fsync the journal after every record ("always") or leave it to the OS ("never": survives a killed process,
#: not a power cut).
SMARTGOV_EXCHANGE_JOURNAL_FSYNC = env.str("SMARTGOV_EXCHANGE_JOURNAL_FSYNC", default="never")
#: The gateway's own TLS certificate and key (PEM), and the CA its clients' certificates must chain to; empty:
#: issued by / taken from the local CA.
SMARTGOV_EXCHANGE_TLS_CERT = env.str("SMARTGOV_EXCHANGE_TLS_CERT", default="")
SMARTGOV_EXCHANGE_TLS_KEY = env.str("SMARTGOV_EXCHANGE_TLS_KEY", default="")
SMARTGOV_EXCHANGE_TLS_CA = env.str("SMARTGOV_EXCHANGE_TLS_CA", default="")
#: The gateway the platform's own modules call through (services.client.GatewayClient); empty: the gateway in this
#: process, through its Python interface (same checks, same message log, no extra HTTP hop). The one-stop shop calls
#: as SMARTGOV_EXCHANGE_CLIENT with its API key (SMARTGOV_EXCHANGE_API_KEY, or the file VAR_DIR/exchange-client.key
#: that the demo writes).
SMARTGOV_EXCHANGE_URL = env.str("SMARTGOV_EXCHANGE_URL", default="").rstrip("/")
SMARTGOV_EXCHANGE_CLIENT = env.str("SMARTGOV_EXCHANGE_CLIENT", default="VN-HP/GOV/000.00.00.H31/MOTCUA")
SMARTGOV_EXCHANGE_API_KEY = env.str("SMARTGOV_EXCHANGE_API_KEY", default="")
#: The national population database's service, as the one-stop shop calls it.
SMARTGOV_EXCHANGE_POPULATION_SERVICE = env.str(
    "SMARTGOV_EXCHANGE_POPULATION_SERVICE", default="VN-HP/GOV/000.00.00.G01/CSDLQGDC/citizens"
)
SMARTGOV_EXCHANGE_MAX_BODY = env.int("SMARTGOV_EXCHANGE_MAX_BODY", default=10 * 1024 * 1024)
#: Requests per client subsystem per minute (0: no limit); counted in the cache (Redis in production).
SMARTGOV_EXCHANGE_RATE_LIMIT = env.int("SMARTGOV_EXCHANGE_RATE_LIMIT", default=6000)
#: Records per signed batch of the message log.
SMARTGOV_EXCHANGE_BATCH = env.int("SMARTGOV_EXCHANGE_BATCH", default=1000)
#: An RFC 3161 time-stamping authority for the message log's signed batches (empty: none), and the root
#: certificates (PEM files) its tokens must chain to for `smartgov exchange verify` to check their signatures.
SMARTGOV_EXCHANGE_TSA_URL = env.str("SMARTGOV_EXCHANGE_TSA_URL", default="")
SMARTGOV_EXCHANGE_TSA_ROOTS = env.list("SMARTGOV_EXCHANGE_TSA_ROOTS", default=[])
#: Message-log records older than this many days may be archived and removed (smartgov exchange archive).
SMARTGOV_EXCHANGE_RETENTION_DAYS = env.int("SMARTGOV_EXCHANGE_RETENTION_DAYS", default=180)

SCHEDULE = {
    "exchange-events-sweep": {"task": "exchange.sweep_events", "schedule": 30.0},
    # ships the journals of the gateway served by the web workers (the front door) and of the platform's in-process
    # calls, which never start a thread of their own; `smartgov exchange serve` also ships its workers' journals
    "exchange-message-log": {"task": "exchange.ship_message_log", "schedule": 60.0},
}


def configure(settings: dict[str, Any]) -> dict[str, Any]:
    var = Path(settings["VAR_DIR"])
    return {
        #: Networks the gateway's providers may be at besides public addresses (their addresses come from the
        #: registry): private networks by default, loopback too in development; never link-local (cloud metadata).
        "SMARTGOV_EXCHANGE_PROVIDER_ALLOW": env.list(
            "SMARTGOV_EXCHANGE_PROVIDER_ALLOW",
            default=["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]
            + (["127.0.0.0/8", "::1/128"] if settings["DEBUG"] else []),
        ),
        #: Where the gateway writes its message journal before answering (taken into the database right after).
        "SMARTGOV_EXCHANGE_JOURNAL_DIR": env.str(
            "SMARTGOV_EXCHANGE_JOURNAL_DIR", default=str(var / "exchange-journal")
        ),
        #: The one-stop shop's API key file, written by the demo (SMARTGOV_EXCHANGE_API_KEY wins when set).
        "SMARTGOV_EXCHANGE_KEY_FILE": env.str("SMARTGOV_EXCHANGE_KEY_FILE", default=str(var / "exchange-client.key")),
        #: Serve the demo's stand-in for the national population database at /mo-phong/csdl-dan-cu/ (never in
        #: production: production.py turns it off and refuses to start with it on).
        "SMARTGOV_EXCHANGE_DEMO_PROVIDER": env.bool("SMARTGOV_EXCHANGE_DEMO_PROVIDER", default=settings["DEBUG"]),
    }
