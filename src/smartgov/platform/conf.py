"""Settings of the shared kernel and its scheduled jobs (docs/kernel.md §1)."""

from pathlib import Path
from typing import Any

import environ

env = environ.Env()

#: The address citizens reach this installation at (links in documents and notifications).
SMARTGOV_SITE_URL = env.str("SMARTGOV_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
#: The product's own error pages even under DEBUG (``make demo`` sets it): a wrong address shows the site's 404 page,
#: not Django's list of every URL (platform.middleware.ProductNotFoundMiddleware).
SMARTGOV_PRODUCT_PAGES = env.bool("SMARTGOV_PRODUCT_PAGES", default=False)
#: Where SMS go: a class with ``send(to, text, reference)`` (platform/sms.py); the default only logs them.
SMARTGOV_SMS_BACKEND = env.str("SMARTGOV_SMS_BACKEND", default="smartgov.platform.sms.LoggingSmsBackend")
#: Signing certificates (platform/pki.py): the agencies' PKCS#12 files' passphrase and the trusted roots; the local
#: CA issues demo certificates (production.py turns it off unless set on purpose).
SMARTGOV_SIGNING_PASSPHRASE = env.str("SMARTGOV_SIGNING_PASSPHRASE", default="smartgov-demo-only")
SMARTGOV_SIGNING_TRUST_ROOTS: list[str] = env.list("SMARTGOV_SIGNING_TRUST_ROOTS", default=[])
SMARTGOV_PKI_LOCAL_CA = env.bool("SMARTGOV_PKI_LOCAL_CA", default=True)

#: The reverse proxies (addresses or networks, e.g. "127.0.0.1", "10.0.0.0/8") whose X-Forwarded-For is believed;
#: empty: none, the client's address is the connection's (platform/net.py; docs/deploy.md, "Reverse proxy").
SMARTGOV_TRUSTED_PROXIES: list[str] = env.list("SMARTGOV_TRUSTED_PROXIES", default=[])

# --- Files people give the platform (platform/files: what one inspection may cost) ---
#: Pages, indirect objects and inflated stream bytes a PDF may have; pixels an image may have; seconds one
#: inspection may take. Past any of them the file is refused.
SMARTGOV_FILE_MAX_PAGES = env.int("SMARTGOV_FILE_MAX_PAGES", default=500)
SMARTGOV_FILE_MAX_OBJECTS = env.int("SMARTGOV_FILE_MAX_OBJECTS", default=20_000)
SMARTGOV_FILE_MAX_INFLATED_BYTES = env.int("SMARTGOV_FILE_MAX_INFLATED_BYTES", default=256 * 1024 * 1024)
SMARTGOV_FILE_MAX_PIXELS = env.int("SMARTGOV_FILE_MAX_PIXELS", default=50_000_000)
SMARTGOV_FILE_MAX_SECONDS = env.float("SMARTGOV_FILE_MAX_SECONDS", default=5.0)

# --- Tamper-evident logs: the audit log and the message log (docs/events.md#audit-log-auditentry) ---
#: Chains the audit log is split into; concurrent writers take different chains, so they rarely wait on each other.
SMARTGOV_AUDIT_CHAINS = env.int("SMARTGOV_AUDIT_CHAINS", default=16)
#: HMAC-SHA256 key of the chains (base64, >= 32 bytes), the same on every host; empty: a key file made in
#: SMARTGOV_PKI_DIR (one host only; production requires the variable). Earlier keys, to verify older rows.
SMARTGOV_AUDIT_KEY = env.str("SMARTGOV_AUDIT_KEY", default="")
SMARTGOV_AUDIT_KEYS_RETIRED: list[str] = env.list("SMARTGOV_AUDIT_KEYS_RETIRED", default=[])
#: Ed25519 key signing the checkpoints (base64 of the 32-byte private key); empty: a key file in SMARTGOV_PKI_DIR.
#: The public keys of earlier signing keys (base64, 32 bytes), to verify older checkpoints.
SMARTGOV_AUDIT_SIGNING_KEY = env.str("SMARTGOV_AUDIT_SIGNING_KEY", default="")
SMARTGOV_AUDIT_SIGNING_KEYS_RETIRED: list[str] = env.list("SMARTGOV_AUDIT_SIGNING_KEYS_RETIRED", default=[])
#: An RFC 3161 time-stamping authority for the checkpoints (empty: none), and its root certificates (PEM files).
SMARTGOV_AUDIT_TSA_URL = env.str("SMARTGOV_AUDIT_TSA_URL", default="")
SMARTGOV_AUDIT_TSA_ROOTS: list[str] = env.list("SMARTGOV_AUDIT_TSA_ROOTS", default=[])

# --- Outbound HTTP (platform/outbound, docs/delivery.md) ---------------------------------------------------
#: An HTTP(S) or SOCKS proxy for outbound calls (e.g. "http://proxy.internal:3128"; empty: direct), and the hosts
#: (and their subdomains) reached without it.
SMARTGOV_OUTBOUND_PROXY = env.str("SMARTGOV_OUTBOUND_PROXY", default="")
SMARTGOV_OUTBOUND_NO_PROXY: list[str] = env.list("SMARTGOV_OUTBOUND_NO_PROXY", default=[])
#: Seconds to open a connection, and for the whole call (callers may ask for less or more).
SMARTGOV_OUTBOUND_CONNECT_TIMEOUT = env.float("SMARTGOV_OUTBOUND_CONNECT_TIMEOUT", default=5.0)
SMARTGOV_OUTBOUND_TIMEOUT = env.float("SMARTGOV_OUTBOUND_TIMEOUT", default=30.0)
#: The largest answer read (after decompression), in bytes.
SMARTGOV_OUTBOUND_MAX_BYTES = env.int("SMARTGOV_OUTBOUND_MAX_BYTES", default=10 * 1024 * 1024)
#: Retries of idempotent calls (GET, HEAD, OPTIONS, PUT, DELETE) after a connection failure or a 5xx answer.
SMARTGOV_OUTBOUND_RETRIES = env.int("SMARTGOV_OUTBOUND_RETRIES", default=2)
#: A CA bundle (PEM) for https calls instead of the system's (e.g. a government CA); empty: the system's.
SMARTGOV_OUTBOUND_CA_BUNDLE = env.str("SMARTGOV_OUTBOUND_CA_BUNDLE", default="")

# --- Form keys: one filled form acts once (platform/formkeys.py, docs/kernel.md §3) ---------------------------
#: Seconds a page's form key stays valid (older forms are refused and reloaded); its claims are purged after that.
SMARTGOV_FORM_KEY_TTL = env.int("SMARTGOV_FORM_KEY_TTL", default=24 * 3600)
#: Seconds a repeat of a form waits for the first POST's answer before answering 409.
SMARTGOV_FORM_KEY_WAIT = env.float("SMARTGOV_FORM_KEY_WAIT", default=5.0)
#: Seconds after which an unanswered claim counts as abandoned (its worker died): longer than any request lives.
SMARTGOV_FORM_KEY_STALE = env.int("SMARTGOV_FORM_KEY_STALE", default=120)

SCHEDULE = {
    "outbox-sweep": {"task": "smartgov.platform.tasks.outbox_sweep", "schedule": 30.0},
    "audit-seal": {"task": "smartgov.platform.tasks.audit_seal", "schedule": 60.0},
    "form-claims-purge": {"task": "smartgov.platform.tasks.form_claims_purge", "schedule": 3600.0},
}


def configure(settings: dict[str, Any]) -> dict[str, Any]:
    #: Where the agencies' signing certificates and the local CA live.
    var = Path(settings["VAR_DIR"])
    return {
        #: Networks a non-public address may be in for the platform's outbound calls (addresses or CIDR, e.g.
        #: "10.20.0.0/16"); everything else that is loopback, private, link-local, multicast or reserved is refused.
        #: The development defaults allow loopback (the demo's stand-ins are served by the platform itself).
        "SMARTGOV_OUTBOUND_ALLOW": env.list(
            "SMARTGOV_OUTBOUND_ALLOW", default=["127.0.0.0/8", "::1/128"] if settings["DEBUG"] else []
        ),
        "SMARTGOV_PKI_DIR": env.str("SMARTGOV_PKI_DIR", default=str(var / "pki")),
        #: Where the signed checkpoints are appended: outside the database, one place for the whole installation.
        "SMARTGOV_AUDIT_CHECKPOINT_DIR": env.str(
            "SMARTGOV_AUDIT_CHECKPOINT_DIR", default=str(var / "audit-checkpoints")
        ),
    }
