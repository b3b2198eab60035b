"""``smartgov audit …``: the audit log's keyed chains and their signed checkpoints.

smartgov audit verify                  prove the log (key, chains, newest checkpoint); exit 1 at the first fault
smartgov audit seal [--accept-break R] write a signed checkpoint outside the database (Celery beat: every minute)
smartgov audit tail [-n 20]            the newest rows
smartgov audit keys [--new]            the key ids and the checkpoints' public key; --new: fresh keys to set
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from smartgov.platform.chainkey import chain_keys, key_id, key_new
from smartgov.platform.checkpoints import public_key_id, public_key_text, signing_key, signing_key_new
from smartgov.platform.models import AuditEntry
from smartgov.platform.selectors.audit import audit_tail, audit_verify
from smartgov.platform.services.audit_seal import AuditSealRefused, audit_seal


class Command(BaseCommand):
    help = "The audit log: verify it, seal it with a signed checkpoint, show its newest rows, show its keys."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Check every chain and the newest checkpoint; exit 1 at the first fault.")
        seal = sub.add_parser("seal", help="Write a signed checkpoint of every chain's head.")
        seal.add_argument(
            "--accept-break",
            default="",
            metavar="REASON",
            help="seal the database as it is although it contradicts the newest checkpoint (after a restore)",
        )
        tail = sub.add_parser("tail", help="Show the newest rows.")
        tail.add_argument("-n", type=int, default=20)
        keys = sub.add_parser("keys", help="Show the key ids and the checkpoints' public key.")
        keys.add_argument("--new", action="store_true", help="print fresh keys for the environment")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console()
        action = options["action"]
        if action == "tail":
            self._tail(console, options["n"])
        elif action == "keys":
            self._keys(console, options["new"])
        elif action == "seal":
            try:
                checkpoint = audit_seal(accept_break=options["accept_break"])
            except AuditSealRefused as exc:
                where = f" at {exc.where}" if exc.where else ""
                raise CommandError(f"Audit log NOT sealed{where}: {exc.reason}") from None
            if checkpoint is None:
                console.print("Nothing new since the last checkpoint.")
            else:
                stamped = ", time-stamped" if checkpoint.timestamp else ""
                console.print(f"Audit log sealed: {checkpoint.describe()}{stamped}.", highlight=False)
        else:
            self._verify(console, options["verbosity"])

    def _verify(self, console: Console, verbosity: int) -> None:
        total = AuditEntry.objects.count()
        with Progress(console=console, disable=verbosity == 0, transient=True) as progress:
            bar = progress.add_task("Verifying the audit chains", total=total)
            result = audit_verify(progress=lambda n: progress.advance(bar, n))
        if not result.ok:
            raise CommandError(f"Audit log BROKEN at {result.where()}: {result.reason}")
        for note in result.notes:
            console.print(f"[yellow]note[/yellow]: {note}", highlight=False)
        against = f", against checkpoint {result.checkpoint}" if result.checkpoint is not None else ""
        console.print(f"[green]Audit log intact[/green]: {result.checked} rows verified{against}.", highlight=False)

    def _tail(self, console: Console, limit: int) -> None:
        table = Table("id", "chain/seq", "time", "actor", "action", "object")
        for entry in audit_tail(limit=limit):
            table.add_row(
                str(entry.id),
                f"{entry.chain}/{entry.seq}" if entry.chain is not None else "legacy",
                entry.occurred_at.isoformat(timespec="seconds"),
                entry.actor_label,
                entry.action,
                f"{entry.object_type}:{entry.object_id}",
            )
        console.print(table)

    def _keys(self, console: Console, new: bool) -> None:
        if new:
            console.print(f"SMARTGOV_AUDIT_KEY={key_new()}", highlight=False)
            console.print(f"SMARTGOV_AUDIT_SIGNING_KEY={signing_key_new()}", highlight=False)
            return
        current, *retired = chain_keys()
        console.print(f"chain key (HMAC): {key_id(current)}; retired: {', '.join(map(key_id, retired)) or '-'}")
        public = signing_key().public_key()
        console.print(f"checkpoint signing key: {public_key_id(public)}; public key: {public_key_text(public)}")
