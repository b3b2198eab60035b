"""Settings of the shared kernel and its scheduled jobs (docs/kernel.md §1)."""

from pathlib import Path
from typing import Any

import environ

env = environ.Env()

#: The address citizens reach this installation at (links in documents and notifications).
SMARTGOV_SITE_URL = env.str("SMARTGOV_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
#: Where SMS go: a class with ``send(to, text, reference)`` (platform/sms.py); the default only logs them.
SMARTGOV_SMS_BACKEND = env.str("SMARTGOV_SMS_BACKEND", default="smartgov.platform.sms.LoggingSmsBackend")
#: Signing certificates (platform/pki.py): the agencies' PKCS#12 files' passphrase and the trusted roots; the local
#: CA issues demo certificates (production.py turns it off unless set on purpose).
SMARTGOV_SIGNING_PASSPHRASE = env.str("SMARTGOV_SIGNING_PASSPHRASE", default="smartgov-demo-only")
SMARTGOV_SIGNING_TRUST_ROOTS: list[str] = env.list("SMARTGOV_SIGNING_TRUST_ROOTS", default=[])
SMARTGOV_PKI_LOCAL_CA = env.bool("SMARTGOV_PKI_LOCAL_CA", default=True)

SCHEDULE = {
    "outbox-sweep": {"task": "smartgov.platform.tasks.outbox_sweep", "schedule": 30.0},
}


def configure(settings: dict[str, Any]) -> dict[str, Any]:
    #: Where the agencies' signing certificates and the local CA live.
    return {"SMARTGOV_PKI_DIR": env.str("SMARTGOV_PKI_DIR", default=str(Path(settings["VAR_DIR"]) / "pki"))}
