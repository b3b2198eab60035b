"""Settings of the public services (docs/procedures.md) and their scheduled jobs (docs/kernel.md §1)."""

import hashlib
from typing import Any

import environ
from celery.schedules import crontab

env = environ.Env()

#: Largest document a dossier accepts (PDF, JPEG or PNG).
SMARTGOV_UPLOAD_MAX_BYTES = env.int("SMARTGOV_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
#: The catalog's Excel import (docs/procedures.md): the largest workbook accepted and the most procedures in one.
SMARTGOV_CATALOG_IMPORT_MAX_BYTES = env.int("SMARTGOV_CATALOG_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
SMARTGOV_CATALOG_IMPORT_MAX_ROWS = env.int("SMARTGOV_CATALOG_IMPORT_MAX_ROWS", default=5000)
#: National Public Service Portal synchronisation of status changes (empty: off). See procedures/handlers.py.
SMARTGOV_PORTAL_SYNC_URL = env.str("SMARTGOV_PORTAL_SYNC_URL", default="")
#: SMARTGOV_PORTAL_SYNC_SECRET and SMARTGOV_PORTAL_INTAKE_SERVICE (the portal's feed of dossiers, pulled through the
#: data-exchange gateway; empty: no intake, services/intake.py) are set in configure() below.
#: Dossiers taken per call to the portal's feed, and calls per run of the intake job.
SMARTGOV_PORTAL_INTAKE_BATCH = env.int("SMARTGOV_PORTAL_INTAKE_BATCH", default=20)
SMARTGOV_PORTAL_INTAKE_PAGES = env.int("SMARTGOV_PORTAL_INTAKE_PAGES", default=10)
#: Following a dossier by code + phone or personal ID: wrong tries allowed per dossier code and per address in a
#: window (services/tracking.py); past either, every try is refused with 429 until the window ends.
SMARTGOV_LOOKUP_TRIES_PER_CODE = env.int("SMARTGOV_LOOKUP_TRIES_PER_CODE", default=10)
SMARTGOV_LOOKUP_TRIES_PER_ADDRESS = env.int("SMARTGOV_LOOKUP_TRIES_PER_ADDRESS", default=30)
SMARTGOV_LOOKUP_WINDOW_SECONDS = env.int("SMARTGOV_LOOKUP_WINDOW_SECONDS", default=15 * 60)
#: How long the citizen's document store keeps each kind of document, in days (None: while the account exists).
SMARTGOV_DOCUMENT_RETENTION_DAYS: dict[str, int | None] = {"upload": 5 * 365, "result": None}

SCHEDULE = {
    "dossiers-due-soon": {"task": "smartgov.procedures.tasks.flag_due_soon", "schedule": 900.0},
    "portal-intake": {"task": "smartgov.procedures.tasks.portal_intake", "schedule": 60.0},
    "payments-reconcile": {
        "task": "smartgov.procedures.tasks.reconcile_yesterday",
        "schedule": crontab(hour=1, minute=30),
    },
    "documents-retention": {
        "task": "smartgov.procedures.tasks.purge_documents",
        "schedule": crontab(hour=2, minute=0),
    },
}


def configure(settings: dict[str, Any]) -> dict[str, Any]:
    """Payment gateways (procedures/gateways.py). The sandbox ("bank" = a page of this platform) is for the demo and
    the tests; production.py turns it off unless SMARTGOV_PAYMENT_SANDBOX=true is set on purpose.

    SMARTGOV_PAYMENT_GATEWAYS is a JSON list: {"kind": "redirect", "code", "label", "url", "merchant", "secret"} for a
    redirect gateway (e.g. the national payment platform), {"kind": "vietqr", "bank_bin", "bank_name",
    "account_number", "account_name", "secret"} for bank transfers to the agency's account. Empty with the sandbox
    on: a demo VietQR account."""
    sandbox = env.bool("SMARTGOV_PAYMENT_SANDBOX", default=True)
    sandbox_secret = env.str(
        "SMARTGOV_PAYMENT_SANDBOX_SECRET",
        default=hashlib.sha256(f"sandbox:{settings['SECRET_KEY']}".encode()).hexdigest(),
    )
    gateways: list[dict[str, str]] = env.json("SMARTGOV_PAYMENT_GATEWAYS", default=[])
    if sandbox and not gateways:
        gateways = [
            {
                "kind": "vietqr",
                "bank_bin": "970415",
                "bank_name": "VietinBank",
                "account_number": "3711000000001",
                "account_name": "KHO BAC NHA NUOC HAI PHONG (DEMO)",
                "secret": sandbox_secret,
            }
        ]
    standin = env.bool("SMARTGOV_PORTAL_STANDIN", default=settings["DEBUG"])
    return {
        #: The demo's stand-in for the National Public Service Portal (standin.py), never in production. With it,
        #: the intake reads its feed (registered in the gateway by the demo) and the status synchronisation signs
        #: with a key of its own; ``make demo`` points the synchronisation at it while the demo is served.
        "SMARTGOV_PORTAL_STANDIN": standin,
        "SMARTGOV_PORTAL_INTAKE_SERVICE": env.str(
            "SMARTGOV_PORTAL_INTAKE_SERVICE", default="VN-HP/GOV/000.00.00.G22/DVCQG/dossiers" if standin else ""
        ),
        "SMARTGOV_PORTAL_SYNC_SECRET": env.str(
            "SMARTGOV_PORTAL_SYNC_SECRET",
            default=hashlib.sha256(f"portal:{settings['SECRET_KEY']}".encode()).hexdigest() if standin else "",
        ),
        "SMARTGOV_PAYMENT_SANDBOX": sandbox,
        "SMARTGOV_PAYMENT_SANDBOX_SECRET": sandbox_secret,
        "SMARTGOV_PAYMENT_GATEWAYS": gateways,
    }
