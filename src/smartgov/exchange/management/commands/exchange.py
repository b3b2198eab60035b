"""``smartgov exchange …``: run the gateway, keep its message log, and manage clients' credentials.

    smartgov exchange serve [--host H] [--port 8443] [--workers 2] [--threads 32] [--plain]
                            [--client-cert optional|required]
    smartgov exchange ingest                 take journal lines into the message log now, sign full batches, seal
    smartgov exchange seal [--accept-break REASON]   a signed checkpoint of the message log, outside the database
    smartgov exchange verify                 prove the message log untouched (exit 1 at the first fault)
    smartgov exchange archive [--before YYYY-MM-DD] --out FILE.jsonl.gz
                                             export records past retention with their signed batches, then remove them
    smartgov exchange cert issue CLIENT --out DIR   a TLS client certificate from the platform's CA
    smartgov exchange cert renew SERIAL --out DIR   a new certificate for the same client
    smartgov exchange cert revoke SERIAL --reason TEXT
    smartgov exchange key issue CLIENT [--label TEXT]   an API key for an internal caller (shown once)
    smartgov exchange key revoke PREFIX

CLIENT is an X-Road client identifier, e.g. VN-HP/GOV/000.00.04.H31/HOTICH.
"""

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.progress import Progress

from smartgov.exchange import selectors
from smartgov.exchange import services as ex
from smartgov.exchange.domain.identifiers import client_id_parse
from smartgov.exchange.messagelog.seal import LogSealRefused, log_seal
from smartgov.exchange.messagelog.verify import log_verify
from smartgov.exchange.models import Subsystem
from smartgov.exchange.services.messagelog import log_archive, log_batches_sign, log_ingest


def _subsystem(text: str) -> Subsystem:
    client = client_id_parse(text)
    if client is None or client.instance != settings.SMARTGOV_EXCHANGE_INSTANCE:
        raise CommandError(f"{text!r} is not a client of instance {settings.SMARTGOV_EXCHANGE_INSTANCE}")
    found = selectors.subsystem_by_client(client)
    if found is None:
        raise CommandError(f"no subsystem {text}")
    return found


class Command(BaseCommand):
    help = "The data-exchange gateway: serve, message log, client certificates and keys."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        serve = sub.add_parser("serve", help="Run the gateway (HTTPS with client certificates by default).")
        serve.add_argument("--host", default="127.0.0.1")
        serve.add_argument("--port", type=int, default=8443)
        serve.add_argument("--threads", type=int, default=32, help="threads per worker process")
        serve.add_argument("--workers", type=int, default=2, help="server processes (one per core is a good start)")
        serve.add_argument("--plain", action="store_true", help="plain HTTP (a private interface, API keys only)")
        serve.add_argument("--client-cert", choices=["optional", "required"], default="optional")
        sub.add_parser("ingest", help="Take journal lines into the message log, sign full batches, seal.")
        seal = sub.add_parser("seal", help="Write a signed checkpoint of the message log outside the database.")
        seal.add_argument(
            "--accept-break",
            default="",
            metavar="REASON",
            help="seal the log as it is although it contradicts the newest checkpoint (after a restore)",
        )
        sub.add_parser("verify", help="Check the message log's chain, signatures and newest checkpoint.")
        archive = sub.add_parser("archive", help="Export and remove records older than the retention.")
        archive.add_argument("--before", type=date.fromisoformat)
        archive.add_argument("--out", type=Path, required=True)
        cert = sub.add_parser("cert", help="TLS client certificates.")
        cert_sub = cert.add_subparsers(dest="cert_action", required=True)
        issue = cert_sub.add_parser("issue")
        issue.add_argument("client")
        issue.add_argument("--out", type=Path, required=True)
        issue.add_argument("--days", type=int, default=365)
        renew = cert_sub.add_parser("renew")
        renew.add_argument("serial")
        renew.add_argument("--out", type=Path, required=True)
        renew.add_argument("--days", type=int, default=365)
        revoke = cert_sub.add_parser("revoke")
        revoke.add_argument("serial")
        revoke.add_argument("--reason", required=True)
        key = sub.add_parser("key", help="API keys for internal callers.")
        key_sub = key.add_subparsers(dest="key_action", required=True)
        key_issue = key_sub.add_parser("issue")
        key_issue.add_argument("client")
        key_issue.add_argument("--label", default="")
        key_revoke = key_sub.add_parser("revoke")
        key_revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console()
        action = options["action"]
        if action == "serve":
            self._serve(console, options)
        elif action == "ingest":
            added = log_ingest()
            console.print(f"{added} records taken into the message log, {log_batches_sign()} batches signed")
            self._seal(console, "")
        elif action == "seal":
            self._seal(console, options["accept_break"])
        elif action == "verify":
            self._verify(console)
        elif action == "archive":
            before = options["before"] or timezone.localdate() - timedelta(
                days=settings.SMARTGOV_EXCHANGE_RETENTION_DAYS
            )
            moved = log_archive(before=before, out=options["out"])
            console.print(f"{moved} records before {before} archived to {options['out']} and removed")
        elif action == "cert":
            self._cert(console, options)
        else:
            self._key(console, options)

    def _seal(self, console: Console, accept_break: str) -> None:
        try:
            checkpoint = log_seal(accept_break=accept_break)
        except LogSealRefused as exc:
            console.print(f"[red]Message log NOT sealed[/red] {exc}", highlight=False)
            raise SystemExit(1) from None
        if checkpoint is not None:
            console.print(f"message log sealed: {checkpoint.describe()}", highlight=False)

    def _verify(self, console: Console) -> None:
        total = selectors.message_records_count()
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("verifying", total=total)
            verdict = log_verify(progress=lambda n: progress.advance(task, n))
        if not verdict.ok:
            where = f"record {verdict.bad_record}" if verdict.bad_record is not None else "the head"
            console.print(f"[red]BROKEN[/red] at {where}: {verdict.reason}", highlight=False)
            raise SystemExit(1)
        for note in verdict.notes:
            console.print(f"note: {note}", highlight=False)
        against = f", against checkpoint {verdict.checkpoint}" if verdict.checkpoint is not None else ""
        console.print(f"OK: {verdict.records} records, {verdict.batches} signed batches, chain intact{against}")

    def _serve(self, console: Console, options: dict[str, Any]) -> None:
        from smartgov.exchange.gateway.server import gateway_run

        scheme = "http" if options["plain"] else "https"
        gateway_run(
            host=options["host"],
            port=options["port"],
            threads=options["threads"],
            tls=not options["plain"],
            client_cert=options["client_cert"],
            workers=max(1, options["workers"]),
            ready=lambda: console.print(
                f"gateway: {options['workers']} workers on {scheme}://{options['host']}:{options['port']}/r1/…",
                highlight=False,
            ),
        )

    def _cert(self, console: Console, options: dict[str, Any]) -> None:
        what = options["cert_action"]
        if what == "revoke":
            cert = selectors.certificate_by_serial(options["serial"].upper())
            if cert is None:
                raise CommandError(f"no certificate {options['serial']}")
            ex.certificate_revoke(actor=None, certificate=cert, reason=options["reason"])
            console.print(f"certificate {cert.serial} of {ex.client_text(cert.subsystem)} revoked")
            return
        if what == "issue":
            row, key_pem, cert_pem = ex.certificate_issue(
                actor=None, subsystem=_subsystem(options["client"]), days=options["days"]
            )
        else:
            old = selectors.certificate_by_serial(options["serial"].upper())
            if old is None:
                raise CommandError(f"no certificate {options['serial']}")
            row, key_pem, cert_pem = ex.certificate_renew(actor=None, certificate=old, days=options["days"])
        out = options["out"]
        ex.certificate_files_write(out, key_pem=key_pem, cert_pem=cert_pem)
        console.print(
            f"certificate {row.serial} for {ex.client_text(row.subsystem)}, valid until {row.not_after:%Y-%m-%d}: "
            f"{out}/client.pem, client.key.pem, ca.pem"
        )

    def _key(self, console: Console, options: dict[str, Any]) -> None:
        if options["key_action"] == "issue":
            row, key = ex.api_key_issue(actor=None, subsystem=_subsystem(options["client"]), label=options["label"])
            console.print(f"API key for {ex.client_text(row.subsystem)} (shown once, send it as X-SmartGov-Api-Key):")
            console.print(key, highlight=False)
            return
        found = selectors.api_key_active(options["prefix"])
        if found is None:
            raise CommandError(f"no active key {options['prefix']}")
        ex.api_key_revoke(actor=None, key=found)
        console.print(f"key {found.prefix}… revoked")
